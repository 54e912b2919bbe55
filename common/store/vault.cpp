#include "store/vault.h"

#include "crypto/aead.h"

namespace tap::store {

using core::Error;
using core::ErrorCode;
using core::Result;
using core::SecretBytes;

Result<bool> Vault::hasKeyCheck(Database &db)
{
    auto q = db.exec(QStringLiteral("SELECT 1 FROM meta WHERE key = 'key_check'"));
    if (!q)
        return q.error();
    return q->next();
}

Result<void> Vault::checkMasterKey()
{
    auto q = m_db.exec(QStringLiteral("SELECT value FROM meta WHERE key = 'key_check'"));
    if (!q)
        return q.error();
    if (q->next()) {
        if (!m_keys.verifyKeyCheck(q->value(0).toByteArray()))
            return Error(ErrorCode::Forbidden,
                         QStringLiteral("The master key does not match this database: it was "
                                        "created with a different key. Refusing to start."));
        return {};
    }
    auto teams = m_db.exec(QStringLiteral("SELECT COUNT(*) FROM teams"));
    if (!teams)
        return teams.error();
    if (teams->next() && teams->value(0).toLongLong() > 0)
        return Error(ErrorCode::Forbidden,
                     QStringLiteral("The database holds teams but no master key check; refusing "
                                    "to guess whether this master key is the right one."));
    auto check = m_keys.makeKeyCheck(m_random);
    if (!check)
        return check.error();
    // ON CONFLICT: two processes starting on one fresh database both try; the first wins and
    // the second re-verifies against the stored value.
    auto insert = m_db.exec(QStringLiteral("INSERT INTO meta (key, value) VALUES ('key_check', ?) "
                                           "ON CONFLICT (key) DO NOTHING"),
                            { check.value() });
    if (!insert)
        return insert.error();
    if (insert->numRowsAffected() == 0)
        return checkMasterKey();
    return {};
}

Result<QByteArray> Vault::newWrappedTeamKey(const QString &teamId)
{
    const SecretBytes dek = m_keys.newDataKey(m_random);
    return m_keys.wrapTeamKey(teamId, dek, m_random);
}

Result<SecretBytes> Vault::teamKey(const QString &teamId)
{
    {
        QReadLocker lock(&m_lock);
        auto it = m_cache.constFind(teamId);
        if (it != m_cache.constEnd())
            return *it;
    }
    auto q = m_db.exec(QStringLiteral("SELECT wrapped_dek FROM teams WHERE id = ?"), { teamId });
    if (!q)
        return q.error();
    if (!q->next())
        return Error(ErrorCode::NotFound, QStringLiteral("No such team."));
    auto dek = m_keys.unwrapTeamKey(teamId, q->value(0).toByteArray());
    if (!dek)
        return Error(ErrorCode::Internal, QStringLiteral("A team key cannot be opened."));
    QWriteLocker lock(&m_lock);
    m_cache.insert(teamId, dek.value());
    return dek;
}

Result<QByteArray> Vault::seal(const QString &teamId, QByteArrayView aad,
                               const SecretBytes &plaintext)
{
    auto key = teamKey(teamId);
    if (!key)
        return key.error();
    return crypto::Aead::seal(key.value(), plaintext.view(), aad, m_random);
}

Result<SecretBytes> Vault::open(const QString &teamId, QByteArrayView aad, QByteArrayView sealed)
{
    auto key = teamKey(teamId);
    if (!key)
        return key.error();
    return crypto::Aead::open(key.value(), sealed, aad);
}

} // namespace tap::store
