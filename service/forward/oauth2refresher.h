#pragma once

#include "core/clock.h"
#include "core/random.h"
#include "core/result.h"
#include "core/secretbytes.h"
#include "store/database.h"
#include "sanitizer/scrubber.h"
#include "store/rows.h"
#include "upstream/curlclient.h"

#include <QHash>
#include <QMutex>

#include <memory>

namespace tap::store {
class Vault;
}

namespace tap::forward {

// OAuth 2.0 refresh for oauth2 credentials (README "OAuth 2.0 credentials").

// Pure decisions, testable alone.
// A cached access token is used until kRefreshSkewMs before it expires.
inline constexpr qint64 kRefreshSkewMs = 60 * 1000;
bool tokenFresh(qint64 expiresAt, qint64 now, qint64 skewMs = kRefreshSkewMs);
// A refresh lease may be taken when nobody holds it or its holder's time is up (a process
// that died while refreshing).
bool leaseFree(const QString &holder, qint64 leaseUntil, qint64 now);

// What a token endpoint answered (RFC 6749 §5.1/§5.2).
struct TokenAnswer
{
    core::SecretBytes accessToken;
    core::SecretBytes refreshToken; // empty: not rotated
    qint64 expiresInS = 3600; // absent: an hour
};
enum class TokenFailure { None, InvalidGrant, Other };

// An access token to send, and the newest refresh token this process stored for the
// credential (empty: none), both for the response scrubber.
struct OAuth2Token
{
    core::SecretBytes accessToken;
    core::SecretBytes refreshToken;
};
// A 200 with a JSON access_token (token_type Bearer, any case) is an answer; a 400/401 with
// "error": "invalid_grant" is InvalidGrant; anything else Other. `failure` is set either way.
core::Result<TokenAnswer> parseTokenAnswer(int status, const QByteArray &body,
                                           TokenFailure &failure);

// Gets oauth2 credentials their access token: the cache of this process, then the sealed one
// in the database (oauth_tokens, shared by every tapd process on it), else a refresh at the
// credential's token_url. One refresh at a time per credential: threads of this process wait
// on a per-credential mutex, processes on the database lease (the others poll the row until
// the new token is there, at most kWaitMs). A rotated refresh token is stored in the
// credential's sealed parts before the new access token is stored or used. Thread-safe.
class OAuth2Refresher
{
public:
    static constexpr qint64 kTokenTimeoutMs = 20000; // the token endpoint's answer
    static constexpr qint64 kWaitMs = 30000; // for another process's refresh

    // allowPrivateTargets: TAP_ALLOW_PRIVATE_TARGETS, as for /forward (token requests go out
    // under the same egress policy: upstream/egress.h).
    OAuth2Refresher(store::Database &db, store::Vault &vault, const core::Clock &clock,
                    core::Random &random, bool allowPrivateTargets);

    // The access token for `row`. `rejected`: the token the upstream just refused (401):
    // refreshed unless another request already replaced it. Errors (502, never a secret):
    // UpstreamError with wire code "<name>_reauth_required" when the refresh token is refused
    // (the row is then marked reauth_required), "<name>_refresh_failed" otherwise (also when
    // the token_url's address may not be reached),
    // UpstreamTimeout while another process's refresh does not finish.
    core::Result<OAuth2Token> accessToken(const store::CredentialRow &row,
                                          const QByteArray &rejected = {});
    // The /forward hook: "Authorization: Bearer <access token>" on `request`, and the tokens
    // appended to `scrub` (each under the credential's name).
    core::Result<void> authorize(const store::CredentialRow &row, upstream::Request &request,
                                 QList<sanitizer::Secret> &scrub, const QByteArray &rejected = {});

private:
    struct Entry
    {
        QMutex mutex; // held for a refresh (and the checks around it)
        core::SecretBytes token; // guarded by m_lock, as are the two below
        qint64 expiresAt = 0;
        core::SecretBytes refreshToken; // the newest this process stored
    };
    std::shared_ptr<Entry> entry(const QString &credentialId);
    core::Result<std::optional<core::SecretBytes>> cached(const store::CredentialRow &row,
                                                          const QByteArray &rejected);
    core::Result<core::SecretBytes> refresh(const store::CredentialRow &row,
                                            const QByteArray &rejected);
    core::SecretBytes latestRefresh(const std::shared_ptr<Entry> &e);
    core::Result<core::SecretBytes> refreshHoldingLease(const store::CredentialRow &row);
    void remember(const store::CredentialRow &row, const core::SecretBytes &token,
                  qint64 expiresAt);

    store::Database &m_db;
    store::Vault &m_vault;
    const core::Clock &m_clock;
    QString m_holder; // this process, in the lease
    bool m_allowPrivateTargets;
    qint64 m_leaseMs;
    QMutex m_lock;
    QHash<QString, std::shared_ptr<Entry>> m_entries;
};

} // namespace tap::forward
