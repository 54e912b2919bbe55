#include "migrate/copier.h"

#include "migrate/sealcheck.h"
#include "migrate/tables.h"
#include "store/migrator.h"

#include <QScopeGuard>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>

namespace tap::cli::migrate {

using core::Error;
using core::ErrorCode;
using core::Result;
using namespace Qt::StringLiterals;

namespace {

const QString kState = QString::fromLatin1(kStateTable);

// Tables of `db` that are neither copied nor bookkeeping: a newer schema, or not TAP's.
Result<QStringList> unknownTables(store::Database &db)
{
    auto tables = listTables(db);
    if (!tables)
        return tables.error();
    QStringList unknown;
    for (const QString &t : tables.value()) {
        if (!tableOrder().contains(t) && t != u"schema_version"_s && t != kState)
            unknown << t;
    }
    return unknown;
}

Result<void> execOn(store::Database &db, const QString &sql, const QVariantList &binds = {})
{
    // PostgreSQL cannot PREPARE DDL: statements without binds run as they are.
    QSqlQuery q(db.connection());
    bool ok = false;
    if (binds.isEmpty()) {
        ok = q.exec(sql);
    } else {
        ok = q.prepare(sql);
        for (const QVariant &b : binds)
            q.addBindValue(b);
        ok = ok && q.exec();
    }
    if (!ok)
        return Error(ErrorCode::Unavailable,
                     u"%1 on %2: %3"_s.arg(sql.section(u' ', 0, 2), db.url().redacted(),
                                           driverReason(q.lastError())));
    return {};
}

} // namespace

QString Copier::identity() const
{
    return m_source.url().redacted();
}

Result<int> Copier::checkSource()
{
    auto version = schemaVersion(m_source);
    if (!version)
        return version.error();
    const auto available = store::Migrator::available(m_source.backend());
    const int latest = available.isEmpty() ? 0 : available.last().version;
    if (version.value() != latest)
        return Error(ErrorCode::InvalidRequest,
                     u"the source database is at schema version %1 but this tap copies version "
                     "%2: %3"_s.arg(version.value())
                             .arg(latest)
                             .arg(version.value() < latest
                                          ? u"start the tapd of this release on it once first"_s
                                          : u"use the tap of the release that wrote it"_s));
    auto unknown = unknownTables(m_source);
    if (!unknown)
        return unknown.error();
    if (!unknown->isEmpty())
        return Error(ErrorCode::InvalidRequest,
                     u"the source database holds tables this tap does not know: %1"_s.arg(
                             unknown->join(u", ")));
    return version.value();
}

Result<void> Copier::prepareTarget(bool force, Summary &summary)
{
    store::Migrator migrator(m_target, m_clock);
    auto version = migrator.migrate();
    if (!version)
        return Error(version.error().code(),
                     u"creating the schema on the target: "_s + version.error().message());
    auto unknown = unknownTables(m_target);
    if (!unknown)
        return unknown.error();
    if (!unknown->isEmpty())
        return Error(ErrorCode::Conflict,
                     u"the target database holds tables that are not TAP's: %1"_s.arg(
                             unknown->join(u", ")));
    auto tables = listTables(m_target);
    if (!tables)
        return tables.error();
    if (tables->contains(kState) && !force) {
        summary.resumed = true;
        return resume();
    }
    QStringList filled;
    for (const QString &t : tableOrder()) {
        auto n = countRows(m_target, t);
        if (!n)
            return n.error();
        if (n.value() > 0)
            filled << u"%1 (%2)"_s.arg(t).arg(n.value());
    }
    if (!filled.isEmpty() && !force)
        return Error(ErrorCode::Conflict,
                     u"the target database is not empty: %1; --force deletes its rows and "
                     "copies again"_s.arg(filled.join(u", ")));
    summary.forced = force && (!filled.isEmpty() || tables->contains(kState));
    return startFresh(force);
}

Result<void> Copier::resume()
{
    QSqlQuery q(m_target.connection());
    if (!q.exec(u"SELECT table_name, rows, source FROM "_s + kState))
        return Error(ErrorCode::Unavailable,
                     u"reading the migration state: "_s + driverReason(q.lastError()));
    QString source;
    while (q.next()) {
        if (q.value(0).toString().isEmpty())
            source = q.value(2).toString();
        else
            m_done.insert(q.value(0).toString(), q.value(1).toLongLong());
    }
    if (source != identity())
        return Error(ErrorCode::Conflict,
                     u"the target holds an unfinished migration from another source (%1); "
                     "--force starts over"_s.arg(source));
    if (onNote)
        onNote(u"resuming an interrupted migration: %1 of %2 tables were copied"_s
                       .arg(m_done.size())
                       .arg(tableOrder().size()));
    return {};
}

Result<void> Copier::startFresh(bool emptyFirst)
{
    return m_target.transaction([&]() -> Result<void> {
        if (auto r = execOn(m_target, u"DROP TABLE IF EXISTS "_s + kState); !r)
            return r;
        if (emptyFirst) {
            for (auto it = tableOrder().crbegin(); it != tableOrder().crend(); ++it) {
                if (auto r = execOn(m_target, u"DELETE FROM "_s + *it); !r)
                    return r;
            }
        }
        if (auto r = execOn(m_target,
                            u"CREATE TABLE %1 (table_name TEXT PRIMARY KEY, rows BIGINT NOT "
                            "NULL, source TEXT NOT NULL)"_s.arg(kState));
            !r)
            return r;
        return execOn(m_target, u"INSERT INTO %1 VALUES ('', 0, ?)"_s.arg(kState), { identity() });
    });
}

Result<qint64> Copier::copyTable(const QString &table)
{
    qint64 rows = 0;
    auto r = m_target.transaction([&]() -> Result<void> {
        // Empty unless something wrote to the target since; the copy replaces it either way.
        if (auto d = execOn(m_target, u"DELETE FROM "_s + table); !d)
            return d;
        auto n = copyRows(m_source, m_target, table);
        if (!n)
            return n.error();
        rows = n.value();
        if (beforeCommit)
            beforeCommit(table);
        return execOn(m_target, u"INSERT INTO %1 VALUES (?, ?, '')"_s.arg(kState), { table, rows });
    });
    if (!r)
        return r.error();
    return rows;
}

Result<void> Copier::copyAll(Summary &summary)
{
    for (const QString &table : tableOrder()) {
        TableResult result{ table, 0, m_done.contains(table) };
        if (result.skipped) {
            result.rows = m_done.value(table);
        } else {
            auto n = copyTable(table);
            if (!n)
                return n.error();
            result.rows = n.value();
        }
        summary.rows += result.rows;
        summary.tables << result;
        if (onTable)
            onTable(result);
    }
    return advanceSequences(m_target);
}

Result<void> Copier::verify(Summary &summary)
{
    QStringList differ;
    for (const QString &table : tableOrder()) {
        auto from = countRows(m_source, table);
        if (!from)
            return from.error();
        auto to = countRows(m_target, table);
        if (!to)
            return to.error();
        if (from.value() != to.value())
            differ << u"%1 (source %2, target %3)"_s.arg(table).arg(from.value()).arg(to.value());
    }
    if (!differ.isEmpty())
        return Error(ErrorCode::Internal,
                     u"row counts differ after the copy: %1; run again with --force"_s.arg(
                             differ.join(u", ")));
    auto sealed = checkSealedValues(m_target, m_keys);
    if (!sealed)
        return Error(sealed.error().code(), u"after the copy, "_s + sealed.error().message());
    summary.sealedValues = sealed.value();
    return execOn(m_target, u"DROP TABLE "_s + kState);
}

Result<Summary> Copier::run(bool force)
{
    Summary summary;
    auto version = checkSource();
    if (!version)
        return version.error();
    summary.schemaVersion = version.value();
    // Before anything is written: a wrong master key, or a damaged value, stops here.
    if (auto sealed = checkSealedValues(m_source, m_keys); !sealed)
        return sealed.error();
    if (auto r = prepareTarget(force, summary); !r)
        return r.error();
    // One read snapshot of the source for the copy and the counts (a tapd still running on it
    // cannot make them disagree; what it writes afterwards is not copied: stop it first).
    const bool pg = m_source.backend() == store::Backend::Postgres;
    if (auto r = execOn(m_source,
                        pg ? u"BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"_s : u"BEGIN"_s);
        !r)
        return r.error();
    auto end = qScopeGuard([&] { (void)execOn(m_source, u"ROLLBACK"_s); });
    if (auto r = copyAll(summary); !r)
        return r.error();
    if (auto r = verify(summary); !r)
        return r.error();
    return summary;
}

} // namespace tap::cli::migrate
