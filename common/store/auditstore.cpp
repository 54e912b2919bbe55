#include "store/auditstore.h"

#include "core/clock.h"

#include <QJsonDocument>

namespace tap::store {

using core::Result;

namespace {

QVariant optionalText(const QString &s)
{
    return s.isEmpty() ? QVariant() : QVariant(s);
}

QVariant optionalInt(int v, int none)
{
    return v == none ? QVariant() : QVariant(v);
}

} // namespace

QJsonObject AuditRecord::toJson() const
{
    QJsonObject o{ { QStringLiteral("seq"), seq },
                   { QStringLiteral("ts"), core::toRfc3339(ts) },
                   { QStringLiteral("kind"), kind },
                   { QStringLiteral("request_id"), requestId },
                   { QStringLiteral("team_id"), teamId } };
    auto text = [&o](const char *key, const QString &value) {
        o.insert(QString::fromLatin1(key), value.isEmpty() ? QJsonValue() : QJsonValue(value));
    };
    auto number = [&o](const char *key, int value, int none) {
        o.insert(QString::fromLatin1(key), value == none ? QJsonValue() : QJsonValue(value));
    };
    text("actor", actor);
    text("remote_addr", remoteAddr);
    text("action", action);
    text("agent_id", agentId);
    text("agent_home_team_id", agentHomeTeamId);
    text("credential", credential);
    text("credential_scope", credentialScope);
    text("method", method);
    text("target", target);
    text("decision", decision);
    text("reason", reason);
    text("approver", approver);
    number("upstream_status", upstreamStatus, 0);
    number("status", status, 0);
    number("latency_ms", latencyMs, -1);
    number("upstream_latency_ms", upstreamLatencyMs, -1);
    number("redactions", redactions, -1);
    if (!detail.isEmpty())
        o.insert(QStringLiteral("detail"), detail);
    return o;
}

Result<void> AuditStore::complete(const AuditRecord &r)
{
    auto q = m_db.exec(
            QStringLiteral("UPDATE audit_log SET latency_ms = ?, upstream_latency_ms = "
                           "?, redactions = ?, reason = ? WHERE seq = ?"),
            { r.latencyMs, r.upstreamLatencyMs, r.redactions, optionalText(r.reason), r.seq });
    if (!q)
        return q.error();
    return {};
}

namespace {

const QString &insertHead()
{
    static const QString head = QStringLiteral(
            "INSERT INTO audit_log (ts, team_id, kind, request_id, actor, remote_addr, action, "
            "agent_id, agent_home_team_id, credential, credential_scope, method, target, "
            "decision, reason, approver, upstream_status, status, latency_ms, "
            "upstream_latency_ms, redactions, detail) VALUES ");
    return head;
}

constexpr int kColumns = 22;

// A record's values in insertHead()'s column order.
void bindRecord(QVariantList &binds, const AuditRecord &r)
{
    binds << r.ts << r.teamId << r.kind << r.requestId << r.actor << r.remoteAddr << r.action
          << optionalText(r.agentId) << optionalText(r.agentHomeTeamId)
          << optionalText(r.credential) << optionalText(r.credentialScope) << optionalText(r.method)
          << optionalText(r.target) << optionalText(r.decision) << optionalText(r.reason)
          << optionalText(r.approver) << optionalInt(r.upstreamStatus, 0)
          << optionalInt(r.status, 0) << optionalInt(r.latencyMs, -1)
          << optionalInt(r.upstreamLatencyMs, -1) << optionalInt(r.redactions, -1)
          << (r.detail.isEmpty()
                      ? QStringLiteral("{}")
                      : QString::fromUtf8(QJsonDocument(r.detail).toJson(QJsonDocument::Compact)));
}

QString valuesRows(qsizetype rows)
{
    QString row = QStringLiteral("(?") + QStringLiteral(", ?").repeated(kColumns - 1) + u')';
    QStringList all(rows, row);
    return all.join(QStringLiteral(", "));
}

} // namespace

Result<qint64> AuditStore::append(const AuditRecord &r)
{
    auto seqs = appendMany({ r });
    if (!seqs)
        return seqs.error();
    return seqs->constFirst();
}

// One INSERT per kMaxRowsPerInsert records (a batch of the audit committer is one round trip to
// PostgreSQL, not one per record). The seqs come back in the records' order: a sequence (or
// SQLite's AUTOINCREMENT) numbers the rows of one INSERT in VALUES order, so PostgreSQL's seqs,
// sorted, are the records' own; SQLite's are the consecutive numbers ending at the last rowid.
Result<QList<qint64>> AuditStore::appendMany(const QList<AuditRecord> &records)
{
    constexpr qsizetype kMaxRowsPerInsert = 32;
    const bool pg = m_db.backend() == Backend::Postgres;
    QList<qint64> out;
    out.reserve(records.size());
    for (qsizetype from = 0; from < records.size(); from += kMaxRowsPerInsert) {
        const qsizetype n = qMin(kMaxRowsPerInsert, records.size() - from);
        QVariantList binds;
        binds.reserve(n * kColumns);
        for (qsizetype i = from; i < from + n; ++i)
            bindRecord(binds, records.at(i));
        const QString insert = insertHead() + valuesRows(n);
        const QString sql = pg ? QStringLiteral("WITH ins AS (") + insert
                        + QStringLiteral(" RETURNING seq) SELECT string_agg(seq::text, ',' "
                                         "ORDER BY seq) FROM ins")
                               : insert;
        auto result = m_db.runPrepared(sql, binds, pg);
        if (!result)
            return result.error();
        if (pg) {
            const QStringList seqs = result->toString().split(u',');
            if (seqs.size() != n)
                return core::Error(core::ErrorCode::Internal,
                                   QStringLiteral("The audit log answered %1 numbers for %2 "
                                                  "records.")
                                           .arg(seqs.size())
                                           .arg(n));
            for (const QString &seq : seqs)
                out.append(seq.toLongLong());
        } else {
            const qint64 last = result->toLongLong();
            for (qsizetype i = n - 1; i >= 0; --i)
                out.append(last - i);
        }
    }
    return out;
}

Result<qint64> AuditStore::journalMark(const QString &journalId)
{
    auto q = m_db.exec(QStringLiteral("SELECT committed FROM audit_journal_marks WHERE "
                                      "journal_id = ?"),
                       { journalId });
    if (!q)
        return q.error();
    return q->next() ? q->value(0).toLongLong() : qint64(0);
}

Result<void> AuditStore::setJournalMark(const QString &journalId, qint64 number, qint64 nowMs)
{
    // The same statement on both backends (SQLite >= 3.24 and PostgreSQL know ON CONFLICT).
    auto set = m_db.runPrepared(
            QStringLiteral("INSERT INTO audit_journal_marks (journal_id, committed, updated_at) "
                           "VALUES (?, ?, ?) ON CONFLICT (journal_id) DO UPDATE SET "
                           "committed = excluded.committed, updated_at = excluded.updated_at"),
            { journalId, number, nowMs });
    if (!set)
        return set.error();
    return {};
}

Result<void> AuditStore::forgetJournal(const QString &journalId)
{
    auto q = m_db.exec(QStringLiteral("DELETE FROM audit_journal_marks WHERE journal_id = ?"),
                       { journalId });
    if (!q)
        return q.error();
    return {};
}

Result<QList<AuditRecord>> AuditStore::query(const AuditQuery &f)
{
    QString sql = QStringLiteral(
            "SELECT seq, ts, team_id, kind, request_id, actor, remote_addr, action, agent_id, "
            "agent_home_team_id, credential, "
            "credential_scope, method, target, decision, reason, approver, upstream_status, "
            "status, latency_ms, "
            "upstream_latency_ms, redactions, detail FROM audit_log WHERE team_id = ? AND seq > ?");
    QVariantList binds{ f.teamId, f.afterSeq };
    auto filter = [&](const char *column, const QString &value) {
        if (value.isEmpty())
            return;
        sql += QStringLiteral(" AND %1 = ?").arg(QString::fromLatin1(column));
        binds << value;
    };
    filter("kind", f.kind);
    filter("action", f.action);
    filter("actor", f.actor);
    filter("agent_id", f.agentId);
    filter("credential", f.credential);
    filter("decision", f.decision);
    if (f.since > 0) {
        sql += QStringLiteral(" AND ts >= ?");
        binds << f.since;
    }
    if (f.until > 0) {
        sql += QStringLiteral(" AND ts < ?");
        binds << f.until;
    }
    sql += QStringLiteral(" ORDER BY seq LIMIT ?");
    binds << qBound(1, f.limit, 10000);
    auto q = m_db.exec(sql, binds);
    if (!q)
        return q.error();
    QList<AuditRecord> out;
    while (q->next()) {
        AuditRecord r;
        r.seq = q->value(0).toLongLong();
        r.ts = q->value(1).toLongLong();
        r.teamId = q->value(2).toString();
        r.kind = q->value(3).toString();
        r.requestId = q->value(4).toString();
        r.actor = q->value(5).toString();
        r.remoteAddr = q->value(6).toString();
        r.action = q->value(7).toString();
        r.agentId = q->value(8).toString();
        r.agentHomeTeamId = q->value(9).toString();
        r.credential = q->value(10).toString();
        r.credentialScope = q->value(11).toString();
        r.method = q->value(12).toString();
        r.target = q->value(13).toString();
        r.decision = q->value(14).toString();
        r.reason = q->value(15).toString();
        r.approver = q->value(16).toString();
        r.upstreamStatus = q->value(17).isNull() ? 0 : q->value(17).toInt();
        r.status = q->value(18).isNull() ? 0 : q->value(18).toInt();
        r.latencyMs = q->value(19).isNull() ? -1 : q->value(19).toInt();
        r.upstreamLatencyMs = q->value(20).isNull() ? -1 : q->value(20).toInt();
        r.redactions = q->value(21).isNull() ? -1 : q->value(21).toInt();
        r.detail = QJsonDocument::fromJson(q->value(22).toString().toUtf8()).object();
        out.append(r);
    }
    return out;
}

} // namespace tap::store
