#include "store/database.h"

#include "core/logging.h"

#include <QAtomicInt>
#include <QFile>
#include <QSqlError>
#include <QThread>
#include <QSqlDriver>

#include <sqlite3.h>

#include <fcntl.h>
#include <unistd.h>

namespace tap::store {

using core::Error;
using core::ErrorCode;
using core::Result;

namespace {

QAtomicInt s_instances;

bool isUniqueViolation(const QSqlError &e)
{
    const QString code = e.nativeErrorCode();
    return code == u"23505" || code == u"2067" || code == u"1555"
            || e.databaseText().contains(u"UNIQUE constraint failed");
}

bool isConstraintViolation(const QSqlError &e)
{
    const QString code = e.nativeErrorCode();
    return code.startsWith(u"23") || code == u"19" || code == u"787" || code == u"275"
            || e.databaseText().contains(u"constraint failed");
}

// Creates the SQLite file 0600 before SQLite does (SQLite would use the umask).
bool ensurePrivateFile(const QString &path)
{
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return false;
    ::close(fd);
    return true;
}

} // namespace

Error databaseError(const QSqlError &error, const QString &context)
{
    core::logEvent(core::lcStore(), QtWarningMsg, QStringLiteral("database error"),
                   { { QStringLiteral("context"), context },
                     { QStringLiteral("driver_code"), error.nativeErrorCode() },
                     { QStringLiteral("driver_text"), error.text() } });
    if (isUniqueViolation(error))
        return Error(ErrorCode::Conflict,
                     QStringLiteral("An object with that name already exists."));
    if (isConstraintViolation(error))
        return Error(ErrorCode::InvalidRequest,
                     QStringLiteral("The change refers to something that does not exist or "
                                    "breaks a rule of the data model."));
    return Error(ErrorCode::Unavailable, QStringLiteral("The database is not available."));
}

Database::Database(DatabaseUrl url)
    : m_url(std::move(url)),
      m_prefix(QStringLiteral("tap%1_").arg(s_instances.fetchAndAddRelaxed(1)))
{
}

Database::~Database()
{
    QMutexLocker lock(&m_mutex);
    m_prepared.clear(); // statements go before their connections
    m_sqlite.clear();
    for (const QString &name : std::as_const(m_names))
        QSqlDatabase::removeDatabase(name);
}

Result<std::shared_ptr<Database>> Database::open(const DatabaseUrl &url)
{
    if (url.backend == Backend::Sqlite && !ensurePrivateFile(url.path))
        return Error(ErrorCode::Unavailable,
                     QStringLiteral("Cannot create the SQLite database %1.").arg(url.path));
    std::shared_ptr<Database> db(new Database(url));
    auto first = db->openConnection(db->threadConnectionName());
    if (!first)
        return first.error();
    return db;
}

QString Database::threadConnectionName() const
{
    return m_prefix + QString::number(quintptr(QThread::currentThreadId()), 16);
}

Result<QSqlDatabase> Database::openConnection(const QString &name)
{
    const bool sqlite = m_url.backend == Backend::Sqlite;
    QSqlDatabase db = QSqlDatabase::addDatabase(
            sqlite ? QStringLiteral("QSQLITE") : QStringLiteral("QPSQL"), name);
    {
        QMutexLocker lock(&m_mutex);
        m_names.insert(name);
    }
    if (sqlite) {
        db.setDatabaseName(m_url.path);
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
    } else {
        db.setHostName(m_url.host);
        db.setPort(m_url.port);
        db.setUserName(m_url.user);
        db.setPassword(m_url.password);
        db.setDatabaseName(m_url.databaseName);
        db.setConnectOptions(m_url.connectOptions);
    }
    if (!db.open()) {
        core::logEvent(core::lcStore(), QtWarningMsg, QStringLiteral("database connection failed"),
                       { { QStringLiteral("database"), m_url.redacted() },
                         { QStringLiteral("driver_text"), db.lastError().text() } });
        return Error(ErrorCode::Unavailable,
                     QStringLiteral("Cannot connect to the database %1: %2")
                             .arg(m_url.redacted(), db.lastError().databaseText().trimmed()));
    }
    if (!sqlite) {
        // NOTICEs would reach stderr raw through libpq, breaking the one-JSON-object-per-line log.
        QSqlQuery q(db);
        if (!q.exec(QStringLiteral("SET client_min_messages TO warning")))
            return databaseError(q.lastError(), QStringLiteral("SET client_min_messages"));
        // No statement waits for a lock forever: a stuck peer must not stall a worker (and
        // with it a clean shutdown).
        if (!q.exec(QStringLiteral("SET lock_timeout = '15s'")))
            return databaseError(q.lastError(), QStringLiteral("SET lock_timeout"));
    }
    if (sqlite) {
        QSqlQuery q(db);
        for (const char *pragma : { "PRAGMA journal_mode=WAL", "PRAGMA foreign_keys=ON",
                                    "PRAGMA synchronous=NORMAL", "PRAGMA busy_timeout=5000" }) {
            if (!q.exec(QString::fromLatin1(pragma)))
                return databaseError(q.lastError(), QString::fromLatin1(pragma));
        }
    }
    return db;
}

QSqlDatabase Database::connection()
{
    const QString name = threadConnectionName();
    if (QSqlDatabase::contains(name)) {
        QSqlDatabase db = QSqlDatabase::database(name, false);
        if (db.isOpen())
            return db;
        // Reconnect after a dropped connection through the full set-up (pragmas, options).
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(name);
    }
    auto opened = openConnection(name);
    return opened ? opened.value() : QSqlDatabase::database(name, false);
}

void Database::closeThreadConnection()
{
    const QString name = threadConnectionName();
    {
        QMutexLocker lock(&m_mutex);
        m_prepared.erase(name); // statements go before their connection
        m_sqlite.erase(name);
        if (!m_names.remove(name))
            return;
    }
    {
        QSqlDatabase::database(name, false).close();
    }
    QSqlDatabase::removeDatabase(name);
}

bool Database::ping()
{
    QSqlDatabase db = connection();
    if (!db.isOpen())
        return false;
    QSqlQuery q(db);
    if (q.exec(QStringLiteral("SELECT 1")) && q.next())
        return true;
    db.close(); // force a reconnect next time
    return false;
}

Result<QSqlQuery> Database::exec(const QString &sql, const QVariantList &binds)
{
    QSqlDatabase db = connection();
    if (!db.isOpen())
        return Error(ErrorCode::Unavailable, QStringLiteral("The database is not available."));
    QSqlQuery q(db);
    q.setForwardOnly(true);
    // PostgreSQL cannot PREPARE utility statements (DDL, BEGIN/COMMIT), and a statement
    // without parameters gains nothing from it: run those directly.
    bool executed = false;
    if (binds.isEmpty()) {
        executed = q.exec(sql);
    } else {
        if (!q.prepare(sql))
            return databaseError(q.lastError(), sql);
        for (const QVariant &v : binds) {
            // QtSql binds a null QString as NULL; an empty string is meant as ''. Callers
            // that want NULL pass an invalid QVariant().
            if (v.typeId() == QMetaType::QString && v.toString().isNull())
                q.addBindValue(QStringLiteral(""));
            else
                q.addBindValue(v);
        }
        executed = q.exec();
    }
    if (!executed) {
        const QSqlError e = q.lastError();
        if (m_url.backend == Backend::Postgres && e.type() == QSqlError::ConnectionError)
            db.close();
        return databaseError(e, sql);
    }
    return q;
}

// SQLite statements prepared on one connection, used through the C API: on the hot path
// (one audit insert per /forward request) QtSql's per-value binding costs several times the
// insert itself.
struct Database::SqliteStatements
{
    ~SqliteStatements()
    {
        for (sqlite3_stmt *s : std::as_const(statements))
            sqlite3_finalize(s);
    }
    QHash<QString, sqlite3_stmt *> statements;
};

Result<QVariant> Database::runSqlite(QSqlDatabase &db, const QString &sql,
                                     const QVariantList &binds)
{
    const QVariant handle = db.driver()->handle();
    sqlite3 *h = handle.isValid() && qstrcmp(handle.typeName(), "sqlite3*") == 0
            ? *static_cast<sqlite3 *const *>(handle.constData())
            : nullptr;
    if (!h)
        return Error(ErrorCode::Unavailable, QStringLiteral("The database is not available."));
    SqliteStatements *cache = nullptr;
    {
        QMutexLocker lock(&m_mutex);
        auto &slot = m_sqlite[threadConnectionName()];
        if (!slot)
            slot = std::make_unique<SqliteStatements>();
        cache = slot.get();
    }
    sqlite3_stmt *stmt = cache->statements.value(sql);
    if (!stmt) {
        const QByteArray utf8 = sql.toUtf8();
        if (sqlite3_prepare_v3(h, utf8.constData(), int(utf8.size()), SQLITE_PREPARE_PERSISTENT,
                               &stmt, nullptr)
            != SQLITE_OK)
            return databaseError(QSqlError(QString(), QString::fromUtf8(sqlite3_errmsg(h)),
                                           QSqlError::StatementError,
                                           QString::number(sqlite3_extended_errcode(h))),
                                 sql);
        cache->statements.insert(sql, stmt);
    }
    sqlite3_reset(stmt);
    for (int i = 0; i < binds.size(); ++i) {
        const QVariant &v = binds.at(i);
        const int index = i + 1;
        switch (v.typeId()) {
        case QMetaType::UnknownType:
            sqlite3_bind_null(stmt, index);
            break;
        case QMetaType::Int:
        case QMetaType::LongLong:
        case QMetaType::Bool:
        case QMetaType::UInt:
            v.isNull() ? sqlite3_bind_null(stmt, index)
                       : sqlite3_bind_int64(stmt, index, v.toLongLong());
            break;
        case QMetaType::QByteArray: {
            const QByteArray b = v.toByteArray();
            v.isNull() ? sqlite3_bind_null(stmt, index)
                       : sqlite3_bind_blob64(stmt, index, b.constData(), sqlite3_uint64(b.size()),
                                             SQLITE_TRANSIENT);
            break;
        }
        default: {
            const QByteArray text = v.toString().toUtf8(); // a null QString is '' here too
            sqlite3_bind_text64(stmt, index, text.constData(), sqlite3_uint64(text.size()),
                                SQLITE_TRANSIENT, SQLITE_UTF8);
            break;
        }
        }
    }
    const int rc = sqlite3_step(stmt);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        const QSqlError e(QString(), QString::fromUtf8(sqlite3_errmsg(h)),
                          QSqlError::StatementError, QString::number(sqlite3_extended_errcode(h)));
        sqlite3_reset(stmt);
        return databaseError(e, sql);
    }
    const QVariant result = rc == SQLITE_ROW ? QVariant(qint64(sqlite3_column_int64(stmt, 0)))
                                             : QVariant(qint64(sqlite3_last_insert_rowid(h)));
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    return result;
}

