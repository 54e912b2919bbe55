#pragma once

#include "admin/actor.h"
#include "admin/context.h"
#include "api/agent.h"
#include "api/deleted.h"

namespace tap::admin {

// Agents with their API keys, roles (RBAC) and cross-team agent links (README "Agents",
// "Roles", "Teams"). Takes the typed inputs of common/api and answers typed results.
class AgentService
{
public:
    explicit AgentService(Context &context) : m_ctx(context) { }

    core::Result<api::AgentList> listAgents(const Actor &actor);
    core::Result<api::Agent> getAgent(const Actor &actor, const QString &id);
    core::Result<api::AgentKey> createAgent(const Actor &actor, const api::AgentInput &input);
    core::Result<api::Agent> updateAgent(const Actor &actor, const QString &id,
                                         const api::AgentInput &input);
    core::Result<api::AgentEnabled> setEnabled(const Actor &actor, const QString &id, bool enabled);
    core::Result<api::AgentKey> rotateKey(const Actor &actor, const QString &id);
    core::Result<api::Deleted> removeAgent(const Actor &actor, const QString &id);

    core::Result<api::RoleList> listRoles(const Actor &actor);
    core::Result<api::Role> getRole(const Actor &actor, const QString &name);
    core::Result<api::Role> createRole(const Actor &actor, const api::RoleInput &input);
    core::Result<api::Role> replaceRole(const Actor &actor, const api::RoleInput &input);
    core::Result<api::Deleted> removeRole(const Actor &actor, const QString &name);

    core::Result<api::LinkList> listLinks(const Actor &actor);
    core::Result<api::CreatedLink> createLink(const Actor &actor, const api::LinkInput &input);
    core::Result<api::Deleted> removeLink(const Actor &actor, const QString &homeTeamId,
                                          const QString &agentId);
    // A linked agent's direct assignments in this team (README "Credential scopes").
    core::Result<api::Link> setLinkCredentials(const Actor &actor, const QString &homeTeamId,
                                               const QString &agentId,
                                               const api::LinkCredentialsInput &input);

private:
    core::Result<void> requireManage(const Actor &actor, const QString &id);
    core::Result<api::Deleted>
    removeWithScope(const Actor &actor, const core::Result<QList<store::CredentialRow>> &rows,
                    const core::Result<bool> &removed, const core::Error &notFound,
                    const QString &action, const QString &target, api::Deleted answer);
    core::Result<api::Agent> toWire(const store::AgentRow &row);
    static api::Role toWire(const store::RoleRow &row);

    Context &m_ctx;
};

} // namespace tap::admin
