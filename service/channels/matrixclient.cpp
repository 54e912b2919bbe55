#include "channels/matrixclient.h"

#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>

namespace tap::channels {

using core::Error;
using core::ErrorCode;

MatrixClient::MatrixClient(QUrl homeserver, QObject *parent)
    : QObject(parent),
      m_homeserver(std::move(homeserver)),
      m_network(new QNetworkAccessManager(this))
{
    m_network->setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
    m_network->setCookieJar(nullptr);
}

QString MatrixClient::pathPart(const QString &s)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(s));
}

QNetworkReply *MatrixClient::call(const QByteArray &accessToken, const QByteArray &verb,
                                  const QString &path, const QUrlQuery &query,
                                  const QJsonObject &body, int timeoutMs, Done done)
{
    QUrl url = m_homeserver;
    url.setPath(url.path() + path, QUrl::TolerantMode);
    url.setQuery(query);
    QNetworkRequest request(url);
    request.setRawHeader("Authorization", "Bearer " + accessToken);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setTransferTimeout(timeoutMs);
    const QByteArray payload =
            verb == "GET" ? QByteArray() : QJsonDocument(body).toJson(QJsonDocument::Compact);
    QNetworkReply *reply = m_network->sendCustomRequest(request, verb, payload);
    const QString what = path.section(u'/', 0, 4); // no room or event ids in errors
    connect(reply, &QNetworkReply::finished, this, [reply, what, done = std::move(done)] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QJsonObject answer = QJsonDocument::fromJson(reply->readAll()).object();
        if (status >= 200 && status < 300)
            return done(answer, status);
        const QString why = status == 0
                ? QStringLiteral("homeserver not reachable (network error %1)")
                          .arg(int(reply->error()))
                : QStringLiteral("homeserver answered HTTP %1 %2")
                          .arg(status)
                          .arg(answer.value(QStringLiteral("errcode")).toString().left(64));
        done(Error(ErrorCode::UpstreamError, QStringLiteral("%1: %2").arg(what, why)), status);
    });
    return reply;
}

QNetworkReply *MatrixClient::sendMessage(const QByteArray &accessToken, const QString &roomId,
                                         const QString &txnId, const QJsonObject &content,
                                         int timeoutMs, Done done)
{
    return call(accessToken, "PUT",
                QStringLiteral("/_matrix/client/v3/rooms/%1/send/m.room.message/%2")
                        .arg(pathPart(roomId), txnId),
                {}, content, timeoutMs, std::move(done));
}

QNetworkReply *MatrixClient::joinedMembers(const QByteArray &accessToken, const QString &roomId,
                                           int timeoutMs, Done done)
{
    return call(accessToken, "GET",
                QStringLiteral("/_matrix/client/v3/rooms/%1/joined_members").arg(pathPart(roomId)),
                {}, {}, timeoutMs, std::move(done));
}

} // namespace tap::channels
