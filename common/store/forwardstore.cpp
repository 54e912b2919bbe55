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

Result<QList<Grant>> ForwardStore::grants(const QString &sql, const QVariantList &binds,
                                          const QString &roleSql, const QVariantList &roleBinds,
                                          bool directFromQuery)
{
    auto q = m_db.exec(sql, binds);
    if (!q)
        return q.error();
    QList<Grant> out;
    while (q->next()) {
        Grant g;
        g.credential = readCredentialRow(*q);
        g.direct = directFromQuery && q->value(15).toInt() != 0;
        out.append(g);
    }
    for (Grant &g : out) {
        QVariantList b = roleBinds;
        b << g.credential.id;
        auto r = m_db.exec(roleSql, b);
        if (!r)
            return r.error();
        while (r->next())
            g.roles.append(
                    { r->value(0).toString(), r->value(1).isNull() ? -1 : r->value(1).toInt() });
    }
    return out;
}

Result<QList<Grant>> ForwardStore::homeGrants(const QString &teamId, const QString &agentId)
{
    return grants(QStringLiteral("SELECT ") + credentialColumns(QStringLiteral("c"))
                          + QStringLiteral(", (SELECT COUNT(*) FROM agent_credentials ac WHERE "
                                           "ac.team_id = c.team_id AND "
                                           "ac.agent_id = ? AND ac.credential_id = c.id) FROM "
                                           "credentials c WHERE c.team_id = ? "
                                           "AND c.scope_kind = 'team' AND (c.id IN (SELECT "
                                           "credential_id FROM agent_credentials "
                                           "WHERE team_id = ? AND agent_id = ?) OR c.id IN (SELECT "
                                           "rc.credential_id FROM "
                                           "role_credentials rc JOIN agent_roles ar ON ar.team_id "
                                           "= rc.team_id AND ar.role_name = "
                                           "rc.role_name WHERE ar.team_id = ? AND ar.agent_id = "
                                           "?)) ORDER BY c.name"),
                  { agentId, teamId, teamId, agentId, teamId, agentId },
                  QStringLiteral("SELECT r.name, r.rate_limit_per_hour FROM roles r JOIN "
                                 "agent_roles ar ON ar.team_id = r.team_id "
                                 "AND ar.role_name = r.name JOIN role_credentials rc ON rc.team_id "
                                 "= r.team_id AND rc.role_name = "
                                 "r.name WHERE r.team_id = ? AND ar.agent_id = ? AND "
                                 "rc.credential_id = ? ORDER BY r.name"),
                  { teamId, agentId }, true);
}

Result<std::optional<Grant>> ForwardStore::homeGrant(const QString &teamId, const QString &agentId,
                                                     const QString &credential)
{
    auto all = homeGrants(teamId, agentId);
    if (!all)
        return all.error();
    for (const Grant &g : all.value()) {
        if (g.credential.name == credential)
            return std::optional<Grant>(g);
    }
    return std::optional<Grant>();
}

Result<QList<Grant>> ForwardStore::roleGrants(const QString &teamId, const QString &role)
{
    return grants(QStringLiteral("SELECT ") + credentialColumns(QStringLiteral("c"))
                          + QStringLiteral(", 0 FROM credentials c JOIN role_credentials rc ON "
                                           "rc.team_id = c.team_id AND "
                                           "rc.credential_id = c.id WHERE c.team_id = ? AND "
                                           "rc.role_name = ? AND c.scope_kind = "
                                           "'team' ORDER BY c.name"),
                  { teamId, role },
                  QStringLiteral("SELECT r.name, r.rate_limit_per_hour FROM roles r JOIN "
                                 "role_credentials rc ON rc.team_id = "
                                 "r.team_id AND rc.role_name = r.name WHERE r.team_id = ? AND "
                                 "r.name = ? AND rc.credential_id = ?"),
                  { teamId, role }, false);
}

Result<std::optional<Grant>> ForwardStore::roleGrant(const QString &teamId, const QString &role,
                                                     const QString &credential)
{
    auto all = roleGrants(teamId, role);
    if (!all)
        return all.error();
    for (const Grant &g : all.value()) {
        if (g.credential.name == credential)
            return std::optional<Grant>(g);
    }
    return std::optional<Grant>();
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
