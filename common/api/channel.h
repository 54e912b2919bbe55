#pragma once

#include "api/enums.h"
#include "core/result.h"

#include <QJsonObject>
#include <QList>

namespace tap::api {

// A notification channel as GET /admin/notification-channels shows it. A Telegram channel's
// own bot token is never shown: only whether it has one.
struct Channel
{
    QString name;
    ChannelType type = ChannelType::Desktop;
    QJsonObject config; // telegram: chat_id; matrix: room_id; desktop: nothing
    bool enabled = true;
    QString createdAt;
    bool hasBotToken = false; // telegram only

    QJsonObject encode() const;
    static Channel decode(const QJsonObject &object); // lenient
    bool operator==(const Channel &) const = default;
};

struct ChannelList
{
    QList<Channel> items;
    QJsonObject encode() const; // {"channels": [...]}
    static ChannelList decode(const QJsonObject &object);
};

// POST /admin/notification-channels. decode() checks the config for the type (unknown keys,
// chat and room ids) and moves config.bot_token into botToken. Errors in the config name the
// nested key as their field ("config.chat_id", "config.bot_token", "config.room_id").
struct ChannelInput
{
    QString name;
    ChannelType type = ChannelType::Desktop;
    QJsonObject config; // without bot_token; a numeric chat_id as text
    QString botToken; // secret; empty: none

    static core::Result<ChannelInput> decode(const QJsonObject &body);
    QJsonObject encode() const; // with bot_token when set
};

// POST /admin/notification-channels/{name}/test answers {"status": "sent", "name"}.
struct ChannelTestSent
{
    QString name;
    QJsonObject encode() const;
};

} // namespace tap::api
