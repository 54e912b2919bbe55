// AuditSink (service/forward/auditsink.h) with its audit journal, on SQLite and PostgreSQL: a
// record is in the journal file before `done` runs (the answer never waits for the database);
// the committer puts every record into the database exactly once, also after a crash at any
// point (replay at the next start); one journal per process; readers can wait for the
// committer; a journal that cannot be written falls back to the synchronous commit.
#include "forward/auditsink.h"
#include "support/databasefixture.h"
#include "support/testdatabases.h"

#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <csignal>
#include <thread>

#include <sys/resource.h>

using namespace tap;
using namespace std::chrono_literals;

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

QString journalId(const QString &path)
{
    return QFileInfo(path).completeBaseName().mid(QStringLiteral("audit-").size());
}

// The request ids in the journal file as it is on disk now.
QStringList journaledIds(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return { QStringLiteral("(unreadable)") };
    QStringList ids;
    const QList<QByteArray> lines = f.readAll().split('\n');
    for (const QByteArray &line : lines)
        if (auto e = store::AuditJournal::decodeEntry(line))
            ids << e->record.requestId;
    return ids;
}

// A journal left by a process killed after appending `ids` (numbers 1..n).
QString crashedJournal(const QString &dir, const QStringList &ids)
{
    core::SystemRandom random;
    auto journal = store::AuditJournal::create(dir, random);
    if (!journal)
        return QString();
    qint64 number = 0;
    for (const QString &id : ids)
        if (!journal.value()->append(++number, forwardRecord(id)))
            return QString();
    return journal.value()->path();
}

} // namespace

class TestAuditSink : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase_data() { test::addBackendRows(); }
    void init();
    void cleanup();
    void recordIsJournaledBeforeDoneRuns();
    void answersDoNotWaitForTheDatabase();
    void replayAfterCrashBeforeCommit();
    void replayAfterCommitBeforeTruncate();
    void replayIgnoresATornTail();
    void oneJournalPerProcess();
    void unwritableJournalFallsBackToSynchronousCommit();
    void journalIsEmptiedOnceCommitted();
    void fullBacklogFallsBackToSynchronousCommit();
    void recordsFromOtherThreadsGoThroughTheCommitter();

private:
    std::shared_ptr<store::Database> m_db;
    std::unique_ptr<QTemporaryDir> m_dir;
    core::SystemRandom m_random;
    core::SystemClock m_clock;
};

void TestAuditSink::init()
{
    m_db = test::migratedDatabase();
    QVERIFY(m_db);
    m_dir = std::make_unique<QTemporaryDir>();
}

void TestAuditSink::cleanup()
{
    if (m_db)
        m_db->closeThreadConnection();
    m_db.reset();
    m_dir.reset();
}

// The record is in the journal file when `done` runs — before writeAsync() returns, with no
// event loop turn — and reaches the database (and the audit file) exactly once after.
void TestAuditSink::recordIsJournaledBeforeDoneRuns()
{
    const QString file = m_dir->filePath(QStringLiteral("audit.jsonl"));
    forward::AuditSink sink(*m_db, file);
    QVERIFY(sink.openJournal(m_dir->path(), m_random, m_clock));
    QObject context;
    for (int i = 0; i < 3; ++i) {
        const QString id = QStringLiteral("lone-%1").arg(i);
        bool ran = false;
        sink.writeAsync(forwardRecord(id), &context, [&](core::Result<qint64> written) {
            ran = true;
            QVERIFY(written);
            // Durable before the caller may answer: a SIGKILL now keeps it.
            QVERIFY(journaledIds(sink.journalPath()).contains(id));
        });
        QVERIFY2(ran, "done waited for something");
    }
    QVERIFY(sink.waitCaughtUp(10s));
    QFile f(file);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray lines = f.readAll();
    for (int i = 0; i < 3; ++i) {
        const QString id = QStringLiteral("lone-%1").arg(i);
        QCOMPARE(recordsOf(*m_db, id), 1);
        QCOMPARE(lines.count(id.toLatin1()), 1);
    }
}

