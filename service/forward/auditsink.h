#pragma once

#include "core/clock.h"
#include "core/random.h"
#include "forward/audittrail.h"
#include "store/auditjournal.h"
#include "store/auditstore.h"

#include <QFile>
#include <QMutex>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

namespace tap::forward {

// Where audit records go: the team's trail in the database and, with TAP_AUDIT_FILE, one JSON
// line per final record in that file (README "The audit record before the answer").
//
// The /forward hot path uses writeAsync(). With a journal (openJournal()), the record is
// appended to this process's audit journal file with one write() — from then on it survives
// the process being killed — and `done` runs at once, so the answer goes out without waiting
// for the database. A committer thread inserts the journaled records into audit_log in
// batches (one transaction each, which also stores the journal's mark: the highest entry
// number committed), writes their TAP_AUDIT_FILE lines, and empties the journal file when
// everything in it is in the database. At start, openJournal() first replays what a killed
// process left in its journal (the entries above its mark): nothing lost, nothing twice.
// A record the journal cannot take (write error, disk full, or a backlog of
// JournalLimits::maxBacklog records the database has not taken yet) is committed synchronously instead, as without a
// journal, and fails like it: `done` gets the database's error.
class AuditSink : public AuditTrail
{
public:
    AuditSink(store::Database &db, const QString &filePath);
    ~AuditSink() override;

    // Takes a journal in `dir` for this process: every journal file there that no running
    // process holds (flock) is replayed into the database; the first becomes this process's,
    // the others are deleted. Without one a new file is created (a second tapd on the same
    // data directory gets its own). Fails when the database cannot take the replayed records
    // or no journal file can be created; call before serving.
    core::Result<void> openJournal(const QString &dir, core::Random &random,
                                   const core::Clock &clock);
    // For readers of audit_log: returns once every record journaled before the call is in the
    // database, or Unavailable after `timeout`.
    core::Result<void> waitCaughtUp(std::chrono::milliseconds timeout);
    QString journalPath() const;

    core::Result<qint64> write(const store::AuditRecord &record, bool final = true) override;
    void writeAsync(const store::AuditRecord &record, QObject *context,
                    std::function<void(core::Result<qint64>)> done) override;
    void complete(store::AuditRecord record) override;

    // How the journal is kept; the defaults are tapd's (tests make them small).
    struct JournalLimits
    {
        qsizetype maxBacklog = 50000; // journaled records not yet committed
        // The committer, woken by a record, waits this long before it takes the batch: at c=1
        // a transaction per record cost ~15 % more CPU per request; only readers wait for it.
        std::chrono::microseconds gather{ 2000 };
        // The file is emptied when everything in it is committed and it is this big (an
        // ftruncate per batch would cost more than it saves). Past drainBytes new records wait
        // (at most drainWait, and not while the database fails) for one catch-up commit: a
        // committer that never catches up under load.
        qint64 truncateBytes = 256 * 1024;
        qint64 drainBytes = 16 * 1024 * 1024;
        std::chrono::milliseconds drainWait{ 5000 };
    };
    // Before openJournal().
    void setJournalLimits(const JournalLimits &limits) { m_limits = limits; }

private:
    struct Pending
    {
        qint64 number = 0;
        store::AuditRecord record;
    };
    core::Result<qint64> journal(const store::AuditRecord &record);
    core::Result<qint64> replay(store::AuditJournal &journal);
    core::Result<void> commit(const QList<Pending> &batch, const QString &journalId);
    void commitLoop();
    bool commitOrRequeue(QList<Pending> &batch);
    bool commitOrLog(const QList<Pending> &batch, const QString &journalId);
    void finishJournal();
    void committed(qint64 number);
    void tidyJournal(); // m_mutex held
    void appendLine(const store::AuditRecord &record);

    store::Database &m_db;
    const core::Clock *m_clock = nullptr;
    JournalLimits m_limits;
    QMutex m_fileMutex;
    QFile m_file;

    // Journal appends, entry numbers and the committer's queue, in one order.
    std::mutex m_mutex;
    std::unique_ptr<store::AuditJournal> m_journal;
    std::atomic<bool> m_hasJournal{ false };
    std::atomic<bool> m_failing{ false }; // the committer's last transaction failed
    qint64 m_lastNumber = 0; // of the last entry appended
    QList<Pending> m_queue;
    std::condition_variable m_queueReady;
    bool m_stopping = false;

    std::mutex m_progressMutex;
    std::condition_variable m_progress;
    qint64 m_committed = 0; // every entry up to this number is in the database

    std::thread m_committer;
};

} // namespace tap::forward
