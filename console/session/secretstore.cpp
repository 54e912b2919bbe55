#include "session/secretstore.h"

#include <qt6keychain/keychain.h>

namespace tap::console {

namespace {

const QString kService = QStringLiteral("tap-console");

template <typename JobT>
JobT *newJob(QObject *parent, const QString &key)
{
    auto *job = new JobT(kService, parent);
    job->setAutoDelete(true);
    job->setInsecureFallback(false); // a token in a plain file is what the keychain is for
    job->setKey(key);
    return job;
}

} // namespace

KeychainSecretStore::KeychainSecretStore(QObject *parent) : SecretStore(parent) { }

void KeychainSecretStore::read(const QString &key, ReadCallback done)
{
    auto *job = newJob<QKeychain::ReadPasswordJob>(this, key);
    connect(job, &QKeychain::Job::finished, this, [done = std::move(done)](QKeychain::Job *j) {
        auto *read = static_cast<QKeychain::ReadPasswordJob *>(j);
        const bool ok = read->error() == QKeychain::NoError;
        done(ok, ok ? read->textData() : QString(), read->errorString());
    });
    job->start();
}

void KeychainSecretStore::write(const QString &key, const QString &value, WriteCallback done)
{
    auto *job = newJob<QKeychain::WritePasswordJob>(this, key);
    job->setTextData(value);
    connect(job, &QKeychain::Job::finished, this, [done = std::move(done)](QKeychain::Job *j) {
        done(j->error() == QKeychain::NoError, j->errorString());
    });
    job->start();
}

void KeychainSecretStore::remove(const QString &key, WriteCallback done)
{
    auto *job = newJob<QKeychain::DeletePasswordJob>(this, key);
    connect(job, &QKeychain::Job::finished, this, [done = std::move(done)](QKeychain::Job *j) {
        const bool ok = j->error() == QKeychain::NoError || j->error() == QKeychain::EntryNotFound;
        done(ok, j->errorString());
    });
    job->start();
}

} // namespace tap::console
