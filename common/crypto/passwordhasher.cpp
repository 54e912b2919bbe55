#include "crypto/passwordhasher.h"

#include <QPointer>

#include <sodium.h>

namespace tap::crypto {

PasswordHasher::PasswordHasher(Cost cost, int maxConcurrent)
{
    if (sodium_init() < 0)
        qFatal("libsodium failed to initialise");
    if (cost == Cost::Interactive) {
        m_opsLimit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
        m_memLimit = crypto_pwhash_MEMLIMIT_INTERACTIVE;
    } else {
        m_opsLimit = crypto_pwhash_OPSLIMIT_MIN;
        m_memLimit = crypto_pwhash_MEMLIMIT_MIN;
    }
    m_pool.setMaxThreadCount(maxConcurrent);
    QByteArray random(32, Qt::Uninitialized);
    randombytes_buf(random.data(), size_t(random.size()));
    m_dummy = hash(core::SecretBytes::adopt(random.toHex()));
}

PasswordHasher::~PasswordHasher()
{
    m_pool.waitForDone();
}

QString PasswordHasher::hash(const core::SecretBytes &password) const
{
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str_alg(out, password.constData(), size_t(password.size()), m_opsLimit,
                              m_memLimit, crypto_pwhash_ALG_ARGON2ID13)
        != 0)
        return {};
    return QString::fromLatin1(out);
}

bool PasswordHasher::verify(const QString &phcString, const core::SecretBytes &password) const
{
    const QByteArray stored = phcString.toLatin1();
    if (stored.isEmpty() || stored.size() >= crypto_pwhash_STRBYTES)
        return false;
    return crypto_pwhash_str_verify(stored.constData(), password.constData(),
                                    size_t(password.size()))
            == 0;
}

void PasswordHasher::hashAsync(core::SecretBytes password, QObject *context,
                               std::function<void(QString)> done)
{
    QPointer<QObject> guard(context);
    m_pool.start([this, password = std::move(password), guard, done = std::move(done)] {
        QString result = hash(password);
        if (guard)
            QMetaObject::invokeMethod(guard, [done, result] { done(result); }, Qt::QueuedConnection);
    });
}

void PasswordHasher::verifyAsync(QString phcString, core::SecretBytes password, QObject *context,
                                 std::function<void(bool)> done)
{
    QPointer<QObject> guard(context);
    m_pool.start([this, phcString = std::move(phcString), password = std::move(password), guard,
                  done = std::move(done)] {
        const bool ok = verify(phcString, password);
        if (guard)
            QMetaObject::invokeMethod(guard, [done, ok] { done(ok); }, Qt::QueuedConnection);
    });
}

} // namespace tap::crypto
