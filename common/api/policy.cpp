#include "api/policy.h"

#include "api/keys.h"
#include "api/validation.h"

#include <QJsonArray>
#include <QRegularExpression>

namespace tap::api {

using core::Result;

namespace {

// Every forwarded request scans auto_approve_urls, so their total size stays small.
constexpr int kMaxApproveUrls = 1000;
constexpr int kMaxApproveUrlLength = 1024;
constexpr int kMaxApprovers = 1000;
constexpr int kMaxApproverLength = 320;

QStringList strings(const QJsonValue &value)
{
    QStringList out;
    const QJsonArray array = value.toArray();
    for (const QJsonValue &v : array)
        out << v.toString();
    return out;
}

QJsonValue nullIfEmpty(const QString &text)
{
    return text.isEmpty() ? QJsonValue() : QJsonValue(text);
}

Result<void> decodeMethods(const QJsonObject &body, Policy &p)
{
    auto autoMethods =
            tagged(checkMethods(key::kAutoApproveMethods, body.value(key::kAutoApproveMethods)),
                   key::kAutoApproveMethods);
    if (!autoMethods)
        return autoMethods.error();
    auto requireMethods = tagged(
            checkMethods(key::kRequireApprovalMethods, body.value(key::kRequireApprovalMethods)),
            key::kRequireApprovalMethods);
    if (!requireMethods)
        return requireMethods.error();
    for (const QString &m : autoMethods.value()) {
        if (requireMethods->contains(m))
            return invalidField(
                    key::kRequireApprovalMethods,
                    QStringLiteral("%1 cannot be both auto-approved and require approval.").arg(m));
    }
    p.autoApproveMethods = autoMethods.value();
    p.requireApprovalMethods = requireMethods.value();
    return {};
}

// Telegram chat ids are numbers; written as strings too, so both are accepted.
Result<QString> decodeChatId(const QJsonValue &chat)
{
    QString id;
    if (chat.isDouble())
        id = QString::number(qint64(chat.toDouble()));
    else if (!chat.isUndefined() && !chat.isNull() && !chat.isString())
        return invalidField(key::kTelegramChatId,
                            QStringLiteral("telegram_chat_id must be a string or a number."));
    else
        id = chat.toString();
    static const QRegularExpression chatId(
            QStringLiteral("^(-?[0-9]{1,20}|@[A-Za-z0-9_]{5,64})\\z"));
    if (!id.isEmpty() && !chatId.match(id).hasMatch())
        return invalidField(key::kTelegramChatId,
                            QStringLiteral("telegram_chat_id must be a numeric chat id or an "
                                           "@channel name."));
    return id;
}

Result<void> decodeChannels(const JsonFields &f, const QJsonObject &body, Policy &p)
{
    auto chat = decodeChatId(body.value(key::kTelegramChatId));
    if (!chat)
        return chat.error();
    p.telegramChatId = chat.value();
    auto room = tagged(f.string(key::kMatrixRoomId, false), key::kMatrixRoomId);
    if (!room)
        return room.error();
    if (!room->isEmpty() && !room->startsWith(u'!') && !room->startsWith(u'#'))
        return invalidField(key::kMatrixRoomId,
                            QStringLiteral("matrix_room_id must be a room id (!…) or alias (#…)."));
    p.matrixRoomId = *room;
    auto channel = tagged(f.string(key::kApprovalChannel, false), key::kApprovalChannel);
    if (!channel)
        return channel.error();
    p.approvalChannel = *channel;
    return {};
}

} // namespace

Result<Policy> Policy::decodeInput(const QJsonObject &body)
{
    const JsonFields f(body);
    if (auto r = f.onlyKnown({ key::kAutoApproveMethods, key::kRequireApprovalMethods,
                               key::kAutoApproveUrls, key::kAllowedApprovers, key::kTelegramChatId,
                               key::kMatrixRoomId, key::kApprovalChannel, key::kRequirePasskey });
        !r)
        return r.error();
    Policy p;
    if (auto r = decodeMethods(body, p); !r)
        return r.error();
    auto urls = tagged(f.stringList(key::kAutoApproveUrls, kMaxApproveUrls, kMaxApproveUrlLength),
                       key::kAutoApproveUrls);
    if (!urls)
        return urls.error();
    p.autoApproveUrls = urls.value();
    auto approvers = tagged(f.stringList(key::kAllowedApprovers, kMaxApprovers, kMaxApproverLength),
                            key::kAllowedApprovers);
    if (!approvers)
        return approvers.error();
    for (const QString &entry : std::as_const(approvers.value())) {
        auto approver = checkApprover(key::kAllowedApprovers, entry);
        if (!approver)
            return approver.error();
        if (!p.allowedApprovers.contains(approver.value()))
            p.allowedApprovers << approver.value();
    }
    if (auto r = decodeChannels(f, body, p); !r)
        return r.error();
    auto passkey = tagged(f.boolean(key::kRequirePasskey, false), key::kRequirePasskey);
    if (!passkey)
        return passkey.error();
    p.requirePasskey = *passkey;
    return p;
}

QJsonObject Policy::encodeInput() const
{
    return { { key::kAutoApproveMethods, QJsonArray::fromStringList(autoApproveMethods) },
             { key::kRequireApprovalMethods, QJsonArray::fromStringList(requireApprovalMethods) },
             { key::kAutoApproveUrls, QJsonArray::fromStringList(autoApproveUrls) },
             { key::kAllowedApprovers, QJsonArray::fromStringList(allowedApprovers) },
             { key::kTelegramChatId, nullIfEmpty(telegramChatId) },
             { key::kMatrixRoomId, nullIfEmpty(matrixRoomId) },
             { key::kApprovalChannel, nullIfEmpty(approvalChannel) },
             { key::kRequirePasskey, requirePasskey } };
}

QJsonObject Policy::encode() const
{
    QJsonObject o = encodeInput();
    o.insert(key::kCredential, credential);
    o.insert(key::kConfigured, configured);
    if (configured) {
        o.insert(key::kUpdatedAt, updatedAt);
    } else {
        o.insert(key::kMessage,
                 QStringLiteral("No policy is set for this credential, so every request requires "
                                "approval."));
    }
    return o;
}

Policy Policy::decode(const QJsonObject &o)
{
    Policy p;
    p.autoApproveMethods = strings(o.value(key::kAutoApproveMethods));
    p.requireApprovalMethods = strings(o.value(key::kRequireApprovalMethods));
    p.autoApproveUrls = strings(o.value(key::kAutoApproveUrls));
    p.allowedApprovers = strings(o.value(key::kAllowedApprovers));
    const QJsonValue chat = o.value(key::kTelegramChatId);
    p.telegramChatId = chat.isDouble() ? QString::number(qint64(chat.toDouble())) : chat.toString();
    p.matrixRoomId = o.value(key::kMatrixRoomId).toString();
    p.approvalChannel = o.value(key::kApprovalChannel).toString();
    p.requirePasskey = o.value(key::kRequirePasskey).toBool();
    p.credential = o.value(key::kCredential).toString();
    p.configured = o.value(key::kConfigured).toBool();
    p.updatedAt = o.value(key::kUpdatedAt).toString();
    return p;
}

Policy Policy::unconfigured(const QString &credential)
{
    Policy p;
    p.credential = credential;
    p.configured = false;
    return p;
}

} // namespace tap::api
