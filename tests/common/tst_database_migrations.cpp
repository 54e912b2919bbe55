// Migrator and the v1 schema, on SQLite and on PostgreSQL (one global data row each): fresh,
// repeated and concurrent migrations, the two backends' migration files, failures.

#include "support/databasefixture.h"

#include <QTest>
#include <QThread>

#include <memory>
#include <vector>

using namespace tap::test;

class TestDatabaseMigrations : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase_data();

    void migrateFresh();
    void migrateTwiceIsNoOp();
    void migrateConcurrently();
    void availableMigrationsMatch();
    void migrationFilesAgree();
    void schemaMatchesMigrationFiles();
    void failedMigrationRollsBack();
    void newerSchemaRefused();
};

void TestDatabaseMigrations::initTestCase_data()
{
    tap::test::addBackendRows();
}

void TestDatabaseMigrations::migrateFresh()
{
    FRESH_DB(db);
    const auto migrations = Migrator::available(db->backend());
    QVERIFY(!migrations.isEmpty());
    const int latest = migrations.last().version;

    Migrator migrator(*db, s_clock);
    const auto before = migrator.currentVersion();
    QVERIFY2(before.ok(), qPrintable(errorText(before)));
    QCOMPARE(*before, 0);

    const auto version = migrator.migrate();
    QVERIFY2(version.ok(), qPrintable(errorText(version)));
    QCOMPARE(*version, latest);
    const auto after = migrator.currentVersion();
    QVERIFY(after.ok());
    QCOMPARE(*after, latest);
    QVERIFY(tableExists(*db, QStringLiteral("credentials")));
    QVERIFY(tableExists(*db, QStringLiteral("audit_log")));
}

void TestDatabaseMigrations::migrateTwiceIsNoOp()
{
    MIGRATED_DB(db);
    const auto migrations = Migrator::available(db->backend());
    const qint64 appliedAt =
            scalar(*db, QStringLiteral("SELECT MAX(applied_at) FROM schema_version"));
    QVERIFY(appliedAt > 0);

    for (int i = 0; i < 2; ++i) {
        Migrator again(*db, s_clock);
        const auto version = again.migrate();
        QVERIFY2(version.ok(), qPrintable(errorText(version)));
        QCOMPARE(*version, migrations.last().version);
    }

    // One row per migration, with the names of the files, applied once.
    auto q = run(*db, "SELECT version, name, applied_at FROM schema_version ORDER BY version");
    QVERIFY(q.ok());
    QList<QPair<int, QString>> rows;
    while (q->next()) {
        rows.append({ q->value(0).toInt(), q->value(1).toString() });
        QVERIFY(q->value(2).toLongLong() <= appliedAt);
    }
    QList<QPair<int, QString>> expected;
    for (const auto &m : migrations)
        expected.append({ m.version, m.name });
    QCOMPARE(rows, expected);
}

// Two start-ups at once on one database (one thread each, so one connection each): both end
// at the latest version and every migration is applied exactly once.
void TestDatabaseMigrations::migrateConcurrently()
{
    FRESH_DB(db);
    const int latest = Migrator::available(db->backend()).last().version;
    constexpr int kStarters = 3;
    std::vector<int> versions(kStarters, -1);
    std::vector<QString> errors(kStarters);
    std::vector<std::unique_ptr<QThread>> threads;
    for (int i = 0; i < kStarters; ++i) {
        threads.emplace_back(QThread::create([&, i] {
            {
                Migrator migrator(*db, s_clock);
                const auto r = migrator.migrate();
                if (r)
                    versions[i] = *r;
                else
                    errors[i] = describe(r.error());
            }
            db->closeThreadConnection();
        }));
    }
    for (auto &t : threads)
        t->start();
    for (auto &t : threads)
        QVERIFY(t->wait(60000));
    for (int i = 0; i < kStarters; ++i) {
        QVERIFY2(errors[i].isEmpty(), qPrintable(errors[i]));
        QCOMPARE(versions[i], latest);
    }
    QCOMPARE(count(*db, "schema_version"), qint64(Migrator::available(db->backend()).size()));
}

