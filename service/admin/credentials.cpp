#include "admin/credentials.h"

#include "api/keys.h"
#include "api/validation.h"
#include "crypto/keyring.h"
#include "store/vault.h"

#include <QJsonArray>

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

Result<store::CredentialRow> CredentialService::find(const Actor &actor, const QString &name)
{
    auto row = m_ctx.credentials.byName(actor.teamId, name);
    if (!row)
        return row.error();
    if (!row.value())
        return Error(ErrorCode::NotFound, QStringLiteral("No credential named \"%1\".").arg(name));
    return *row.value();
}

Result<QByteArray> CredentialService::seal(const store::CredentialRow &row, const QString &value)
{
    core::SecretBytes plain(value.toUtf8());
    return m_ctx.vault.seal(row.teamId, crypto::KeyRing::credentialAad(row.teamId, row.id), plain);
}

Result<api::CredentialList> CredentialService::list(const Actor &actor)
{
    auto rows = m_ctx.credentials.list(actor.teamId);
    if (!rows)
        return rows.error();
    api::CredentialList out;
    for (const store::CredentialRow &r : rows.value()) {
        if (api::parseScopeKind(r.scopeKind) == api::ScopeKind::Team)
            out.items << toWire(r);
    }
    return out;
}

Result<api::CredentialDetail> CredentialService::get(const Actor &actor, const QString &name)
{
    auto row = find(actor, name);
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
    row.createdAt = row.updatedAt = m_ctx.clock.nowMs();
    api::Credential settings = toWire(row);
    if (auto r = input.applyTo(settings, Mode::Create); !r)
        return r.error();
    fromWire(settings, row);
    QByteArray sealed;
    if (!input.value.value_or(QString()).isEmpty()) {
        auto s = seal(row, *input.value);
        if (!s)
            return s.error();
        sealed = s.value();
    }
    if (auto r = m_ctx.credentials.create(row, sealed); !r)
        return r.error();
    row.hasValue = !sealed.isEmpty();
    m_ctx.recordChange(
            actor, QStringLiteral("credential.create"), row.name,
            { { api::key::kConnector, row.connector }, { api::key::kHasValue, row.hasValue } });
    return toWire(row);
}

Result<api::Credential> CredentialService::update(const Actor &actor, const QString &name,
                                                  const api::CredentialInput &input)
{
    if (auto r = actor.requireConfigure(); !r)
        return r.error();
    auto row = find(actor, name);
    if (!row)
        return row.error();
    api::Credential settings = toWire(row.value());
    if (auto r = input.applyTo(settings, Mode::Update); !r)
        return r.error();
    fromWire(settings, row.value());
    row->updatedAt = m_ctx.clock.nowMs();
    if (auto r = m_ctx.credentials.update(row.value()); !r)
        return r.error();
    m_ctx.recordChange(
            actor, QStringLiteral("credential.update"), name,
            { { QStringLiteral("fields"), QJsonArray::fromStringList(input.encode().keys()) } });
    return toWire(row.value());
}

Result<api::CredentialValueSet>
CredentialService::rotateValue(const Actor &actor, const QString &name,
                               const api::CredentialValueInput &input)
{
    if (auto r = actor.requireConfigure(); !r)
        return r.error();
    auto row = find(actor, name);
    if (!row)
        return row.error();
    auto sealed = seal(row.value(), input.value);
    if (!sealed)
        return sealed.error();
    const qint64 now = m_ctx.clock.nowMs();
    if (auto r = m_ctx.credentials.setSealedValue(actor.teamId, row->id, sealed.value(), now); !r)
        return r.error();
    m_ctx.recordChange(actor, QStringLiteral("credential.rotate"), name);
    return api::CredentialValueSet{ name, core::toRfc3339(now) };
}

Result<api::CredentialDeleted> CredentialService::remove(const Actor &actor, const QString &name)
{
    if (auto r = actor.requireConfigure(); !r)
        return r.error();
    auto row = find(actor, name);
    if (!row)
        return row.error();
    auto usage = m_ctx.credentials.usage(actor.teamId, row->id);
    if (!usage)
        return usage.error();
    if (auto r = m_ctx.credentials.remove(actor.teamId, row->id); !r)
        return r.error();
    const api::CredentialDeleted deleted{ name, { usage->roles, usage->agents, usage->hasPolicy } };
    m_ctx.recordChange(actor, QStringLiteral("credential.delete"), name,
                       { { api::key::kRemovedFrom, deleted.removedFrom.encode(true) } });
    return deleted;
}

Result<api::Policy> CredentialService::getPolicy(const Actor &actor, const QString &credential)
{
    auto row = find(actor, credential);
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
    auto row = find(actor, credential);
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
    auto row = find(actor, credential);
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
