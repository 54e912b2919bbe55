#pragma once

#include "core/result.h"
#include "store/database.h"

#include <optional>

namespace tap::store {

// One pending OAuth 2.0 authorization request of POST /admin/credentials/{name}/connect
// (README "Connecting an OAuth 2.0 credential"), keyed by the keyed hash of its `state`.
struct ConnectStateRow
{
    QString stateHash;
    QString teamId;
    QString credentialName;
    QString scopeKind;
    QString scopeId;
    QString credentialId; // the scoped row to fill, or empty: create it from templateId
    QString templateId; // the team row copied when the scoped row does not exist yet
    QString userId; // the admin who asked
    QString userEmail;
    QString userRole;
    QString redirectUri;
    QByteArray sealedVerifier;
    qint64 createdAt = 0;
    qint64 expiresAt = 0;
};

class ConnectStore
{
public:
    explicit ConnectStore(Database &db) : m_db(db) { }

    // Stores a state; rows expired before `now` are purged on the way.
    core::Result<void> put(const ConnectStateRow &row, qint64 now);
    // Single use: the row is deleted and answered to exactly one caller; an unknown (or already
    // taken) state answers nullopt. Expiry is the caller's check (an expired row is taken too).
    core::Result<std::optional<ConnectStateRow>> take(const QString &stateHash);

    // After a new refresh token was stored on a credential row: the row is no longer
    // "reauth_required" and no access token cached for the old grant is used (migration 0011).
    core::Result<void> forgetGrant(const QString &teamId, const QString &credentialId);

private:
    Database &m_db;
};

} // namespace tap::store
