#include "admin/credentials.h"

#include "api/keys.h"
#include "api/validation.h"
#include "crypto/keyring.h"
#include "store/vault.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace tap::admin {

using core::Error;
using core::ErrorCode;
using core::Result;
using Mode = api::CredentialInput::Mode;

namespace {

// The settings of a row as the wire type, and back (id, team and scope stay with the row).
void fromWire(const api::Credential &c, store::CredentialRow &row)
{
    row.description = c.description;
    row.connector = api::connectorName(c.connector);
    row.apiBase = c.apiBase;
    row.relativeTarget = c.relativeTarget;
    row.authHeaderFormat = c.authHeaderFormat;
    row.allowedHosts = c.allowedHosts;
    row.bodyPlaceholderFields = c.bodyPlaceholderFields;
    row.kind = api::credentialKindName(c.kind);
    row.kindSettings = {};
    for (const QString &key : api::kindSettingKeys()) {
        if (api::settingKind(key) == c.kind && !c.setting(key)->isEmpty())
            row.kindSettings.insert(key, *c.setting(key));
    }
}

// The audit detail of a signing kind: its kind and which parts are set (a static credential's
// detail is what it was before kinds existed).
void insertKind(QJsonObject &detail, const store::CredentialRow &row)
{
    if (row.kind == u"static")
        return;
    detail.insert(api::key::kKind, row.kind);
    detail.insert(api::key::kPartsSet, QJsonArray::fromStringList(row.partsSet));
}

store::PolicyRow fromWire(const api::Policy &p)
{
    store::PolicyRow row;
    row.autoApproveMethods = p.autoApproveMethods;
    row.requireApprovalMethods = p.requireApprovalMethods;
    row.autoApproveUrls = p.autoApproveUrls;
    row.allowedApprovers = p.allowedApprovers;
    row.telegramChatId = p.telegramChatId;
    row.matrixRoomId = p.matrixRoomId;
    row.approvalChannel = p.approvalChannel;
    row.requirePasskey = p.requirePasskey;
    return row;
}

} // namespace

api::Credential CredentialService::toWire(const store::CredentialRow &r)
{
    api::Credential c;
    c.name = r.name;
    c.scope = { api::parseScopeKind(r.scopeKind).value_or(api::ScopeKind::Team), r.scopeId };
    c.description = r.description;
    c.connector = api::parseConnector(r.connector).value_or(api::Connector::Direct);
    c.apiBase = r.apiBase;
    c.relativeTarget = r.relativeTarget;
    c.authHeaderFormat = r.authHeaderFormat;
    c.allowedHosts = r.allowedHosts;
    c.bodyPlaceholderFields = r.bodyPlaceholderFields;
    c.hasValue = r.hasValue;
    c.createdAt = core::toRfc3339(r.createdAt);
    c.updatedAt = core::toRfc3339(r.updatedAt);
    c.kind = api::parseCredentialKind(r.kind).value_or(api::CredentialKind::Static);
    for (const QString &key : api::kindSettingKeys())
        *c.setting(key) = r.kindSettings.value(key).toString();
    c.partsSet = r.partsSet;
    if (c.kind == api::CredentialKind::OAuth2)
        c.oauthState = !r.oauthState.isEmpty()          ? r.oauthState
                : r.partsSet.contains(u"refresh_token") ? QStringLiteral("connected")
                                                        : QStringLiteral("not_connected");
    return c;
}

api::Policy CredentialService::toWire(const QString &credential, const store::PolicyRow &r)
{
    api::Policy p;
    p.autoApproveMethods = r.autoApproveMethods;
    p.requireApprovalMethods = r.requireApprovalMethods;
    p.autoApproveUrls = r.autoApproveUrls;
    p.allowedApprovers = r.allowedApprovers;
    p.telegramChatId = r.telegramChatId;
    p.matrixRoomId = r.matrixRoomId;
    p.approvalChannel = r.approvalChannel;
    p.requirePasskey = r.requirePasskey;
    p.credential = credential;
    p.updatedAt = core::toRfc3339(r.updatedAt);
    return p;
}

