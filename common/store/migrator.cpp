#include "store/migrator.h"

#include "core/logging.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QSqlError>
#include <QSqlQuery>

namespace tap::store {

using core::Error;
using core::ErrorCode;
using core::Result;

namespace {

constexpr qint64 kAdvisoryLockId = 0x7461705f6d6967; // "tap_mig"

} // namespace

QStringList Migrator::splitStatements(const QString &script)
{
    QStringList statements;
    QString current;
    const auto lines = script.split(u'\n');
    for (const QString &line : lines) {
        const QString trimmed = line.trimmed();
        if (trimmed.startsWith(u"--") || (trimmed.isEmpty() && current.isEmpty()))
            continue;
        current += line + u'\n';
        if (trimmed.endsWith(u';')) {
            statements << current.trimmed().chopped(1);
            current.clear();
        }
    }
    if (!current.trimmed().isEmpty())
        statements << current.trimmed();
    return statements;
}

QList<Migrator::Migration> Migrator::available(Backend backend)
{
    const QString dir = backend == Backend::Sqlite ? QStringLiteral(":/migrations/sqlite")
                                                   : QStringLiteral(":/migrations/postgres");
    static const QRegularExpression pattern(QStringLiteral("^(\\d{4})_([a-z0-9_]+)\\.sql\\z"));
    QList<Migration> result;
    const auto entries = QDir(dir).entryList(QDir::Files, QDir::Name);
    for (const QString &file : entries) {
        const auto match = pattern.match(file);
        if (!match.hasMatch())
            continue;
        QFile f(dir + u'/' + file);
        if (!f.open(QIODevice::ReadOnly))
            continue;
        result.append({ match.captured(1).toInt(), match.captured(2),
                        splitStatements(QString::fromUtf8(f.readAll())) });
    }
    return result;
}

Result<int> Migrator::currentVersion()
{
    auto create = m_db.exec(QStringLiteral(
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, "
            "name TEXT NOT NULL, applied_at BIGINT NOT NULL)"));
    if (!create)
        return create.error();
    auto q = m_db.exec(QStringLiteral("SELECT COALESCE(MAX(version), 0) FROM schema_version"));
    if (!q)
        return q.error();
    return q->next() ? q->value(0).toInt() : 0;
}

Result<void> Migrator::apply(const Migration &m)
{
    return m_db.transaction([&]() -> Result<void> {
        // Re-read inside the transaction: another process may have applied it meanwhile.
        auto q = m_db.exec(QStringLiteral("SELECT 1 FROM schema_version WHERE version = ?"),
                           { m.version });
        if (!q)
            return q.error();
        if (q->next())
            return {};
        for (qsizetype i = 0; i < m.statements.size(); ++i) {
            const QString &statement = m.statements.at(i);
            // Run directly rather than through Database::exec(), whose caller-facing errors
            // ("The database is not available.") would hide why a migration failed; DDL
            // errors carry no secrets, and the operator needs them to repair the database.
            QSqlQuery query(m_db.connection());
            if (query.exec(statement))
                continue;
            const QSqlError error = query.lastError();
            (void)databaseError(error, statement); // logs the driver's full text
            QString head = statement.section(u'\n', 0, 0).trimmed(); // "CREATE TABLE teams ("
            if (head.endsWith(u'('))
                head = head.chopped(1).trimmed();
            QString reason = error.databaseText().section(u'\n', 0, 0).trimmed();
            if (reason.startsWith(u"ERROR:"))
                reason = reason.mid(6).trimmed();
            return Error(ErrorCode::Internal,
                         QStringLiteral("Migration %1_%2 failed at statement %3 (%4): %5")
                                 .arg(m.version, 4, 10, QLatin1Char('0'))
                                 .arg(m.name)
                                 .arg(i + 1)
                                 .arg(head, reason));
        }
        auto record =
                m_db.exec(QStringLiteral("INSERT INTO schema_version (version, name, applied_at) "
                                         "VALUES (?, ?, ?)"),
                          { m.version, m.name, m_clock.nowMs() });
        if (!record)
            return record.error();
        core::logEvent(
                core::lcStore(), QtInfoMsg, QStringLiteral("migration applied"),
                { { QStringLiteral("version"), m.version }, { QStringLiteral("name"), m.name } });
        return {};
    });
}

Result<int> Migrator::migrate()
{
    const bool pg = m_db.backend() == Backend::Postgres;
    if (pg) {
        if (auto r = m_db.exec(QStringLiteral("SELECT pg_advisory_lock(?)"), { kAdvisoryLockId });
            !r)
            return r.error();
    }
    auto unlock = qScopeGuard([&] {
        if (pg)
            (void)m_db.exec(QStringLiteral("SELECT pg_advisory_unlock(?)"), { kAdvisoryLockId });
    });
    auto current = currentVersion();
    if (!current)
        return current.error();
    const QList<Migration> migrations = available(m_db.backend());
    const int latest = migrations.isEmpty() ? 0 : migrations.last().version;
    if (*current > latest)
        return Error(ErrorCode::Internal,
                     QStringLiteral("The database schema (version %1) is newer than this tapd "
                                    "understands (version %2); upgrade tapd.")
                             .arg(*current)
                             .arg(latest));
    for (const Migration &m : migrations) {
        if (m.version <= *current)
            continue;
        if (auto r = apply(m); !r)
            return r.error();
    }
    return latest;
}

} // namespace tap::store
