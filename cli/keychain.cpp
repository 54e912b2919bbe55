#include "keychain.h"

#include <QEventLoop>
#include <QTimer>

#include <qt6keychain/keychain.h>

namespace tap::cli::keychain {

using namespace Qt::StringLiterals;

const QString kService = u"tap-console"_s;

namespace {

// A keychain that neither answers nor fails (a locked collection waiting for a prompt nobody
// sees) counts as unavailable after this long.
constexpr int kTimeoutMs = 25000;

// Runs `job` to completion; `collect` reads the finished job.
template <typename JobT, typename Collect>
Result run(JobT *job, const QString &key, Collect collect)
{
    job->setAutoDelete(true);
    job->setInsecureFallback(false); // a token in a plain file is what the keychain is for
    job->setKey(key);
    Result result;
    result.error = u"the keychain did not answer"_s;
    QEventLoop loop;
    QObject::connect(job, &QKeychain::Job::finished, &loop, [&](QKeychain::Job *j) {
        switch (j->error()) {
        case QKeychain::NoError:
            result.status = Result::Status::Ok;
            result.error.clear();
            collect(static_cast<JobT *>(j), result);
            break;
        case QKeychain::EntryNotFound:
            result.status = Result::Status::NotFound;
            result.error.clear();
            break;
        case QKeychain::CouldNotDeleteEntry:
        case QKeychain::AccessDeniedByUser:
        case QKeychain::AccessDenied:
        case QKeychain::NoBackendAvailable:
        case QKeychain::NotImplemented:
        case QKeychain::OtherError:
            result.status = Result::Status::Unavailable;
            result.error = j->errorString();
            break;
        }
        loop.quit();
    });
    QTimer::singleShot(kTimeoutMs, &loop, &QEventLoop::quit);
    job->start();
    loop.exec();
    return result;
}

} // namespace

Result read(const QString &key)
{
    return run(new QKeychain::ReadPasswordJob(kService), key,
               [](QKeychain::ReadPasswordJob *j, Result &r) { r.value = j->textData(); });
}

Result write(const QString &key, const QString &value)
{
    auto *job = new QKeychain::WritePasswordJob(kService);
    job->setTextData(value);
    return run(job, key, [](QKeychain::WritePasswordJob *, Result &) {});
}

Result remove(const QString &key)
{
    Result r = run(new QKeychain::DeletePasswordJob(kService), key,
                   [](QKeychain::DeletePasswordJob *, Result &) {});
    if (r.status == Result::Status::NotFound)
        r.status = Result::Status::Ok;
    return r;
}

} // namespace tap::cli::keychain
