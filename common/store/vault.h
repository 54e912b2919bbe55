#pragma once

#include "core/random.h"
#include "core/result.h"
#include "crypto/keyring.h"
#include "store/database.h"

#include <QHash>
#include <QReadWriteLock>

namespace tap::store {

// Encryption at rest for team secrets, on top of KeyRing and the teams/meta tables.
//
// checkMasterKey() must run once at start-up after migrations: on a fresh database it records
// a key-check value; on an existing one it refuses a master key that cannot open that value,
// so a wrong key stops start-up instead of producing garbage.
// Unwrapped team keys are cached in memory for the life of the process.
class Vault
{
public:
    Vault(Database &db, const crypto::KeyRing &keys, core::Random &random)
        : m_db(db), m_keys(keys), m_random(random)
    {
    }

    core::Result<void> checkMasterKey();
    // Whether the database has recorded a key check, i.e. has ever had a master key (read
    // before the key is loaded: a fresh database may get a new key, an existing one may not).
    static core::Result<bool> hasKeyCheck(Database &db);

    // A new wrapped data key for a team that is about to be inserted.
    core::Result<QByteArray> newWrappedTeamKey(const QString &teamId);

    // Seal/open a secret for a row of a team; `aad` names the row (KeyRing::credentialAad()).
    core::Result<QByteArray> seal(const QString &teamId, QByteArrayView aad,
                                  const core::SecretBytes &plaintext);
    core::Result<core::SecretBytes> open(const QString &teamId, QByteArrayView aad,
                                         QByteArrayView sealed);

private:
    core::Result<core::SecretBytes> teamKey(const QString &teamId);

    Database &m_db;
    const crypto::KeyRing &m_keys;
    core::Random &m_random;
    QReadWriteLock m_lock;
    QHash<QString, core::SecretBytes> m_cache;
};

} // namespace tap::store