// The database is held (another transaction holds the lock the committer needs): answers still
// go out at once, a reader's wait ends in Unavailable, and once the database is free the
// committer catches up and the reader sees the record.
void TestAuditSink::answersDoNotWaitForTheDatabase()
{
    forward::AuditSink sink(*m_db, QString());
    QVERIFY(sink.openJournal(m_dir->path(), m_random, m_clock));
    QSqlDatabase blocker = m_db->connection();
    QVERIFY(blocker.transaction());
    QSqlQuery hold(blocker);
    QVERIFY(hold.prepare(QStringLiteral("INSERT INTO audit_journal_marks (journal_id, committed, "
                                        "updated_at) VALUES (?, 0, 0)")));
    hold.addBindValue(journalId(sink.journalPath()));
    QVERIFY2(hold.exec(), qPrintable(hold.lastError().text()));

    QObject context;
    bool answered = false;
    sink.writeAsync(forwardRecord(QStringLiteral("held")), &context,
                    [&](core::Result<qint64> written) { answered = bool(written); });
    QVERIFY(answered);
    auto waited = sink.waitCaughtUp(300ms);
    QVERIFY(!waited);
    QCOMPARE(waited.error().code(), core::ErrorCode::Unavailable);

    QVERIFY(blocker.rollback());
    QVERIFY(sink.waitCaughtUp(20s));
    QCOMPARE(recordsOf(*m_db, QStringLiteral("held")), 1);
}

// Killed after the journal write, before the commit: the next start commits the records (and
// writes their audit file lines) before serving, and the journal goes on from there.
void TestAuditSink::replayAfterCrashBeforeCommit()
{
    const QStringList ids{ QStringLiteral("c1"), QStringLiteral("c2"), QStringLiteral("c3") };
    const QString path = crashedJournal(m_dir->path(), ids);
    QVERIFY(!path.isEmpty());
    const QString file = m_dir->filePath(QStringLiteral("audit.jsonl"));
    forward::AuditSink sink(*m_db, file);
    QVERIFY(sink.openJournal(m_dir->path(), m_random, m_clock));
    QCOMPARE(sink.journalPath(), path); // taken over
    QVERIFY(journaledIds(path).isEmpty()); // emptied: all in the database
    QFile f(file);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray lines = f.readAll();
    for (const QString &id : ids) {
        QCOMPARE(recordsOf(*m_db, id), 1);
        QCOMPARE(lines.count(id.toLatin1()), 1);
    }
    QCOMPARE(store::AuditStore(*m_db).journalMark(journalId(path)).value(), 3);
    QObject context;
    qint64 number = 0;
    sink.writeAsync(forwardRecord(QStringLiteral("c4")), &context,
                    [&](core::Result<qint64> written) { number = written.value(); });
    QCOMPARE(number, 4);
    QVERIFY(sink.waitCaughtUp(10s));
    QCOMPARE(store::AuditStore(*m_db).journalMark(journalId(path)).value(), 4);
}

// Killed after a batch was committed (its mark with it) but before the journal was emptied:
// the replay commits only the entries above the mark.
void TestAuditSink::replayAfterCommitBeforeTruncate()
{
    QStringList ids;
    for (int i = 1; i <= 5; ++i)
        ids << QStringLiteral("t%1").arg(i);
    const QString path = crashedJournal(m_dir->path(), ids);
    QVERIFY(!path.isEmpty());
    store::AuditStore store(*m_db);
    QVERIFY(m_db->transaction([&]() -> core::Result<void> {
        auto seqs = store.appendMany(
                { forwardRecord(ids[0]), forwardRecord(ids[1]), forwardRecord(ids[2]) });
        if (!seqs)
            return seqs.error();
        return store.setJournalMark(journalId(path), 3, 1);
    }));
    forward::AuditSink sink(*m_db, QString());
    QVERIFY(sink.openJournal(m_dir->path(), m_random, m_clock));
    for (const QString &id : std::as_const(ids))
        QCOMPARE(recordsOf(*m_db, id), 1);
    QCOMPARE(store.journalMark(journalId(path)).value(), 5);
}

