// Database transactions and per-thread connections, on SQLite and on PostgreSQL (one global
// data row each), and the SQLite pragmas and file mode.

#include "support/databasefixture.h"

#include <QFile>
#include <QTest>
#include <QThread>

#include <sys/stat.h>

#include <atomic>
#include <memory>
#include <vector>

using namespace tap::test;

class TestDatabaseTransactions : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase_data();

    void transactionRollsBack();
    void transactionCommits();
    void transactionRollsBackFailedStatement();

    void threadConnections();
    void sqlitePragmasAndFileMode();
};

void TestDatabaseTransactions::initTestCase_data()
{
    tap::test::addBackendRows();
}

void TestDatabaseTransactions::transactionRollsBack()
{
    MIGRATED_DB(db);
    const auto r = db->transaction([&]() -> Result<void> {
        auto insert = run(*db,
                          "INSERT INTO teams (id, name, wrapped_dek, created_at) "
                          "VALUES ('t1', 'One', ?, 1)",
                          { QByteArray("k") });
        if (!insert)
            return insert.error();
        if (count(*db, "teams") != 1) // visible inside the transaction
            return Error(ErrorCode::Internal, QStringLiteral("insert not visible"));
        return Error(ErrorCode::Conflict, QStringLiteral("changed my mind"));
    });
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code(), ErrorCode::Conflict);
    QCOMPARE(r.error().message(), QStringLiteral("changed my mind"));
    QCOMPARE(count(*db, "teams"), qint64(0));

    // No transaction is left open: a new one starts and commits.
    const auto again = db->transaction([&]() -> Result<void> {
        auto insert = run(*db,
                          "INSERT INTO teams (id, name, wrapped_dek, created_at) "
                          "VALUES ('t1', 'One', ?, 1)",
                          { QByteArray("k") });
        return insert ? Result<void>() : Result<void>(insert.error());
    });
    QVERIFY2(again.ok(), qPrintable(errorText(again)));
    QCOMPARE(count(*db, "teams"), qint64(1));
}

void TestDatabaseTransactions::transactionCommits()
{
    MIGRATED_DB(db);
    const auto r = db->transaction([&]() -> Result<void> {
        for (const char *id : { "t1", "t2" }) {
            auto insert =
                    run(*db,
                        "INSERT INTO teams (id, name, wrapped_dek, created_at) "
                        "VALUES (?, ?, ?, 1)",
                        { QString::fromLatin1(id), QString::fromLatin1(id), QByteArray("k") });
            if (!insert)
                return insert.error();
        }
        return {};
    });
    QVERIFY2(r.ok(), qPrintable(errorText(r)));
    QCOMPARE(count(*db, "teams"), qint64(2));

    // Committed means visible to another connection (another thread).
    qint64 seen = -1;
    std::unique_ptr<QThread> reader(QThread::create([&] {
        seen = count(*db, "teams");
        db->closeThreadConnection();
    }));
    reader->start();
    QVERIFY(reader->wait(30000));
    QCOMPARE(seen, qint64(2));
}

// A statement that fails inside the body (here a duplicate) undoes the earlier ones, and on
// PostgreSQL the aborted transaction does not poison the connection.
void TestDatabaseTransactions::transactionRollsBackFailedStatement()
{
    MIGRATED_DB(db);
    EXEC_OK(*db,
            "INSERT INTO teams (id, name, wrapped_dek, created_at) VALUES ('t0', 'Zero', ?, 1)",
            { QByteArray("k") });
    const auto r = db->transaction([&]() -> Result<void> {
        auto first = run(*db,
                         "INSERT INTO teams (id, name, wrapped_dek, created_at) "
                         "VALUES ('t1', 'One', ?, 1)",
                         { QByteArray("k") });
        if (!first)
            return first.error();
        auto second = run(*db,
                          "INSERT INTO teams (id, name, wrapped_dek, created_at) "
                          "VALUES ('t2', 'Zero', ?, 1)",
                          { QByteArray("k") });
        if (!second)
            return second.error();
        return {};
    });
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code(), ErrorCode::Conflict);
    QCOMPARE(count(*db, "teams"), qint64(1));
    QCOMPARE(count(*db, "teams", "id = 't1'"), qint64(0));
    EXEC_OK(*db, "INSERT INTO teams (id, name, wrapped_dek, created_at) VALUES ('t1', 'One', ?, 1)",
            { QByteArray("k") });
    QCOMPARE(count(*db, "teams"), qint64(2));
}

