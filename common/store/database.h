#pragma once

#include "core/result.h"
#include "store/databaseurl.h"

#include <QMutex>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QVariantList>

#include <functional>
#include <unordered_map>
#include <memory>

namespace tap::store {

// The database behind every repository: SQLite (WAL, foreign keys on, busy timeout) or
// PostgreSQL through QtSql.
//
// QtSql connections belong to the thread that opened them, so each thread gets its own
// connection, opened on first use. A thread that ends must call closeThreadConnection().
// All statements use positional `?` placeholders, which both drivers accept. A QString bind
// is always a string ('' when empty); pass an invalid QVariant() for NULL.
class Database
{
public:
    ~Database();
    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;

    // Opens a first connection to check that the database is reachable (and, for SQLite,
    // creates the file with mode 0600).
    static core::Result<std::shared_ptr<Database>> open(const DatabaseUrl &url);

    Backend backend() const { return m_url.backend; }
    const DatabaseUrl &url() const { return m_url; }

    QSqlDatabase connection();
    void closeThreadConnection();
    bool ping();

    // Prepares and runs one statement. On failure the error is logged with the driver's text
    // and returned as Conflict (unique key), InvalidRequest (foreign key / check) or Unavailable.
    core::Result<QSqlQuery> exec(const QString &sql, const QVariantList &binds = {});

    // For hot, repeated statements: runs `sql` through this thread's cache of prepared
    // statements (no re-parse per call) and finishes it before returning. Returns column 0 of
    // the first row when `firstValue` (e.g. RETURNING), else the last insert id.
    core::Result<QVariant> runPrepared(const QString &sql, const QVariantList &binds,
                                       bool firstValue = false);

    // Runs `body` inside a transaction on this thread's connection: commit when it returns ok,
    // roll back otherwise (and when the commit fails). Not re-entrant.
    core::Result<void> transaction(const std::function<core::Result<void>()> &body);

private:
    explicit Database(DatabaseUrl url);
    core::Result<QSqlDatabase> openConnection(const QString &name);
    QString threadConnectionName() const;

    DatabaseUrl m_url;
    QString m_prefix;
    QMutex m_mutex;
    QSet<QString> m_names;
    // Per connection (so per thread): prepared statements by SQL text.
    std::unordered_map<QString, std::unique_ptr<QHash<QString, QSqlQuery>>> m_prepared;
    struct SqliteStatements;
    std::unordered_map<QString, std::unique_ptr<SqliteStatements>> m_sqlite;
    core::Result<QVariant> runSqlite(QSqlDatabase &db, const QString &sql,
                                     const QVariantList &binds);
};

// Maps a driver error to a TAP error, logging the driver's text (never shown to callers).
core::Error databaseError(const class QSqlError &error, const QString &context);

} // namespace tap::store