Result<QVariant> Database::runPrepared(const QString &sql, const QVariantList &binds,
                                       bool firstValue)
{
    QSqlDatabase db = connection();
    if (!db.isOpen())
        return Error(ErrorCode::Unavailable, QStringLiteral("The database is not available."));
    if (m_url.backend == Backend::Sqlite)
        return runSqlite(db, sql, binds);
    const QString name = threadConnectionName();
    QHash<QString, QSqlQuery> *cache = nullptr;
    {
        QMutexLocker lock(&m_mutex);
        auto &slot = m_prepared[name];
        if (!slot)
            slot = std::make_unique<QHash<QString, QSqlQuery>>();
        cache = slot.get();
    }
    auto it = cache->find(sql);
    if (it == cache->end()) {
        QSqlQuery q(db);
        q.setForwardOnly(true);
        if (!q.prepare(sql))
            return databaseError(q.lastError(), sql);
        it = cache->insert(sql, q);
    }
    QSqlQuery &q = it.value();
    for (qsizetype i = 0; i < binds.size(); ++i) {
        const QVariant &v = binds.at(i);
        if (v.typeId() == QMetaType::QString && v.toString().isNull())
            q.bindValue(int(i), QStringLiteral(""));
        else
            q.bindValue(int(i), v);
    }
    if (!q.exec()) {
        const QSqlError e = q.lastError();
        cache->erase(it); // re-prepare next time (e.g. after a reconnect)
        return databaseError(e, sql);
    }
    QVariant result = firstValue ? (q.next() ? q.value(0) : QVariant()) : q.lastInsertId();
    q.finish();
    return result;
}

Result<void> Database::transaction(const std::function<Result<void>()> &body)
{
    // SQLite: BEGIN IMMEDIATE takes the write lock up front, so a read-then-write transaction
    // waits on the busy timeout instead of failing when another writer commits first.
    const QString begin = m_url.backend == Backend::Sqlite ? QStringLiteral("BEGIN IMMEDIATE")
                                                           : QStringLiteral("BEGIN");
    if (auto r = exec(begin); !r)
        return r.error();
    Result<void> result = body();
    if (!result) {
        (void)exec(QStringLiteral("ROLLBACK"));
        return result;
    }
    if (auto r = exec(QStringLiteral("COMMIT")); !r) {
        (void)exec(QStringLiteral("ROLLBACK"));
        return r.error();
    }
    return {};
}

} // namespace tap::store
