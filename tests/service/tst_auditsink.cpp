// AuditSink's group commit (service/forward/auditsink.h): every record is in the database, and
// in the audit file, before its `done` runs; a lone record is committed on the caller's thread
// without a hand-off to the committer; records from other threads still go through it.
#include "forward/auditsink.h"
#include "support/databasefixture.h"

#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <thread>

using namespace tap;

namespace {

store::AuditRecord forwardRecord(const QString &requestId)
{
    store::AuditRecord r;
    r.ts = 1;
    r.teamId = QStringLiteral("team-a");
    r.kind = QStringLiteral("forward");
    r.requestId = requestId;
    r.agentId = QStringLiteral("agent-1");
    r.decision = QStringLiteral("auto");
    r.status = 200;
    return r;
}

qint64 recordsOf(store::Database &db, const QString &requestId)
{
    return test::count(db, "audit_log", "request_id = ?", { requestId });
}

} // namespace

class TestAuditSink : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase_data() { test::addBackendRows(); }
    void init();
    void cleanup();
    void loneRecordIsCommittedBeforeWriteAsyncReturns();
    void recordsFromOtherThreadsGoThroughTheCommitter();

private:
    std::shared_ptr<store::Database> m_db;
    QTemporaryDir m_dir;
};

void TestAuditSink::init()
{
    m_db = test::migratedDatabase();
    QVERIFY(m_db);
}

void TestAuditSink::cleanup()
{
    if (m_db)
        m_db->closeThreadConnection();
    m_db.reset();
}

// No batch to join: the record is committed (database and file) and `done` has run before
// writeAsync() returns, with no event loop turn (the thread hand-offs this saves are most of a
// lone request's latency).
void TestAuditSink::loneRecordIsCommittedBeforeWriteAsyncReturns()
{
    const QString file = m_dir.filePath(QStringLiteral("lone.jsonl"));
    forward::AuditSink sink(*m_db, file);
    QObject context;
    for (int i = 0; i < 3; ++i) {
        const QString id = QStringLiteral("lone-%1").arg(i);
        bool ran = false;
        qint64 seq = 0;
        sink.writeAsync(forwardRecord(id), &context, [&](core::Result<qint64> written) {
            ran = true;
            QVERIFY(written);
            seq = written.value();
            // The record is durable before the caller may answer.
            QCOMPARE(recordsOf(*m_db, id), 1);
            QFile f(file);
            QVERIFY(f.open(QIODevice::ReadOnly));
            QVERIFY(f.readAll().contains(id.toLatin1()));
        });
        QVERIFY2(ran, "a lone record waited for the committer thread");
        QVERIFY(seq > 0);
    }
}

// Records written from threads other than their context's are queued for the committer, and
// `done` runs on the context's thread once they are committed; each exactly once.
void TestAuditSink::recordsFromOtherThreadsGoThroughTheCommitter()
{
    forward::AuditSink sink(*m_db, QString());
    QObject context; // lives on this thread
    constexpr int threads = 4;
    constexpr int perThread = 25;
    std::atomic<int> done{ 0 };
    std::atomic<int> wrongThread{ 0 };
    QSet<qint64> seqs;
    std::vector<std::thread> writers;
    for (int t = 0; t < threads; ++t) {
        writers.emplace_back([&, t] {
            for (int i = 0; i < perThread; ++i) {
                const QString id = QStringLiteral("t%1-%2").arg(t).arg(i);
                sink.writeAsync(forwardRecord(id), &context, [&](core::Result<qint64> written) {
                    if (QThread::currentThread() != context.thread())
                        ++wrongThread;
                    if (written)
                        seqs.insert(written.value());
                    ++done;
                });
            }
        });
    }
    for (auto &w : writers)
        w.join();
    // Also from this thread meanwhile: either path, the same outcome.
    bool ranHere = false;
    sink.writeAsync(forwardRecord(QStringLiteral("main")), &context,
                    [&](core::Result<qint64> written) { ranHere = bool(written); });
    QTRY_VERIFY_WITH_TIMEOUT(done.load() == threads * perThread && ranHere, 60000);
    QCOMPARE(wrongThread.load(), 0);
    QCOMPARE(seqs.size(), threads * perThread);
    QCOMPARE(test::count(*m_db, "audit_log", "kind = 'forward'"), threads * perThread + 1);
}

QTEST_GUILESS_MAIN(TestAuditSink)
#include "tst_auditsink.moc"
