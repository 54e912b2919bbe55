#pragma once

#include "forward/audittrail.h"
#include "store/auditstore.h"

#include <QFile>
#include <QMutex>
#include <QPointer>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace tap::forward {

// Where audit records go: the team's trail in the database (durably, before the agent gets
// its answer) and, with TAP_AUDIT_FILE, one JSON line per final record in that file.
//
// The /forward hot path uses writeAsync(): records queue up and one committer thread inserts
// all that are waiting in one transaction (group commit), then hands each caller its result
// on the caller's thread. The answer is sent from there, so it still never precedes its record.
// A record that finds no batch waiting or committing is committed at once on the caller's
// thread instead (no group to join; saves a lone request two thread hand-offs).
class AuditSink : public AuditTrail
{
public:
    AuditSink(store::Database &db, const QString &filePath);
    ~AuditSink() override;

    core::Result<qint64> write(const store::AuditRecord &record, bool final = true) override;
    void writeAsync(const store::AuditRecord &record, QObject *context,
                    std::function<void(core::Result<qint64>)> done) override;
    void complete(store::AuditRecord record) override;

private:
    struct Pending
    {
        store::AuditRecord record;
        QPointer<QObject> context;
        std::function<void(core::Result<qint64>)> done;
    };
    static constexpr std::chrono::milliseconds kGroupHold{ 250 };
    void commitLoop();
    void appendLine(const store::AuditRecord &record);

    store::Database &m_db;
    QMutex m_fileMutex;
    QFile m_file;

    std::mutex m_commitMutex; // held while a record or batch is being committed
    // Until then (steady_clock ticks) every record goes to the committer: records were seen
    // to meet, and one inline transaction each would cost more than the batch.
    std::atomic<qint64> m_groupUntil{ 0 };
    std::mutex m_queueMutex;
    std::condition_variable m_queueReady;
    QList<Pending> m_queue;
    bool m_stopping = false;
    std::thread m_committer;
};

} // namespace tap::forward