// A write cut off by the kill (its request was never answered): skipped, the rest replayed.
void TestAuditSink::replayIgnoresATornTail()
{
    const QString path =
            crashedJournal(m_dir->path(), { QStringLiteral("ok1"), QStringLiteral("ok2") });
    QVERIFY(!path.isEmpty());
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Append));
        const QByteArray torn =
                store::AuditJournal::encodeEntry(3, forwardRecord(QStringLiteral("torn")));
        f.write(torn.left(torn.size() - 7));
    }
    forward::AuditSink sink(*m_db, QString());
    QVERIFY(sink.openJournal(m_dir->path(), m_random, m_clock));
    QCOMPARE(recordsOf(*m_db, QStringLiteral("ok1")), 1);
    QCOMPARE(recordsOf(*m_db, QStringLiteral("ok2")), 1);
    QCOMPARE(recordsOf(*m_db, QStringLiteral("torn")), 0);
    QCOMPARE(sink.journalPath(), path); // still there, now this process's
    QVERIFY(journaledIds(path).isEmpty());
}

// A second sink (process) on the same directory gets a journal of its own; a journal no one
// holds (its process was killed) is replayed by the next one to start, which keeps one such
// file as its own and deletes the others.
void TestAuditSink::oneJournalPerProcess()
{
    forward::AuditSink first(*m_db, QString());
    QVERIFY(first.openJournal(m_dir->path(), m_random, m_clock));
    forward::AuditSink second(*m_db, QString());
    QVERIFY(second.openJournal(m_dir->path(), m_random, m_clock));
    QVERIFY(first.journalPath() != second.journalPath());
    QObject context;
    int answered = 0;
    auto count = [&](core::Result<qint64> written) { answered += written ? 1 : 0; };
    first.writeAsync(forwardRecord(QStringLiteral("p1")), &context, count);
    second.writeAsync(forwardRecord(QStringLiteral("p2")), &context, count);
    QCOMPARE(answered, 2);
    QVERIFY(first.waitCaughtUp(10s));
    QVERIFY(second.waitCaughtUp(10s));

    const QString crashedA = crashedJournal(m_dir->path(), { QStringLiteral("a1") });
    const QString crashedB = crashedJournal(m_dir->path(), { QStringLiteral("b1") });
    QVERIFY(!crashedA.isEmpty() && !crashedB.isEmpty());
    forward::AuditSink third(*m_db, QString());
    QVERIFY(third.openJournal(m_dir->path(), m_random, m_clock));
    QVERIFY(third.journalPath() == crashedA || third.journalPath() == crashedB);
    for (const char *id : { "p1", "p2", "a1", "b1" })
        QCOMPARE(recordsOf(*m_db, QString::fromLatin1(id)), 1);
    QStringList expected{ first.journalPath(), second.journalPath(), third.journalPath() };
    expected.sort();
    QCOMPARE(store::AuditJournal::files(m_dir->path()), expected);
    const QString deleted = third.journalPath() == crashedA ? crashedB : crashedA;
    QCOMPARE(store::AuditStore(*m_db).journalMark(journalId(deleted)).value(), 0); // forgotten
}