Result<store::CredentialRow> CredentialService::find(const Actor &actor, const QString &name,
                                                     const api::CredentialScope &scope)
{
    auto row =
            m_ctx.credentials.byName(actor.teamId, name, api::scopeKindName(scope.kind), scope.id);
    if (!row)
        return row.error();
    if (!row.value())
        return Error(ErrorCode::NotFound,
                     scope.kind == api::ScopeKind::Team
                             ? QStringLiteral("No credential named \"%1\".").arg(name)
                             : QStringLiteral("No credential named \"%1\" for %2.")
                                       .arg(name, scope.label()));
    return *row.value();
}

// Policies are per name (README "Credentials"): any row of the name will do.
Result<store::CredentialRow> CredentialService::findAnyScope(const Actor &actor,
                                                             const QString &name)
{
    auto rows = m_ctx.credentials.list(actor.teamId);
    if (!rows)
        return rows.error();
    for (const store::CredentialRow &r : rows.value()) {
        if (r.name == name)
            return r;
    }
    return Error(ErrorCode::NotFound, QStringLiteral("No credential named \"%1\".").arg(name));
}

// A role row needs the role in this team; an agent row an agent of this team, or an agent
// linked into it ("<home team>/<agent>": README "Credential scopes").
Result<void> CredentialService::checkScope(const Actor &actor, const api::CredentialScope &scope)
{
    const auto unknown = [](const QString &message) {
        return api::invalidField(api::key::kScopeId, message);
    };
    if (scope.kind == api::ScopeKind::Role) {
        auto role = m_ctx.agents.role(actor.teamId, scope.id);
        if (!role)
            return role.error();
        if (!role.value())
            return unknown(QStringLiteral("No role named \"%1\" in this team.").arg(scope.id));
    } else if (scope.kind == api::ScopeKind::Agent && !scope.id.contains(u'/')) {
        auto agent = m_ctx.agents.agent(actor.teamId, scope.id);
        if (!agent)
            return agent.error();
        if (!agent.value())
            return unknown(QStringLiteral("No agent named \"%1\" in this team.").arg(scope.id));
    } else if (scope.kind == api::ScopeKind::Agent) {
        auto links = m_ctx.agents.links(actor.teamId);
        if (!links)
            return links.error();
        for (const store::LinkRow &l : links.value()) {
            if (l.agentHomeTeamId + u'/' + l.agentId == scope.id)
                return {};
        }
        return unknown(QStringLiteral("No agent \"%1\" is linked into this team.").arg(scope.id));
    }
    return {};
}

QJsonObject CredentialService::scopeDetail(const store::CredentialRow &row)
{
    return { { api::key::kScopeKind, row.scopeKind },
             { api::key::kScopeId,
               row.scopeId.isEmpty() ? QJsonValue() : QJsonValue(row.scopeId) } };
}

Result<QByteArray> CredentialService::seal(const store::CredentialRow &row, const QString &value)
{
    core::SecretBytes plain(value.toUtf8());
    return m_ctx.vault.seal(row.teamId, crypto::KeyRing::credentialAad(row.teamId, row.id), plain);
}

// A signing kind's parts, sealed together as one compact JSON object like a value.
Result<QByteArray> CredentialService::sealParts(const store::CredentialRow &row,
                                                const QJsonObject &parts)
{
    core::SecretBytes plain(QJsonDocument(parts).toJson(QJsonDocument::Compact));
    return m_ctx.vault.seal(row.teamId, crypto::KeyRing::credentialAad(row.teamId, row.id), plain);
}

// The sealed value of PUT .../value for the row's kind: a string for static, the kind's parts
// for a signing kind (checkParts()). `partsSet` gets the names of the parts.
Result<QByteArray> CredentialService::sealInput(const store::CredentialRow &row,
                                                const api::CredentialValueInput &input,
                                                QStringList &partsSet)
{
    const auto kind = api::parseCredentialKind(row.kind).value_or(api::CredentialKind::Static);
    if (kind == api::CredentialKind::Static) {
        if (input.parts)
            return api::invalidField(api::key::kValue,
                                     QStringLiteral("value must be a string for a static "
                                                    "credential."));
        return seal(row, input.value);
    }
    if (!input.parts)
        return api::invalidField(api::key::kValue,
                                 QStringLiteral("value must be an object of the %1 credential's "
                                                "parts: %2.")
                                         .arg(row.kind,
                                              (api::requiredParts(kind) + api::optionalParts(kind))
                                                      .join(QStringLiteral(", "))));
    auto parts = api::checkParts(kind, *input.parts);
    if (!parts)
        return parts.error();
    partsSet = parts->keys();
    return sealParts(row, parts.value());
}

