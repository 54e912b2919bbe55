#pragma once

#include "core/result.h"
#include "store/database.h"
#include "store/rows.h"

#include <optional>

namespace tap::store {

// Agents, roles and cross-team agent links. Credential references are by name within the
// team (team-scoped credentials); a name that does not exist is refused naming it.
class AgentStore
{
public:
    explicit AgentStore(Database &db) : m_db(db) { }

    core::Result<void> createAgent(const AgentRow &row, const QString &apiKeyHash);
    core::Result<QList<AgentRow>> agents(const QString &teamId);
    core::Result<std::optional<AgentRow>> agent(const QString &teamId, const QString &agentId);
    // Replaces whichever of description / credentials / roles / rate limit the caller set.
    core::Result<void> updateAgent(const AgentRow &row, bool setCredentials, bool setRoles);
    core::Result<bool> setAgentEnabled(const QString &teamId, const QString &agentId, bool enabled,
                                       qint64 now);
    core::Result<bool> setAgentKeyHash(const QString &teamId, const QString &agentId,
                                       const QString &hash, qint64 now);
    core::Result<bool> removeAgent(const QString &teamId, const QString &agentId);
    // Direct assignments ∪ credentials of the agent's roles, sorted.
    core::Result<QStringList> effectiveCredentials(const QString &teamId, const QString &agentId);

    struct KeyOwner
    {
        QString teamId;
        QString agentId;
        bool enabled = false;
        int rateLimitPerHour = -1;
        QString instanceId;
    };
    core::Result<std::optional<KeyOwner>> agentByKeyHash(const QString &hash);

    core::Result<void> createRole(const QString &teamId, const RoleRow &row);
    core::Result<QList<RoleRow>> roles(const QString &teamId);
    core::Result<std::optional<RoleRow>> role(const QString &teamId, const QString &name);
    core::Result<void> replaceRole(const QString &teamId, const RoleRow &row);
    core::Result<bool> removeRole(const QString &teamId, const QString &name);

    // Also assigns row.credentials (team credentials of the linked team) directly.
    core::Result<void> createLink(const LinkRow &row);
    // Replaces the linked agent's direct assignments in the linked team; false: no such link.
    core::Result<bool> setLinkCredentials(const QString &teamId, const QString &homeTeamId,
                                          const QString &agentId, const QStringList &names);
    core::Result<QList<LinkRow>> links(const QString &teamId);
    core::Result<bool> removeLink(const QString &teamId, const QString &homeTeamId,
                                  const QString &agentId);

private:
    core::Result<void> insertLink(const LinkRow &row);
    core::Result<void> writeLinkCredentials(const QString &teamId, const QString &homeTeamId,
                                            const QString &agentId, const QStringList &names);
    core::Result<QString> credentialId(const QString &teamId, const QString &name);
    core::Result<void> replaceCredentialGrants(const QString &table, const QString &ownerColumn,
                                               const QString &teamId, const QString &owner,
                                               const QStringList &names);
    core::Result<void> setAgentCredentials(const QString &teamId, const QString &agentId,
                                           const QStringList &names);
    core::Result<void> setAgentRoles(const QString &teamId, const QString &agentId,
                                     const QStringList &roles);
    core::Result<void> setRoleCredentials(const QString &teamId, const QString &role,
                                          const QStringList &names);
    core::Result<QStringList> strings(const QString &sql, const QVariantList &binds);

    Database &m_db;
};

} // namespace tap::store
