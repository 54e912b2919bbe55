#include "store/forwardstore.h"

#include "store/credentialstore.h"

#include <algorithm>
#include <tuple>

namespace tap::store {

using core::Result;

Result<std::optional<ForwardStore::Link>>
ForwardStore::link(const QString &teamId, const QString &homeTeamId, const QString &agentId)
{
    auto q = m_db.exec(QStringLiteral("SELECT role_name FROM agent_team_links WHERE team_id = ? "
                                      "AND agent_home_team_id = ? AND agent_id = ?"),
                       { teamId, homeTeamId, agentId });
    if (!q)
        return q.error();
    if (!q->next())
        return std::optional<Link>();
    return std::optional<Link>(Link{ q->value(0).toString() });
}

Result<QStringList> ForwardStore::strings(const QString &sql, const QVariantList &binds)
{
    auto q = m_db.exec(sql, binds);
    if (!q)
        return q.error();
    QStringList out;
    while (q->next())
        out << q->value(0).toString();
    return out;
}

Result<QList<QPair<QString, int>>> ForwardStore::heldRoles(const QString &teamId,
                                                           const Asker &asker)
{
    QList<QPair<QString, int>> out;
    if (asker.linkRole && asker.linkRole->isEmpty())
        return out;
    auto q = asker.linkRole
            ? m_db.exec(QStringLiteral("SELECT name, rate_limit_per_hour FROM roles WHERE "
                                       "team_id = ? AND name = ?"),
                        { teamId, *asker.linkRole })
            : m_db.exec(QStringLiteral("SELECT r.name, r.rate_limit_per_hour FROM roles r JOIN "
                                       "agent_roles ar ON ar.team_id = r.team_id AND "
                                       "ar.role_name = r.name WHERE ar.team_id = ? AND "
                                       "ar.agent_id = ? ORDER BY r.name"),
                        { teamId, asker.agentId });
    if (!q)
        return q.error();
    while (q->next())
        out.append({ q->value(0).toString(), q->value(1).isNull() ? -1 : q->value(1).toInt() });
    return out;
}

Result<QList<Grant>> ForwardStore::candidates(const QString &teamId, const Asker &asker,
                                              const QString &name)
{
    auto held = heldRoles(teamId, asker);
    if (!held)
        return held.error();
    QHash<QString, int> limits;
    for (const auto &[role, limit] : held.value())
        limits.insert(role, limit);
    const bool linked = asker.linkRole.has_value();
    auto direct = linked ? strings(QStringLiteral("SELECT credential_id FROM link_credentials "
                                                  "WHERE team_id = ? AND agent_home_team_id = ? "
                                                  "AND agent_id = ?"),
                                   { teamId, asker.homeTeamId, asker.agentId })
                         : strings(QStringLiteral("SELECT credential_id FROM agent_credentials "
                                                  "WHERE team_id = ? AND agent_id = ?"),
                                   { teamId, asker.agentId });
    if (!direct)
        return direct.error();
    QMultiHash<QString, QString> roleGrants; // credential id -> held role granting it
    auto rc = m_db.exec(QStringLiteral("SELECT credential_id, role_name FROM role_credentials "
                                       "WHERE team_id = ? ORDER BY role_name"),
                        { teamId });
    if (!rc)
        return rc.error();
    while (rc->next()) {
        if (limits.contains(rc->value(1).toString()))
            roleGrants.insert(rc->value(0).toString(), rc->value(1).toString());
    }
    const QString agentScope = linked ? asker.homeTeamId + u'/' + asker.agentId : asker.agentId;
    QVariantList binds{ teamId, agentScope };
    if (!name.isEmpty())
        binds << name;
    auto q = m_db.exec(QStringLiteral("SELECT ") + credentialColumns(QString())
                               + QStringLiteral(" FROM credentials WHERE team_id = ? AND "
                                                "(scope_kind <> 'agent' OR scope_id = ?)")
                               + (name.isEmpty() ? QString() : QStringLiteral(" AND name = ?"))
                               + QStringLiteral(" ORDER BY name, scope_kind, scope_id"),
                       binds);
    if (!q)
        return q.error();
    QList<Grant> out;
    while (q->next()) {
        Grant g;
        g.credential = readCredentialRow(*q);
        const QString &kind = g.credential.scopeKind;
        if (kind == u"role") {
            if (!limits.contains(g.credential.scopeId))
                continue; // a role the agent does not hold
            g.roles.append({ g.credential.scopeId, limits.value(g.credential.scopeId) });
        } else if (kind == u"agent") {
            g.direct = true;
        } else {
            g.direct = direct->contains(g.credential.id);
            QStringList granting = roleGrants.values(g.credential.id);
            granting.sort();
            for (const QString &role : std::as_const(granting))
                g.roles.append({ role, limits.value(role) });
        }
        out.append(g);
    }
    return out;
}

Result<QList<QPair<QString, QString>>> ForwardStore::linkedTeams(const QString &homeTeamId,
                                                                 const QString &agentId)
{
    auto q = m_db.exec(QStringLiteral("SELECT team_id, role_name FROM agent_team_links WHERE "
                                      "agent_home_team_id = ? AND agent_id = ? "
                                      "ORDER BY created_at"),
                       { homeTeamId, agentId });
    if (!q)
        return q.error();
    QList<QPair<QString, QString>> out;
    while (q->next())
        out.append({ q->value(0).toString(), q->value(1).toString() });
    return out;
}

Result<QString> ForwardStore::teamName(const QString &teamId)
{
    auto q = m_db.exec(QStringLiteral("SELECT name FROM teams WHERE id = ?"), { teamId });
    if (!q)
        return q.error();
    return q->next() ? q->value(0).toString() : QString();
}

Result<qint64> RateLimitStore::admit(QList<Bucket> buckets, qint64 now)
{
    // One order for every request, so that two requests sharing buckets (an agent's own one and
    // different roles' ones) take their PostgreSQL locks in the same order.
    std::sort(buckets.begin(), buckets.end(), [](const Bucket &a, const Bucket &b) {
        return std::tie(a.teamId, a.key) < std::tie(b.teamId, b.key);
    });
    qint64 retryAfter = 0;
    auto r = m_db.transaction([&]() -> Result<void> {
        for (const Bucket &b : std::as_const(buckets)) {
            if (m_db.backend() == Backend::Postgres) {
                // Serialise check-and-insert per bucket across processes.
                auto lock = m_db.exec(QStringLiteral("SELECT pg_advisory_xact_lock(hashtext(?))"),
                                      { QString(b.teamId + u'|' + b.key) });
                if (!lock)
                    return lock.error();
            }
            auto prune = m_db.exec(QStringLiteral("DELETE FROM rate_limit_hits WHERE team_id = ? "
                                                  "AND bucket = ? AND at_ms <= ?"),
                                   { b.teamId, b.key, now - kWindowMs });
            if (!prune)
                return prune.error();
            auto q = m_db.exec(QStringLiteral("SELECT COUNT(*), MIN(at_ms) FROM rate_limit_hits "
                                              "WHERE team_id = ? AND bucket = ?"),
                               { b.teamId, b.key });
            if (!q)
                return q.error();
            q->next();
            if (q->value(0).toInt() >= b.limit)
                retryAfter = qMax(retryAfter, q->value(1).toLongLong() + kWindowMs - now);
        }
        if (retryAfter > 0)
            return {}; // nothing recorded: a refused request does not use up the limit
        for (const Bucket &b : std::as_const(buckets)) {
            auto ins = m_db.exec(QStringLiteral("INSERT INTO rate_limit_hits (team_id, bucket, "
                                                "at_ms) VALUES (?, ?, ?)"),
                                 { b.teamId, b.key, now });
            if (!ins)
                return ins.error();
        }
        return {};
    });
    if (!r)
        return r.error();
    return retryAfter;
}

} // namespace tap::store
