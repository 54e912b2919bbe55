#pragma once

#include "api/errors.h"

#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QObject>
#include <QUrl>

#include <functional>

namespace tap::apiclient {

// Asynchronous JSON client for TAP's HTTP API. One instance per server profile; the session
// token is held in memory only (persisting it is the caller's business, e.g. a keychain).
class ApiClient : public QObject
{
    Q_OBJECT
public:
    struct Reply
    {
        int status = 0; // HTTP status, 0 when the server could not be reached
        QJsonObject body; // parsed JSON object (empty if the body was not one)
        api::WireError error; // filled for error responses
        bool ok() const { return status >= 200 && status < 300; }
    };
    using Callback = std::function<void(const Reply &)>;

    explicit ApiClient(QUrl baseUrl, QObject *parent = nullptr);

    QUrl baseUrl() const { return m_baseUrl; }
    void setSessionToken(const QString &token) { m_token = token; }
    bool hasSession() const { return !m_token.isEmpty(); }

    void get(const QString &path, Callback done);
    void post(const QString &path, const QJsonObject &body, Callback done);

private:
    void send(const QByteArray &verb, const QString &path, const QByteArray &body, Callback done);

    QUrl m_baseUrl;
    QString m_token;
    QNetworkAccessManager m_network;
};

} // namespace tap::apiclient