void TestDatabaseTransactions::threadConnections()
{
    MIGRATED_DB(db);
    EXEC_OK(*db, "INSERT INTO teams (id, name, wrapped_dek, created_at) VALUES ('t1', 'One', ?, 1)",
            { QByteArray("k") });

    constexpr int kThreads = 4;
    constexpr int kRowsPerThread = 25;
    std::atomic<int> failures{ 0 };
    std::vector<QString> firstError(kThreads);
    std::vector<std::unique_ptr<QThread>> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back(QThread::create([&, t] {
            for (int i = 0; i < kRowsPerThread; ++i) {
                auto insert = run(*db,
                                  "INSERT INTO rate_limit_hits (team_id, bucket, at_ms) "
                                  "VALUES ('t1', ?, ?)",
                                  { QStringLiteral("thread:%1").arg(t), i });
                auto read = run(*db, "SELECT COUNT(*) FROM rate_limit_hits WHERE bucket = ?",
                                { QStringLiteral("thread:%1").arg(t) });
                const bool ok = insert && read && read->next() && read->value(0).toInt() == i + 1;
                if (!ok) {
                    failures.fetch_add(1);
                    if (firstError[t].isEmpty())
                        firstError[t] = !insert ? describe(insert.error())
                                : !read         ? describe(read.error())
                                                : QStringLiteral("wrong count");
                }
            }
            // A transaction per thread too: each runs on the thread's own connection.
            const auto tx = db->transaction([&]() -> Result<void> {
                auto q = run(*db,
                             "INSERT INTO rate_limit_hits (team_id, bucket, at_ms) "
                             "VALUES ('t1', 'tx', ?)",
                             { t });
                return q ? Result<void>() : Result<void>(q.error());
            });
            if (!tx) {
                failures.fetch_add(1);
                firstError[t] = describe(tx.error());
            }
            db->closeThreadConnection();
        }));
    }
    for (auto &thread : threads)
        thread->start();
    for (auto &thread : threads)
        QVERIFY(thread->wait(60000));
    for (const QString &e : firstError)
        QVERIFY2(e.isEmpty(), qPrintable(e));
    QCOMPARE(failures.load(), 0);
    QCOMPARE(count(*db, "rate_limit_hits"), qint64(kThreads * (kRowsPerThread + 1)));
    QCOMPARE(count(*db, "rate_limit_hits", "bucket = 'tx'"), qint64(kThreads));
    // The main thread's connection was not disturbed, and the threads' ones are gone.
    QVERIFY(db->ping());
}

void TestDatabaseTransactions::sqlitePragmasAndFileMode()
{
    if (tap::test::currentIsPostgres())
        QSKIP("SQLite only");
    MIGRATED_DB(db);
    QCOMPARE(db->backend(), Backend::Sqlite);

    auto mode = run(*db, "PRAGMA journal_mode");
    QVERIFY(mode.ok() && mode->next());
    QCOMPARE(mode->value(0).toString().toLower(), QStringLiteral("wal"));
    QCOMPARE(scalar(*db, QStringLiteral("PRAGMA foreign_keys")), qint64(1));
    QCOMPARE(scalar(*db, QStringLiteral("PRAGMA busy_timeout")), qint64(5000));

    // Every connection gets the pragmas, not just the first.
    qint64 threadForeignKeys = -1;
    std::unique_ptr<QThread> other(QThread::create([&] {
        threadForeignKeys = scalar(*db, QStringLiteral("PRAGMA foreign_keys"));
        db->closeThreadConnection();
    }));
    other->start();
    QVERIFY(other->wait(30000));
    QCOMPARE(threadForeignKeys, qint64(1));

    // The file (and its WAL companions) is private to the service user.
    const QString path = db->url().path;
    const QStringList files{ path, path + u"-wal", path + u"-shm" };
    for (const QString &file : files) {
        if (file != path && !QFile::exists(file))
            continue;
        struct stat st = {};
        QCOMPARE(::stat(QFile::encodeName(file).constData(), &st), 0);
        QVERIFY2((st.st_mode & 0777) == 0600,
                 qPrintable(
                         QStringLiteral("%1 has mode %2").arg(file).arg(st.st_mode & 0777, 0, 8)));
    }
}

QTEST_GUILESS_MAIN(TestDatabaseTransactions)
#include "tst_database_transactions.moc"
