#include "api/channel.h"

#include "api/keys.h"
#include "api/validation.h"

#include <QJsonArray>
#include <QRegularExpression>

namespace tap::api {

using core::Result;

namespace {

Result<void> onlyKeys(const QJsonObject &config, const QStringList &keys)
{
    for (const QString &k : config.keys()) {
        if (!keys.contains(k))
            return invalidField(key::kConfig,
                                QStringLiteral("config: unknown field \"%1\"; accepted: %2.")
                                        .arg(quoted(k), keys.join(QStringLiteral(", "))));
    }
    return {};
}

Result<void> checkTelegram(QJsonObject &config, QString *secret)
{
    if (auto r = onlyKeys(config, { key::kChatId, key::kBotToken }); !r)
        return r;
    const QJsonValue chat = config.value(key::kChatId);
    const QString chatId =
            chat.isDouble() ? QString::number(qint64(chat.toDouble())) : chat.toString();
    static const QRegularExpression chatRe(
            QStringLiteral("^(-?[0-9]{1,20}|@[A-Za-z0-9_]{5,64})\\z"));
    if (!chatRe.match(chatId).hasMatch())
        return invalidField(QStringLiteral("config.chat_id"),
                            QStringLiteral("config.chat_id must be a Telegram chat id such as "
                                           "-100123456."));
    config.insert(key::kChatId, chatId);
    *secret = config.take(key::kBotToken).toString();
    static const QRegularExpression tokenRe(QStringLiteral("^[^\\s]{1,256}\\z"));
    if (!secret->isEmpty() && !tokenRe.match(*secret).hasMatch())
        return invalidField(QStringLiteral("config.bot_token"),
                            QStringLiteral("config.bot_token must be one word of at most 256 "
                                           "characters."));
    return {};
}

Result<void> checkMatrix(const QJsonObject &config)
{
    if (auto r = onlyKeys(config, { key::kRoomId }); !r)
        return r;
    const QString room = config.value(key::kRoomId).toString();
    if (!(room.startsWith(u'!') || room.startsWith(u'#')) || !room.contains(u':')
        || room.size() > 255)
        return invalidField(QStringLiteral("config.room_id"),
                            QStringLiteral("config.room_id must be a Matrix room id such as "
                                           "!abc:example.org."));
    return {};
}

// Checks `config` for the channel type; moves a secret (bot_token) out of it.
Result<void> checkConfig(ChannelType type, QJsonObject &config, QString *secret)
{
    switch (type) {
    case ChannelType::Telegram:
        return checkTelegram(config, secret);
    case ChannelType::Matrix:
        return checkMatrix(config);
    case ChannelType::Desktop:
        return onlyKeys(config, {});
    }
    Q_UNREACHABLE();
}

} // namespace

QJsonObject Channel::encode() const
{
    QJsonObject o{ { key::kName, name },
                   { key::kChannelType, channelTypeName(type) },
                   { key::kConfig, config },
                   { key::kEnabled, enabled },
                   { key::kCreatedAt, createdAt } };
    if (type == ChannelType::Telegram)
        o.insert(key::kHasBotToken, hasBotToken);
    return o;
}

Channel Channel::decode(const QJsonObject &o)
{
    Channel c;
    c.name = o.value(key::kName).toString();
    c.type = parseChannelType(o.value(key::kChannelType).toString()).value_or(ChannelType::Desktop);
    c.config = o.value(key::kConfig).toObject();
    c.enabled = o.value(key::kEnabled).toBool(true);
    c.createdAt = o.value(key::kCreatedAt).toString();
    c.hasBotToken = o.value(key::kHasBotToken).toBool();
    return c;
}

QJsonObject ChannelList::encode() const
{
    QJsonArray list;
    for (const Channel &c : items)
        list.append(c.encode());
    return { { key::kChannels, list } };
}

ChannelList ChannelList::decode(const QJsonObject &o)
{
    ChannelList out;
    const QJsonArray list = o.value(key::kChannels).toArray();
    for (const QJsonValue &v : list)
        out.items << Channel::decode(v.toObject());
    return out;
}

Result<ChannelInput> ChannelInput::decode(const QJsonObject &body)
{
    const JsonFields f(body);
    if (auto r = f.onlyKnown({ key::kName, key::kChannelType, key::kConfig }); !r)
        return r.error();
    auto name = tagged(f.string(key::kName, true), key::kName);
    if (!name)
        return name.error();
    if (auto r = tagged(checkObjectName(key::kName, *name), key::kName); !r)
        return r.error();
    auto typeText = tagged(f.string(key::kChannelType, true), key::kChannelType);
    if (!typeText)
        return typeText.error();
    const QJsonValue configValue = body.value(key::kConfig);
    if (!configValue.isUndefined() && !configValue.isNull() && !configValue.isObject())
        return invalidField(key::kConfig, QStringLiteral("config must be an object."));
    const auto type = parseChannelType(*typeText);
    if (!type)
        return invalidField(key::kChannelType,
                            QStringLiteral("channel_type must be one of %1.")
                                    .arg(allNames<ChannelType>().join(QStringLiteral(", "))));
    ChannelInput in{ *name, *type, configValue.toObject(), {} };
    if (auto r = checkConfig(in.type, in.config, &in.botToken); !r)
        return r.error();
    return in;
}

QJsonObject ChannelInput::encode() const
{
    QJsonObject c = config;
    if (!botToken.isEmpty())
        c.insert(key::kBotToken, botToken);
    return { { key::kName, name },
             { key::kChannelType, channelTypeName(type) },
             { key::kConfig, c } };
}

QJsonObject ChannelTestSent::encode() const
{
    return { { key::kStatus, QStringLiteral("sent") }, { key::kName, name } };
}

} // namespace tap::api
