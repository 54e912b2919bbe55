#pragma once

#include "core/result.h"
#include "store/database.h"

#include <optional>

namespace tap::store {

// The access tokens of oauth2 credentials (README "OAuth 2.0 credentials"), cached sealed per
// credential row and shared by every tapd process on one database, and the single-flight lease
// of a refresh (migration 0011). Sealing is the caller's job (Vault, the row's AAD).
class OAuthTokenStore
{
public:
    explicit OAuthTokenStore(Database &db) : m_db(db) { }

    struct Cached
    {
        QByteArray sealedAccessToken; // empty: none yet
        qint64 expiresAt = 0; // ms
        qint64 generation = 0; // how many tokens were stored
        QString leaseHolder;
        qint64 leaseUntil = 0;
    };
    // No value: no row yet.
    core::Result<std::optional<Cached>> get(const QString &teamId, const QString &credentialId);
    // Takes the refresh lease until `until` when it is free or expired (one atomic statement;
    // the row is created first when missing). True: `holder` holds it now.
    core::Result<bool> takeLease(const QString &teamId, const QString &credentialId,
                                 const QString &holder, qint64 now, qint64 until);
    core::Result<void> releaseLease(const QString &credentialId, const QString &holder);
    // Stores a new access token (generation + 1) and frees the lease.
    core::Result<void> storeToken(const QString &credentialId, const QByteArray &sealed,
                                  qint64 expiresAt);
    // The credential's sealed parts and state, read now (not from any cache).
    struct Parts
    {
        QByteArray sealed;
        QString oauthState;
    };
    core::Result<std::optional<Parts>> parts(const QString &teamId, const QString &credentialId);
    // A rotated refresh token: the credential's new sealed parts (parts_set unchanged).
    core::Result<void> storeParts(const QString &teamId, const QString &credentialId,
                                  const QByteArray &sealed);
    // "reauth_required" (or "" to clear), and the cached token dropped.
    core::Result<void> setState(const QString &teamId, const QString &credentialId,
                                const QString &state);

private:
    Database &m_db;
};

} // namespace tap::store
