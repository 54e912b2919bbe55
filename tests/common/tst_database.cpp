// Database, Migrator and the v1 schema, on SQLite and on PostgreSQL (one global data row each).

#include "core/clock.h"
#include "store/database.h"
#include "store/migrator.h"
#include "support/testdatabases.h"

#include <QFile>
#include <QFileInfo>
#include <QMap>
#include <QRegularExpression>
#include <QSet>
#include <QSqlRecord>
#include <QTest>
#include <QThread>

#include <sys/stat.h>

#include <atomic>
#include <memory>
#include <vector>

using tap::core::Error;
using tap::core::ErrorCode;
using tap::core::Result;
using tap::store::Backend;
using tap::store::Database;
using tap::store::Migrator;

namespace {

const tap::core::SystemClock s_clock;

// Table name -> column name -> "TYPE [NOT NULL]".
using ColumnMap = QMap<QString, QMap<QString, QString>>;

std::shared_ptr<Database> migratedDatabase()
{
    auto db = tap::test::freshDatabase();
    if (!db)
        return nullptr;
    Migrator migrator(*db, s_clock);
    const auto version = migrator.migrate();
    if (!version) {
        QTest::qFail(qPrintable(version.error().message()), __FILE__, __LINE__);
        return nullptr;
    }
    return db;
}

QString describe(const Error &e)
{
    return QStringLiteral("%1: %2").arg(tap::core::errorName(e.code()), e.message());
}

// For QVERIFY2 messages (evaluated even when the check passes).
template <typename T>
QString errorText(const Result<T> &r)
{
    return r ? QString() : describe(r.error());
}

// Runs a statement; the caller checks ok(). Literal SQL only.
Result<QSqlQuery> run(Database &db, const char *sql, const QVariantList &binds = {})
{
    return db.exec(QString::fromUtf8(sql), binds);
}

// The first column of the first row as a number, or -1 if the query fails.
qint64 scalar(Database &db, const QString &sql, const QVariantList &binds = {})
{
    auto q = db.exec(sql, binds);
    if (!q || !q->next())
        return -1;
    return q->value(0).toLongLong();
}

qint64 count(Database &db, const char *table, const char *where = nullptr,
             const QVariantList &binds = {})
{
    QString sql = QStringLiteral("SELECT COUNT(*) FROM ") + QLatin1StringView(table);
    if (where)
        sql += QStringLiteral(" WHERE ") + QString::fromUtf8(where);
    return scalar(db, sql, binds);
}

bool tableExists(Database &db, const QString &table)
{
    if (db.backend() == Backend::Sqlite)
        return scalar(db,
                      QStringLiteral("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' "
                                     "AND name = ?"),
                      { table })
                > 0;
    return scalar(db,
                  QStringLiteral("SELECT COUNT(*) FROM information_schema.tables "
                                 "WHERE table_schema = current_schema() AND table_name = ?"),
                  { table })
            > 0;
}

// The tables and columns of the connected database, as the database itself reports them.
QMap<QString, QSet<QString>> liveColumns(Database &db)
{
    QMap<QString, QSet<QString>> result;
    const bool sqlite = db.backend() == Backend::Sqlite;
    auto q =
            db.exec(sqlite ? QStringLiteral("SELECT m.name, p.name FROM sqlite_master AS m "
                                            "JOIN pragma_table_info(m.name) AS p "
                                            "WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'")
                           : QStringLiteral(
                                   "SELECT table_name, column_name FROM information_schema.columns "
                                   "WHERE table_schema = current_schema()"));
    if (!q) {
        QTest::qFail(qPrintable(describe(q.error())), __FILE__, __LINE__);
        return result;
    }
    while (q->next())
        result[q->value(0).toString()].insert(q->value(1).toString());
    return result;
}

QSet<QString> liveIndexes(Database &db)
{
    QSet<QString> result;
    auto q = db.exec(db.backend() == Backend::Sqlite
                             ? QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'index'")
                             : QStringLiteral("SELECT indexname FROM pg_indexes "
                                              "WHERE schemaname = current_schema()"));
    if (q) {
        while (q->next())
            result.insert(q->value(0).toString());
    }
    return result;
}

// Splits the body of a CREATE TABLE at the commas that are not inside parentheses.
QStringList splitTopLevel(const QString &body)
{
    QStringList items;
    int depth = 0;
    QString current;
    for (const QChar c : body) {
        if (c == u'(')
            ++depth;
        else if (c == u')')
            --depth;
        if (c == u',' && depth == 0) {
            items << current.trimmed();
            current.clear();
        } else {
            current += c;
        }
    }
    if (!current.trimmed().isEmpty())
        items << current.trimmed();
    return items;
}

// The SQLite spellings of PostgreSQL types, so that the two files can be compared.
QString normalisedType(const QString &definition)
{
    static const QRegularExpression typeWord(QStringLiteral("^\\S+\\s+(\\w+)"));
    QString type = typeWord.match(definition).captured(1).toUpper();
    const QString upper = definition.toUpper();
    if (type == u"BYTEA")
        type = QStringLiteral("BLOB");
    if (type == u"BIGSERIAL" || (type == u"INTEGER" && upper.contains(u"AUTOINCREMENT")))
        type = QStringLiteral("SERIAL");
    if (upper.contains(u"NOT NULL") || upper.contains(u"PRIMARY KEY"))
        type += QStringLiteral(" NOT NULL");
    return type;
}

struct ParsedSchema
{
    ColumnMap columns;
    QMap<QString, QString> indexes; // index name -> table
};

// Parses the CREATE TABLE / CREATE INDEX statements of a backend's shipped migrations.
ParsedSchema parseMigrations(Backend backend)
{
    static const QRegularExpression createTable(
            QStringLiteral("^CREATE\\s+TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?(\\w+)\\s*\\((.*)\\)$"),
            QRegularExpression::DotMatchesEverythingOption
                    | QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression createIndex(
            QStringLiteral("^CREATE\\s+(?:UNIQUE\\s+)?INDEX\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?(\\w+)"
                           "\\s+ON\\s+(\\w+)"),
            QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression addColumn(
            QStringLiteral("^ALTER\\s+TABLE\\s+(\\w+)\\s+ADD\\s+COLUMN\\s+(.*)$"),
            QRegularExpression::DotMatchesEverythingOption
                    | QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression lineComment(QStringLiteral("--[^\\n]*"));
    static const QSet<QString> constraintWords{
        QStringLiteral("PRIMARY"), QStringLiteral("UNIQUE"),     QStringLiteral("FOREIGN"),
        QStringLiteral("CHECK"),   QStringLiteral("CONSTRAINT"), QStringLiteral("EXCLUDE")
    };
    ParsedSchema schema;
    const auto migrations = Migrator::available(backend);
    for (const auto &migration : migrations) {
        for (QString statement : migration.statements) {
            statement.remove(lineComment);
            statement = statement.trimmed();
            if (const auto m = createTable.match(statement); m.hasMatch()) {
                auto &table = schema.columns[m.captured(1).toLower()];
                const auto items = splitTopLevel(m.captured(2));
                for (const QString &item : items) {
                    const QString first = item.section(u' ', 0, 0).toUpper();
                    if (constraintWords.contains(first))
                        continue;
                    table.insert(item.section(u' ', 0, 0).toLower(), normalisedType(item));
                }
            } else if (const auto a = addColumn.match(statement); a.hasMatch()) {
                const QString item = a.captured(2).trimmed();
                schema.columns[a.captured(1).toLower()].insert(item.section(u' ', 0, 0).toLower(),
                                                               normalisedType(item));
            } else if (const auto i = createIndex.match(statement); i.hasMatch()) {
                schema.indexes.insert(i.captured(1).toLower(), i.captured(2).toLower());
            }
        }
    }
    return schema;
}

// Rows of two teams that reference each other the way the admin API will create them.
//   t1: credentials c1 "github", c2 "stripe"; roles dev, ops; agents bot, bot2
//   t2: credential c3 "github"; role dev; agent bot (same names as t1)
//   links: t2 -> t1/bot (role dev of t2), t2 -> t1/bot2 (no role), t1 -> t2/bot (role dev of t1)
void seed(Database &db)
{
    const QByteArray dek("\x01\x00\x02", 3);
    const struct
    {
        const char *sql;
        QVariantList binds;
    } rows[] = {
        { "INSERT INTO teams (id, name, wrapped_dek, created_at) VALUES (?, ?, ?, 1)",
          { QStringLiteral("t1"), QStringLiteral("Team One"), dek } },
        { "INSERT INTO teams (id, name, wrapped_dek, created_at) VALUES (?, ?, ?, 1)",
          { QStringLiteral("t2"), QStringLiteral("Team Two"), dek } },
        { "INSERT INTO users (id, email, password_hash, created_at, updated_at) "
          "VALUES ('u1', 'alice@example.com', 'x', 1, 1)",
          {} },
        { "INSERT INTO memberships (team_id, user_id, role, created_at) VALUES ('t1', 'u1', "
          "'owner', 1)",
          {} },
        { "INSERT INTO memberships (team_id, user_id, role, created_at) VALUES ('t2', 'u1', "
          "'approver', 1)",
          {} },
        { "INSERT INTO credentials (id, team_id, name, created_at, updated_at) "
          "VALUES ('c1', 't1', 'github', 1, 1)",
          {} },
        { "INSERT INTO credentials (id, team_id, name, connector, api_base, relative_target, "
          "created_at, updated_at) VALUES ('c2', 't1', 'stripe', 'sidecar', "
          "'https://api.stripe.com', 1, 1, 1)",
          {} },
        { "INSERT INTO credentials (id, team_id, name, created_at, updated_at) "
          "VALUES ('c3', 't2', 'github', 1, 1)",
          {} },
        { "INSERT INTO roles (team_id, name, created_at) VALUES ('t1', 'dev', 1)", {} },
        { "INSERT INTO roles (team_id, name, created_at) VALUES ('t1', 'ops', 1)", {} },
        { "INSERT INTO roles (team_id, name, created_at) VALUES ('t2', 'dev', 1)", {} },
        { "INSERT INTO role_credentials (team_id, role_name, credential_id) "
          "VALUES ('t1', 'dev', 'c1')",
          {} },
        { "INSERT INTO role_credentials (team_id, role_name, credential_id) "
          "VALUES ('t1', 'dev', 'c2')",
          {} },
        { "INSERT INTO role_credentials (team_id, role_name, credential_id) "
          "VALUES ('t1', 'ops', 'c1')",
          {} },
        { "INSERT INTO role_credentials (team_id, role_name, credential_id) "
          "VALUES ('t2', 'dev', 'c3')",
          {} },
        { "INSERT INTO agents (team_id, id, api_key_hash, created_at, updated_at) "
          "VALUES ('t1', 'bot', 'h1', 1, 1)",
          {} },
        { "INSERT INTO agents (team_id, id, api_key_hash, created_at, updated_at) "
          "VALUES ('t1', 'bot2', 'h2', 1, 1)",
          {} },
        { "INSERT INTO agents (team_id, id, api_key_hash, created_at, updated_at) "
          "VALUES ('t2', 'bot', 'h3', 1, 1)",
          {} },
        { "INSERT INTO agent_credentials (team_id, agent_id, credential_id) "
          "VALUES ('t1', 'bot', 'c1')",
          {} },
        { "INSERT INTO agent_credentials (team_id, agent_id, credential_id) "
          "VALUES ('t1', 'bot', 'c2')",
          {} },
        { "INSERT INTO agent_credentials (team_id, agent_id, credential_id) "
          "VALUES ('t1', 'bot2', 'c2')",
          {} },
        { "INSERT INTO agent_credentials (team_id, agent_id, credential_id) "
          "VALUES ('t2', 'bot', 'c3')",
          {} },
        { "INSERT INTO agent_roles (team_id, agent_id, role_name) VALUES ('t1', 'bot', 'dev')",
          {} },
        { "INSERT INTO agent_roles (team_id, agent_id, role_name) VALUES ('t1', 'bot2', 'ops')",
          {} },
        { "INSERT INTO agent_roles (team_id, agent_id, role_name) VALUES ('t2', 'bot', 'dev')",
          {} },
        { "INSERT INTO policies (team_id, credential_id, updated_at) VALUES ('t1', 'c1', 1)", {} },
        { "INSERT INTO policies (team_id, credential_id, updated_at) VALUES ('t1', 'c2', 1)", {} },
        { "INSERT INTO policies (team_id, credential_id, updated_at) VALUES ('t2', 'c3', 1)", {} },
        { "INSERT INTO agent_team_links (team_id, agent_home_team_id, agent_id, role_name, "
          "created_by, created_at) VALUES ('t2', 't1', 'bot', 'dev', 'u1', 1)",
          {} },
        { "INSERT INTO agent_team_links (team_id, agent_home_team_id, agent_id, role_name, "
          "created_by, created_at) VALUES ('t2', 't1', 'bot2', NULL, 'u1', 1)",
          {} },
        { "INSERT INTO agent_team_links (team_id, agent_home_team_id, agent_id, role_name, "
          "created_by, created_at) VALUES ('t1', 't2', 'bot', 'dev', 'u1', 1)",
          {} },
    };
    for (const auto &row : rows) {
        auto r = run(db, row.sql, row.binds);
        QVERIFY2(r.ok(), qPrintable(QString::fromUtf8(row.sql) + u" -> " + errorText(r)));
    }
}

// The team-owned tables and how many seeded rows each holds per team.
struct TeamCounts
{
    qint64 credentials, roles, roleCredentials, agents, agentCredentials, agentRoles, policies,
            linksIn, linksOut, memberships;
};

TeamCounts countsFor(Database &db, const QString &team)
{
    const QVariantList t{ team };
    return { count(db, "credentials", "team_id = ?", t),
             count(db, "roles", "team_id = ?", t),
             count(db, "role_credentials", "team_id = ?", t),
             count(db, "agents", "team_id = ?", t),
             count(db, "agent_credentials", "team_id = ?", t),
             count(db, "agent_roles", "team_id = ?", t),
             count(db, "policies", "team_id = ?", t),
             count(db, "agent_team_links", "team_id = ?", t),
             count(db, "agent_team_links", "agent_home_team_id = ?", t),
             count(db, "memberships", "team_id = ?", t) };
}

#define FRESH_DB(name)                    \
  auto name = tap::test::freshDatabase(); \
  if (!name)                              \
    return;

#define MIGRATED_DB(name)         \
  auto name = migratedDatabase(); \
  if (!name)                      \
    return;

#define SEEDED_DB(name)           \
  MIGRATED_DB(name)               \
  seed(*name);                    \
  if (QTest::currentTestFailed()) \
    return;

#define EXEC_OK(db, ...)                          \
  do {                                            \
    auto r_ = run(db, __VA_ARGS__);               \
    QVERIFY2(r_.ok(), qPrintable(errorText(r_))); \
  } while (false)

} // namespace

class TestDatabase : public QObject
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

    void deleteCredentialCascades();
    void deleteRoleCascades();
    void deleteAgentCascades();
    void deleteTeamCascades();
    void crossTeamReferencesRejected_data();
    void crossTeamReferencesRejected();
    void duplicateNames();
    void checkConstraints_data();
    void checkConstraints();

    void transactionRollsBack();
    void transactionCommits();
    void transactionRollsBackFailedStatement();

    void threadConnections();
    void sqlitePragmasAndFileMode();
};

void TestDatabase::initTestCase_data()
{
    tap::test::addBackendRows();
}

void TestDatabase::migrateFresh()
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

void TestDatabase::migrateTwiceIsNoOp()
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
void TestDatabase::migrateConcurrently()
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

void TestDatabase::availableMigrationsMatch()
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
void TestDatabase::migrationFilesAgree()
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
void TestDatabase::schemaMatchesMigrationFiles()
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
void TestDatabase::failedMigrationRollsBack()
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

void TestDatabase::newerSchemaRefused()
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

void TestDatabase::deleteCredentialCascades()
{
    SEEDED_DB(db);
    const TeamCounts otherBefore = countsFor(*db, QStringLiteral("t2"));
    EXEC_OK(*db, "DELETE FROM credentials WHERE id = 'c1'");

    QCOMPARE(count(*db, "role_credentials", "credential_id = 'c1'"), qint64(0));
    QCOMPARE(count(*db, "agent_credentials", "credential_id = 'c1'"), qint64(0));
    QCOMPARE(count(*db, "policies", "credential_id = 'c1'"), qint64(0));
    // c2 keeps its rows.
    QCOMPARE(count(*db, "role_credentials", "credential_id = 'c2'"), qint64(1));
    QCOMPARE(count(*db, "agent_credentials", "credential_id = 'c2'"), qint64(2));
    QCOMPARE(count(*db, "policies", "credential_id = 'c2'"), qint64(1));
    // Roles and agents themselves stay.
    QCOMPARE(count(*db, "roles", "team_id = 't1'"), qint64(2));
    QCOMPARE(count(*db, "agents", "team_id = 't1'"), qint64(2));
    // The other team's same-named credential is not affected.
    const TeamCounts otherAfter = countsFor(*db, QStringLiteral("t2"));
    QCOMPARE(otherAfter.credentials, otherBefore.credentials);
    QCOMPARE(otherAfter.roleCredentials, otherBefore.roleCredentials);
    QCOMPARE(otherAfter.policies, otherBefore.policies);
}

void TestDatabase::deleteRoleCascades()
{
    SEEDED_DB(db);
    EXEC_OK(*db, "DELETE FROM roles WHERE team_id = 't1' AND name = 'dev'");

    QCOMPARE(count(*db, "agent_roles", "team_id = 't1' AND role_name = 'dev'"), qint64(0));
    QCOMPARE(count(*db, "role_credentials", "team_id = 't1' AND role_name = 'dev'"), qint64(0));
    // The link t1 -> t2/bot was scoped to t1's role dev: gone (fail closed).
    QCOMPARE(count(*db, "agent_team_links", "team_id = 't1'"), qint64(0));
    // t1's other role and t2's role of the same name are untouched, as is t2's link scoped
    // to its own role dev.
    QCOMPARE(count(*db, "agent_roles", "team_id = 't1' AND role_name = 'ops'"), qint64(1));
    QCOMPARE(count(*db, "role_credentials", "team_id = 't1' AND role_name = 'ops'"), qint64(1));
    QCOMPARE(count(*db, "agent_roles", "team_id = 't2' AND role_name = 'dev'"), qint64(1));
    QCOMPARE(count(*db, "role_credentials", "team_id = 't2' AND role_name = 'dev'"), qint64(1));
    QCOMPARE(count(*db, "agent_team_links", "team_id = 't2'"), qint64(2));
    // Credentials and agents are not owned by roles.
    QCOMPARE(count(*db, "credentials", "team_id = 't1'"), qint64(2));
    QCOMPARE(count(*db, "agents", "team_id = 't1'"), qint64(2));
}

void TestDatabase::deleteAgentCascades()
{
    SEEDED_DB(db);
    EXEC_OK(*db, "DELETE FROM agents WHERE team_id = 't1' AND id = 'bot'");

    QCOMPARE(count(*db, "agent_credentials", "team_id = 't1' AND agent_id = 'bot'"), qint64(0));
    QCOMPARE(count(*db, "agent_roles", "team_id = 't1' AND agent_id = 'bot'"), qint64(0));
    QCOMPARE(count(*db, "agent_team_links", "agent_home_team_id = 't1' AND agent_id = 'bot'"),
             qint64(0));
    // bot2 of t1 and bot of t2 (same name) keep everything.
    QCOMPARE(count(*db, "agent_credentials", "team_id = 't1' AND agent_id = 'bot2'"), qint64(1));
    QCOMPARE(count(*db, "agent_roles", "team_id = 't1' AND agent_id = 'bot2'"), qint64(1));
    QCOMPARE(count(*db, "agent_team_links", "agent_home_team_id = 't1' AND agent_id = 'bot2'"),
             qint64(1));
    QCOMPARE(count(*db, "agent_credentials", "team_id = 't2' AND agent_id = 'bot'"), qint64(1));
    QCOMPARE(count(*db, "agent_roles", "team_id = 't2' AND agent_id = 'bot'"), qint64(1));
    QCOMPARE(count(*db, "agent_team_links", "agent_home_team_id = 't2' AND agent_id = 'bot'"),
             qint64(1));
    QCOMPARE(count(*db, "credentials", "team_id = 't1'"), qint64(2));
    QCOMPARE(count(*db, "roles", "team_id = 't1'"), qint64(2));
}

void TestDatabase::deleteTeamCascades()
{
    SEEDED_DB(db);
    const TeamCounts before = countsFor(*db, QStringLiteral("t2"));
    QCOMPARE(before.credentials, qint64(1));
    QCOMPARE(before.linksIn, qint64(2));
    QCOMPARE(before.linksOut, qint64(1));

    EXEC_OK(*db, "DELETE FROM teams WHERE id = 't1'");

    const TeamCounts gone = countsFor(*db, QStringLiteral("t1"));
    QCOMPARE(gone.credentials, qint64(0));
    QCOMPARE(gone.roles, qint64(0));
    QCOMPARE(gone.roleCredentials, qint64(0));
    QCOMPARE(gone.agents, qint64(0));
    QCOMPARE(gone.agentCredentials, qint64(0));
    QCOMPARE(gone.agentRoles, qint64(0));
    QCOMPARE(gone.policies, qint64(0));
    QCOMPARE(gone.linksIn, qint64(0));
    QCOMPARE(gone.linksOut, qint64(0)); // t2's links to t1's agents
    QCOMPARE(gone.memberships, qint64(0));

    // t2 keeps its own rows; only its links to t1's agents went.
    const TeamCounts kept = countsFor(*db, QStringLiteral("t2"));
    QCOMPARE(kept.credentials, before.credentials);
    QCOMPARE(kept.roles, before.roles);
    QCOMPARE(kept.roleCredentials, before.roleCredentials);
    QCOMPARE(kept.agents, before.agents);
    QCOMPARE(kept.agentCredentials, before.agentCredentials);
    QCOMPARE(kept.agentRoles, before.agentRoles);
    QCOMPARE(kept.policies, before.policies);
    QCOMPARE(kept.linksIn, qint64(0));
    QCOMPARE(kept.linksOut, qint64(0)); // t1's link to t2/bot belonged to t1
    QCOMPARE(kept.memberships, before.memberships);
    // Users are not team-owned.
    QCOMPARE(count(*db, "users"), qint64(1));
}

void TestDatabase::crossTeamReferencesRejected_data()
{
    QTest::addColumn<QString>("sql");

    // c3 belongs to t2; role dev and agent bot exist in both teams, ops only in t1.
    QTest::newRow("role_credentials -> other team's credential")
            << QStringLiteral("INSERT INTO role_credentials (team_id, role_name, credential_id) "
                              "VALUES ('t1', 'dev', 'c3')");
    QTest::newRow("role_credentials -> other team's role")
            << QStringLiteral("INSERT INTO role_credentials (team_id, role_name, credential_id) "
                              "VALUES ('t2', 'ops', 'c3')");
    QTest::newRow("agent_credentials -> other team's credential")
            << QStringLiteral("INSERT INTO agent_credentials (team_id, agent_id, credential_id) "
                              "VALUES ('t1', 'bot2', 'c3')");
    QTest::newRow("agent_roles -> other team's role")
            << QStringLiteral("INSERT INTO agent_roles (team_id, agent_id, role_name) "
                              "VALUES ('t2', 'bot', 'ops')");
    QTest::newRow("policies -> other team's credential")
            << QStringLiteral("INSERT INTO policies (team_id, credential_id, updated_at) "
                              "VALUES ('t2', 'c1', 1)");
    QTest::newRow("link scoped to the agent team's role")
            << QStringLiteral("INSERT INTO agent_team_links (team_id, agent_home_team_id, "
                              "agent_id, role_name, created_at) VALUES ('t2', 't1', 'bot', "
                              "'ops', 1)");
    QTest::newRow("link to a missing agent")
            << QStringLiteral("INSERT INTO agent_team_links (team_id, agent_home_team_id, "
                              "agent_id, created_at) VALUES ('t1', 't2', 'ghost', 1)");
    QTest::newRow("credential of a missing team")
            << QStringLiteral("INSERT INTO credentials (id, team_id, name, created_at, "
                              "updated_at) VALUES ('c9', 'nope', 'x', 1, 1)");
}

void TestDatabase::crossTeamReferencesRejected()
{
    QFETCH(QString, sql);
    SEEDED_DB(db);
    // Free the (t2, t1, bot) key so that only the foreign key can reject the link rows.
    EXEC_OK(*db, "DELETE FROM agent_team_links WHERE team_id = 't2'");
    const auto r = db->exec(sql);
    QVERIFY2(!r.ok(), "a cross-team reference was accepted");
    QCOMPARE(r.error().code(), ErrorCode::InvalidRequest);
    // The driver's text stays in the log.
    QVERIFY(!r.error().message().contains(u"FOREIGN", Qt::CaseInsensitive));
}

void TestDatabase::duplicateNames()
{
    SEEDED_DB(db);
    // Same team, name and scope: Conflict.
    auto r = run(*db,
                 "INSERT INTO credentials (id, team_id, name, created_at, updated_at) "
                 "VALUES ('c9', 't1', 'github', 1, 1)");
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code(), ErrorCode::Conflict);
    // Same id: Conflict.
    r = run(*db,
            "INSERT INTO credentials (id, team_id, name, created_at, updated_at) "
            "VALUES ('c1', 't1', 'other', 1, 1)");
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code(), ErrorCode::Conflict);
    // Same role and agent names in one team: Conflict.
    r = run(*db, "INSERT INTO roles (team_id, name, created_at) VALUES ('t1', 'dev', 2)");
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code(), ErrorCode::Conflict);
    r = run(*db,
            "INSERT INTO agents (team_id, id, api_key_hash, created_at, updated_at) "
            "VALUES ('t1', 'bot', 'h9', 1, 1)");
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code(), ErrorCode::Conflict);
    // Team names are unique too.
    r = run(*db, "INSERT INTO teams (id, name, wrapped_dek, created_at) VALUES (?, ?, ?, 1)",
            { QStringLiteral("t3"), QStringLiteral("Team One"), QByteArray("k") });
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code(), ErrorCode::Conflict);

    // The same name under a narrower scope is a different credential.
    EXEC_OK(*db,
            "INSERT INTO credentials (id, team_id, name, scope_kind, scope_id, created_at, "
            "updated_at) VALUES ('c4', 't1', 'github', 'role', 'dev', 1, 1)");
    EXEC_OK(*db,
            "INSERT INTO credentials (id, team_id, name, scope_kind, scope_id, created_at, "
            "updated_at) VALUES ('c5', 't1', 'github', 'agent', 'bot', 1, 1)");
    r = run(*db,
            "INSERT INTO credentials (id, team_id, name, scope_kind, scope_id, created_at, "
            "updated_at) VALUES ('c6', 't1', 'github', 'role', 'dev', 1, 1)");
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code(), ErrorCode::Conflict);

    // The seeded names coexist across the two teams.
    QCOMPARE(count(*db, "credentials", "name = 'github' AND scope_kind = 'team'"), qint64(2));
    QCOMPARE(count(*db, "roles", "name = 'dev'"), qint64(2));
    QCOMPARE(count(*db, "agents", "id = 'bot'"), qint64(2));
    // And a failed insert leaves the connection usable (PostgreSQL autocommit).
    QCOMPARE(count(*db, "credentials"), qint64(5));
}

