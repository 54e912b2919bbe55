#include "approvals/chatrouting.h"

#include "store/channelstore.h"
#include "store/credentialstore.h"

namespace tap::approvals {

using core::Result;

QString chatIdText(const QJsonValue &v)
{
    if (v.isDouble())
        return QString::number(qint64(v.toDouble()));
    return v.toString();
}

Result<RouteFacts> readRouteFacts(store::Database &db, const store::ApprovalRow &row)
{
    store::CredentialStore credentials(db);
    RouteFacts facts;
    for (const QString &name : row.credentialName.split(u',', Qt::SkipEmptyParts)) {
        auto credential = credentials.byName(row.teamId, name.trimmed());
        if (!credential)
            return credential.error();
        if (!credential.value())
            continue;
        auto policy = credentials.policy(row.teamId, credential.value()->id);
        if (!policy)
            return policy.error();
        if (!policy.value())
            continue;
        facts.policies.append({ policy.value()->telegramChatId, policy.value()->matrixRoomId,
                                policy.value()->approvalChannel });
    }
    auto channels = store::ChannelStore(db).list(row.teamId);
    if (!channels)
        return channels.error();
    for (const store::ChannelRow &c : channels.value()) {
        const QString chat = c.type == u"matrix"
                ? c.config.value(QStringLiteral("room_id")).toString()
                : chatIdText(c.config.value(QStringLiteral("chat_id")));
        facts.channels.append({ c.name, c.type, c.enabled, c.hasSecret, chat });
    }
    return facts;
}

} // namespace tap::approvals
