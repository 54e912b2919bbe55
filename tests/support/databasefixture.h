// The shared fixture of the store tests (tests/common/tst_database*.cpp): migrated and seeded
// databases of the current backend row, statement and count helpers, and a parser of the
// shipped migration files. Builds on testdatabases.h.
#pragma once

#include "core/clock.h"
#include "store/database.h"
#include "store/migrator.h"
#include "support/testdatabases.h"

#include <QMap>
#include <QRegularExpression>
#include <QSet>
#include <QSqlQuery>
#include <QTest>

#include <memory>

namespace tap::test {

using tap::core::Error;
using tap::core::ErrorCode;
using tap::core::Result;
using tap::store::Backend;
using tap::store::Database;
using tap::store::Migrator;

inline const tap::core::SystemClock s_clock;

// Table name -> column name -> "TYPE [NOT NULL]".
using ColumnMap = QMap<QString, QMap<QString, QString>>;

inline std::shared_ptr<Database> migratedDatabase()
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

inline QString describe(const Error &e)
{
    return QStringLiteral("%1: %2").arg(tap::core::errorName(e.code()), e.message());
}

// For QVERIFY2 messages (evaluated even when the check passes).
template <typename T>
inline QString errorText(const Result<T> &r)
{
    return r ? QString() : describe(r.error());
}

// Runs a statement; the caller checks ok(). Literal SQL only.
inline Result<QSqlQuery> run(Database &db, const char *sql, const QVariantList &binds = {})
{
    return db.exec(QString::fromUtf8(sql), binds);
}

// The first column of the first row as a number, or -1 if the query fails.
inline qint64 scalar(Database &db, const QString &sql, const QVariantList &binds = {})
{
    auto q = db.exec(sql, binds);
    if (!q || !q->next())
        return -1;
    return q->value(0).toLongLong();
}

inline qint64 count(Database &db, const char *table, const char *where = nullptr,
                    const QVariantList &binds = {})
{
    QString sql = QStringLiteral("SELECT COUNT(*) FROM ") + QLatin1StringView(table);
    if (where)
        sql += QStringLiteral(" WHERE ") + QString::fromUtf8(where);
    return scalar(db, sql, binds);
}

inline bool tableExists(Database &db, const QString &table)
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
inline QMap<QString, QSet<QString>> liveColumns(Database &db)
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

inline QSet<QString> liveIndexes(Database &db)
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
inline QStringList splitTopLevel(const QString &body)
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
inline QString normalisedType(const QString &definition)
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
inline ParsedSchema parseMigrations(Backend backend)
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
inline void seed(Database &db)
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

inline TeamCounts countsFor(Database &db, const QString &team)
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

} // namespace tap::test
