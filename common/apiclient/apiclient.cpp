#include "apiclient/apiclient.h"

#include "api/account.h"
#include "api/keys.h"

#include <QJsonDocument>
#include <QNetworkReply>

#include <memory>

namespace tap::apiclient {

QString ApiClient::Reply::errorMessage() const
{
    if (!error.message.isEmpty())
        return error.message;
    if (status == 0)
        return tr("The server could not be reached.");
    return tr("The server answered with HTTP status %1.").arg(status);
}

ApiClient::ApiClient(QUrl baseUrl, QObject *parent) : QObject(parent), m_baseUrl(std::move(baseUrl))
{
    m_network.setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
}

QString ApiClient::segment(const QString &value)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(value));
}

namespace {

QByteArray json(const QJsonObject &body)
{
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

} // namespace

QPointer<QNetworkReply> ApiClient::get(const QString &path, const QObject *context, Callback done,
                                       const Options &options)
{
    return send("GET", path, {}, context, std::move(done), options);
}

QPointer<QNetworkReply> ApiClient::post(const QString &path, const QJsonObject &body,
                                        const QObject *context, Callback done,
                                        const Options &options)
{
    return send("POST", path, json(body), context, std::move(done), options);
}

QPointer<QNetworkReply> ApiClient::put(const QString &path, const QJsonObject &body,
                                       const QObject *context, Callback done,
                                       const Options &options)
{
    return send("PUT", path, json(body), context, std::move(done), options);
}

QPointer<QNetworkReply> ApiClient::patch(const QString &path, const QJsonObject &body,
                                         const QObject *context, Callback done,
                                         const Options &options)
{
    return send("PATCH", path, json(body), context, std::move(done), options);
}

QPointer<QNetworkReply> ApiClient::remove(const QString &path, const QObject *context,
                                          Callback done, const Options &options)
{
    return send("DELETE", path, {}, context, std::move(done), options);
}

QPointer<QNetworkReply> ApiClient::get(const QString &path, Callback done, const Options &options)
{
    return send("GET", path, {}, nullptr, std::move(done), options);
}

QPointer<QNetworkReply> ApiClient::post(const QString &path, const QJsonObject &body, Callback done,
                                        const Options &options)
{
    return send("POST", path, json(body), nullptr, std::move(done), options);
}

QPointer<QNetworkReply> ApiClient::put(const QString &path, const QJsonObject &body, Callback done,
                                       const Options &options)
{
    return send("PUT", path, json(body), nullptr, std::move(done), options);
}

QPointer<QNetworkReply> ApiClient::patch(const QString &path, const QJsonObject &body,
                                         Callback done, const Options &options)
{
    return send("PATCH", path, json(body), nullptr, std::move(done), options);
}

QPointer<QNetworkReply> ApiClient::remove(const QString &path, Callback done,
                                          const Options &options)
{
    return send("DELETE", path, {}, nullptr, std::move(done), options);
}

void ApiClient::abortAll()
{
    const auto replies = findChildren<QNetworkReply *>();
    for (QNetworkReply *reply : replies) {
        if (reply->isRunning())
            reply->abort();
    }
}

QPointer<QNetworkReply> ApiClient::send(const QByteArray &verb, const QString &path,
                                        const QByteArray &body, const QObject *context,
                                        Callback done, const Options &options)
{
    QUrl url = m_baseUrl;
    QString base = url.path(QUrl::FullyEncoded);
    if (base.endsWith(u'/'))
        base.chop(1);
    url.setPath(base + path, QUrl::TolerantMode);
    if (!options.query.isEmpty())
        url.setQuery(options.query);
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setRawHeader("Accept", "application/json");
    request.setTransferTimeout(options.timeoutMs >= 0 ? options.timeoutMs : m_timeoutMs);
    const bool hadToken = !m_token.isEmpty();
    if (hadToken)
        request.setRawHeader("Authorization", "Bearer " + m_token.toUtf8());
    QNetworkReply *reply = m_network.sendCustomRequest(request, verb, body);
    reply->setParent(this); // abortAll() finds it
    if (!options.background && m_busy++ == 0)
        Q_EMIT busyChanged(true);
    // A context that goes away takes its request with it: the reply is aborted and, the
    // context being gone, its answer dropped.
    // (A widget emits destroyed() before its QPointers clear, hence the flag as well.)
    const QPointer<const QObject> guard(context);
    const auto gone = std::make_shared<bool>(false);
    if (context)
        connect(context, &QObject::destroyed, reply, [reply, gone] {
            *gone = true;
            if (reply->isRunning())
                reply->abort();
        });
    connect(reply, &QNetworkReply::finished, this,
            [this, reply, guard, gone, bound = context != nullptr, done = std::move(done),
             background = options.background, expiry = hadToken && options.reportExpiry] {
                const bool dropped = bound && (!guard || *gone);
                if (!dropped) {
                    finish(reply, done, background, expiry);
                    return;
                }
                // Aborted by its context's destructor, which may be deleting a window that
                // listens to busyChanged: nothing is emitted from inside it, the busy count
                // drops once control is back in the event loop.
                reply->deleteLater();
                if (!background)
                    QMetaObject::invokeMethod(
                            this,
                            [this] {
                                if (--m_busy == 0)
                                    Q_EMIT busyChanged(false);
                            },
                            Qt::QueuedConnection);
            });
    return reply;
}

void ApiClient::finish(QNetworkReply *reply, const Callback &done, bool background,
                       bool reportExpiry)
{
    reply->deleteLater();
    Reply r;
    r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (reply->isOpen())
        r.raw = reply->readAll();
    r.body = QJsonDocument::fromJson(r.raw).object();
    if (r.status == 0) {
        r.error.code = QStringLiteral("network_error");
        r.error.message = reply->error() == QNetworkReply::OperationCanceledError
                ? tr("The request was cancelled or timed out.")
                : tr("The server could not be reached: %1").arg(reply->errorString());
    } else if (!r.ok()) {
        r.error = api::parseErrorBody(r.raw);
    }
    if (!background && --m_busy == 0)
        Q_EMIT busyChanged(false);
    if (done)
        done(r);
    // Only a token that was sent can have expired; a failed log-in is not an expiry.
    if (r.status == 401 && reportExpiry)
        Q_EMIT sessionExpired();
}

void ApiClient::signup(const QString &email, const QString &password, const QString &teamName,
                       Callback done)
{
    signup(email, password, teamName, {}, std::move(done));
}

void ApiClient::signup(const QString &email, const QString &password, const QString &teamName,
                       const QString &inviteToken, Callback done)
{
    post(QStringLiteral("/signup"),
         api::SignupInput{ teamName, email, password, inviteToken }.encode(), std::move(done));
}

void ApiClient::verifyEmail(const QString &email, const QString &code, Callback done)
{
    post(QStringLiteral("/verify-email"), api::VerifyEmailInput{ email, code }.encode(),
         std::move(done));
}

void ApiClient::resendVerification(const QString &email, Callback done)
{
    post(QStringLiteral("/resend-verification"), api::ResendVerificationInput{ email }.encode(),
         std::move(done));
}

void ApiClient::login(const QString &email, const QString &password, Callback done)
{
    login(email, password, {}, {}, std::move(done));
}

void ApiClient::login(const QString &email, const QString &password, const QString &teamId,
                      const QString &inviteToken, Callback done)
{
    m_token.clear();
    const api::LoginInput body{ email, password, teamId, inviteToken };
    post(QStringLiteral("/login"), body.encode(), [this, done = std::move(done)](const Reply &r) {
        if (r.ok())
            m_token = api::Session::decode(r.body).sessionToken;
        if (done)
            done(r);
    });
}

void ApiClient::logout(Callback done)
{
    if (m_token.isEmpty()) {
        // Still asynchronous, as promised.
        QMetaObject::invokeMethod(
                this,
                [done = std::move(done)] {
                    if (done)
                        done(Reply{ 200, {}, {}, {} });
                },
                Qt::QueuedConnection);
        return;
    }
    // A 401 here means the session had ended already: nothing to report.
    Options options;
    options.reportExpiry = false;
    post(QStringLiteral("/logout"), {}, std::move(done), options);
    m_token.clear();
}

} // namespace tap::apiclient
