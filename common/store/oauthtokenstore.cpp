#include "store/oauthtokenstore.h"

namespace tap::store {

using core::Result;

Result<std::optional<OAuthTokenStore::Cached>> OAuthTokenStore::get(const QString &teamId,
                                                                    const QString &credentialId)
{
    auto q = m_db.exec(QStringLiteral("SELECT sealed_access_token, expires_at, generation, "
                                      "lease_holder, lease_until FROM oauth_tokens WHERE "
                                      "team_id = ? AND credential_id = ?"),
                       { teamId, credentialId });
    if (!q)
        return q.error();
    if (!q->next())
        return std::optional<Cached>();
    return std::optional<Cached>(Cached{ q->value(0).toByteArray(), q->value(1).toLongLong(),
                                         q->value(2).toLongLong(), q->value(3).toString(),
                                         q->value(4).toLongLong() });
}

Result<bool> OAuthTokenStore::takeLease(const QString &teamId, const QString &credentialId,
                                        const QString &holder, qint64 now, qint64 until)
{
    auto insert = m_db.exec(QStringLiteral("INSERT INTO oauth_tokens (credential_id, team_id) "
                                           "VALUES (?, ?) ON CONFLICT (credential_id) DO "
                                           "NOTHING"),
                            { credentialId, teamId });
    if (!insert)
        return insert.error();
    // Matches only a free or expired lease: of two processes racing, one updates the row.
    auto q = m_db.exec(QStringLiteral("UPDATE oauth_tokens SET lease_holder = ?, lease_until = ? "
                                      "WHERE credential_id = ? AND (lease_holder = '' OR "
                                      "lease_until <= ?)"),
                       { holder, until, credentialId, now });
    if (!q)
        return q.error();
    return q->numRowsAffected() == 1;
}

Result<void> OAuthTokenStore::releaseLease(const QString &credentialId, const QString &holder)
{
    auto q = m_db.exec(QStringLiteral("UPDATE oauth_tokens SET lease_holder = '', lease_until = 0 "
                                      "WHERE credential_id = ? AND lease_holder = ?"),
                       { credentialId, holder });
    if (!q)
        return q.error();
    return {};
}

Result<void> OAuthTokenStore::storeToken(const QString &credentialId, const QByteArray &sealed,
                                         qint64 expiresAt)
{
    auto q = m_db.exec(QStringLiteral("UPDATE oauth_tokens SET sealed_access_token = ?, "
                                      "expires_at = ?, generation = generation + 1, "
                                      "lease_holder = '', lease_until = 0 WHERE "
                                      "credential_id = ?"),
                       { sealed, expiresAt, credentialId });
    if (!q)
        return q.error();
    return {};
}

Result<std::optional<OAuthTokenStore::Parts>> OAuthTokenStore::parts(const QString &teamId,
                                                                     const QString &credentialId)
{
    auto q = m_db.exec(QStringLiteral("SELECT encrypted_value, oauth_state FROM credentials "
                                      "WHERE team_id = ? AND id = ?"),
                       { teamId, credentialId });
    if (!q)
        return q.error();
    if (!q->next())
        return std::optional<Parts>();
    return std::optional<Parts>(Parts{ q->value(0).toByteArray(), q->value(1).toString() });
}

Result<void> OAuthTokenStore::storeParts(const QString &teamId, const QString &credentialId,
                                         const QByteArray &sealed)
{
    auto q = m_db.exec(QStringLiteral("UPDATE credentials SET encrypted_value = ? WHERE "
                                      "team_id = ? AND id = ?"),
                       { sealed, teamId, credentialId });
    if (!q)
        return q.error();
    return {};
}

Result<void> OAuthTokenStore::setState(const QString &teamId, const QString &credentialId,
                                       const QString &state)
{
    return m_db.transaction([&]() -> Result<void> {
        auto q = m_db.exec(QStringLiteral("UPDATE credentials SET oauth_state = ? WHERE "
                                          "team_id = ? AND id = ?"),
                           { state, teamId, credentialId });
        if (!q)
            return q.error();
        auto d = m_db.exec(QStringLiteral("UPDATE oauth_tokens SET sealed_access_token = NULL, "
                                          "expires_at = 0, lease_holder = '', lease_until = 0 "
                                          "WHERE credential_id = ?"),
                           { credentialId });
        if (!d)
            return d.error();
        return {};
    });
}

} // namespace tap::store
