#pragma once

#include "admin/actor.h"
#include "admin/context.h"
#include "admin/reply.h"

namespace tap::admin {

// Agents with their API keys, roles (RBAC) and cross-team agent links (seed
// configuration.txt "Agents", "Roles"; multi-account.txt).
class AgentService
{
public:
    explicit AgentService(Context &context) : m_ctx(context) { }

    Outcome listAgents(const Actor &actor);
    Outcome getAgent(const Actor &actor, const QString &id);
    Outcome createAgent(const Actor &actor, const QJsonObject &body);
    Outcome updateAgent(const Actor &actor, const QString &id, const QJsonObject &body);
    Outcome setEnabled(const Actor &actor, const QString &id, bool enabled);
    Outcome rotateKey(const Actor &actor, const QString &id);
    Outcome removeAgent(const Actor &actor, const QString &id);

    Outcome listRoles(const Actor &actor);
    Outcome getRole(const Actor &actor, const QString &name);
    Outcome createRole(const Actor &actor, const QJsonObject &body);
    Outcome replaceRole(const Actor &actor, const QString &name, const QJsonObject &body);
    Outcome removeRole(const Actor &actor, const QString &name);

    Outcome listLinks(const Actor &actor);
    Outcome createLink(const Actor &actor, const QJsonObject &body);
    Outcome removeLink(const Actor &actor, const QString &homeTeamId, const QString &agentId);

private:
    core::Result<QJsonObject> agentJson(const store::AgentRow &row);
    static QJsonObject roleJson(const store::RoleRow &row);
    Outcome newKeyReply(const QString &id, const QString &key, int status);

    Context &m_ctx;
};

} // namespace tap::admin
