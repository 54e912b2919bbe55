#include "admin/channels.h"

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

QByteArray secretAad(const QString &teamId, const QString &name)
{
    return crypto::KeyRing::rowAad("tap:channel-secret:v1", teamId, name);
}

// Checks `config` for the channel type; moves a secret (bot_token) out of it.
Result<QJsonObject> checkConfig(const QString &type, QJsonObject config, QString *secret)
{
    const auto onlyKeys = [&config](const QStringList &keys) -> Result<void> {
        for (const QString &k : config.keys()) {
            if (!keys.contains(k))
                return invalid(QStringLiteral("config: unknown field \"%1\"; accepted: %2.")
                                       .arg(api::quoted(k), keys.join(QStringLiteral(", "))));
        }
        return {};
    };
    if (type == u"telegram") {
        if (auto r = onlyKeys({ QStringLiteral("chat_id"), QStringLiteral("bot_token") }); !r)
            return r.error();
        const QJsonValue chat = config.value(QStringLiteral("chat_id"));
        const QString chatId =
                chat.isDouble() ? QString::number(qint64(chat.toDouble())) : chat.toString();
        static const QRegularExpression chatRe(
                QStringLiteral("^(-?[0-9]{1,20}|@[A-Za-z0-9_]{5,64})\\z"));
        if (!chatRe.match(chatId).hasMatch())
            return invalid(QStringLiteral(
                    "config.chat_id must be a Telegram chat id such as -100123456."));
        config.insert(QStringLiteral("chat_id"), chatId);
        *secret = config.take(QStringLiteral("bot_token")).toString();
        static const QRegularExpression tokenRe(QStringLiteral("^[^\\s]{1,256}\\z"));
        if (!secret->isEmpty() && !tokenRe.match(*secret).hasMatch())
            return invalid(
                    QStringLiteral("config.bot_token must be one word of at most 256 characters."));
        return config;
    }
    if (type == u"matrix") {
        if (auto r = onlyKeys({ QStringLiteral("room_id") }); !r)
            return r.error();
        const QString room = config.value(QStringLiteral("room_id")).toString();
        if (!(room.startsWith(u'!') || room.startsWith(u'#')) || !room.contains(u':')
            || room.size() > 255)
            return invalid(QStringLiteral(
                    "config.room_id must be a Matrix room id such as !abc:example.org."));
        return config;
    }
    if (type == u"desktop") {
        if (auto r = onlyKeys({}); !r)
            return r.error();
        return config;
    }
    return invalid(QStringLiteral("channel_type must be one of telegram, matrix, desktop."));
}

} // namespace

QJsonObject ChannelService::toJson(const store::ChannelRow &c)
{
    QJsonObject o{ { QStringLiteral("name"), c.name },
                   { QStringLiteral("channel_type"), c.type },
                   { QStringLiteral("config"), c.config },
                   { QStringLiteral("enabled"), c.enabled },
                   { QStringLiteral("created_at"), core::toRfc3339(c.createdAt) } };
    if (c.type == u"telegram")
        o.insert(QStringLiteral("has_bot_token"), c.hasSecret);
    return o;
}

Outcome ChannelService::list(const Actor &actor)
{
    auto rows = m_ctx.channels.list(actor.teamId);
    if (!rows)
        return rows.error();
    QJsonArray out;
    for (const store::ChannelRow &c : rows.value())
        out.append(toJson(c));
    return ok({ { QStringLiteral("channels"), out } });
}

Outcome ChannelService::create(const Actor &actor, const QJsonObject &body)
{
    if (auto r = actor.requireConfigure(); !r)
        return r.error();
    api::JsonFields f(body);
    if (auto r = f.onlyKnown({ QStringLiteral("name"), QStringLiteral("channel_type"),
                               QStringLiteral("config") });
        !r)
        return r.error();
    auto name = f.string(QStringLiteral("name"), true);
    if (!name)
        return name.error();
    if (auto r = api::checkObjectName(QStringLiteral("name"), *name); !r)
        return r.error();
    auto type = f.string(QStringLiteral("channel_type"), true);
    if (!type)
        return type.error();
    const QJsonValue configValue = body.value(QStringLiteral("config"));
    if (!configValue.isUndefined() && !configValue.isNull() && !configValue.isObject())
        return invalid(QStringLiteral("config must be an object."));
    QString secret;
    auto config = checkConfig(*type, configValue.toObject(), &secret);
    if (!config)
        return config.error();
    QByteArray sealed;
    if (!secret.isEmpty()) {
        auto s = m_ctx.vault.seal(actor.teamId, secretAad(actor.teamId, *name),
                                  core::SecretBytes(secret.toUtf8()));
        if (!s)
            return s.error();
        sealed = s.value();
    }
    store::ChannelRow row{ *name,          *type,
                           config.value(), !sealed.isEmpty(),
                           true,           m_ctx.clock.nowMs() };
    if (auto r = m_ctx.channels.create(actor.teamId, row, sealed); !r)
        return r.error();
    m_ctx.recordChange(actor, QStringLiteral("channel.create"), row.name,
                       { { QStringLiteral("channel_type"), row.type },
                         { QStringLiteral("config"), row.config } });
    return ok(toJson(row), 201);
}

Outcome ChannelService::remove(const Actor &actor, const QString &name)
{
    if (auto r = actor.requireConfigure(); !r)
        return r.error();
    return m_ctx.finishRemoval(
            actor, m_ctx.channels.remove(actor.teamId, name),
            Error(ErrorCode::NotFound,
                  QStringLiteral("No notification channel named \"%1\".").arg(name)),
            QStringLiteral("channel.delete"), name, { { QStringLiteral("name"), name } });
}

void ChannelService::test(const Actor &actor, const QString &name, OutcomeCallback done)
{
    if (auto r = actor.requireConfigure(); !r)
        return done(r.error());
    auto row = m_ctx.channels.get(actor.teamId, name);
    if (!row)
        return done(row.error());
    if (!row.value())
        return done(Error(ErrorCode::NotFound,
                          QStringLiteral("No notification channel named \"%1\".").arg(name)));
    core::SecretBytes secret;
    if (row.value()->hasSecret) {
        auto sealed = m_ctx.channels.sealedSecret(actor.teamId, name);
        if (!sealed)
            return done(sealed.error());
        auto opened = m_ctx.vault.open(actor.teamId, secretAad(actor.teamId, name), sealed.value());
        if (!opened)
            return done(Error(ErrorCode::Internal,
                              QStringLiteral("The channel's bot token cannot be decrypted.")));
        secret = opened.value();
    }
    const QString text = QStringLiteral("TAP test message for channel \"%1\", sent by %2.")
                                 .arg(name, actor.email);
    m_ctx.recordChange(actor, QStringLiteral("channel.test"), name);
    m_tester.sendTest(row.value()->type, row.value()->config, secret, text,
                      [name, done](Result<void> sent) {
                          if (!sent)
                              return done(sent.error());
                          done(ok({ { QStringLiteral("status"), QStringLiteral("sent") },
                                    { QStringLiteral("name"), name } }));
                      });
}

} // namespace tap::admin
