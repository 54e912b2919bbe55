#include "forward/auditsink.h"

#include "core/logging.h"

#include <QJsonDocument>
#include <QMetaObject>
#include <QPointer>
#include <QThread>

#ifdef Q_OS_LINUX
#  include <pthread.h>
#endif

namespace tap::forward {

using core::Error;
using core::ErrorCode;
using core::Result;

namespace {

constexpr qsizetype kReplayBatch = 500;

// Runs `done` on `context`'s thread: now when that is this thread, else queued.
void deliver(QObject *context, std::function<void(Result<qint64>)> done, Result<qint64> result)
{
    if (!context)
        return;
    if (context->thread() == QThread::currentThread())
        return done(std::move(result));
    QMetaObject::invokeMethod(
            context,
            [done = std::move(done), result = std::move(result)]() mutable {
                done(std::move(result));
            },
            Qt::QueuedConnection);
}

} // namespace

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
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_queueReady.notify_all();
    m_committer.join();
}

QString AuditSink::journalPath() const
{
    return m_journal ? m_journal->path() : QString();
}

Result<void> AuditSink::openJournal(const QString &dir, core::Random &random,
                                    const core::Clock &clock)
{
    std::lock_guard lock(m_mutex);
    m_clock = &clock;
    for (const QString &path : store::AuditJournal::files(dir)) {
        auto journal = store::AuditJournal::adopt(path);
        if (!journal) { // another tapd's own journal (Conflict), or not a journal
            if (journal.error().code() != ErrorCode::Conflict)
                core::logEvent(core::lcAudit(), QtCriticalMsg,
                               QStringLiteral("audit journal skipped"),
                               { { QStringLiteral("path"), path },
                                 { QStringLiteral("error"), journal.error().message() } });
            continue;
        }
        auto last = replay(*journal.value());
        if (!last)
            return last.error();
        if (!m_journal) {
            if (auto t = journal.value()->truncate(); !t)
                return t.error();
            m_journal = std::move(journal.value());
            m_hasJournal = true;
            m_lastNumber = last.value();
            m_committed = last.value();
        } else if (journal.value()->remove()) { // a second process's, ended: all in the database
            (void)store::AuditStore(m_db).forgetJournal(journal.value()->id());
        }
    }
    if (!m_journal) {
        auto created = store::AuditJournal::create(dir, random);
        if (!created)
            return created.error();
        m_journal = std::move(created.value());
        m_hasJournal = true;
    }
    core::logEvent(core::lcAudit(), QtInfoMsg, QStringLiteral("audit journal ready"),
                   { { QStringLiteral("path"), m_journal->path() },
                     { QStringLiteral("next"), m_lastNumber + 1 } });
    return {};
}

// The entries above the journal's mark go to the database (and the audit file), in order.
// Returns the highest number the journal has used.
Result<qint64> AuditSink::replay(store::AuditJournal &journal)
{
    auto contents = journal.read();
    if (!contents)
        return contents.error();
    auto mark = store::AuditStore(m_db).journalMark(journal.id());
    if (!mark)
        return mark.error();
    if (contents->tornTail || contents->damagedLines > 0)
        core::logEvent(core::lcAudit(), QtWarningMsg,
                       QStringLiteral("audit journal has unreadable entries"),
                       { { QStringLiteral("path"), journal.path() },
                         { QStringLiteral("torn_tail"), contents->tornTail },
                         { QStringLiteral("damaged_lines"), contents->damagedLines } });
    qint64 last = mark.value();
    QList<Pending> pending;
    int replayed = 0;
    auto flush = [&]() -> Result<void> {
        if (pending.isEmpty())
            return {};
        if (auto c = commit(pending, journal.id()); !c)
            return c;
        replayed += int(pending.size());
        pending.clear();
        return {};
    };
    for (store::JournalEntry &e : contents->entries) {
        if (e.number <= last)
            continue; // committed before the process ended
        last = e.number;
        pending.append({ e.number, std::move(e.record) });
        if (pending.size() == kReplayBatch)
            if (auto f = flush(); !f)
                return f.error();
    }
    if (auto f = flush(); !f)
        return f.error();
    if (replayed > 0)
        core::logEvent(core::lcAudit(), QtWarningMsg, QStringLiteral("audit journal replayed"),
                       { { QStringLiteral("path"), journal.path() },
                         { QStringLiteral("records"), replayed } });
    return last;
}

void AuditSink::writeAsync(const store::AuditRecord &record, QObject *context,
                           std::function<void(Result<qint64>)> done)
{
    Result<qint64> journaled = journal(record);
    if (journaled)
        return deliver(context, std::move(done), std::move(journaled));
    if (m_hasJournal.load(std::memory_order_relaxed))
        core::logEvent(core::lcAudit(), QtCriticalMsg,
                       QStringLiteral("audit journal not written; committing synchronously"),
                       { { QStringLiteral("error"), journaled.error().message() } });
    deliver(context, std::move(done), write(record));
}

// Appends the record to the journal and queues it for the committer; its entry number.
Result<qint64> AuditSink::journal(const store::AuditRecord &record)
{
    qint64 number = 0;
    {
        std::unique_lock lock(m_mutex);
        if (!m_journal)
            return Error(ErrorCode::Unavailable, QStringLiteral("No audit journal."));
        if (m_queue.size() >= m_limits.maxBacklog)
            return Error(ErrorCode::Unavailable,
                         QStringLiteral("The database has not taken %1 journaled audit records.")
                                 .arg(m_queue.size()));
        if (m_journal->size() >= m_limits.drainBytes) { // the committer drains and empties it
            if (m_failing.load(std::memory_order_relaxed)) // not while the database fails
                return Error(ErrorCode::Unavailable,
                             QStringLiteral("The audit journal is full and the database fails."));
            m_queueReady.notify_one();
            if (!m_queueReady.wait_for(lock, m_limits.drainWait, [this] {
                    return m_stopping || m_journal->size() < m_limits.drainBytes;
                }))
                return Error(ErrorCode::Unavailable,
                             QStringLiteral("The audit journal is full and not emptied."));
        }
        number = m_lastNumber + 1;
        if (auto appended = m_journal->append(number, record); !appended)
            return appended.error();
        m_lastNumber = number;
        m_queue.append({ number, record });
    }
    m_queueReady.notify_one();
    return number;
}