void TestDatabaseMigrations::availableMigrationsMatch()
{
    const auto sqlite = Migrator::available(Backend::Sqlite);
    const auto postgres = Migrator::available(Backend::Postgres);
    QVERIFY(!sqlite.isEmpty());
    QCOMPARE(sqlite.size(), postgres.size());
    QCOMPARE(sqlite.first().version, 1);
    QCOMPARE(sqlite.first().name, QStringLiteral("initial"));
    for (qsizetype i = 0; i < sqlite.size(); ++i) {
        QCOMPARE(sqlite[i].version, postgres[i].version);
        QCOMPARE(sqlite[i].name, postgres[i].name);
        // Versions are 1, 2, 3, ... with no gap or duplicate.
        QCOMPARE(sqlite[i].version, int(i) + 1);
        QVERIFY(!sqlite[i].statements.isEmpty());
        QVERIFY(!postgres[i].statements.isEmpty());
    }
}

// The two migration scripts describe the same tables, columns (type family and nullability)
// and indexes: a column added to one file only fails here on every row.
void TestDatabaseMigrations::migrationFilesAgree()
{
    const ParsedSchema sqlite = parseMigrations(Backend::Sqlite);
    const ParsedSchema postgres = parseMigrations(Backend::Postgres);
    QVERIFY(sqlite.columns.size() >= 20);

    const QStringList sqliteTables = sqlite.columns.keys();
    QCOMPARE(sqliteTables, postgres.columns.keys());
    for (const QString &table : sqliteTables) {
        const auto &a = sqlite.columns[table];
        const auto &b = postgres.columns[table];
        QVERIFY2(!a.isEmpty(), qPrintable(table));
        for (auto it = a.cbegin(); it != a.cend(); ++it) {
            QVERIFY2(b.contains(it.key()),
                     qPrintable(QStringLiteral("%1.%2 is only in the SQLite migration")
                                        .arg(table, it.key())));
            QVERIFY2(b.value(it.key()) == it.value(),
                     qPrintable(QStringLiteral("%1.%2: SQLite %3, PostgreSQL %4")
                                        .arg(table, it.key(), it.value(), b.value(it.key()))));
        }
        for (auto it = b.cbegin(); it != b.cend(); ++it)
            QVERIFY2(a.contains(it.key()),
                     qPrintable(QStringLiteral("%1.%2 is only in the PostgreSQL migration")
                                        .arg(table, it.key())));
    }
    QCOMPARE(sqlite.indexes, postgres.indexes);
}

// What the database reports after migrating is what the migration files say (which keeps the
// parser above honest), plus schema_version. Since the files agree, both backends agree.
void TestDatabaseMigrations::schemaMatchesMigrationFiles()
{
    MIGRATED_DB(db);
    const ParsedSchema parsed = parseMigrations(db->backend());
    QMap<QString, QSet<QString>> expected;
    for (auto it = parsed.columns.cbegin(); it != parsed.columns.cend(); ++it) {
        const QStringList names = it.value().keys();
        expected.insert(it.key(), QSet<QString>(names.cbegin(), names.cend()));
    }
    expected.insert(
            QStringLiteral("schema_version"),
            { QStringLiteral("version"), QStringLiteral("name"), QStringLiteral("applied_at") });

    const auto live = liveColumns(*db);
    QCOMPARE(live.keys(), expected.keys());
    for (auto it = expected.cbegin(); it != expected.cend(); ++it) {
        const QSet<QString> actual = live.value(it.key());
        QVERIFY2(actual == it.value(),
                 qPrintable(QStringLiteral("%1: database has %2, migration files say %3")
                                    .arg(it.key(),
                                         QStringList(actual.cbegin(), actual.cend()).join(u','),
                                         QStringList(it.value().cbegin(), it.value().cend())
                                                 .join(u','))));
    }

    const QSet<QString> indexes = liveIndexes(*db);
    for (auto it = parsed.indexes.cbegin(); it != parsed.indexes.cend(); ++it)
        QVERIFY2(indexes.contains(it.key()), qPrintable(it.key()));

    // A few spot checks that do not depend on the parser at all.
    QVERIFY(live.value(QStringLiteral("credentials")).contains(QStringLiteral("encrypted_value")));
    QVERIFY(live.value(QStringLiteral("agent_team_links"))
                    .contains(QStringLiteral("agent_home_team_id")));
    QVERIFY(live.value(QStringLiteral("teams")).contains(QStringLiteral("wrapped_dek")));
}

