#include "forward/auditsink.h"

#include "core/logging.h"

#include <QJsonDocument>
#include <QMetaObject>
#include <QThread>

#include <chrono>

#ifdef Q_OS_LINUX
#  include <pthread.h>
#endif

namespace tap::forward {

using core::Result;

AuditSink::AuditSink(store::Database &db, const QString &filePath) : m_db(db), m_file(filePath)
{
    if (!filePath.isEmpty()) {
        if (m_file.open(QIODevice::WriteOnly | QIODevice::Append | QIODevice::Unbuffered))
            m_file.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
        else
            core::logEvent(core::lcAudit(), QtCriticalMsg,
                           QStringLiteral("audit file cannot be opened"),
                           { { QStringLiteral("path"), filePath } });
    }
    m_committer = std::thread([this] { commitLoop(); });
}

AuditSink::~AuditSink()
{
    {
        std::lock_guard lock(m_queueMutex);
        m_stopping = true;
    }
    m_queueReady.notify_all();
    m_committer.join();
}

void AuditSink::writeAsync(const store::AuditRecord &record, QObject *context,
                           std::function<void(Result<qint64>)> done)
{
    // Nothing waiting and no batch committing: there is no group to join, so the record is
    // committed here and answered without the two thread hand-offs (the committer's wake-up and
    // the way back), which are most of a lone request's added latency. Under load the lock is
    // taken or records are queued, and they go to the committer as before.
    std::unique_lock commit(m_commitMutex, std::defer_lock);
    const qint64 now = std::chrono::steady_clock::now().time_since_epoch().count();
    if (now >= m_groupUntil.load(std::memory_order_relaxed) && context
        && context->thread() == QThread::currentThread()) {
        bool idle = commit.try_lock();
        if (idle) {
            std::lock_guard lock(m_queueMutex);
            idle = m_queue.isEmpty();
        }
        if (!idle) { // records meet: group commit for a while before trying again
            const auto hold = std::chrono::steady_clock::duration(kGroupHold);
            m_groupUntil.store(now + hold.count(), std::memory_order_relaxed);
        } else {
            Result<qint64> seq = write(record);
            commit.unlock();
            done(std::move(seq));
            return;
        }
    }
    {
        std::lock_guard lock(m_queueMutex);
        m_queue.append({ record, context, std::move(done) });
    }
    m_queueReady.notify_one();
}

void AuditSink::commitLoop()
{
#ifdef Q_OS_LINUX
    pthread_setname_np(pthread_self(), "audit"); // named in top and perf
#endif
    for (;;) {
        QList<Pending> batch;
        {
            std::unique_lock lock(m_queueMutex);
            m_queueReady.wait(lock, [this] { return m_stopping || !m_queue.isEmpty(); });
            if (m_queue.isEmpty() && m_stopping)
                break;
            batch.swap(m_queue);
        }
        // One transaction for everything that queued up while the last one committed.
        QList<qint64> seqs;
        store::AuditStore store(m_db);
        std::unique_lock commit(m_commitMutex);
        QList<store::AuditRecord> records;
        records.reserve(batch.size());
        for (const Pending &p : std::as_const(batch))
            records.append(p.record);
        auto committed = m_db.transaction([&]() -> Result<void> {
            auto written = store.appendMany(records); // one INSERT per 32 records
            if (!written)
                return written.error();
            seqs = std::move(written.value());
            return {};
        });
        commit.unlock();
        for (qsizetype i = 0; i < batch.size(); ++i) {
            Pending &p = batch[i];
            Result<qint64> result =
                    committed ? Result<qint64>(seqs.at(i)) : Result<qint64>(committed.error());
            if (committed) {
                store::AuditRecord withSeq = p.record;
                withSeq.seq = seqs.at(i);
                appendLine(withSeq);
            }
            if (!p.context)
                continue;
            QMetaObject::invokeMethod(
                    p.context.data(),
                    [done = std::move(p.done), result = std::move(result)]() mutable {
                        done(std::move(result));
                    },
                    Qt::QueuedConnection);
        }
    }
    m_db.closeThreadConnection();
}

Result<qint64> AuditSink::write(const store::AuditRecord &record, bool final)
{
    auto seq = store::AuditStore(m_db).append(record);
    if (!seq)
        return seq.error();
    if (final) {
        store::AuditRecord withSeq = record;
        withSeq.seq = seq.value();
        appendLine(withSeq);
    }
    return seq;
}

void AuditSink::complete(store::AuditRecord record)
{
    if (!store::AuditStore(m_db).complete(record))
        core::logEvent(core::lcAudit(), QtCriticalMsg, QStringLiteral("audit update failed"),
                       { { QStringLiteral("request_id"), record.requestId } });
    appendLine(record);
}

void AuditSink::appendLine(const store::AuditRecord &record)
{
    if (!m_file.isOpen())
        return;
    const QByteArray line = QJsonDocument(record.toJson()).toJson(QJsonDocument::Compact) + '\n';
    QMutexLocker lock(&m_fileMutex);
    if (m_file.write(line) != line.size())
        core::logEvent(core::lcAudit(), QtCriticalMsg, QStringLiteral("audit file write failed"));
}

} // namespace tap::forward
