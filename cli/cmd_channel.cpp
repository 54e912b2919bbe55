// channel list|create|delete|test. Wire: POST /admin/notification-channels {name, channel_type,
// config: {chat_id, bot_token} | {room_id} | {}}; GET → {channels: […]}.
#include "commands.h"
#include "helpers.h"

namespace tap::cli {

using namespace Qt::StringLiterals;

namespace {

const QString kPath = u"/admin/notification-channels"_s;

int create(Context &ctx, const Invocation &inv)
{
    const QString name = inv.positionals.value(0, inv.value(u"name"_s));
    const QString type = inv.value(u"type"_s);
    if (name.isEmpty() || type.isEmpty())
        return ctx.usage(u"'tap channel create' needs --name NAME and --type "
                         "telegram|matrix|desktop"_s);
    if (!ctx.requireSession())
        return kError;
    QJsonObject config;
    if (inv.has(u"chat-id"_s))
        config.insert(u"chat_id"_s, inv.value(u"chat-id"_s));
    if (inv.has(u"room-id"_s))
        config.insert(u"room_id"_s, inv.value(u"room-id"_s));
    if (inv.has(u"bot-token-file"_s)) {
        bool ok = false;
        const QString token = ctx.readSecret(inv, u"bot-token-file"_s, {}, &ok);
        if (!ok)
            return kError;
        config.insert(u"bot_token"_s, token.trimmed());
    }
    const QJsonObject body{ { u"name"_s, name },
                            { u"channel_type"_s, type },
                            { u"config"_s, config } };
    return changed(ctx, ctx.post(kPath, body), u"Channel %1 created."_s.arg(name));
}

int list(Context &ctx, const Invocation &)
{
    return listCommand(ctx, kPath, u"channels"_s,
                       { { u"name"_s, u"NAME"_s },
                         { u"channel_type"_s, u"TYPE"_s },
                         { u"enabled"_s, u"ENABLED"_s },
                         { u"config"_s, u"CONFIG"_s } });
}

int remove(Context &ctx, const Invocation &inv)
{
    if (!ctx.requireSession())
        return kError;
    const QString name = inv.positionals.at(0);
    return changed(ctx, ctx.remove(kPath + u'/' + seg(name)), u"Channel %1 deleted."_s.arg(name));
}

int test(Context &ctx, const Invocation &inv)
{
    if (!ctx.requireSession())
        return kError;
    const QString name = inv.positionals.at(0);
    return changed(ctx, ctx.post(kPath + u'/' + seg(name) + u"/test"_s),
                   u"Test message sent through %1."_s.arg(name));
}

} // namespace

QList<Command> channelCommands()
{
    const QString noun = u"channel"_s;
    return {
        { noun, u"list"_s, u"list approval notification channels"_s, {}, {}, {}, list },
        { noun,
          u"create"_s,
          u"add a notification channel"_s,
          { u"[NAME]"_s },
          { { u"name"_s, u"NAME"_s, u"the channel's name"_s },
            { u"type"_s, u"TYPE"_s, u"telegram, matrix or desktop"_s },
            { u"chat-id"_s, u"ID"_s, u"Telegram chat id (telegram)"_s },
            { u"room-id"_s, u"ROOM"_s, u"Matrix room id such as !abc:example.org (matrix)"_s },
            { u"bot-token-file"_s, u"PATH"_s,
              u"Telegram bot token of this channel, read from PATH ('-' = stdin)"_s } },
          u"example: tap channel create --name ops --type telegram --chat-id -100123456"_s,
          create },
        { noun, u"delete"_s, u"delete a notification channel"_s, { u"NAME"_s }, {}, {}, remove },
        { noun,
          u"test"_s,
          u"send a test message through a channel"_s,
          { u"NAME"_s },
          {},
          {},
          test },
    };
}

} // namespace tap::cli
