#include "migrate/tables.h"

#include <QSet>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>

namespace tap::cli::migrate {

using core::Error;
using core::ErrorCode;
using core::Result;
using namespace Qt::StringLiterals;

namespace {

QString quoted(const QString &identifier)
{
    return u'"' + QString(identifier).replace(u'"', u"\"\""_s) + u'"';
}

Error failed(const QString &what, const QSqlError &error)
{
    return Error(ErrorCode::Unavailable, u"%1: %2"_s.arg(what, driverReason(error)));
}

// PostgreSQL: the BYTEA columns of `table` (a value read from SQLite as text is sent as bytes).
Result<QSet<QString>> byteaColumns(store::Database &db, const QString &table)
{
    QSet<QString> out;
    if (db.backend() != store::Backend::Postgres)
        return out;
    QSqlQuery q(db.connection());
    q.prepare(u"SELECT column_name FROM information_schema.columns WHERE table_schema = "
              "current_schema() AND table_name = ? AND data_type = 'bytea'"_s);
    q.addBindValue(table);
    if (!q.exec())
        return failed(u"listing the columns of "_s + table, q.lastError());
    while (q.next())
        out.insert(q.value(0).toString());
    return out;
}

} // namespace

const QStringList &tableOrder()
{
    static const QStringList order{
        u"meta"_s,
        u"teams"_s,
        u"users"_s,
        u"memberships"_s,
        u"sessions"_s,
        u"email_verifications"_s,
        u"invites"_s,
        u"credentials"_s,
        u"oauth_tokens"_s, // an oauth2 credential's cached access token (README "OAuth 2.0")
        u"roles"_s,
        u"role_credentials"_s,
        u"agents"_s,
        u"agent_credentials"_s,
        u"agent_roles"_s,
        u"agent_team_links"_s,
        u"link_credentials"_s,
        u"policies"_s,
        u"notification_channels"_s,
        u"approvals"_s,
        u"audit_log"_s,
        u"audit_journal_marks"_s, // how far each tapd's audit journal is in audit_log
        u"rate_limit_hits"_s,
        u"login_throttle"_s,
        u"passkeys"_s,
        u"webauthn_challenges"_s,
        u"leases"_s,
        u"chat_link_codes"_s,
        u"oauth_connect_states"_s, // a connect started and not yet called back (10 minutes)
    };
    return order;
}

QString driverReason(const QSqlError &error)
{
    QString reason = error.databaseText().section(u'\n', 0, 0).trimmed();
    if (reason.isEmpty())
        reason = error.driverText().section(u'\n', 0, 0).trimmed();
    if (reason.startsWith(u"ERROR:"))
        reason = reason.mid(6).trimmed();
    return reason;
}

Result<QStringList> listTables(store::Database &db)
{
    const QString sql = db.backend() == store::Backend::Sqlite
            ? u"SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"_s
            : u"SELECT table_name FROM information_schema.tables WHERE table_schema = "
              "current_schema() AND table_type = 'BASE TABLE'"_s;
    QSqlQuery q(db.connection());
    if (!q.exec(sql))
        return failed(u"listing the tables"_s, q.lastError());
    QStringList out;
    while (q.next())
        out << q.value(0).toString();
    out.sort();
    return out;
}

Result<qint64> countRows(store::Database &db, const QString &table)
{
    QSqlQuery q(db.connection());
    if (!q.exec(u"SELECT COUNT(*) FROM "_s + quoted(table)) || !q.next())
        return failed(u"counting the rows of "_s + table, q.lastError());
    return q.value(0).toLongLong();
}

Result<int> schemaVersion(store::Database &db)
{
    QSqlQuery q(db.connection());
    if (!q.exec(u"SELECT COALESCE(MAX(version), 0) FROM schema_version"_s) || !q.next())
        return Error(
                ErrorCode::InvalidRequest,
                u"%1 is not a TAP database (no schema_version table)"_s.arg(db.url().redacted()));
    return q.value(0).toInt();
}

Result<qint64> copyRows(store::Database &source, store::Database &target, const QString &table)
{
    auto bytea = byteaColumns(target, table);
    if (!bytea)
        return bytea.error();
    QSqlQuery read(source.connection());
    read.setForwardOnly(true);
    if (!read.exec(u"SELECT * FROM "_s + quoted(table)))
        return failed(u"reading "_s + table, read.lastError());
    const QSqlRecord record = read.record();
    QStringList columns, marks;
    QList<bool> asBytes;
    for (int i = 0; i < record.count(); ++i) {
        columns << quoted(record.fieldName(i));
        marks << u"?"_s;
        asBytes << bytea->contains(record.fieldName(i));
    }
    QSqlQuery write(target.connection());
    if (!write.prepare(u"INSERT INTO %1 (%2) VALUES (%3)"_s.arg(quoted(table), columns.join(u", "),
                                                                marks.join(u", "))))
        return failed(u"preparing the copy of "_s + table, write.lastError());
    qint64 rows = 0;
    while (read.next()) {
        for (int i = 0; i < record.count(); ++i) {
            QVariant v = read.value(i);
            if (asBytes.at(i) && !v.isNull() && v.typeId() != QMetaType::QByteArray)
                v = v.toString().toUtf8();
            write.bindValue(i, v);
        }
        if (!write.exec())
            return failed(u"copying %1 (row %2)"_s.arg(table).arg(rows + 1), write.lastError());
        ++rows;
    }
    if (read.lastError().isValid())
        return failed(u"reading "_s + table, read.lastError());
    return rows;
}

Result<void> advanceSequences(store::Database &target)
{
    if (target.backend() != store::Backend::Postgres)
        return {};
    QSqlQuery serials(target.connection());
    if (!serials.exec(u"SELECT table_name, column_name FROM information_schema.columns WHERE "
                      "table_schema = current_schema() AND column_default LIKE 'nextval(%'"_s))
        return failed(u"listing the sequences"_s, serials.lastError());
    QList<std::pair<QString, QString>> columns;
    while (serials.next())
        columns.append({ serials.value(0).toString(), serials.value(1).toString() });
    for (const auto &[table, column] : columns) {
        // is_called = false: the next nextval() returns MAX + 1 (1 on an empty table).
        QSqlQuery q(target.connection());
        q.prepare(u"SELECT setval(pg_get_serial_sequence(?, ?), "
                  "COALESCE((SELECT MAX(%2) FROM %1), 0) + 1, false)"_s.arg(quoted(table),
                                                                            quoted(column)));
        q.addBindValue(quoted(table));
        q.addBindValue(column);
        if (!q.exec())
            return failed(u"advancing the sequence of %1.%2"_s.arg(table, column), q.lastError());
    }
    return {};
}

} // namespace tap::cli::migrate
