#pragma once

#include "core/secretbytes.h"

#include <QObject>
#include <QString>
#include <QThreadPool>

#include <functional>

namespace tap::crypto {

// Argon2id password hashing (libsodium crypto_pwhash_str, PHC string format).
//
// Hashing costs ~100 ms and 64 MiB at the default (INTERACTIVE) cost, so the async calls run
// on a small dedicated pool, never on an HTTP thread, and the pool's size bounds the memory.
class PasswordHasher
{
public:
    enum class Cost { Interactive, Minimum }; // Minimum is for tests only

    explicit PasswordHasher(Cost cost = Cost::Interactive, int maxConcurrent = 2);
    ~PasswordHasher();

    // Blocking versions. hash() returns an empty string if libsodium runs out of memory.
    QString hash(const core::SecretBytes &password) const;
    bool verify(const QString &phcString, const core::SecretBytes &password) const;

    // Run off the calling thread; `done` is invoked on `context`'s thread (dropped if `context`
    // is gone by then).
    void hashAsync(core::SecretBytes password, QObject *context, std::function<void(QString)> done);
    void verifyAsync(QString phcString, core::SecretBytes password, QObject *context,
                     std::function<void(bool)> done);

    // A PHC string for a random password: verify() against it costs the same as a real one,
    // so "no such user" and "wrong password" take the same time.
    QString dummyHash() const { return m_dummy; }

private:
    unsigned long long m_opsLimit;
    size_t m_memLimit;
    QString m_dummy;
    QThreadPool m_pool;
};

} // namespace tap::crypto
