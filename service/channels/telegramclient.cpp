#include "channels/telegramclient.h"

#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>

namespace tap::channels {

using core::Error;
using core::ErrorCode;

TelegramClient::TelegramClient(QUrl apiBase, QObject *parent)
    : QObject(parent), m_apiBase(std::move(apiBase)), m_network(new QNetworkAccessManager(this))
{
    m_network->setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
    m_network->setCookieJar(nullptr);
}

QNetworkReply *TelegramClient::call(const QByteArray &token, const QString &method,
                                    const QJsonObject &params, int timeoutMs, Done done)
{
    QUrl url = m_apiBase;
    url.setPath(url.path() + QStringLiteral("/bot") + QString::fromUtf8(token) + u'/' + method);
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setTransferTimeout(timeoutMs);
    QNetworkReply *reply =
            m_network->post(request, QJsonDocument(params).toJson(QJsonDocument::Compact));
    connect(reply, &QNetworkReply::finished, this, [reply, method, done = std::move(done)] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QJsonObject body = QJsonDocument::fromJson(reply->readAll()).object();
        if (status == 200 && body.value(QStringLiteral("ok")).toBool())
            return done(body.value(QStringLiteral("result")), status);
        // Never reply->errorString(): it quotes the URL, and so the token.
        const QString why = status == 0
                ? QStringLiteral("Telegram not reachable (network error %1)")
                          .arg(int(reply->error()))
                : QStringLiteral("Telegram answered HTTP %1: %2")
                          .arg(status)
                          .arg(body.value(QStringLiteral("description")).toString().left(200));
        done(Error(ErrorCode::UpstreamError, QStringLiteral("%1 failed: %2").arg(method, why)),
             status);
    });
    return reply;
}

} // namespace tap::channels