// The journal file may not grow (RLIMIT_FSIZE, as on a full disk): the record is committed
// synchronously instead, as without a journal, and `done` gets the outcome — on SQLite the
// database file cannot grow either, so the answer is refused (fail closed, the 503 of
// answerAfterAudit); PostgreSQL, in another process, takes it. Then the journal works again.
void TestAuditSink::unwritableJournalFallsBackToSynchronousCommit()
{
    forward::AuditSink sink(*m_db, QString());
    QVERIFY(sink.openJournal(m_dir->path(), m_random, m_clock));
    QObject context;
    std::optional<core::Result<qint64>> outcome;
    std::signal(SIGXFSZ, SIG_IGN);
    rlimit saved{};
    QCOMPARE(getrlimit(RLIMIT_FSIZE, &saved), 0);
    rlimit small = saved;
    small.rlim_cur = rlim_t(QFileInfo(sink.journalPath()).size() + 10);
    QCOMPARE(setrlimit(RLIMIT_FSIZE, &small), 0);
    sink.writeAsync(forwardRecord(QStringLiteral("full")), &context,
                    [&](core::Result<qint64> written) {
                        outcome = written;
                        if (written) // committed before done runs
                            QCOMPARE(recordsOf(*m_db, QStringLiteral("full")), 1);
                    });
    QCOMPARE(setrlimit(RLIMIT_FSIZE, &saved), 0);
    QVERIFY(outcome.has_value());
    QVERIFY(journaledIds(sink.journalPath()).isEmpty());
    if (test::currentIsPostgres()) {
        QVERIFY(bool(*outcome));
        QCOMPARE(recordsOf(*m_db, QStringLiteral("full")), 1);
    } else {
        QVERIFY(!*outcome);
        QCOMPARE(outcome->error().code(), core::ErrorCode::Unavailable);
        QCOMPARE(recordsOf(*m_db, QStringLiteral("full")), 0);
    }
    bool answered = false;
    sink.writeAsync(forwardRecord(QStringLiteral("after")), &context,
                    [&](core::Result<qint64> written) { answered = bool(written); });
    QVERIFY(answered);
    QCOMPARE(journaledIds(sink.journalPath()), QStringList{ QStringLiteral("after") });
    QVERIFY(sink.waitCaughtUp(20s));
    QCOMPARE(recordsOf(*m_db, QStringLiteral("after")), 1);
}

// Everything in the journal is in the database: the file is emptied (here after every batch;
// tapd waits until it holds 256 KiB), and a clean stop leaves it empty too.
void TestAuditSink::journalIsEmptiedOnceCommitted()
{
    QString path;
    {
        forward::AuditSink sink(*m_db, QString());
        forward::AuditSink::JournalLimits limits;
        limits.truncateBytes = 0;
        sink.setJournalLimits(limits);
        QVERIFY(sink.openJournal(m_dir->path(), m_random, m_clock));
        path = sink.journalPath();
        const qint64 empty = QFileInfo(path).size();
        QObject context;
        for (const char *id : { "e1", "e2", "e3" })
            sink.writeAsync(forwardRecord(QString::fromLatin1(id)), &context,
                            [](core::Result<qint64>) {});
        QVERIFY(QFileInfo(path).size() > empty);
        QVERIFY(sink.waitCaughtUp(10s));
        QTRY_COMPARE_WITH_TIMEOUT(QFileInfo(path).size(), empty, 10000);
    }
    {
        forward::AuditSink sink(*m_db, QString()); // tapd's limits: not emptied while running
        QVERIFY(sink.openJournal(m_dir->path(), m_random, m_clock));
        QCOMPARE(sink.journalPath(), path);
        QObject context;
        sink.writeAsync(forwardRecord(QStringLiteral("e4")), &context, [](core::Result<qint64>) {});
        QVERIFY(sink.waitCaughtUp(10s));
        QCOMPARE(journaledIds(path), QStringList{ QStringLiteral("e4") });
    } // a clean stop
    QVERIFY(journaledIds(path).isEmpty());
    for (const char *id : { "e1", "e2", "e3", "e4" })
        QCOMPARE(recordsOf(*m_db, QString::fromLatin1(id)), 1);
}

