#pragma once

#include "api/errors.h"

#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QObject>
#include <QPointer>
#include <QUrl>
#include <QUrlQuery>

#include <functional>

class QNetworkReply;

namespace tap::apiclient {

// How one request is sent (outside ApiClient so it can be a default argument there).
struct RequestOptions
{
    QUrlQuery query;
    int timeoutMs = -1; // -1: the client's default
    bool background = false; // not counted by isBusy() (long polls)
    bool reportExpiry = true; // a 401 emits sessionExpired() if a token was sent
};

// Asynchronous JSON client for TAP's HTTP API. One instance per server; the session token is
// held in memory only (persisting it is the caller's business, e.g. a keychain).
//
// Every call answers exactly once through its callback, on the thread that owns the client,
// and never synchronously. A 401 to a request that carried a session token also emits
// sessionExpired() (after the callback). Requests time out after timeoutMs() without progress.
class ApiClient : public QObject
{
    Q_OBJECT
public:
    struct Reply
    {
        int status = 0; // HTTP status, 0 when the server could not be reached or timed out
        QJsonObject body; // parsed JSON object (empty if the body was not one)
        QByteArray raw; // the body as received (e.g. JSON lines of an export)
        api::WireError error; // filled for error responses; code "network_error" for status 0
        bool ok() const { return status >= 200 && status < 300; }
        // A sentence for the user: the server's message, or what went wrong on the way.
        QString errorMessage() const;
    };
    using Callback = std::function<void(const Reply &)>;

    using Options = RequestOptions;

    explicit ApiClient(QUrl baseUrl = {}, QObject *parent = nullptr);

    QUrl baseUrl() const { return m_baseUrl; }
    void setBaseUrl(const QUrl &url) { m_baseUrl = url; }
    QString sessionToken() const { return m_token; }
    void setSessionToken(const QString &token) { m_token = token; }
    bool hasSession() const { return !m_token.isEmpty(); }
    int timeoutMs() const { return m_timeoutMs; }
    void setTimeoutMs(int ms) { m_timeoutMs = ms; }
    // True while a foreground request is in flight.
    bool isBusy() const { return m_busy > 0; }

    // With a `context`, the callback is bound to it: if the context is destroyed first, the
    // request is aborted and its answer dropped (the callback never runs). Without one, the
    // callback lives as long as the client.
    QPointer<QNetworkReply> get(const QString &path, const QObject *context, Callback done,
                                const Options &options = {});
    QPointer<QNetworkReply> post(const QString &path, const QJsonObject &body,
                                 const QObject *context, Callback done,
                                 const Options &options = {});
    QPointer<QNetworkReply> put(const QString &path, const QJsonObject &body,
                                const QObject *context, Callback done, const Options &options = {});
    QPointer<QNetworkReply> patch(const QString &path, const QJsonObject &body,
                                  const QObject *context, Callback done,
                                  const Options &options = {});
    QPointer<QNetworkReply> remove(const QString &path, const QObject *context, Callback done,
                                   const Options &options = {});
    // The same, bound to the client's lifetime only.
    QPointer<QNetworkReply> get(const QString &path, Callback done, const Options &options = {});
    QPointer<QNetworkReply> post(const QString &path, const QJsonObject &body, Callback done,
                                 const Options &options = {});
    QPointer<QNetworkReply> put(const QString &path, const QJsonObject &body, Callback done,
                                const Options &options = {});
    QPointer<QNetworkReply> patch(const QString &path, const QJsonObject &body, Callback done,
                                  const Options &options = {});
    QPointer<QNetworkReply> remove(const QString &path, Callback done, const Options &options = {});
    // Cancels every request in flight; their callbacks run with status 0.
    void abortAll();

    // Account calls (sign-up, verification, log-in, log-out). login() keeps the
    // returned session token; logout() forgets it whatever the server says.
    void signup(const QString &email, const QString &password, const QString &teamName,
                Callback done);
    // Sign-up with an invitation (the token of tapd's invitation mail): the account
    // joins the inviting team, needs no team name and no emailed code.
    void signup(const QString &email, const QString &password, const QString &teamName,
                const QString &inviteToken, Callback done);
    void verifyEmail(const QString &email, const QString &code, Callback done);
    void resendVerification(const QString &email, Callback done);
    void login(const QString &email, const QString &password, Callback done);
    // `teamId` picks the team of a member of several (empty: the first); `inviteToken` accepts
    // an invitation on the way in (its team is then the session's).
    void login(const QString &email, const QString &password, const QString &teamId,
               const QString &inviteToken, Callback done);
    void logout(Callback done);

    // One path segment, percent-encoded ("a/b" → "a%2Fb").
    static QString segment(const QString &value);

signals:
    void sessionExpired();
    void busyChanged(bool busy);

private:
    QPointer<QNetworkReply> send(const QByteArray &verb, const QString &path,
                                 const QByteArray &body, const QObject *context, Callback done,
                                 const Options &options);
    void finish(QNetworkReply *reply, const Callback &done, bool background, bool reportExpiry);

    QUrl m_baseUrl;
    QString m_token;
    int m_timeoutMs = 20000;
    int m_busy = 0;
    QNetworkAccessManager m_network;
};

} // namespace tap::apiclient