void TestDatabase::checkConstraints_data()
{
    QTest::addColumn<QString>("sql");
    QTest::addColumn<bool>("accepted");

    const QString credential = QStringLiteral(
            "INSERT INTO credentials (id, team_id, name, connector, api_base, relative_target, "
            "created_at, updated_at) VALUES ('c9', 't1', 'x', %1, 1, 1)");
    QTest::newRow("relative target with direct connector")
            << credential.arg(QStringLiteral("'direct', NULL, 1")) << false;
    QTest::newRow("relative target, direct connector with api_base")
            << credential.arg(QStringLiteral("'direct', 'https://a.example', 1")) << false;
    QTest::newRow("sidecar without api_base")
            << credential.arg(QStringLiteral("'sidecar', NULL, 0")) << false;
    QTest::newRow("unknown connector")
            << credential.arg(QStringLiteral("'proxy', 'https://a.example', 0")) << false;
    QTest::newRow("sidecar with api_base, relative")
            << credential.arg(QStringLiteral("'sidecar', 'https://a.example', 1")) << true;
    QTest::newRow("direct, absolute")
            << credential.arg(QStringLiteral("'direct', NULL, 0")) << true;
    QTest::newRow("unknown scope kind")
            << QStringLiteral("INSERT INTO credentials (id, team_id, name, scope_kind, created_at, "
                              "updated_at) VALUES ('c9', 't1', 'x', 'world', 1, 1)")
            << false;

    const QString membership =
            QStringLiteral("INSERT INTO memberships (team_id, user_id, role, created_at) "
                           "VALUES ('t3', 'u1', '%1', 1)");
    QTest::newRow("membership role superuser") << membership.arg(u"superuser") << false;
    QTest::newRow("membership role empty") << membership.arg(u"") << false;
    QTest::newRow("membership role wrong case") << membership.arg(u"Owner") << false;
    QTest::newRow("membership role approver") << membership.arg(u"approver") << true;
    QTest::newRow("invite role bad")
            << QStringLiteral("INSERT INTO invites (id, team_id, email, role, token_hash, "
                              "expires_at, created_at) VALUES ('i1', 't1', 'b@example.com', "
                              "'root', 'th', 1, 1)")
            << false;
    QTest::newRow("link to own team")
            << QStringLiteral("INSERT INTO agent_team_links (team_id, agent_home_team_id, "
                              "agent_id, created_at) VALUES ('t1', 't1', 'bot', 1)")
            << false;
    QTest::newRow("approval status bad")
            << QStringLiteral("INSERT INTO approvals (id, team_id, agent_home_team_id, agent_id, "
                              "credential_name, request_id, status, method, target, created_at, "
                              "expires_at) VALUES ('a1', 't1', 't1', 'bot', 'github', 'r1', "
                              "'maybe', 'GET', '/', 1, 2)")
            << false;
    QTest::newRow("audit kind bad")
            << QStringLiteral("INSERT INTO audit_log (ts, team_id, kind) VALUES (1, 't1', 'x')")
            << false;
    QTest::newRow("missing NOT NULL column")
            << QStringLiteral("INSERT INTO credentials (id, team_id, created_at, updated_at) "
                              "VALUES ('c9', 't1', 1, 1)")
            << false;
}

void TestDatabase::checkConstraints()
{
    QFETCH(QString, sql);
    QFETCH(bool, accepted);
    SEEDED_DB(db);
    EXEC_OK(*db, "INSERT INTO teams (id, name, wrapped_dek, created_at) VALUES (?, ?, ?, 1)",
            { QStringLiteral("t3"), QStringLiteral("Team Three"), QByteArray("k") });

    const auto r = db->exec(sql);
    if (accepted) {
        QVERIFY2(r.ok(), qPrintable(errorText(r)));
    } else {
        QVERIFY2(!r.ok(), "a row breaking a CHECK constraint was accepted");
        QCOMPARE(r.error().code(), ErrorCode::InvalidRequest);
    }
}

void TestDatabase::transactionRollsBack()
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

void TestDatabase::transactionCommits()
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
void TestDatabase::transactionRollsBackFailedStatement()
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

void TestDatabase::threadConnections()
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

void TestDatabase::sqlitePragmasAndFileMode()
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

QTEST_GUILESS_MAIN(TestDatabase)
#include "tst_database.moc"
