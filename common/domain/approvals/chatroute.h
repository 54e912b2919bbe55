#pragma once

#include <QList>
#include <QString>

#include <optional>

namespace tap::approvals {

// Where a parked request's approval message goes in chat: pure, from the facts read from the
// store. The Telegram and Matrix bots each ask this one function.
//
// The rules, per network:
// - The policies of the request's credentials, in the order they were named, give the first
//   non-empty chat (telegram_chat_id / matrix_room_id) and approval_channel.
// - The channel: the policy's approval_channel by name, else the team's first enabled channel
//   of the network (channels in their stored order). A policy naming a channel of another
//   network, a disabled one or a missing one sends nothing to this network.
// - The chat: the policy's, else the channel's (config chat_id / room_id), else (Telegram
//   only) TAP_TELEGRAM_CHAT_ID.
// - Telegram's bot: the channel's own bot token wins over the global bot unless the policy
//   names a chat but no channel and a global bot exists.
// Not covered: whether the chat exists or the bot can post there; the store's errors (callers
// route nothing when a fact could not be read: fail closed).
enum class ChatNetwork { Telegram, Matrix };

struct PolicyChatFacts
{
    QString telegramChatId;
    QString matrixRoomId;
    QString approvalChannel;
};

struct ChannelFacts
{
    QString name;
    QString type; // "telegram", "matrix", "email", "desktop", …
    bool enabled = false;
    bool hasSecret = false; // a Telegram channel's own bot token
    QString chat; // config chat_id (Telegram) or room_id (Matrix)
};

struct RouteFacts
{
    QList<PolicyChatFacts> policies; // the request's credentials' policies, in order
    QList<ChannelFacts> channels; // the team's channels, in stored order
    QString defaultTelegramChatId; // TAP_TELEGRAM_CHAT_ID
    bool globalTelegramBot = false; // TAP_TELEGRAM_BOT_TOKEN is set
};

struct ChatRoute
{
    QString chat; // Telegram chat id / @name, or Matrix room id / #alias
    QString botChannel; // Telegram: post with this channel's bot token; empty: the global bot

    bool operator==(const ChatRoute &) const = default;
};

[[nodiscard]] std::optional<ChatRoute> routeApproval(ChatNetwork network, const RouteFacts &facts);

} // namespace tap::approvals
