#include "approvals/chatroute.h"

namespace tap::approvals {

namespace {

QString networkType(ChatNetwork network)
{
    switch (network) {
    case ChatNetwork::Telegram:
        return QStringLiteral("telegram");
    case ChatNetwork::Matrix:
        return QStringLiteral("matrix");
    }
    Q_UNREACHABLE();
    return {};
}

struct PolicyChoice
{
    QString chat;
    QString channel;
};

PolicyChoice policyChoice(ChatNetwork network, const QList<PolicyChatFacts> &policies)
{
    PolicyChoice out;
    for (const PolicyChatFacts &p : policies) {
        const QString &chat = network == ChatNetwork::Telegram ? p.telegramChatId : p.matrixRoomId;
        if (out.chat.isEmpty())
            out.chat = chat;
        if (out.channel.isEmpty())
            out.channel = p.approvalChannel;
    }
    return out;
}

} // namespace

std::optional<ChatRoute> routeApproval(ChatNetwork network, const RouteFacts &facts)
{
    const QString type = networkType(network);
    const PolicyChoice policy = policyChoice(network, facts.policies);
    const ChannelFacts *chosen = nullptr;
    for (const ChannelFacts &c : facts.channels) {
        if (!policy.channel.isEmpty() ? c.name == policy.channel : (c.type == type && c.enabled)) {
            chosen = &c;
            break;
        }
    }
    if (!policy.channel.isEmpty() && (!chosen || chosen->type != type || !chosen->enabled))
        return std::nullopt; // the policy names another kind of channel (or a disabled one)
    ChatRoute route;
    route.chat = policy.chat;
    if (route.chat.isEmpty() && chosen)
        route.chat = chosen->chat;
    if (network == ChatNetwork::Matrix)
        return route.chat.isEmpty() ? std::nullopt : std::optional<ChatRoute>(route);
    if (route.chat.isEmpty())
        route.chat = facts.defaultTelegramChatId;
    if (chosen && chosen->hasSecret
        && (policy.chat.isEmpty() || !policy.channel.isEmpty() || !facts.globalTelegramBot))
        route.botChannel = chosen->name;
    if (route.chat.isEmpty() || (route.botChannel.isEmpty() && !facts.globalTelegramBot))
        return std::nullopt;
    return route;
}

} // namespace tap::approvals
