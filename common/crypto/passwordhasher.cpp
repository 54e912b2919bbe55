#include "crypto/passwordhasher.h"

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

namespace {

// Carries a result from a pool thread back to `context`'s thread. The queued connection is
// made on the calling thread, and Qt drops it safely if `context` is deleted at any point:
// checking a QPointer on the pool thread and then posting would race with that deletion.
class Relay : public QObject
{
    Q_OBJECT
signals:
    void fire();
};

Relay *relayTo(QObject *context, std::function<void()> deliver)
{
    auto *relay = new Relay;
    QObject::connect(relay, &Relay::fire, context, std::move(deliver), Qt::QueuedConnection);
    return relay;
}

} // namespace

void PasswordHasher::hashAsync(core::SecretBytes password, QObject *context,
                               std::function<void(QString)> done)
{
    auto result = std::make_shared<QString>();
    Relay *relay = relayTo(context, [result, done = std::move(done)] { done(*result); });
    m_pool.start([this, password = std::move(password), result, relay] {
        *result = hash(password);
        emit relay->fire();
        relay->deleteLater();
    });
}

void PasswordHasher::verifyAsync(QString phcString, core::SecretBytes password, QObject *context,
                                 std::function<void(bool)> done)
{
    auto result = std::make_shared<bool>(false);
    Relay *relay = relayTo(context, [result, done = std::move(done)] { done(*result); });
    m_pool.start([this, phcString = std::move(phcString), password = std::move(password), result,
                  relay] {
        *result = verify(phcString, password);
        emit relay->fire();
        relay->deleteLater();
    });
}

} // namespace tap::crypto

#include "passwordhasher.moc"
