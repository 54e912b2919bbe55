#include "admin/agents.h"

#include "api/validation.h"
#include "crypto/keyring.h"
#include "crypto/tokens.h"

#include <QJsonArray>

namespace tap::admin {

using core::Error;
using core::ErrorCode;
using core::Result;

namespace {

Error invalid(const QString &message)
{
    return Error(ErrorCode::InvalidRequest, message);
}

QJsonValue limitJson(int limit)
{
    return limit > 0 ? QJsonValue(limit) : QJsonValue();
}

Error noAgent(const QString &id)
{
    return Error(ErrorCode::NotFound, QStringLiteral("No agent named \"%1\".").arg(id));
}

Error noRole(const QString &name)
{
    return Error(ErrorCode::NotFound, QStringLiteral("No role named \"%1\".").arg(name));
}

// Credentials and roles of an agent or role: names, so at most 64 characters each.
constexpr int kMaxNames = api::kMaxListEntries;
constexpr int kMaxNameLength = 64;

Result<QStringList> nameList(const api::JsonFields &f, const QString &field)
{
    return f.stringList(field, kMaxNames, kMaxNameLength);
}

Result<void> checkNames(const QString &field, const QStringList &names)
{
    for (const QString &n : names) {
        if (auto r = api::checkObjectName(field, n); !r)
            return r;
    }
    return {};
}

} // namespace

Result<QJsonObject> AgentService::agentJson(const store::AgentRow &a)
{
    auto effective = m_ctx.agents.effectiveCredentials(a.teamId, a.id);
    if (!effective)
        return effective.error();
    return QJsonObject{
        { QStringLiteral("id"), a.id },
        { QStringLiteral("description"), a.description },
        { QStringLiteral("enabled"), a.enabled },
        { QStringLiteral("rate_limit_per_hour"), limitJson(a.rateLimitPerHour) },
        { QStringLiteral("credentials"), QJsonArray::fromStringList(a.credentials) },
        { QStringLiteral("roles"), QJsonArray::fromStringList(a.roles) },
        { QStringLiteral("effective_credentials"), QJsonArray::fromStringList(effective.value()) },
        { QStringLiteral("created_at"), core::toRfc3339(a.createdAt) },
        { QStringLiteral("updated_at"), core::toRfc3339(a.updatedAt) }
    };
}

Outcome AgentService::newKeyReply(const QString &id, const QString &key, int status)
{
    return ok({ { QStringLiteral("id"), id },
                { QStringLiteral("api_key"), key },
                { QStringLiteral("message"),
                  QStringLiteral("Save this API key — it will not be shown again.") } },
              status);
}

Outcome AgentService::listAgents(const Actor &actor)
{
    auto rows = m_ctx.agents.agents(actor.teamId);
    if (!rows)
        return rows.error();
    QJsonArray out;
    for (const store::AgentRow &a : rows.value()) {
        auto json = agentJson(a);
        if (!json)
            return json.error();
        out.append(json.value());
    }
    return ok({ { QStringLiteral("agents"), out } });
}

Outcome AgentService::getAgent(const Actor &actor, const QString &id)
{
    auto row = m_ctx.agents.agent(actor.teamId, id);
    if (!row)
        return row.error();
    if (!row.value())
        return noAgent(id);
    auto json = agentJson(*row.value());
    if (!json)
        return json.error();
    return ok(json.value());
}

Outcome AgentService::createAgent(const Actor &actor, const QJsonObject &body)
{
    if (auto r = actor.requireConfigure(); !r)
        return r.error();
    api::JsonFields f(body);
    if (auto r = f.onlyKnown({ QStringLiteral("id"), QStringLiteral("description"),
                               QStringLiteral("credentials"), QStringLiteral("roles"),
                               QStringLiteral("rate_limit_per_hour") });
        !r)
        return r.error();
    auto id = f.string(QStringLiteral("id"), true);
    if (!id)
        return id.error();
    if (auto r = api::checkObjectName(QStringLiteral("id"), *id); !r)
        return r.error();
    auto description = f.string(QStringLiteral("description"), false);
    auto credentials = nameList(f, QStringLiteral("credentials"));
    auto roles = nameList(f, QStringLiteral("roles"));
    auto limit = f.optionalPositiveInt(QStringLiteral("rate_limit_per_hour"));
    if (!description || !credentials || !roles || !limit)
        return !description    ? description.error()
                : !credentials ? credentials.error()
                : !roles       ? roles.error()
                               : limit.error();
    if (auto r = checkNames(QStringLiteral("credentials"), *credentials); !r)
        return r.error();
    if (auto r = checkNames(QStringLiteral("roles"), *roles); !r)
        return r.error();
    store::AgentRow a;
    a.teamId = actor.teamId;
    a.id = *id;
    a.description = *description;
    a.credentials = *credentials;
    a.roles = *roles;
    a.rateLimitPerHour = *limit;
    a.createdAt = a.updatedAt = m_ctx.clock.nowMs();
    a.instanceId = m_ctx.random.uuid();
    const QString key = crypto::newToken(crypto::TokenKind::AgentKey, m_ctx.random);
    if (auto r = m_ctx.agents.createAgent(a, m_ctx.keys.tokenHash(key.toUtf8())); !r)
        return r.error();
    m_ctx.recordChange(
            actor, QStringLiteral("agent.create"), a.id,
            { { QStringLiteral("credentials"), QJsonArray::fromStringList(a.credentials) },
              { QStringLiteral("roles"), QJsonArray::fromStringList(a.roles) },
              { QStringLiteral("rate_limit_per_hour"), limitJson(a.rateLimitPerHour) } });
    return newKeyReply(a.id, key, 201);
}

Outcome AgentService::updateAgent(const Actor &actor, const QString &id, const QJsonObject &body)
{
    if (auto r = actor.requireConfigure(); !r)
        return r.error();
    api::JsonFields f(body);
    if (auto r = f.onlyKnown({ QStringLiteral("description"), QStringLiteral("credentials"),
                               QStringLiteral("roles"), QStringLiteral("rate_limit_per_hour") });
        !r)
        return r.error();
    auto row = m_ctx.agents.agent(actor.teamId, id);
    if (!row)
        return row.error();
    if (!row.value())
        return noAgent(id);
    store::AgentRow a = *row.value();
    auto description = f.string(QStringLiteral("description"), false, a.description);
    auto credentials = nameList(f, QStringLiteral("credentials"));
    auto roles = nameList(f, QStringLiteral("roles"));
    auto limit = f.optionalPositiveInt(QStringLiteral("rate_limit_per_hour"));
    if (!description || !credentials || !roles || !limit)
        return !description    ? description.error()
                : !credentials ? credentials.error()
                : !roles       ? roles.error()
                               : limit.error();
    if (auto r = checkNames(QStringLiteral("credentials"), *credentials); !r)
        return r.error();
    if (auto r = checkNames(QStringLiteral("roles"), *roles); !r)
        return r.error();
    a.description = *description;
    const bool setCredentials = body.contains(QStringLiteral("credentials"));
    const bool setRoles = body.contains(QStringLiteral("roles"));
    if (setCredentials)
        a.credentials = *credentials;
    if (setRoles)
        a.roles = *roles;
    if (body.contains(QStringLiteral("rate_limit_per_hour")))
        a.rateLimitPerHour = *limit;
    a.updatedAt = m_ctx.clock.nowMs();
    if (auto r = m_ctx.agents.updateAgent(a, setCredentials, setRoles); !r)
        return r.error();
    m_ctx.recordChange(actor, QStringLiteral("agent.update"), id,
                       { { QStringLiteral("fields"), QJsonArray::fromStringList(body.keys()) } });
    return getAgent(actor, id);
}

Outcome AgentService::setEnabled(const Actor &actor, const QString &id, bool enabled)
{
    if (auto r = actor.requireConfigure(); !r)
        return r.error();
    auto changed = m_ctx.agents.setAgentEnabled(actor.teamId, id, enabled, m_ctx.clock.nowMs());
    if (!changed)
        return changed.error();
    if (!changed.value())
        return noAgent(id);
    m_ctx.recordChange(
            actor, enabled ? QStringLiteral("agent.enable") : QStringLiteral("agent.disable"), id);
    // Disabling ends the agent's waiting requests; enabling it again does not bring them back.
    if (!enabled && m_ctx.agentRetired)
        m_ctx.agentRetired(actor, id, QStringLiteral("agent_disabled"));
    return ok({ { QStringLiteral("id"), id }, { QStringLiteral("enabled"), enabled } });
}

Outcome AgentService::rotateKey(const Actor &actor, const QString &id)
{
    if (auto r = actor.requireConfigure(); !r)
        return r.error();
    const QString key = crypto::newToken(crypto::TokenKind::AgentKey, m_ctx.random);
    auto changed = m_ctx.agents.setAgentKeyHash(
            actor.teamId, id, m_ctx.keys.tokenHash(key.toUtf8()), m_ctx.clock.nowMs());
    if (!changed)
        return changed.error();
    if (!changed.value())
        return noAgent(id);
    m_ctx.recordChange(actor, QStringLiteral("agent.rotate_key"), id);
    return newKeyReply(id, key, 200);
}

Outcome AgentService::removeAgent(const Actor &actor, const QString &id)
{
    if (auto r = actor.requireConfigure(); !r)
        return r.error();
    const Result<bool> removed = m_ctx.agents.removeAgent(actor.teamId, id);
    Outcome outcome =
            m_ctx.finishRemoval(actor, removed, noAgent(id), QStringLiteral("agent.delete"), id,
                                { { QStringLiteral("id"), id } });
    if (removed && removed.value() && m_ctx.agentRetired)
        m_ctx.agentRetired(actor, id, QStringLiteral("agent_deleted"));
    return outcome;
}

QJsonObject AgentService::roleJson(const store::RoleRow &r)
{
    return { { QStringLiteral("name"), r.name },
             { QStringLiteral("description"), r.description },
             { QStringLiteral("credentials"), QJsonArray::fromStringList(r.credentials) },
             { QStringLiteral("rate_limit_per_hour"), limitJson(r.rateLimitPerHour) },
             { QStringLiteral("created_at"), core::toRfc3339(r.createdAt) } };
}

Outcome AgentService::listRoles(const Actor &actor)
{
    auto rows = m_ctx.agents.roles(actor.teamId);
    if (!rows)
        return rows.error();
    QJsonArray out;
    for (const store::RoleRow &r : rows.value())
        out.append(roleJson(r));
    return ok({ { QStringLiteral("roles"), out } });
}

Outcome AgentService::getRole(const Actor &actor, const QString &name)
{
    auto row = m_ctx.agents.role(actor.teamId, name);
    if (!row)
        return row.error();
    if (!row.value())
        return noRole(name);
    return ok(roleJson(*row.value()));
}

Outcome AgentService::createRole(const Actor &actor, const QJsonObject &body)
{
    if (auto r = actor.requireConfigure(); !r)
        return r.error();
    api::JsonFields f(body);
    if (auto r = f.onlyKnown({ QStringLiteral("name"), QStringLiteral("description"),
                               QStringLiteral("credentials"),
                               QStringLiteral("rate_limit_per_hour") });
        !r)
        return r.error();
    auto name = f.string(QStringLiteral("name"), true);
    if (!name)
        return name.error();
    if (auto r = api::checkObjectName(QStringLiteral("name"), *name); !r)
        return r.error();
    auto description = f.string(QStringLiteral("description"), false);
    auto credentials = nameList(f, QStringLiteral("credentials"));
    auto limit = f.optionalPositiveInt(QStringLiteral("rate_limit_per_hour"));
    if (!description || !credentials || !limit)
        return !description    ? description.error()
                : !credentials ? credentials.error()
                               : limit.error();
    if (auto r = checkNames(QStringLiteral("credentials"), *credentials); !r)
        return r.error();
    store::RoleRow role{ *name, *description, *credentials, *limit, m_ctx.clock.nowMs() };
    if (auto r = m_ctx.agents.createRole(actor.teamId, role); !r)
        return r.error();
    m_ctx.recordChange(
            actor, QStringLiteral("role.create"), role.name,
            { { QStringLiteral("credentials"), QJsonArray::fromStringList(role.credentials) } });
    return ok(roleJson(role), 201);
}

Outcome AgentService::replaceRole(const Actor &actor, const QString &name, const QJsonObject &body)
{
    if (auto r = actor.requireConfigure(); !r)
        return r.error();
    api::JsonFields f(body);
    if (auto r = f.onlyKnown({ QStringLiteral("name"), QStringLiteral("description"),
                               QStringLiteral("credentials"),
                               QStringLiteral("rate_limit_per_hour") });
        !r)
        return r.error();
    if (body.contains(QStringLiteral("name"))
        && body.value(QStringLiteral("name")).toString() != name)
        return invalid(QStringLiteral("A role cannot be renamed; create a new one instead."));
    auto existing = m_ctx.agents.role(actor.teamId, name);
    if (!existing)
        return existing.error();
    if (!existing.value())
        return noRole(name);
    auto description = f.string(QStringLiteral("description"), false);
    auto credentials = nameList(f, QStringLiteral("credentials"));
    auto limit = f.optionalPositiveInt(QStringLiteral("rate_limit_per_hour"));
    if (!description || !credentials || !limit)
        return !description    ? description.error()
                : !credentials ? credentials.error()
                               : limit.error();
    if (auto r = checkNames(QStringLiteral("credentials"), *credentials); !r)
        return r.error();
    store::RoleRow role{ name, *description, *credentials, *limit, existing.value()->createdAt };
    if (auto r = m_ctx.agents.replaceRole(actor.teamId, role); !r)
        return r.error();
    m_ctx.recordChange(
            actor, QStringLiteral("role.replace"), name,
            { { QStringLiteral("credentials"), QJsonArray::fromStringList(role.credentials) } });
    return ok(roleJson(role));
}

Outcome AgentService::removeRole(const Actor &actor, const QString &name)
{
    if (auto r = actor.requireConfigure(); !r)
        return r.error();
    return m_ctx.finishRemoval(actor, m_ctx.agents.removeRole(actor.teamId, name), noRole(name),
                               QStringLiteral("role.delete"), name,
                               { { QStringLiteral("name"), name } });
}

Outcome AgentService::listLinks(const Actor &actor)
{
    auto rows = m_ctx.agents.links(actor.teamId);
    if (!rows)
        return rows.error();
    QJsonArray out;
    for (const store::LinkRow &l : rows.value()) {
        QString createdBy;
        if (!l.createdBy.isEmpty()) {
            auto user = m_ctx.accounts.userById(l.createdBy);
            if (user && user.value())
                createdBy = user.value()->email;
        }
        out.append(QJsonObject{
                { QStringLiteral("team_id"), l.teamId },
                { QStringLiteral("agent_home_team_id"), l.agentHomeTeamId },
                { QStringLiteral("agent_id"), l.agentId },
                { QStringLiteral("role"), l.role.isEmpty() ? QJsonValue() : QJsonValue(l.role) },
                { QStringLiteral("created_by"),
                  createdBy.isEmpty() ? QJsonValue() : QJsonValue(createdBy) },
                { QStringLiteral("created_at"), core::toRfc3339(l.createdAt) } });
    }
    return ok({ { QStringLiteral("links"), out } });
}

Outcome AgentService::createLink(const Actor &actor, const QJsonObject &body)
{
    if (auto r = actor.requireConfigure(); !r)
        return r.error();
    api::JsonFields f(body);
    if (auto r = f.onlyKnown({ QStringLiteral("agent_home_team_id"), QStringLiteral("agent_id"),
                               QStringLiteral("role") });
        !r)
        return r.error();
    auto home = f.string(QStringLiteral("agent_home_team_id"), true);
    auto agentId = f.string(QStringLiteral("agent_id"), true);
    auto role = f.string(QStringLiteral("role"), false);
    if (!home || !agentId || !role)
        return !home ? home.error() : !agentId ? agentId.error() : role.error();
    if (*home == actor.teamId)
        return invalid(QStringLiteral("That agent already belongs to this team; assign credentials "
                                      "or roles to it directly."));
    if (!role->isEmpty()) {
        auto existing = m_ctx.agents.role(actor.teamId, *role);
        if (!existing)
            return existing.error();
        if (!existing.value())
            return invalid(QStringLiteral("Unknown role \"%1\".").arg(api::quoted(*role)));
    }
    auto agent = m_ctx.agents.agent(*home, *agentId);
    if (!agent)
        return agent.error();
    if (!agent.value())
        return Error(ErrorCode::NotFound,
                     QStringLiteral("No agent \"%1\" in team %2.").arg(*agentId, *home));
    store::LinkRow link{ actor.teamId, *home, *agentId, *role, actor.userId, m_ctx.clock.nowMs() };
    if (auto r = m_ctx.agents.createLink(link); !r)
        return r.error();
    m_ctx.recordChange(
            actor, QStringLiteral("link.create"), *home + u'/' + *agentId,
            { { QStringLiteral("role"), role->isEmpty() ? QJsonValue() : QJsonValue(*role) } });
    QJsonObject out{ { QStringLiteral("team_id"), link.teamId },
                     { QStringLiteral("agent_home_team_id"), link.agentHomeTeamId },
                     { QStringLiteral("agent_id"), link.agentId },
                     { QStringLiteral("role"),
                       link.role.isEmpty() ? QJsonValue() : QJsonValue(link.role) },
                     { QStringLiteral("created_by"), actor.email },
                     { QStringLiteral("created_at"), core::toRfc3339(link.createdAt) } };
    if (link.role.isEmpty())
        out.insert(QStringLiteral("warning"),
                   QStringLiteral("The link has no role, so the agent can use no credentials of "
                                  "this team until it gets one."));
    return ok(out, 201);
}

Outcome AgentService::removeLink(const Actor &actor, const QString &homeTeamId,
                                 const QString &agentId)
{
    if (auto r = actor.requireConfigure(); !r)
        return r.error();
    return m_ctx.finishRemoval(actor, m_ctx.agents.removeLink(actor.teamId, homeTeamId, agentId),
                               Error(ErrorCode::NotFound, QStringLiteral("No such agent link.")),
                               QStringLiteral("link.delete"), homeTeamId + u'/' + agentId);
}

} // namespace tap::admin
