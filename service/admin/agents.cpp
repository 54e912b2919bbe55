#include "admin/agents.h"

#include "api/keys.h"
#include "api/validation.h"
#include "crypto/keyring.h"
#include "crypto/tokens.h"
#include "policy/credentialscope.h"
#include "store/forwardstore.h"

#include <QJsonArray>

#include <algorithm>

namespace tap::admin {

using core::Error;
using core::ErrorCode;
using core::Result;

namespace {

// The names an agent may use in its home team and the row each resolves to (README "Credential
// scopes"): policy::chooseScope() over the store's candidates, as /forward decides; "conflict"
// when two of its roles define the name.
Result<QMap<QString, QString>> effectiveScopes(store::Database &db, const store::AgentRow &a)
{
    const store::Asker asker{ a.teamId, a.id, std::nullopt };
    auto candidates = store::ForwardStore(db).candidates(a.teamId, asker);
    if (!candidates)
        return candidates.error();
    QMap<QString, QList<store::Grant>> byName;
    for (const store::Grant &g : std::as_const(candidates.value()))
        byName[g.credential.name] << g;
    QMap<QString, QString> out;
    for (auto it = byName.cbegin(); it != byName.cend(); ++it) {
        QList<policy::ScopeCandidate> rows;
        policy::ScopeSubject subject{ a.id, {}, false };
        for (const store::Grant &g : it.value()) {
            const QString &kind = g.credential.scopeKind;
            rows.append({ kind == u"agent"          ? policy::CredentialScope::Agent
                                  : kind == u"role" ? policy::CredentialScope::Role
                                                    : policy::CredentialScope::Team,
                          g.credential.scopeId, g.direct || !g.roles.isEmpty() });
            if (kind == u"role")
                subject.roles << g.credential.scopeId; // candidates(): held roles' rows only
        }
        const policy::ScopeChoice choice = policy::chooseScope(rows, subject);
        if (choice.outcome == policy::ScopeOutcome::Found)
            out.insert(it.key(), choice.label);
        else if (choice.outcome == policy::ScopeOutcome::Conflict)
            out.insert(it.key(), QStringLiteral("conflict"));
    }
    return out;
}

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

// how-it-works-v2.txt: "Approver-created agents use direct assignments only".
Result<void> approverWithoutRoles(const Actor &actor, const api::AgentInput &input)
{
    if (actor.memberRole() != api::MemberRole::Approver
        || input.roles.value_or(QStringList()).isEmpty())
        return {};
    return Error(ErrorCode::Forbidden,
                 QStringLiteral("Approvers create agents with direct credential assignments only; "
                                "roles are assigned by owners and admins."));
}

} // namespace

// Owners and admins manage every agent of the team. An approver manages the agents they
// created themselves, as long as those hold no role (one created while the member was an
// admin may); any other agent is theirs to read only.
Result<void> AgentService::requireManage(const Actor &actor, const QString &id)
{
    if (api::canConfigure(actor.memberRole()))
        return {};
    auto row = m_ctx.agents.agent(actor.teamId, id);
    if (!row)
        return row.error();
    if (!row.value())
        return noAgent(id);
    if (row.value()->createdBy.isEmpty() || row.value()->createdBy != actor.userId
        || !row.value()->roles.isEmpty())
        return Error(ErrorCode::Forbidden,
                     QStringLiteral("Approvers can manage only the agents they created (with "
                                    "direct credential assignments); \"%1\" is not one of them.")
                             .arg(id));
    return {};
}

Result<api::Agent> AgentService::toWire(const store::AgentRow &a)
{
    auto effective = effectiveScopes(m_ctx.db, a);
    if (!effective)
        return effective.error();
    QString createdBy; // migration 0007: the member who created it, shown by email
    if (!a.createdBy.isEmpty()) {
        auto user = m_ctx.accounts.userById(a.createdBy);
        if (!user)
            return user.error();
        if (user.value())
            createdBy = user.value()->email;
    }
    return api::Agent{ a.id,
                       a.description,
                       a.enabled,
                       a.rateLimitPerHour,
                       a.credentials,
                       a.roles,
                       effective->keys(),
                       core::toRfc3339(a.createdAt),
                       core::toRfc3339(a.updatedAt),
                       createdBy,
                       effective.value() };
}

Result<api::AgentList> AgentService::listAgents(const Actor &actor)
{
    auto rows = m_ctx.agents.agents(actor.teamId);
    if (!rows)
        return rows.error();
    api::AgentList out;
    for (const store::AgentRow &a : rows.value()) {
        auto agent = toWire(a);
        if (!agent)
            return agent.error();
        out.items << agent.value();
    }
    return out;
}

Result<api::Agent> AgentService::getAgent(const Actor &actor, const QString &id)
{
    auto row = m_ctx.agents.agent(actor.teamId, id);
    if (!row)
        return row.error();
    if (!row.value())
        return noAgent(id);
    return toWire(*row.value());
}

Result<api::AgentKey> AgentService::createAgent(const Actor &actor, const api::AgentInput &input)
{
    if (auto r = approverWithoutRoles(actor, input); !r)
        return r.error();
    store::AgentRow a;
    a.teamId = actor.teamId;
    a.createdBy = actor.userId;
    a.id = input.id;
    a.description = input.description.value_or(QString());
    a.credentials = input.credentials.value_or(QStringList());
    a.roles = input.roles.value_or(QStringList());
    a.rateLimitPerHour = input.rateLimitPerHour.value_or(-1);
    a.createdAt = a.updatedAt = m_ctx.clock.nowMs();
    a.instanceId = m_ctx.random.uuid();
    const QString key = crypto::newToken(crypto::TokenKind::AgentKey, m_ctx.random);
    if (auto r = m_ctx.agents.createAgent(a, m_ctx.keys.tokenHash(key.toUtf8())); !r)
        return r.error();
    m_ctx.recordChange(actor, QStringLiteral("agent.create"), a.id,
                       { { api::key::kCredentials, QJsonArray::fromStringList(a.credentials) },
                         { api::key::kRoles, QJsonArray::fromStringList(a.roles) },
                         { api::key::kRateLimitPerHour, limitJson(a.rateLimitPerHour) } });
    return api::AgentKey{ a.id, key };
}

Result<api::Agent> AgentService::updateAgent(const Actor &actor, const QString &id,
                                             const api::AgentInput &input)
{
    if (auto r = requireManage(actor, id); !r)
        return r.error();
    if (auto r = approverWithoutRoles(actor, input); !r)
        return r.error();
    auto row = m_ctx.agents.agent(actor.teamId, id);
    if (!row)
        return row.error();
    if (!row.value())
        return noAgent(id);
    store::AgentRow a = *row.value();
    a.description = input.description.value_or(a.description);
    a.credentials = input.credentials.value_or(a.credentials);
    a.roles = input.roles.value_or(a.roles);
    a.rateLimitPerHour = input.rateLimitPerHour.value_or(a.rateLimitPerHour);
    a.updatedAt = m_ctx.clock.nowMs();
    if (auto r =
                m_ctx.agents.updateAgent(a, input.credentials.has_value(), input.roles.has_value());
        !r)
        return r.error();
    m_ctx.recordChange(
            actor, QStringLiteral("agent.update"), id,
            { { QStringLiteral("fields"), QJsonArray::fromStringList(input.encode().keys()) } });
    return getAgent(actor, id);
}

Result<api::AgentEnabled> AgentService::setEnabled(const Actor &actor, const QString &id,
                                                   bool enabled)
{
    if (auto r = requireManage(actor, id); !r)
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
    return api::AgentEnabled{ id, enabled };
}

Result<api::AgentKey> AgentService::rotateKey(const Actor &actor, const QString &id)
{
    if (auto r = requireManage(actor, id); !r)
        return r.error();
    const QString key = crypto::newToken(crypto::TokenKind::AgentKey, m_ctx.random);
    auto changed = m_ctx.agents.setAgentKeyHash(
            actor.teamId, id, m_ctx.keys.tokenHash(key.toUtf8()), m_ctx.clock.nowMs());
    if (!changed)
        return changed.error();
    if (!changed.value())
        return noAgent(id);
    m_ctx.recordChange(actor, QStringLiteral("agent.rotate_key"), id);
    return api::AgentKey{ id, key };
}

// Scoped credential rows go with their agent or role (README "Credential scopes"), and first: an agent or role
// created later under the same name must not inherit them, and if the owner cannot be deleted
// afterwards it has only lost its rows (fail closed). The answer lists them.
Result<api::Deleted> AgentService::removeWithScope(const Actor &actor,
                                                   const Result<QList<store::CredentialRow>> &rows,
                                                   const Result<bool> &removed,
                                                   const Error &notFound, const QString &action,
                                                   const QString &target, api::Deleted answer)
{
    if (!rows)
        return rows.error();
    QStringList names;
    for (const store::CredentialRow &r : rows.value()) {
        if (r.teamId == actor.teamId)
            names << r.name;
    }
    if (!removed || !removed.value()) {
        if (!rows->isEmpty())
            ++m_ctx.configGeneration; // the rows are gone: no cached lookup may still use them
        return removed ? notFound : removed.error();
    }
    answer.deletedCredentials = names;
    m_ctx.recordChange(actor, action, target,
                       { { api::key::kDeletedCredentials, QJsonArray::fromStringList(names) } });
    return answer;
}

Result<api::Deleted> AgentService::removeAgent(const Actor &actor, const QString &id)
{
    if (auto r = requireManage(actor, id); !r)
        return r.error();
    auto exists = m_ctx.agents.agent(actor.teamId, id);
    if (!exists)
        return exists.error();
    if (!exists.value())
        return noAgent(id);
    const auto rows = m_ctx.credentials.removeAgentScopes(actor.teamId, id);
    const Result<bool> removed =
            rows ? m_ctx.agents.removeAgent(actor.teamId, id) : Result<bool>(false);
    auto outcome =
            removeWithScope(actor, rows, removed, noAgent(id), QStringLiteral("agent.delete"), id,
                            api::Deleted{ api::key::kId, id, {} });
    if (removed && removed.value() && m_ctx.agentRetired)
        m_ctx.agentRetired(actor, id, QStringLiteral("agent_deleted"));
    return outcome;
}

api::Role AgentService::toWire(const store::RoleRow &r)
{
    return { r.name, r.description, r.credentials, r.rateLimitPerHour,
             core::toRfc3339(r.createdAt) };
}

Result<api::RoleList> AgentService::listRoles(const Actor &actor)
{
    auto rows = m_ctx.agents.roles(actor.teamId);
    if (!rows)
        return rows.error();
    api::RoleList out;
    for (const store::RoleRow &r : rows.value())
        out.items << toWire(r);
    return out;
}

Result<api::Role> AgentService::getRole(const Actor &actor, const QString &name)
{
    auto row = m_ctx.agents.role(actor.teamId, name);
    if (!row)
        return row.error();
    if (!row.value())
        return noRole(name);
    return toWire(*row.value());
}

Result<api::Role> AgentService::createRole(const Actor &actor, const api::RoleInput &input)
{
    if (auto r = actor.requireConfigure(); !r)
        return r.error();
    store::RoleRow role{ input.name, input.description, input.credentials, input.rateLimitPerHour,
                         m_ctx.clock.nowMs() };
    if (auto r = m_ctx.agents.createRole(actor.teamId, role); !r)
        return r.error();
    m_ctx.recordChange(
            actor, QStringLiteral("role.create"), role.name,
            { { api::key::kCredentials, QJsonArray::fromStringList(role.credentials) } });
    return toWire(role);
}

Result<api::Role> AgentService::replaceRole(const Actor &actor, const api::RoleInput &input)
{
    if (auto r = actor.requireConfigure(); !r)
        return r.error();
    auto existing = m_ctx.agents.role(actor.teamId, input.name);
    if (!existing)
        return existing.error();
    if (!existing.value())
        return noRole(input.name);
    store::RoleRow role{ input.name, input.description, input.credentials, input.rateLimitPerHour,
                         existing.value()->createdAt };
    if (auto r = m_ctx.agents.replaceRole(actor.teamId, role); !r)
        return r.error();
    m_ctx.recordChange(
            actor, QStringLiteral("role.replace"), input.name,
            { { api::key::kCredentials, QJsonArray::fromStringList(role.credentials) } });
    return toWire(role);
}

Result<api::Deleted> AgentService::removeRole(const Actor &actor, const QString &name)
{
    if (auto r = actor.requireConfigure(); !r)
        return r.error();
    auto exists = m_ctx.agents.role(actor.teamId, name);
    if (!exists)
        return exists.error();
    if (!exists.value())
        return noRole(name);
    const auto rows = m_ctx.credentials.removeScope(actor.teamId, QStringLiteral("role"), name);
    const Result<bool> removed =
            rows ? m_ctx.agents.removeRole(actor.teamId, name) : Result<bool>(false);
    return removeWithScope(actor, rows, removed, noRole(name), QStringLiteral("role.delete"), name,
                           api::Deleted{ api::key::kName, name, {} });
}

Result<api::LinkList> AgentService::listLinks(const Actor &actor)
{
    auto rows = m_ctx.agents.links(actor.teamId);
    if (!rows)
        return rows.error();
    api::LinkList out;
    for (const store::LinkRow &l : rows.value()) {
        QString createdBy;
        if (!l.createdBy.isEmpty()) {
            auto user = m_ctx.accounts.userById(l.createdBy);
            if (user && user.value())
                createdBy = user.value()->email;
        }
        out.items << api::Link{ l.teamId,     l.agentHomeTeamId, l.agentId,
                                l.role,       createdBy,         core::toRfc3339(l.createdAt),
                                l.credentials };
    }
    return out;
}

Result<api::CreatedLink> AgentService::createLink(const Actor &actor, const api::LinkInput &input)
{
    if (auto r = actor.requireConfigure(); !r)
        return r.error();
    if (input.agentHomeTeamId == actor.teamId)
        return invalid(QStringLiteral("That agent already belongs to this team; assign credentials "
                                      "or roles to it directly."));
    if (!input.role.isEmpty()) {
        auto existing = m_ctx.agents.role(actor.teamId, input.role);
        if (!existing)
            return existing.error();
        if (!existing.value())
            return invalid(QStringLiteral("Unknown role \"%1\".").arg(api::quoted(input.role)));
    }
    auto agent = m_ctx.agents.agent(input.agentHomeTeamId, input.agentId);
    if (!agent)
        return agent.error();
    if (!agent.value())
        return Error(ErrorCode::NotFound,
                     QStringLiteral("No agent \"%1\" in team %2.")
                             .arg(input.agentId, input.agentHomeTeamId));
    store::LinkRow link{ actor.teamId,
                         input.agentHomeTeamId,
                         input.agentId,
                         input.role,
                         actor.userId,
                         m_ctx.clock.nowMs(),
                         input.credentials.value_or(QStringList()) };
    if (auto r = m_ctx.agents.createLink(link); !r)
        return r.error();
    m_ctx.recordChange(
            actor, QStringLiteral("link.create"), input.agentHomeTeamId + u'/' + input.agentId,
            { { api::key::kRole, input.role.isEmpty() ? QJsonValue() : QJsonValue(input.role) } });
    return api::CreatedLink{ { link.teamId, link.agentHomeTeamId, link.agentId, link.role,
                               actor.email, core::toRfc3339(link.createdAt), link.credentials } };
}

Result<api::Deleted> AgentService::removeLink(const Actor &actor, const QString &homeTeamId,
                                              const QString &agentId)
{
    if (auto r = actor.requireConfigure(); !r)
        return r.error();
    const Error notFound(ErrorCode::NotFound, QStringLiteral("No such agent link."));
    auto links = m_ctx.agents.links(actor.teamId);
    if (!links)
        return links.error();
    if (std::none_of(links->cbegin(), links->cend(), [&](const store::LinkRow &l) {
            return l.agentHomeTeamId == homeTeamId && l.agentId == agentId;
        }))
        return notFound;
    // The linked agent's own rows in this team go with the link.
    const auto rows = m_ctx.credentials.removeScope(actor.teamId, QStringLiteral("agent"),
                                                    homeTeamId + u'/' + agentId);
    const Result<bool> removed =
            rows ? m_ctx.agents.removeLink(actor.teamId, homeTeamId, agentId) : Result<bool>(false);
    return removeWithScope(actor, rows, removed, notFound, QStringLiteral("link.delete"),
                           homeTeamId + u'/' + agentId, api::Deleted());
}

Result<api::Link> AgentService::setLinkCredentials(const Actor &actor, const QString &homeTeamId,
                                                   const QString &agentId,
                                                   const api::LinkCredentialsInput &input)
{
    if (auto r = actor.requireConfigure(); !r)
        return r.error();
    auto set =
            m_ctx.agents.setLinkCredentials(actor.teamId, homeTeamId, agentId, input.credentials);
    if (!set)
        return set.error();
    if (!set.value())
        return Error(ErrorCode::NotFound, QStringLiteral("No such agent link."));
    m_ctx.recordChange(
            actor, QStringLiteral("link.credentials"), homeTeamId + u'/' + agentId,
            { { api::key::kCredentials, QJsonArray::fromStringList(input.credentials) } });
    auto links = listLinks(actor);
    if (!links)
        return links.error();
    for (const api::Link &l : links->items) {
        if (l.agentHomeTeamId == homeTeamId && l.agentId == agentId)
            return l;
    }
    return Error(ErrorCode::NotFound, QStringLiteral("No such agent link."));
}

} // namespace tap::admin
