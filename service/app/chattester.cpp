#include "app/chattester.h"

#include <QUuid>

namespace tap::app {

using core::Error;
using core::ErrorCode;
using core::Result;

ChatTester::ChatTester(Settings settings, QObject *parent)
    : QObject(parent),
      m_settings(std::move(settings)),
      m_telegram(new channels::TelegramClient(m_settings.telegramApiBase, this)),
      m_matrix(new channels::MatrixClient(m_settings.matrixHomeserver, this))
{
}

void ChatTester::sendTest(const QString &type, const QJsonObject &config,
                          const core::SecretBytes &secret, const QString &text,
                          std::function<void(Result<void>)> done)
{
    if (type == u"desktop")
        return done({}); // desktop consoles are fed by /admin/approvals; nothing to deliver
    QByteArray token = secret.exposeCopy();
    if (token.isEmpty())
        token = (type == u"telegram" ? m_settings.telegramBotToken : m_settings.matrixAccessToken)
                        .toUtf8();
    if (token.isEmpty())
        return done(Error(
                ErrorCode::InvalidRequest,
                type == u"telegram"
                        ? QStringLiteral("No Telegram bot token: set TAP_TELEGRAM_BOT_TOKEN or the "
                                         "channel's bot_token.")
                        : QStringLiteral("No Matrix access token: set TAP_MATRIX_ACCESS_TOKEN.")));
    if (type == u"matrix" && m_settings.matrixHomeserver.isEmpty())
        return done(Error(ErrorCode::InvalidRequest,
                          QStringLiteral("No Matrix homeserver: set TAP_MATRIX_HOMESERVER.")));
    QMetaObject::invokeMethod(
            this,
            [this, type, config, token, text, done] { send(type, config, token, text, done); },
            Qt::QueuedConnection);
}

void ChatTester::send(const QString &type, const QJsonObject &config, const QByteArray &token,
                      const QString &text, const std::function<void(Result<void>)> &done)
{
    const QString service = type == u"telegram" ? QStringLiteral("Telegram")
                                                : QStringLiteral("the Matrix homeserver");
    auto finished = [done, service](bool ok, int status) {
        if (ok)
            return done({});
        if (status == 0)
            return done(Error(ErrorCode::UpstreamError,
                              QStringLiteral("Could not reach %1.").arg(service)));
        done(Error(
                ErrorCode::UpstreamError,
                QStringLiteral("%1 refused the test message (HTTP %2).").arg(service).arg(status)));
    };
    if (type == u"telegram") {
        m_telegram->call(token, QStringLiteral("sendMessage"),
                         { { QStringLiteral("chat_id"), config.value(QStringLiteral("chat_id")) },
                           { QStringLiteral("text"), text } },
                         m_settings.timeoutMs, [finished](Result<QJsonValue> r, int status) {
                             finished(r.ok(), status);
                         });
        return;
    }
    m_matrix->sendMessage(token, config.value(QStringLiteral("room_id")).toString(),
                          QStringLiteral("tap-test-") + QUuid::createUuid().toString(QUuid::Id128),
                          { { QStringLiteral("msgtype"), QStringLiteral("m.text") },
                            { QStringLiteral("body"), text } },
                          m_settings.timeoutMs, [finished](Result<QJsonObject> r, int status) {
                              finished(r.ok(), status);
                          });
}

} // namespace tap::app
