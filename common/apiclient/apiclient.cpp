#include "apiclient/apiclient.h"

#include <QJsonDocument>
#include <QNetworkReply>

namespace tap::apiclient {

ApiClient::ApiClient(QUrl baseUrl, QObject *parent) : QObject(parent), m_baseUrl(std::move(baseUrl))
{
    m_network.setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
}

void ApiClient::get(const QString &path, Callback done)
{
    send("GET", path, {}, std::move(done));
}

void ApiClient::post(const QString &path, const QJsonObject &body, Callback done)
{
    send("POST", path, QJsonDocument(body).toJson(QJsonDocument::Compact), std::move(done));
}

void ApiClient::send(const QByteArray &verb, const QString &path, const QByteArray &body,
                     Callback done)
{
    QUrl url = m_baseUrl;
    url.setPath(url.path() + path);
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    if (!m_token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_token.toUtf8());
    QNetworkReply *reply = m_network.sendCustomRequest(request, verb, body);
    connect(reply, &QNetworkReply::finished, this, [reply, done = std::move(done)] {
        reply->deleteLater();
        Reply r;
        r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray data = reply->readAll();
        r.body = QJsonDocument::fromJson(data).object();
        if (!r.ok())
            r.error = api::parseErrorBody(data);
        done(r);
    });
}

} // namespace tap::apiclient
