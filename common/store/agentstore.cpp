#include "store/agentstore.h"

namespace tap::store {

using core::Error;
using core::ErrorCode;
using core::Result;

namespace {

QVariant limitValue(int limit)
{
    return limit > 0 ? QVariant(limit) : QVariant();
}

int readLimit(const QVariant &v)
{
    return v.isNull() ? -1 : v.toInt();
}

} // namespace

Result<QStringList> AgentStore::strings(const QString &sql, const QVariantList &binds)
{
    auto q = m_db.exec(sql, binds);
    if (!q)
        return q.error();
    QStringList out;
    while (q->next())
        out << q->value(0).toString();
    return out;
}

Result<QString> AgentStore::credentialId(const QString &teamId, const QString &name)
{
    auto q = m_db.exec(QStringLiteral("SELECT id FROM credentials WHERE team_id = ? AND name = ? "
                                      "AND scope_kind = 'team'"),
                       { teamId, name });
    if (!q)
        return q.error();
    if (!q->next())
        return Error(ErrorCode::InvalidRequest,
                     QStringLiteral("Unknown credential \"%1\".").arg(name));
    return q->value(0).toString();
}

// Replaces the credentials granted to one owner (an agent or a role) by the named ones.
// `table` and `ownerColumn` are fixed identifiers from the two callers, never input.
Result<void> AgentStore::replaceCredentialGrants(const QString &table, const QString &ownerColumn,
                                                 const QString &teamId, const QString &owner,
                                                 const QStringList &names)
{
    if (auto r = m_db.exec(QStringLiteral("DELETE FROM %1 WHERE team_id = ? AND %2 = ?")
                                   .arg(table, ownerColumn),
                           { teamId, owner });
        !r)
        return r.error();
    for (const QString &name : names) {
        auto id = credentialId(teamId, name);
        if (!id)
            return id.error();
        if (auto r = m_db.exec(QStringLiteral("INSERT INTO %1 (team_id, %2, credential_id) "
                                              "VALUES (?, ?, ?)")
                                       .arg(table, ownerColumn),
                               { teamId, owner, id.value() });
            !r)
            return r.error();
    }
    return {};
}

Result<void> AgentStore::setAgentCredentials(const QString &teamId, const QString &agentId,
                                             const QStringList &names)
{
    return replaceCredentialGrants(QStringLiteral("agent_credentials"), QStringLiteral("agent_id"),
                                   teamId, agentId, names);
}

Result<void> AgentStore::setAgentRoles(const QString &teamId, const QString &agentId,
                                       const QStringList &roles)
{
    if (auto r = m_db.exec(
                QStringLiteral("DELETE FROM agent_roles WHERE team_id = ? AND agent_id = ?"),
                { teamId, agentId });
        !r)
        return r.error();
    for (const QString &role : roles) {
        auto exists =
                m_db.exec(QStringLiteral("SELECT 1 FROM roles WHERE team_id = ? AND name = ?"),
                          { teamId, role });
        if (!exists)
            return exists.error();
        if (!exists->next())
            return Error(ErrorCode::InvalidRequest,
                         QStringLiteral("Unknown role \"%1\".").arg(role));
        if (auto r = m_db.exec(QStringLiteral("INSERT INTO agent_roles (team_id, agent_id, "
                                              "role_name) VALUES (?, ?, ?)"),
                               { teamId, agentId, role });
            !r)
            return r.error();
    }
    return {};
}

Result<void> AgentStore::setRoleCredentials(const QString &teamId, const QString &role,
                                            const QStringList &names)
{
    return replaceCredentialGrants(QStringLiteral("role_credentials"), QStringLiteral("role_name"),
                                   teamId, role, names);
}

Result<void> AgentStore::createAgent(const AgentRow &a, const QString &apiKeyHash)
{
    if (a.instanceId.isEmpty())
        return Error(ErrorCode::Internal, QStringLiteral("An agent needs an instance id."));
    return m_db.transaction([&]() -> Result<void> {
        auto r = m_db.exec(QStringLiteral("INSERT INTO agents (team_id, id, description, "
                                          "api_key_hash, enabled, rate_limit_per_hour, "
                                          "instance_id, created_by, created_at, updated_at) "
                                          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                           { a.teamId, a.id, a.description, apiKeyHash, a.enabled ? 1 : 0,
                             limitValue(a.rateLimitPerHour), a.instanceId,
                             a.createdBy.isEmpty() ? QVariant() : QVariant(a.createdBy),
                             a.createdAt, a.updatedAt });
        if (!r)
            return r.error().code() == ErrorCode::Conflict
                    ? Error(ErrorCode::Conflict,
                            QStringLiteral("An agent named \"%1\" already exists.").arg(a.id))
                    : r.error();
        if (auto c = setAgentCredentials(a.teamId, a.id, a.credentials); !c)
            return c;
        return setAgentRoles(a.teamId, a.id, a.roles);
    });
}

Result<QList<AgentRow>> AgentStore::agents(const QString &teamId)
{
    const auto ids = strings(QStringLiteral("SELECT id FROM agents WHERE team_id = ? ORDER BY id"),
                             { teamId });
    if (!ids)
        return ids.error();
    QList<AgentRow> out;
    for (const QString &id : ids.value()) {
        auto a = agent(teamId, id);
        if (!a)
            return a.error();
        if (a.value())
            out.append(*a.value());
    }
    return out;
}

Result<std::optional<AgentRow>> AgentStore::agent(const QString &teamId, const QString &agentId)
{
    auto q = m_db.exec(QStringLiteral("SELECT description, enabled, rate_limit_per_hour, "
                                      "created_at, updated_at, instance_id, created_by "
                                      "FROM agents "
                                      "WHERE team_id = ? AND id = ?"),
                       { teamId, agentId });
    if (!q)
        return q.error();
    if (!q->next())
        return std::optional<AgentRow>();
    AgentRow a;
    a.teamId = teamId;
    a.id = agentId;
    a.description = q->value(0).toString();
    a.enabled = q->value(1).toInt() != 0;
    a.rateLimitPerHour = readLimit(q->value(2));
    a.createdAt = q->value(3).toLongLong();
    a.updatedAt = q->value(4).toLongLong();
    a.instanceId = q->value(5).toString();
    a.createdBy = q->value(6).toString();
    auto creds = strings(QStringLiteral("SELECT c.name FROM agent_credentials ac JOIN credentials "
                                        "c ON c.team_id = ac.team_id "
                                        "AND c.id = ac.credential_id WHERE ac.team_id = ? AND "
                                        "ac.agent_id = ? ORDER BY c.name"),
                         { teamId, agentId });
    if (!creds)
        return creds.error();
    auto roles = strings(QStringLiteral("SELECT role_name FROM agent_roles WHERE team_id = ? AND "
                                        "agent_id = ? ORDER BY role_name"),
                         { teamId, agentId });
    if (!roles)
        return roles.error();
    a.credentials = creds.value();
    a.roles = roles.value();
    return std::optional<AgentRow>(a);
}

Result<void> AgentStore::updateAgent(const AgentRow &a, bool setCredentials, bool setRoles)
{
    return m_db.transaction([&]() -> Result<void> {
        auto r = m_db.exec(
                QStringLiteral("UPDATE agents SET description = ?, rate_limit_per_hour = ?, "
                               "updated_at = ? "
                               "WHERE team_id = ? AND id = ?"),
                { a.description, limitValue(a.rateLimitPerHour), a.updatedAt, a.teamId, a.id });
        if (!r)
            return r.error();
        if (setCredentials) {
            if (auto c = setAgentCredentials(a.teamId, a.id, a.credentials); !c)
                return c;
        }
        if (setRoles)
            return setAgentRoles(a.teamId, a.id, a.roles);
        return {};
    });
}

Result<bool> AgentStore::setAgentEnabled(const QString &teamId, const QString &agentId,
                                         bool enabled, qint64 now)
{
    auto r = m_db.exec(
            QStringLiteral(
                    "UPDATE agents SET enabled = ?, updated_at = ? WHERE team_id = ? AND id = ?"),
            { enabled ? 1 : 0, now, teamId, agentId });
    if (!r)
        return r.error();
    return r->numRowsAffected() > 0;
}

Result<bool> AgentStore::setAgentKeyHash(const QString &teamId, const QString &agentId,
                                         const QString &hash, qint64 now)
{
    auto r = m_db.exec(QStringLiteral("UPDATE agents SET api_key_hash = ?, updated_at = ? WHERE "
                                      "team_id = ? AND id = ?"),
                       { hash, now, teamId, agentId });
    if (!r)
        return r.error();
    return r->numRowsAffected() > 0;
}

Result<bool> AgentStore::removeAgent(const QString &teamId, const QString &agentId)
{
    auto r = m_db.exec(QStringLiteral("DELETE FROM agents WHERE team_id = ? AND id = ?"),
                       { teamId, agentId });
    if (!r)
        return r.error();
    return r->numRowsAffected() > 0;
}

Result<QStringList> AgentStore::effectiveCredentials(const QString &teamId, const QString &agentId)
{
    return strings(
            QStringLiteral("SELECT c.name FROM credentials c WHERE c.team_id = ? AND c.id IN ("
                           "SELECT credential_id FROM agent_credentials WHERE team_id = ? AND "
                           "agent_id = ? UNION "
                           "SELECT rc.credential_id FROM role_credentials rc JOIN agent_roles ar "
                           "ON ar.team_id = rc.team_id "
                           "AND ar.role_name = rc.role_name WHERE ar.team_id = ? AND ar.agent_id = "
                           "?) ORDER BY c.name"),
            { teamId, teamId, agentId, teamId, agentId });
}

Result<std::optional<AgentStore::KeyOwner>> AgentStore::agentByKeyHash(const QString &hash)
{
    auto q = m_db.exec(QStringLiteral("SELECT team_id, id, enabled, rate_limit_per_hour, "
                                      "instance_id FROM agents WHERE api_key_hash = ?"),
                       { hash });
    if (!q)
        return q.error();
    if (!q->next())
        return std::optional<KeyOwner>();
    return std::optional<KeyOwner>(KeyOwner{ q->value(0).toString(), q->value(1).toString(),
                                             q->value(2).toInt() != 0, readLimit(q->value(3)),
                                             q->value(4).toString() });
}

Result<void> AgentStore::createRole(const QString &teamId, const RoleRow &role)
{
    return m_db.transaction([&]() -> Result<void> {
        auto r = m_db.exec(QStringLiteral("INSERT INTO roles (team_id, name, description, "
                                          "rate_limit_per_hour, created_at) "
                                          "VALUES (?, ?, ?, ?, ?)"),
                           { teamId, role.name, role.description, limitValue(role.rateLimitPerHour),
                             role.createdAt });
        if (!r)
            return r.error().code() == ErrorCode::Conflict
                    ? Error(ErrorCode::Conflict,
                            QStringLiteral("A role named \"%1\" already exists.").arg(role.name))
                    : r.error();
        return setRoleCredentials(teamId, role.name, role.credentials);
    });
}

Result<QList<RoleRow>> AgentStore::roles(const QString &teamId)
{
    const auto names = strings(
            QStringLiteral("SELECT name FROM roles WHERE team_id = ? ORDER BY name"), { teamId });
    if (!names)
        return names.error();
    QList<RoleRow> out;
    for (const QString &name : names.value()) {
        auto r = role(teamId, name);
        if (!r)
            return r.error();
        if (r.value())
            out.append(*r.value());
    }
    return out;
}

Result<std::optional<RoleRow>> AgentStore::role(const QString &teamId, const QString &name)
{
    auto q = m_db.exec(QStringLiteral("SELECT description, rate_limit_per_hour, created_at FROM "
                                      "roles WHERE team_id = ? AND name = ?"),
                       { teamId, name });
    if (!q)
        return q.error();
    if (!q->next())
        return std::optional<RoleRow>();
    RoleRow r;
    r.name = name;
    r.description = q->value(0).toString();
    r.rateLimitPerHour = readLimit(q->value(1));
    r.createdAt = q->value(2).toLongLong();
    auto creds = strings(QStringLiteral("SELECT c.name FROM role_credentials rc JOIN credentials c "
                                        "ON c.team_id = rc.team_id "
                                        "AND c.id = rc.credential_id WHERE rc.team_id = ? AND "
                                        "rc.role_name = ? ORDER BY c.name"),
                         { teamId, name });
    if (!creds)
        return creds.error();
    r.credentials = creds.value();
    return std::optional<RoleRow>(r);
}

Result<void> AgentStore::replaceRole(const QString &teamId, const RoleRow &role)
{
    return m_db.transaction([&]() -> Result<void> {
        auto r = m_db.exec(
                QStringLiteral("UPDATE roles SET description = ?, rate_limit_per_hour = ? WHERE "
                               "team_id = ? AND name = ?"),
                { role.description, limitValue(role.rateLimitPerHour), teamId, role.name });
        if (!r)
            return r.error();
        return setRoleCredentials(teamId, role.name, role.credentials);
    });
}

Result<bool> AgentStore::removeRole(const QString &teamId, const QString &name)
{
    auto r = m_db.exec(QStringLiteral("DELETE FROM roles WHERE team_id = ? AND name = ?"),
                       { teamId, name });
    if (!r)
        return r.error();
    return r->numRowsAffected() > 0;
}

Result<void> AgentStore::createLink(const LinkRow &l)
{
    return m_db.transaction([&]() -> Result<void> {
        if (auto r = insertLink(l); !r)
            return r;
        return writeLinkCredentials(l.teamId, l.agentHomeTeamId, l.agentId, l.credentials);
    });
}

Result<void> AgentStore::writeLinkCredentials(const QString &teamId, const QString &homeTeamId,
                                              const QString &agentId, const QStringList &names)
{
    auto clear = m_db.exec(QStringLiteral("DELETE FROM link_credentials WHERE team_id = ? AND "
                                          "agent_home_team_id = ? AND agent_id = ?"),
                           { teamId, homeTeamId, agentId });
    if (!clear)
        return clear.error();
    for (const QString &name : names) {
        auto id = credentialId(teamId, name);
        if (!id)
            return id.error();
        auto r = m_db.exec(QStringLiteral("INSERT INTO link_credentials (team_id, "
                                          "agent_home_team_id, agent_id, credential_id) VALUES "
                                          "(?, ?, ?, ?) ON CONFLICT DO NOTHING"),
                           { teamId, homeTeamId, agentId, id.value() });
        if (!r)
            return r.error();
    }
    return {};
}

Result<bool> AgentStore::setLinkCredentials(const QString &teamId, const QString &homeTeamId,
                                            const QString &agentId, const QStringList &names)
{
    bool found = false;
    auto r = m_db.transaction([&]() -> Result<void> {
        auto link = m_db.exec(QStringLiteral("SELECT 1 FROM agent_team_links WHERE team_id = ? "
                                             "AND agent_home_team_id = ? AND agent_id = ?"),
                              { teamId, homeTeamId, agentId });
        if (!link)
            return link.error();
        found = link->next();
        if (!found)
            return {};
        return writeLinkCredentials(teamId, homeTeamId, agentId, names);
    });
    if (!r)
        return r.error();
    return found;
}

Result<void> AgentStore::insertLink(const LinkRow &l)
{
    auto r = m_db.exec(QStringLiteral("INSERT INTO agent_team_links (team_id, agent_home_team_id, "
                                      "agent_id, role_name, created_by, "
                                      "created_at) VALUES (?, ?, ?, ?, ?, ?)"),
                       { l.teamId, l.agentHomeTeamId, l.agentId,
                         l.role.isEmpty() ? QVariant() : QVariant(l.role),
                         l.createdBy.isEmpty() ? QVariant() : QVariant(l.createdBy), l.createdAt });
    if (!r)
        return r.error().code() == ErrorCode::Conflict
                ? Error(ErrorCode::Conflict,
                        QStringLiteral("That agent is already linked into this team."))
                : r.error();
    return {};
}

Result<QList<LinkRow>> AgentStore::links(const QString &teamId)
{
    auto q = m_db.exec(QStringLiteral("SELECT agent_home_team_id, agent_id, role_name, created_by, "
                                      "created_at FROM agent_team_links "
                                      "WHERE team_id = ? ORDER BY created_at, agent_id"),
                       { teamId });
    if (!q)
        return q.error();
    QList<LinkRow> out;
    while (q->next())
        out.append({ teamId, q->value(0).toString(), q->value(1).toString(), q->value(2).toString(),
                     q->value(3).toString(), q->value(4).toLongLong() });
    for (LinkRow &l : out) {
        auto names = strings(QStringLiteral("SELECT c.name FROM link_credentials lc JOIN "
                                            "credentials c ON c.team_id = lc.team_id AND c.id = "
                                            "lc.credential_id WHERE lc.team_id = ? AND "
                                            "lc.agent_home_team_id = ? AND lc.agent_id = ? "
                                            "ORDER BY c.name"),
                             { teamId, l.agentHomeTeamId, l.agentId });
        if (!names)
            return names.error();
        l.credentials = names.value();
    }
    return out;
}

Result<bool> AgentStore::removeLink(const QString &teamId, const QString &homeTeamId,
                                    const QString &agentId)
{
    auto r = m_db.exec(QStringLiteral("DELETE FROM agent_team_links WHERE team_id = ? AND "
                                      "agent_home_team_id = ? AND agent_id = ?"),
                       { teamId, homeTeamId, agentId });
    if (!r)
        return r.error();
    return r->numRowsAffected() > 0;
}

} // namespace tap::store