void AuditSink::commitLoop()
{
#ifdef Q_OS_LINUX
    pthread_setname_np(pthread_self(), "audit"); // named in top and perf
#endif
    std::chrono::milliseconds backoff{ 50 };
    for (;;) {
        QList<Pending> batch;
        {
            std::unique_lock lock(m_mutex);
            m_queueReady.wait(lock, [this] { return m_stopping || !m_queue.isEmpty(); });
            if (m_queue.isEmpty() && m_stopping)
                break;
            if (!m_stopping && m_limits.gather.count() > 0) { // let more records join
                lock.unlock();
                std::this_thread::sleep_for(m_limits.gather);
                lock.lock();
            }
            batch.swap(m_queue);
        }
        if (commitOrRequeue(batch)) {
            backoff = std::chrono::milliseconds(50);
            std::lock_guard lock(m_mutex);
            tidyJournal();
            continue;
        }
        // The database refused the batch: it stays queued (and journaled); try again later.
        // Stopping, it is left to the next start's replay.
        std::unique_lock lock(m_mutex);
        if (m_queueReady.wait_for(lock, backoff, [this] { return m_stopping; }))
            break;
        backoff = std::min(backoff * 2, std::chrono::milliseconds(2000));
    }
    finishJournal();
    m_db.closeThreadConnection();
}

bool AuditSink::commitOrRequeue(QList<Pending> &batch)
{
    QString journalId;
    {
        std::lock_guard lock(m_mutex);
        journalId = m_journal->id();
    }
    if (commitOrLog(batch, journalId))
        return true;
    std::lock_guard lock(m_mutex);
    m_queue = batch + m_queue;
    return false;
}

bool AuditSink::commitOrLog(const QList<Pending> &batch, const QString &journalId)
{
    if (auto c = commit(batch, journalId); !c) {
        core::logEvent(core::lcAudit(), QtCriticalMsg,
                       QStringLiteral("journaled audit records not committed; retrying"),
                       { { QStringLiteral("records"), int(batch.size()) },
                         { QStringLiteral("error"), c.error().message() } });
        m_failing = true;
        return false;
    }
    m_failing = false;
    committed(batch.last().number);
    return true;
}

// One transaction: the records and the journal's mark. The audit file lines are written once
// the records have their seqs, before the commit: a process killed in between writes them
// again at its replay (at least once in the file), never not at all.
Result<void> AuditSink::commit(const QList<Pending> &batch, const QString &journalId)
{
    QList<store::AuditRecord> records;
    records.reserve(batch.size());
    for (const Pending &p : batch)
        records.append(p.record);
    store::AuditStore store(m_db);
    return m_db.transaction([&]() -> Result<void> {
        auto seqs = store.appendMany(records);
        if (!seqs)
            return seqs.error();
        if (auto marked = store.setJournalMark(journalId, batch.last().number, m_clock->nowMs());
            !marked)
            return marked.error();
        for (qsizetype i = 0; i < records.size(); ++i) {
            records[i].seq = seqs->at(i);
            appendLine(records.at(i));
        }
        return {};
    });
}

// A clean stop leaves an empty journal when everything in it is in the database.
void AuditSink::finishJournal()
{
    std::lock_guard lock(m_mutex);
    if (!m_journal || !m_queue.isEmpty())
        return;
    std::lock_guard progress(m_progressMutex);
    if (m_committed == m_lastNumber && !m_journal->isEmpty())
        (void)m_journal->truncate();
}

void AuditSink::committed(qint64 number)
{
    {
        std::lock_guard lock(m_progressMutex);
        m_committed = number;
    }
    m_progress.notify_all();
}

// Everything journaled is in the database: the file may start afresh. Past drainBytes the
// writers wait (journal()) for this: the queue is committed here, under the lock.
void AuditSink::tidyJournal()
{
    if (!m_journal || m_journal->size() < m_limits.truncateBytes)
        return;
    if (!m_queue.isEmpty() && m_journal->size() >= m_limits.drainBytes) {
        QList<Pending> rest;
        rest.swap(m_queue);
        if (!commitOrLog(rest, m_journal->id())) {
            m_queue = rest + m_queue;
            return;
        }
    }
    if (!m_queue.isEmpty())
        return;
    if (auto t = m_journal->truncate(); !t)
        core::logEvent(core::lcAudit(), QtCriticalMsg, QStringLiteral("audit journal not emptied"),
                       { { QStringLiteral("error"), t.error().message() } });
    m_queueReady.notify_all();
}

Result<void> AuditSink::waitCaughtUp(std::chrono::milliseconds timeout)
{
    qint64 target = 0;
    {
        std::lock_guard lock(m_mutex);
        target = m_lastNumber;
    }
    std::unique_lock lock(m_progressMutex);
    if (!m_progress.wait_for(lock, timeout, [&] { return m_committed >= target; }))
        return Error(ErrorCode::Unavailable,
                     QStringLiteral("The audit trail is still being written to the database; "
                                    "try again."));
    return {};
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
