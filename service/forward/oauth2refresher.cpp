#include "forward/oauth2refresher.h"

#include "core/logging.h"
#include "crypto/keyring.h"
#include "proxy/targetguard.h"
#include "store/oauthtokenstore.h"
#include "store/vault.h"
#include "upstream/egress.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QThread>
#include <QUrl>

#include <csignal>
#include <unistd.h>

namespace tap::forward {

using core::Error;
using core::ErrorCode;
using core::Result;
using core::SecretBytes;

namespace {

// The access token is sealed under its own AAD: it can never be opened as the credential's
// parts, nor the parts as a token.
QByteArray tokenAad(const store::CredentialRow &row)
{
    return crypto::KeyRing::credentialAad(row.teamId, row.id) + "/oauth2_access_token";
}

Error reauthRequired(const store::CredentialRow &row, const QString &why)
{
    return Error(ErrorCode::UpstreamError,
                 QStringLiteral("The OAuth 2.0 credential \"%1\" must be connected again: %2")
                         .arg(row.name, why))
            .setWireCode(row.name + QStringLiteral("_reauth_required"));
}

Error refreshFailed(const store::CredentialRow &row, const QString &why)
{
    return Error(ErrorCode::UpstreamError,
                 QStringLiteral("The access token of the OAuth 2.0 credential \"%1\" could not "
                                "be refreshed: %2")
                         .arg(row.name, why))
            .setWireCode(row.name + QStringLiteral("_refresh_failed"));
}

// Test hook (TAP_TEST_OAUTH2_CRASH): the process dies at once (SIGKILL) at that step of a
// refresh, as a crash or power loss would.
void crashPoint(const char *step)
{
    static const QByteArray at = qgetenv("TAP_TEST_OAUTH2_CRASH");
    if (!at.isEmpty() && at == step)
        ::kill(::getpid(), SIGKILL);
}

constexpr qint64 kMaxTokenAnswerBytes = 64 * 1024;

// POST application/x-www-form-urlencoded with HTTP Basic client authentication (RFC 6749
// §2.3.1: id and secret form-encoded first). Blocking, at most kTokenTimeoutMs, under the
// egress policy of /forward (upstream::fetch(): TAP_UPSTREAM_PROXY, the address guard); no
// redirects. The error names neither the URL's query nor anything sent.
Result<upstream::FetchAnswer> postForm(const QUrl &url, QByteArray form, const QByteArray &id,
                                       const QByteArray &secret, bool allowPrivateTargets)
{
    const QByteArray pair = QUrl::toPercentEncoding(QString::fromUtf8(id)) + QByteArray(":")
            + QUrl::toPercentEncoding(QString::fromUtf8(secret));
    upstream::Request request;
    request.method = QByteArrayLiteral("POST");
    request.url = url;
    request.timeoutMs = int(OAuth2Refresher::kTokenTimeoutMs);
    request.headers = { { QByteArrayLiteral("Authorization"), "Basic " + pair.toBase64() },
                        { QByteArrayLiteral("Content-Type"),
                          QByteArrayLiteral("application/x-www-form-urlencoded") },
                        { QByteArrayLiteral("Accept"), QByteArrayLiteral("application/json") } };
    request.body = std::move(form);
    request.addressAllowed = [allowPrivateTargets](const QHostAddress &a) {
        return proxy::isAddressAllowed(a, allowPrivateTargets);
    };
    auto answer = upstream::fetch(request, kMaxTokenAnswerBytes);
    core::wipe(request.body);
    core::wipe(request.headers.first().second);
    return answer;
}

// Why a token request failed, for the agent (never a secret: the URL's host at most).
QString tokenRequestError(const QUrl &url, const Error &error)
{
    if (error.code() == ErrorCode::TargetNotAllowed)
        return QStringLiteral("its token_url (host %1) resolves to an address that may not be "
                              "reached (loopback, private, link-local or cloud metadata).")
                .arg(url.host());
    return QStringLiteral("the token endpoint did not answer (%1)").arg(error.message());
}

QByteArray text(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toString().toUtf8();
}

} // namespace

bool tokenFresh(qint64 expiresAt, qint64 now, qint64 skewMs)
{
    return expiresAt - skewMs > now;
}

bool leaseFree(const QString &holder, qint64 leaseUntil, qint64 now)
{
    return holder.isEmpty() || leaseUntil <= now;
}

Result<TokenAnswer> parseTokenAnswer(int status, const QByteArray &body, TokenFailure &failure)
{
    const QJsonObject o = QJsonDocument::fromJson(body).object();
    failure = TokenFailure::Other;
    if (status != 200) {
        if ((status == 400 || status == 401)
            && o.value(QStringLiteral("error")).toString() == u"invalid_grant")
            failure = TokenFailure::InvalidGrant;
        // The error code only: a description might echo what was sent.
        const QString code = o.value(QStringLiteral("error")).toString().left(64);
        return Error(ErrorCode::UpstreamError,
                     QStringLiteral("the token endpoint answered %1%2.")
                             .arg(status)
                             .arg(code.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(code)));
    }
    const QByteArray access = text(o, "access_token");
    if (access.isEmpty() || text(o, "token_type").compare("bearer", Qt::CaseInsensitive) != 0)
        return Error(ErrorCode::UpstreamError,
                     QStringLiteral("the token endpoint's answer holds no Bearer access "
                                    "token."));
    failure = TokenFailure::None;
    TokenAnswer a;
    a.accessToken = SecretBytes(access);
    a.refreshToken = SecretBytes(text(o, "refresh_token"));
    const QJsonValue expires = o.value(QStringLiteral("expires_in"));
    if (expires.isDouble() && expires.toDouble() > 0)
        a.expiresInS = qint64(expires.toDouble());
    return a;
}

OAuth2Refresher::OAuth2Refresher(store::Database &db, store::Vault &vault, const core::Clock &clock,
                                 core::Random &random, bool allowPrivateTargets)
    : m_db(db),
      m_vault(vault),
      m_clock(clock),
      m_holder(random.uuid()),
      m_allowPrivateTargets(allowPrivateTargets)
{
    bool ok = false;
    const qint64 lease = qEnvironmentVariable("TAP_TEST_OAUTH2_LEASE_MS").toLongLong(&ok);
    m_leaseMs = ok && lease > 0 ? lease : kTokenTimeoutMs + 10000;
}

std::shared_ptr<OAuth2Refresher::Entry> OAuth2Refresher::entry(const QString &credentialId)
{
    QMutexLocker locker(&m_lock);
    auto &e = m_entries[credentialId];
    if (!e)
        e = std::make_shared<Entry>();
    return e;
}

void OAuth2Refresher::remember(const store::CredentialRow &row, const SecretBytes &token,
                               qint64 expiresAt)
{
    auto e = entry(row.id);
    QMutexLocker locker(&m_lock);
    e->token = token;
    e->expiresAt = expiresAt;
}

// The token of this process's cache or else the database's, when fresh and not `rejected`.
Result<std::optional<SecretBytes>> OAuth2Refresher::cached(const store::CredentialRow &row,
                                                           const QByteArray &rejected)
{
    const qint64 now = m_clock.nowMs();
    {
        auto e = entry(row.id);
        QMutexLocker locker(&m_lock);
        if (!e->token.isEmpty() && tokenFresh(e->expiresAt, now) && e->token.view() != rejected)
            return std::optional<SecretBytes>(e->token);
    }
    auto c = store::OAuthTokenStore(m_db).get(row.teamId, row.id);
    if (!c)
        return c.error();
    if (!c.value() || c.value()->sealedAccessToken.isEmpty()
        || !tokenFresh(c.value()->expiresAt, now))
        return std::optional<SecretBytes>();
    auto token = m_vault.open(row.teamId, tokenAad(row), c.value()->sealedAccessToken);
    if (!token)
        return token.error();
    if (token->view() == rejected)
        return std::optional<SecretBytes>();
    remember(row, token.value(), c.value()->expiresAt);
    return std::optional<SecretBytes>(token.value());
}

Result<OAuth2Token> OAuth2Refresher::accessToken(const store::CredentialRow &row,
                                                 const QByteArray &rejected)
{
    if (row.oauthState == u"reauth_required")
        return reauthRequired(row, QStringLiteral("its refresh token was refused."));
    auto e = entry(row.id);
    auto fast = cached(row, rejected);
    if (!fast)
        return fast.error();
    if (fast.value())
        return OAuth2Token{ *fast.value(), latestRefresh(e) };
    // One refresh at a time in this process; the waiters find its token when they get in.
    QMutexLocker guard(&e->mutex);
    auto again = cached(row, rejected);
    if (!again)
        return again.error();
    if (again.value())
        return OAuth2Token{ *again.value(), latestRefresh(e) };
    auto token = refresh(row, rejected);
    if (!token)
        return token.error();
    return OAuth2Token{ token.value(), latestRefresh(e) };
}

Result<void> OAuth2Refresher::authorize(const store::CredentialRow &row, upstream::Request &request,
                                        QList<sanitizer::Secret> &scrub, const QByteArray &rejected)
{
    auto token = accessToken(row, rejected);
    if (!token)
        return token.error();
    QByteArray value = row.authHeaderFormat.toUtf8();
    value.replace("{value}", token->accessToken.view().toByteArray());
    request.headers.append({ QByteArrayLiteral("Authorization"), value });
    scrub.append({ row.name, token->accessToken });
    if (!token->refreshToken.isEmpty())
        scrub.append({ row.name, token->refreshToken });
    return {};
}

SecretBytes OAuth2Refresher::latestRefresh(const std::shared_ptr<Entry> &e)
{
    QMutexLocker locker(&m_lock);
    return e->refreshToken;
}

// Across processes: the one that takes the lease refreshes, the others poll the row for the
// token it stores (or for the lease to expire: the holder died).
Result<SecretBytes> OAuth2Refresher::refresh(const store::CredentialRow &row,
                                             const QByteArray &rejected)
{
    store::OAuthTokenStore tokens(m_db);
    const qint64 deadline = m_clock.nowMs() + kWaitMs;
    while (true) {
        const qint64 now = m_clock.nowMs();
        auto taken = tokens.takeLease(row.teamId, row.id, m_holder, now, now + m_leaseMs);
        if (!taken)
            return taken.error();
        if (taken.value()) {
            auto token = refreshHoldingLease(row);
            if (!token)
                (void)tokens.releaseLease(row.id, m_holder);
            return token;
        }
        QThread::msleep(100);
        auto c = cached(row, rejected);
        if (!c)
            return c.error();
        if (c.value())
            return *c.value();
        auto parts = tokens.parts(row.teamId, row.id);
        if (!parts)
            return parts.error();
        if (parts.value() && parts.value()->oauthState == u"reauth_required")
            return reauthRequired(row, QStringLiteral("its refresh token was refused."));
        if (m_clock.nowMs() > deadline)
            return Error(ErrorCode::UpstreamTimeout,
                         QStringLiteral("Another tapd process is refreshing the access token of "
                                        "\"%1\" and has not finished.")
                                 .arg(row.name))
                    .setWireCode(row.name + QStringLiteral("_refresh_timeout"));
    }
}

// Holding the lease: the parts as stored now (another process may have rotated the refresh
// token), the token endpoint, then the rotated refresh token stored BEFORE the access token.
// A crash after the answer loses nothing already stored; a crash between the two stores
// leaves the new refresh token stored and no new access token: the next refresh uses it.
Result<SecretBytes> OAuth2Refresher::refreshHoldingLease(const store::CredentialRow &row)
{
    store::OAuthTokenStore tokens(m_db);
    auto stored = tokens.parts(row.teamId, row.id);
    if (!stored)
        return stored.error();
    if (!stored.value() || stored.value()->sealed.isEmpty())
        return reauthRequired(row, QStringLiteral("it has no value."));
    if (stored.value()->oauthState == u"reauth_required")
        return reauthRequired(row, QStringLiteral("its refresh token was refused."));
    const QByteArray aad = crypto::KeyRing::credentialAad(row.teamId, row.id);
    auto plain = m_vault.open(row.teamId, aad, stored.value()->sealed);
    if (!plain)
        return plain.error();
    QJsonObject parts = QJsonDocument::fromJson(plain->view().toByteArray()).object();
    const QByteArray refreshToken = text(parts, "refresh_token");
    if (refreshToken.isEmpty())
        return reauthRequired(row, QStringLiteral("it has no refresh token yet."));
    const QByteArray form = "grant_type=refresh_token&refresh_token="
            + QUrl::toPercentEncoding(QString::fromUtf8(refreshToken));
    const QUrl tokenUrl(row.kindSettings.value(QStringLiteral("token_url")).toString(),
                        QUrl::StrictMode);
    if (!tokenUrl.isValid() || tokenUrl.host().isEmpty()
        || (tokenUrl.scheme() != u"https" && tokenUrl.scheme() != u"http"))
        return refreshFailed(row, QStringLiteral("its token_url is not an http(s) URL."));
    auto http = postForm(tokenUrl, form, text(parts, "client_id"), text(parts, "client_secret"),
                         m_allowPrivateTargets);
    if (!http) {
        if (http.error().code() == ErrorCode::TargetNotAllowed)
            qCWarning(core::lcApp).noquote()
                    << "oauth2: the token_url of" << row.name << "(host" << tokenUrl.host()
                    << ") resolves to an address that may not be reached; refresh refused";
        return refreshFailed(row, tokenRequestError(tokenUrl, http.error()));
    }
    crashPoint("after_token_response");
    TokenFailure failure = TokenFailure::None;
    auto answer = parseTokenAnswer(http->status, http->body, failure);
    if (failure == TokenFailure::InvalidGrant) {
        qCWarning(core::lcApp).noquote()
                << "oauth2: the token endpoint refused the refresh token of" << row.name
                << "(invalid_grant); marked reauth_required";
        if (auto r = tokens.setState(row.teamId, row.id, QStringLiteral("reauth_required")); !r)
            return r.error();
        return reauthRequired(row, QStringLiteral("its refresh token was refused."));
    }
    if (!answer)
        return refreshFailed(row, answer.error().message());
    if (!answer->refreshToken.isEmpty() && answer->refreshToken.view() != refreshToken) {
        parts.insert(QStringLiteral("refresh_token"),
                     QString::fromUtf8(answer->refreshToken.view().toByteArray()));
        auto sealedParts = m_vault.seal(
                row.teamId, aad, SecretBytes(QJsonDocument(parts).toJson(QJsonDocument::Compact)));
        if (!sealedParts)
            return sealedParts.error();
        if (auto r = tokens.storeParts(row.teamId, row.id, sealedParts.value()); !r)
            return r.error();
        auto e = entry(row.id);
        QMutexLocker locker(&m_lock);
        e->refreshToken = answer->refreshToken;
    }
    crashPoint("after_refresh_token_stored");
    const qint64 expiresAt = m_clock.nowMs() + answer->expiresInS * 1000;
    auto sealed = m_vault.seal(row.teamId, tokenAad(row), answer->accessToken);
    if (!sealed)
        return sealed.error();
    if (auto r = tokens.storeToken(row.id, sealed.value(), expiresAt); !r)
        return r.error();
    remember(row, answer->accessToken, expiresAt);
    return answer->accessToken;
}

} // namespace tap::forward