// The database has not taken maxBacklog journaled records (it is held by another connection):
// the next record is committed synchronously, as without a journal — PostgreSQL takes it (the
// other transaction holds only the journal's mark), SQLite's single writer lock refuses it after
// its busy timeout, so the answer would be the 503 (fail closed). Nothing is lost or doubled.
void TestAuditSink::fullBacklogFallsBackToSynchronousCommit()
{
    forward::AuditSink sink(*m_db, QString());
    forward::AuditSink::JournalLimits limits;
    limits.maxBacklog = 1;
    sink.setJournalLimits(limits);
    QVERIFY(sink.openJournal(m_dir->path(), m_random, m_clock));
    std::atomic<int> holding{ 0 };
    std::atomic<bool> release{ false };
    std::thread blocker([&] {
        QSqlDatabase c = m_db->connection();
        c.transaction();
        QSqlQuery hold(c);
        hold.prepare(QStringLiteral("INSERT INTO audit_journal_marks (journal_id, committed, "
                                    "updated_at) VALUES (?, 0, 0)"));
        hold.addBindValue(journalId(sink.journalPath()));
        holding = hold.exec() ? 1 : -1;
        while (!release)
            QThread::msleep(5);
        c.rollback();
        m_db->closeThreadConnection();
    });
    QTRY_VERIFY(holding != 0);
    QCOMPARE(holding.load(), 1);
    QObject context;
    bool first = false;
    sink.writeAsync(forwardRecord(QStringLiteral("queued")), &context,
                    [&](core::Result<qint64> written) { first = bool(written); });
    QVERIFY(first);
    std::optional<core::Result<qint64>> second;
    sink.writeAsync(forwardRecord(QStringLiteral("overflow")), &context,
                    [&](core::Result<qint64> written) { second = written; });
    QVERIFY(second.has_value());
    QCOMPARE(bool(*second), test::currentIsPostgres());
    release = true;
    blocker.join();
    QVERIFY(sink.waitCaughtUp(20s));
    QCOMPARE(recordsOf(*m_db, QStringLiteral("queued")), 1);
    QCOMPARE(recordsOf(*m_db, QStringLiteral("overflow")), test::currentIsPostgres() ? 1 : 0);
    QCOMPARE(journaledIds(sink.journalPath()), QStringList{ QStringLiteral("queued") });
}

// Records written from threads other than their context's: `done` runs on the context's
// thread; every record reaches the database exactly once.
void TestAuditSink::recordsFromOtherThreadsGoThroughTheCommitter()
{
    forward::AuditSink sink(*m_db, QString());
    QVERIFY(sink.openJournal(m_dir->path(), m_random, m_clock));
    QObject context; // lives on this thread
    constexpr int threads = 4;
    constexpr int perThread = 25;
    std::atomic<int> done{ 0 };
    std::atomic<int> wrongThread{ 0 };
    QSet<qint64> numbers;
    std::vector<std::thread> writers;
    for (int t = 0; t < threads; ++t) {
        writers.emplace_back([&, t] {
            for (int i = 0; i < perThread; ++i) {
                const QString id = QStringLiteral("t%1-%2").arg(t).arg(i);
                sink.writeAsync(forwardRecord(id), &context, [&](core::Result<qint64> written) {
                    if (QThread::currentThread() != context.thread())
                        ++wrongThread;
                    if (written)
                        numbers.insert(written.value());
                    ++done;
                });
            }
        });
    }
    for (auto &w : writers)
        w.join();
    bool ranHere = false;
    sink.writeAsync(forwardRecord(QStringLiteral("main")), &context,
                    [&](core::Result<qint64> written) { ranHere = bool(written); });
    QTRY_VERIFY_WITH_TIMEOUT(done.load() == threads * perThread && ranHere, 60000);
    QCOMPARE(wrongThread.load(), 0);
    QCOMPARE(numbers.size(), threads * perThread);
    QVERIFY(sink.waitCaughtUp(20s));
    QCOMPARE(test::count(*m_db, "audit_log", "kind = 'forward'"), threads * perThread + 1);
}

QTEST_GUILESS_MAIN(TestAuditSink)
#include "tst_auditsink.moc"
