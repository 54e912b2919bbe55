#include "admin/credentials.h"

#include "api/validation.h"
#include "crypto/keyring.h"
#include "store/vault.h"

#include <QJsonArray>
#include <QRegularExpression>

namespace tap::admin {

using core::Error;
using core::ErrorCode;
using core::Result;

namespace {

Error invalid(const QString &message)
{
    return Error(ErrorCode::InvalidRequest, message);
}

const QStringList kCredentialFields{ QStringLiteral("name"),
                                     QStringLiteral("description"),
                                     QStringLiteral("connector"),
                                     QStringLiteral("api_base"),
                                     QStringLiteral("relative_target"),
                                     QStringLiteral("auth_header_format"),
                                     QStringLiteral("value"),
                                     QStringLiteral("allowed_hosts"),
                                     QStringLiteral("body_placeholder_fields") };

constexpr qsizetype kMaxValueBytes = 64 * 1024;
// List caps (api::JsonFields::stringList() checks them before any other work). Every forwarded
// request scans auto_approve_urls, so their total size stays small.
constexpr int kMaxHosts = 100;
constexpr int kMaxHostLength = 253;
constexpr int kMaxPlaceholderFields = 100;
constexpr int kMaxPlaceholderLength = 64;
constexpr int kMaxApproveUrls = 1000;
constexpr int kMaxApproveUrlLength = 1024;
constexpr int kMaxApprovers = 1000;
constexpr int kMaxApproverLength = 320;

} // namespace

QJsonObject CredentialService::toJson(const store::CredentialRow &r)
{
    return { { QStringLiteral("name"), r.name },
             { QStringLiteral("description"), r.description },
             { QStringLiteral("connector"), r.connector },
             { QStringLiteral("api_base"),
               r.apiBase.isEmpty() ? QJsonValue() : QJsonValue(r.apiBase) },
             { QStringLiteral("relative_target"), r.relativeTarget },
             { QStringLiteral("auth_header_format"), r.authHeaderFormat },
             { QStringLiteral("allowed_hosts"), QJsonArray::fromStringList(r.allowedHosts) },
             { QStringLiteral("body_placeholder_fields"),
               QJsonArray::fromStringList(r.bodyPlaceholderFields) },
             { QStringLiteral("has_value"), r.hasValue },
             { QStringLiteral("created_at"), core::toRfc3339(r.createdAt) },
             { QStringLiteral("updated_at"), core::toRfc3339(r.updatedAt) } };
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

Result<void> CredentialService::apply(const QJsonObject &body, store::CredentialRow &row,
                                      bool creating)
{
    api::JsonFields f(body);
    if (auto r = f.onlyKnown(kCredentialFields); !r)
        return r;
    if (!creating && body.contains(QStringLiteral("name"))
        && body.value(QStringLiteral("name")).toString() != row.name)
        return invalid(QStringLiteral("A credential cannot be renamed; create a new one instead."));
    if (!creating && body.contains(QStringLiteral("value")))
        return invalid(QStringLiteral("Change the value with PUT /admin/credentials/%1/value.")
                               .arg(row.name));
    auto description = f.string(QStringLiteral("description"), creating, row.description);
    if (!description)
        return description.error();
    row.description = *description;
    auto connector = f.string(QStringLiteral("connector"), false, row.connector);
    if (!connector)
        return connector.error();
    if (*connector != u"direct" && *connector != u"sidecar")
        return invalid(QStringLiteral("connector must be \"direct\" or \"sidecar\"."));
    row.connector = *connector;
    if (body.contains(QStringLiteral("api_base"))) {
        auto base = f.string(QStringLiteral("api_base"), false);
        if (!base)
            return base.error();
        if (!base->isEmpty()) {
            auto url = api::checkHttpUrl(QStringLiteral("api_base"), *base);
            if (!url)
                return url.error();
        }
        row.apiBase = *base;
    }
    auto relative = f.boolean(QStringLiteral("relative_target"), row.relativeTarget);
    if (!relative)
        return relative.error();
    row.relativeTarget = *relative;
    auto format = f.string(QStringLiteral("auth_header_format"), false, row.authHeaderFormat);
    if (!format)
        return format.error();
    if (format->count(QStringLiteral("{value}")) != 1 || format->contains(u'\r')
        || format->contains(u'\n') || format->size() > 512)
        return invalid(QStringLiteral(
                "auth_header_format must contain {value} exactly once, on one line."));
    row.authHeaderFormat = *format;
    if (body.contains(QStringLiteral("allowed_hosts"))) {
        auto hosts = f.stringList(QStringLiteral("allowed_hosts"), kMaxHosts, kMaxHostLength);
        if (!hosts)
            return hosts.error();
        row.allowedHosts.clear();
        for (const QString &h : hosts.value()) {
            auto host = api::checkHostName(QStringLiteral("allowed_hosts"), h);
            if (!host)
                return host.error();
            row.allowedHosts << host.value();
        }
    } else if (creating && !row.apiBase.isEmpty()) {
        row.allowedHosts = { QUrl(row.apiBase).host().toLower() }; // default: the host of api_base
    }
    if (body.contains(QStringLiteral("body_placeholder_fields"))) {
        auto fields = f.stringList(QStringLiteral("body_placeholder_fields"), kMaxPlaceholderFields,
                                   kMaxPlaceholderLength);
        if (!fields)
            return fields.error();
        static const QRegularExpression fieldName(QStringLiteral("^[A-Za-z0-9_.-]{1,64}\\z"));
        for (const QString &name : fields.value()) {
            if (!fieldName.match(name).hasMatch())
                return invalid(QStringLiteral(
                        "body_placeholder_fields entries must be JSON or form field names."));
        }
        row.bodyPlaceholderFields = fields.value();
    }
    // Seed "Validation Rules".
    if (row.connector == u"sidecar" && row.apiBase.isEmpty())
        return invalid(QStringLiteral("connector \"sidecar\" requires api_base."));
    if (row.relativeTarget && row.connector != u"sidecar")
        return invalid(QStringLiteral("relative_target requires connector \"sidecar\"."));
    return {};
}

Result<QByteArray> CredentialService::seal(const store::CredentialRow &row, const QString &value)
{
    core::SecretBytes plain(value.toUtf8());
    return m_ctx.vault.seal(row.teamId, crypto::KeyRing::credentialAad(row.teamId, row.id), plain);
}

Outcome CredentialService::list(const Actor &actor)
{
    auto rows = m_ctx.credentials.list(actor.teamId);
    if (!rows)
        return rows.error();
    QJsonArray out;
    for (const store::CredentialRow &r : rows.value()) {
        if (r.scopeKind == u"team")
            out.append(toJson(r));
    }
    return ok({ { QStringLiteral("credentials"), out } });
}

Outcome CredentialService::get(const Actor &actor, const QString &name)
{
    auto row = find(actor, name);
    if (!row)
        return row.error();
    auto usage = m_ctx.credentials.usage(actor.teamId, row->id);
    if (!usage)
        return usage.error();
    QJsonObject o = toJson(row.value());
    o.insert(
            QStringLiteral("used_by"),
            QJsonObject{ { QStringLiteral("roles"), QJsonArray::fromStringList(usage->roles) },
                         { QStringLiteral("agents"), QJsonArray::fromStringList(usage->agents) } });
    o.insert(QStringLiteral("has_policy"), usage->hasPolicy);
    return ok(o);
}

Outcome CredentialService::create(const Actor &actor, const QJsonObject &body)
{
    if (auto r = actor.requireConfigure(); !r)
        return r.error();
    api::JsonFields f(body);
    if (auto r = f.onlyKnown(kCredentialFields); !r)
        return r.error();
    auto name = f.string(QStringLiteral("name"), true);
    if (!name)
        return name.error();
    if (auto r = api::checkObjectName(QStringLiteral("name"), *name); !r)
        return r.error();
    auto value = f.string(QStringLiteral("value"), false);
    if (!value)
        return value.error();
    if (value->toUtf8().size() > kMaxValueBytes)
        return invalid(QStringLiteral("value is larger than 64 KiB."));
    store::CredentialRow row;
    row.id = m_ctx.random.uuid();
    row.teamId = actor.teamId;
    row.name = *name;
    row.createdAt = row.updatedAt = m_ctx.clock.nowMs();
    if (auto r = apply(body, row, true); !r)
        return r.error();
    QByteArray sealed;
    if (!value->isEmpty()) {
        auto s = seal(row, *value);
        if (!s)
            return s.error();
        sealed = s.value();
    }
    if (auto r = m_ctx.credentials.create(row, sealed); !r)
        return r.error();
    row.hasValue = !sealed.isEmpty();
    m_ctx.recordChange(actor, QStringLiteral("credential.create"), row.name,
                       { { QStringLiteral("connector"), row.connector },
                         { QStringLiteral("has_value"), row.hasValue } });
    return ok(toJson(row), 201);
}

Outcome CredentialService::update(const Actor &actor, const QString &name, const QJsonObject &body)
{
    if (auto r = actor.requireConfigure(); !r)
        return r.error();
    auto row = find(actor, name);
    if (!row)
        return row.error();
    if (auto r = apply(body, row.value(), false); !r)
        return r.error();
    row->updatedAt = m_ctx.clock.nowMs();
    if (auto r = m_ctx.credentials.update(row.value()); !r)
        return r.error();
    m_ctx.recordChange(actor, QStringLiteral("credential.update"), name,
                       { { QStringLiteral("fields"), QJsonArray::fromStringList(body.keys()) } });
    return ok(toJson(row.value()));
}

Outcome CredentialService::rotateValue(const Actor &actor, const QString &name,
                                       const QJsonObject &body)
{
    if (auto r = actor.requireConfigure(); !r)
        return r.error();
    api::JsonFields f(body);
    if (auto r = f.onlyKnown({ QStringLiteral("value") }); !r)
        return r.error();
    auto value = f.string(QStringLiteral("value"), true);
    if (!value)
        return value.error();
    if (value->toUtf8().size() > kMaxValueBytes)
        return invalid(QStringLiteral("value is larger than 64 KiB."));
    auto row = find(actor, name);
    if (!row)
        return row.error();
    auto sealed = seal(row.value(), *value);
    if (!sealed)
        return sealed.error();
    const qint64 now = m_ctx.clock.nowMs();
    if (auto r = m_ctx.credentials.setSealedValue(actor.teamId, row->id, sealed.value(), now); !r)
        return r.error();
    m_ctx.recordChange(actor, QStringLiteral("credential.rotate"), name);
    return ok({ { QStringLiteral("name"), name },
                { QStringLiteral("has_value"), true },
                { QStringLiteral("updated_at"), core::toRfc3339(now) } });
}

Outcome CredentialService::remove(const Actor &actor, const QString &name)
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
    const QJsonObject removed{
        { QStringLiteral("roles"), QJsonArray::fromStringList(usage->roles) },
        { QStringLiteral("agents"), QJsonArray::fromStringList(usage->agents) },
        { QStringLiteral("policy"), usage->hasPolicy }
    };
    m_ctx.recordChange(actor, QStringLiteral("credential.delete"), name,
                       { { QStringLiteral("removed_from"), removed } });
    return ok({ { QStringLiteral("status"), QStringLiteral("deleted") },
                { QStringLiteral("name"), name },
                { QStringLiteral("removed_from"), removed } });
}

QJsonObject CredentialService::policyJson(const QString &credential, const store::PolicyRow &p)
{
    return { { QStringLiteral("credential"), credential },
             { QStringLiteral("configured"), true },
             { QStringLiteral("auto_approve_methods"),
               QJsonArray::fromStringList(p.autoApproveMethods) },
             { QStringLiteral("require_approval_methods"),
               QJsonArray::fromStringList(p.requireApprovalMethods) },
             { QStringLiteral("auto_approve_urls"), QJsonArray::fromStringList(p.autoApproveUrls) },
             { QStringLiteral("allowed_approvers"),
               QJsonArray::fromStringList(p.allowedApprovers) },
             { QStringLiteral("telegram_chat_id"),
               p.telegramChatId.isEmpty() ? QJsonValue() : QJsonValue(p.telegramChatId) },
             { QStringLiteral("matrix_room_id"),
               p.matrixRoomId.isEmpty() ? QJsonValue() : QJsonValue(p.matrixRoomId) },
             { QStringLiteral("approval_channel"),
               p.approvalChannel.isEmpty() ? QJsonValue() : QJsonValue(p.approvalChannel) },
             { QStringLiteral("require_passkey"), p.requirePasskey },
             { QStringLiteral("updated_at"), core::toRfc3339(p.updatedAt) } };
}

Outcome CredentialService::getPolicy(const Actor &actor, const QString &credential)
{
    auto row = find(actor, credential);
    if (!row)
        return row.error();
    auto policy = m_ctx.credentials.policy(actor.teamId, row->id);
    if (!policy)
        return policy.error();
    if (!policy.value()) {
        QJsonObject o = policyJson(credential, store::PolicyRow());
        o.insert(QStringLiteral("configured"), false);
        o.remove(QStringLiteral("updated_at"));
        o.insert(QStringLiteral("message"),
                 QStringLiteral("No policy is set for this credential, so every request requires "
                                "approval."));
        return ok(o);
    }
    return ok(policyJson(credential, *policy.value()));
}

Outcome CredentialService::putPolicy(const Actor &actor, const QString &credential,
                                     const QJsonObject &body)
{
    if (auto r = actor.requireConfigure(); !r)
        return r.error();
    auto row = find(actor, credential);
    if (!row)
        return row.error();
    api::JsonFields f(body);
    if (auto r = f.onlyKnown(
                { QStringLiteral("auto_approve_methods"),
                  QStringLiteral("require_approval_methods"), QStringLiteral("auto_approve_urls"),
                  QStringLiteral("allowed_approvers"), QStringLiteral("telegram_chat_id"),
                  QStringLiteral("matrix_room_id"), QStringLiteral("approval_channel"),
                  QStringLiteral("require_passkey") });
        !r)
        return r.error();
    store::PolicyRow p;
    auto autoMethods = api::checkMethods(QStringLiteral("auto_approve_methods"),
                                         body.value(QStringLiteral("auto_approve_methods")));
    if (!autoMethods)
        return autoMethods.error();
    auto requireMethods = api::checkMethods(QStringLiteral("require_approval_methods"),
                                            body.value(QStringLiteral("require_approval_methods")));
    if (!requireMethods)
        return requireMethods.error();
    for (const QString &m : autoMethods.value()) {
        if (requireMethods->contains(m))
            return invalid(
                    QStringLiteral("%1 cannot be both auto-approved and require approval.").arg(m));
    }
    p.autoApproveMethods = autoMethods.value();
    p.requireApprovalMethods = requireMethods.value();
    auto urls = f.stringList(QStringLiteral("auto_approve_urls"), kMaxApproveUrls,
                             kMaxApproveUrlLength);
    if (!urls)
        return urls.error();
    p.autoApproveUrls = urls.value();
    auto approvers =
            f.stringList(QStringLiteral("allowed_approvers"), kMaxApprovers, kMaxApproverLength);
    if (!approvers)
        return approvers.error();
    p.allowedApprovers = approvers.value();
    // Telegram chat ids are numbers; the seed writes them as strings, accept both.
    const QJsonValue chat = body.value(QStringLiteral("telegram_chat_id"));
    if (chat.isDouble())
        p.telegramChatId = QString::number(qint64(chat.toDouble()));
    else if (!chat.isUndefined() && !chat.isNull() && !chat.isString())
        return invalid(QStringLiteral("telegram_chat_id must be a string or a number."));
    else
        p.telegramChatId = chat.toString();
    static const QRegularExpression chatId(
            QStringLiteral("^(-?[0-9]{1,20}|@[A-Za-z0-9_]{5,64})\\z"));
    if (!p.telegramChatId.isEmpty() && !chatId.match(p.telegramChatId).hasMatch())
        return invalid(
                QStringLiteral("telegram_chat_id must be a numeric chat id or an @channel name."));
    auto room = f.string(QStringLiteral("matrix_room_id"), false);
    if (!room)
        return room.error();
    if (!room->isEmpty() && !room->startsWith(u'!') && !room->startsWith(u'#'))
        return invalid(QStringLiteral("matrix_room_id must be a room id (!…) or alias (#…)."));
    p.matrixRoomId = *room;
    auto channel = f.string(QStringLiteral("approval_channel"), false);
    if (!channel)
        return channel.error();
    if (!channel->isEmpty()) {
        auto existing = m_ctx.channels.get(actor.teamId, *channel);
        if (!existing)
            return existing.error();
        if (!existing.value())
            return invalid(QStringLiteral("approval_channel: no notification channel named \"%1\".")
                                   .arg(*channel));
    }
    p.approvalChannel = *channel;
    auto passkey = f.boolean(QStringLiteral("require_passkey"), false);
    if (!passkey)
        return passkey.error();
    p.requirePasskey = *passkey;
    p.updatedAt = m_ctx.clock.nowMs();
    if (auto r = m_ctx.credentials.putPolicy(actor.teamId, row->id, p); !r)
        return r.error();
    const QJsonObject json = policyJson(credential, p);
    m_ctx.recordChange(actor, QStringLiteral("policy.put"), credential, json);
    return ok(json);
}

Outcome CredentialService::removePolicy(const Actor &actor, const QString &credential)
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
    return ok({ { QStringLiteral("status"), QStringLiteral("deleted") },
                { QStringLiteral("message"),
                  QStringLiteral("Every request to \"%1\" now requires approval.")
                          .arg(credential) } });
}

} // namespace tap::admin