Result<api::CredentialList> CredentialService::list(const Actor &actor,
                                                    const api::CredentialFilter &filter)
{
    auto rows = m_ctx.credentials.list(
            actor.teamId,
            filter.kind ? std::optional<QString>(api::scopeKindName(*filter.kind)) : std::nullopt,
            filter.id);
    if (!rows)
        return rows.error();
    api::CredentialList out;
    for (const store::CredentialRow &r : rows.value())
        out.items << toWire(r);
    return out;
}

Result<api::CredentialDetail> CredentialService::get(const Actor &actor, const QString &name,
                                                     const api::CredentialScope &scope)
{
    auto row = find(actor, name, scope);
    if (!row)
        return row.error();
    auto usage = m_ctx.credentials.usage(actor.teamId, row->id);
    if (!usage)
        return usage.error();
    return api::CredentialDetail{ toWire(row.value()),
                                  { usage->roles, usage->agents, usage->hasPolicy } };
}

Result<api::Credential> CredentialService::create(const Actor &actor,
                                                  const api::CredentialInput &input)
{
    if (auto r = actor.requireConfigure(); !r)
        return r.error();
    Q_ASSERT(input.name); // CredentialInput::decode(Create) requires it
    store::CredentialRow row;
    row.id = m_ctx.random.uuid();
    row.teamId = actor.teamId;
    row.name = input.name.value_or(QString());
    const api::CredentialScope scope = input.scope.value_or(api::CredentialScope());
    if (auto r = checkScope(actor, scope); !r)
        return r.error();
    row.scopeKind = api::scopeKindName(scope.kind);
    row.scopeId = scope.id;
    row.createdAt = row.updatedAt = m_ctx.clock.nowMs();
    api::Credential settings = toWire(row);
    if (auto r = input.applyTo(settings, Mode::Create); !r)
        return r.error();
    fromWire(settings, row);
    QByteArray sealed;
    if (input.parts) {
        auto s = sealParts(row, *input.parts);
        if (!s)
            return s.error();
        sealed = s.value();
        row.partsSet = input.parts->keys();
    } else if (!input.value.value_or(QString()).isEmpty()) {
        auto s = seal(row, *input.value);
        if (!s)
            return s.error();
        sealed = s.value();
    }
    if (auto r = m_ctx.credentials.create(row, sealed); !r)
        return r.error();
    row.hasValue = !sealed.isEmpty();
    QJsonObject detail = scopeDetail(row);
    detail.insert(api::key::kConnector, row.connector);
    detail.insert(api::key::kHasValue, row.hasValue);
    insertKind(detail, row);
    m_ctx.recordChange(actor, QStringLiteral("credential.create"), row.name, detail);
    return toWire(row);
}

Result<api::Credential> CredentialService::update(const Actor &actor, const QString &name,
                                                  const api::CredentialScope &scope,
                                                  const api::CredentialInput &input)
{
    if (auto r = actor.requireConfigure(); !r)
        return r.error();
    auto row = find(actor, name, scope);
    if (!row)
        return row.error();
    api::Credential settings = toWire(row.value());
    if (auto r = input.applyTo(settings, Mode::Update); !r)
        return r.error();
    fromWire(settings, row.value());
    row->updatedAt = m_ctx.clock.nowMs();
    if (auto r = m_ctx.credentials.update(row.value()); !r)
        return r.error();
    QJsonObject detail = scopeDetail(row.value());
    detail.insert(QStringLiteral("fields"), QJsonArray::fromStringList(input.encode().keys()));
    m_ctx.recordChange(actor, QStringLiteral("credential.update"), name, detail);
    return toWire(row.value());
}

