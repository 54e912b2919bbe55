#include "app/chattester.h"

#include <QJsonDocument>
#include <QNetworkReply>
#include <QUuid>

namespace tap::app {

using core::Error;
using core::ErrorCode;
using core::Result;

ChatTester::ChatTester(Settings settings, QObject *parent)
    : QObject(parent), m_settings(std::move(settings)), m_network(new QNetworkAccessManager(this))
{
    m_network->setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
    m_network->setCookieJar(nullptr);
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
    QNetworkRequest request;
    QByteArray body;
    QByteArray verb = "POST";
    const QString service = type == u"telegram" ? QStringLiteral("Telegram")
                                                : QStringLiteral("the Matrix homeserver");
    if (type == u"telegram") {
        QUrl url = m_settings.telegramApiBase;
        url.setPath(url.path() + QStringLiteral("/bot") + QString::fromUtf8(token)
                    + QStringLiteral("/sendMessage"));
        request.setUrl(url);
        body = QJsonDocument(QJsonObject{ { QStringLiteral("chat_id"),
                                            config.value(QStringLiteral("chat_id")) },
                                          { QStringLiteral("text"), text } })
                       .toJson(QJsonDocument::Compact);
    } else {
        QUrl url = m_settings.matrixHomeserver;
        const QString room = QString::fromLatin1(
                QUrl::toPercentEncoding(config.value(QStringLiteral("room_id")).toString()));
        url.setPath(url.path()
                            + QStringLiteral(
                                      "/_matrix/client/v3/rooms/%1/send/m.room.message/tap-test-%2")
                                      .arg(room, QUuid::createUuid().toString(QUuid::Id128)),
                    QUrl::TolerantMode);
        request.setUrl(url);
        request.setRawHeader("Authorization", "Bearer " + token);
        body = QJsonDocument(QJsonObject{ { QStringLiteral("msgtype"), QStringLiteral("m.text") },
                                          { QStringLiteral("body"), text } })
                       .toJson(QJsonDocument::Compact);
        verb = "PUT";
    }
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setTransferTimeout(m_settings.timeoutMs);
    QNetworkReply *reply = m_network->sendCustomRequest(request, verb, body);
    connect(reply, &QNetworkReply::finished, this, [reply, done, service] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (status >= 200 && status < 300)
            return done({});
        if (status == 0)
            return done(Error(ErrorCode::UpstreamError,
                              QStringLiteral("Could not reach %1.").arg(service)));
        done(Error(
                ErrorCode::UpstreamError,
                QStringLiteral("%1 refused the test message (HTTP %2).").arg(service).arg(status)));
    });
}

} // namespace tap::app