// A table in the way of 0001: the migration fails, names itself, and leaves nothing behind.
void TestDatabaseMigrations::failedMigrationRollsBack()
{
    FRESH_DB(db);
    EXEC_OK(*db, "CREATE TABLE teams (x INTEGER)");
    EXEC_OK(*db, "INSERT INTO teams (x) VALUES (42)");

    Migrator migrator(*db, s_clock);
    const auto version = migrator.migrate();
    QVERIFY(!version.ok());
    QVERIFY2(version.error().message().contains(u"0001_initial"),
             qPrintable(version.error().message()));
    QVERIFY2(version.error().message().contains(u"failed"), qPrintable(version.error().message()));
    // ...and says why, so that the operator can repair the database: the statement that
    // failed and the database's reason, not a generic "not available".
    QVERIFY2(version.error().message().contains(u"CREATE TABLE teams"),
             qPrintable(version.error().message()));
    QVERIFY2(version.error().message().contains(u"already exists"),
             qPrintable(version.error().message()));
    QVERIFY2(!version.error().message().contains(u"not available"),
             qPrintable(version.error().message()));
    qInfo("%s", qPrintable(version.error().message()));

    QCOMPARE(count(*db, "schema_version", "version = 1"), qint64(0));
    const auto current = migrator.currentVersion();
    QVERIFY(current.ok());
    QCOMPARE(*current, 0);

    // Transactional DDL on both backends: meta (created before teams) is gone again, and the
    // hand-made teams table is untouched.
    const auto parsed = parseMigrations(db->backend());
    for (auto it = parsed.columns.cbegin(); it != parsed.columns.cend(); ++it) {
        if (it.key() != u"teams")
            QVERIFY2(!tableExists(*db, it.key()), qPrintable(it.key() + u" was left behind"));
    }
    QCOMPARE(liveColumns(*db).value(QStringLiteral("teams")), QSet<QString>{ QStringLiteral("x") });
    QCOMPARE(scalar(*db, QStringLiteral("SELECT x FROM teams")), qint64(42));

    // The connection is usable afterwards (no transaction left open), and once the obstacle
    // is gone the same migration goes through.
    EXEC_OK(*db, "DROP TABLE teams");
    const auto retried = migrator.migrate();
    QVERIFY2(retried.ok(), qPrintable(errorText(retried)));
    QCOMPARE(count(*db, "schema_version", "version = 1"), qint64(1));
}

void TestDatabaseMigrations::newerSchemaRefused()
{
    MIGRATED_DB(db);
    const int latest = Migrator::available(db->backend()).last().version;
    EXEC_OK(*db, "INSERT INTO schema_version (version, name, applied_at) VALUES (?, 'future', 1)",
            { latest + 1 });

    Migrator migrator(*db, s_clock);
    const auto current = migrator.currentVersion();
    QVERIFY(current.ok());
    QCOMPARE(*current, latest + 1);
    const auto version = migrator.migrate();
    QVERIFY(!version.ok());
    QVERIFY2(version.error().message().contains(u"newer"), qPrintable(version.error().message()));
    QVERIFY2(version.error().message().contains(QString::number(latest + 1)),
             qPrintable(version.error().message()));
    // Nothing was touched.
    QCOMPARE(count(*db, "schema_version"), qint64(Migrator::available(db->backend()).size() + 1));
}

QTEST_GUILESS_MAIN(TestDatabaseMigrations)
#include "tst_database_migrations.moc"