Result<api::CredentialValueSet>
CredentialService::rotateValue(const Actor &actor, const QString &name,
                               const api::CredentialScope &scope,
                               const api::CredentialValueInput &input)
{
    if (auto r = actor.requireConfigure(); !r)
        return r.error();
    auto row = find(actor, name, scope);
    if (!row)
        return row.error();
    QStringList partsSet;
    auto sealed = sealInput(row.value(), input, partsSet);
    if (!sealed)
        return sealed.error();
    const qint64 now = m_ctx.clock.nowMs();
    if (auto r = m_ctx.credentials.setSealedValue(actor.teamId, row->id, sealed.value(), now,
                                                  partsSet);
        !r)
        return r.error();
    row->partsSet = partsSet;
    QJsonObject detail = scopeDetail(row.value());
    insertKind(detail, row.value());
    m_ctx.recordChange(actor, QStringLiteral("credential.rotate"), name, detail);
    return api::CredentialValueSet{
        name, core::toRfc3339(now), scope,
        api::parseCredentialKind(row->kind).value_or(api::CredentialKind::Static), partsSet
    };
}

Result<api::CredentialDeleted> CredentialService::remove(const Actor &actor, const QString &name,
                                                         const api::CredentialScope &scope)
{
    if (auto r = actor.requireConfigure(); !r)
        return r.error();
    auto row = find(actor, name, scope);
    if (!row)
        return row.error();
    auto usage = m_ctx.credentials.usage(actor.teamId, row->id);
    if (!usage)
        return usage.error();
    if (auto r = m_ctx.credentials.remove(actor.teamId, row->id); !r)
        return r.error();
    // The policy is the name's: it is gone only with the name's last row.
    auto left = findAnyScope(actor, name);
    const bool policyGone = usage->hasPolicy && !left;
    const api::CredentialDeleted deleted{ name,
                                          { usage->roles, usage->agents, policyGone },
                                          scope };
    QJsonObject detail = scopeDetail(row.value());
    detail.insert(api::key::kRemovedFrom, deleted.removedFrom.encode(true));
    m_ctx.recordChange(actor, QStringLiteral("credential.delete"), name, detail);
    return deleted;
}

Result<api::Policy> CredentialService::getPolicy(const Actor &actor, const QString &credential)
{
    auto row = findAnyScope(actor, credential);
    if (!row)
        return row.error();
    auto policy = m_ctx.credentials.policy(actor.teamId, row->id);
    if (!policy)
        return policy.error();
    if (!policy.value())
        return api::Policy::unconfigured(credential);
    return toWire(credential, *policy.value());
}

Result<api::Policy> CredentialService::putPolicy(const Actor &actor, const QString &credential,
                                                 const api::Policy &input)
{
    if (auto r = actor.requireConfigure(); !r)
        return r.error();
    auto row = findAnyScope(actor, credential);
    if (!row)
        return row.error();
    if (!input.approvalChannel.isEmpty()) {
        auto existing = m_ctx.channels.get(actor.teamId, input.approvalChannel);
        if (!existing)
            return existing.error();
        if (!existing.value())
            return api::invalidField(api::key::kApprovalChannel,
                                     QStringLiteral("approval_channel: no notification channel "
                                                    "named \"%1\".")
                                             .arg(input.approvalChannel));
    }
    store::PolicyRow p = fromWire(input);
    p.updatedAt = m_ctx.clock.nowMs();
    if (auto r = m_ctx.credentials.putPolicy(actor.teamId, row->id, p); !r)
        return r.error();
    const api::Policy saved = toWire(credential, p);
    m_ctx.recordChange(actor, QStringLiteral("policy.put"), credential, saved.encode());
    return saved;
}

Result<api::Deleted> CredentialService::removePolicy(const Actor &actor, const QString &credential)
{
    if (auto r = actor.requireConfigure(); !r)
        return r.error();
    auto row = findAnyScope(actor, credential);
    if (!row)
        return row.error();
    auto removed = m_ctx.credentials.removePolicy(actor.teamId, row->id);
    if (!removed)
        return removed.error();
    if (!removed.value())
        return Error(ErrorCode::NotFound,
                     QStringLiteral("The credential \"%1\" has no policy.").arg(credential));
    m_ctx.recordChange(actor, QStringLiteral("policy.delete"), credential);
    return api::Deleted{
        {}, {}, QStringLiteral("Every request to \"%1\" now requires approval.").arg(credential)
    };
}

} // namespace tap::admin
