#pragma once

#include "core/result.h"
#include "store/database.h"

#include <QJsonObject>

namespace tap::store {

// One audit record (README "The data plane"), for /forward requests (kind "forward") and
// for changes made through the admin API (kind "admin"). Never holds a secret value.
struct AuditRecord
{
    qint64 seq = 0;
    qint64 ts = 0;
    QString teamId;
    QString kind = QStringLiteral("admin");
    QString requestId;
    QString actor; // admin: the member's email
    QString remoteAddr;
    QString action; // admin: e.g. "credential.create"
    QString agentId;
    QString agentHomeTeamId;
    QString credential;
    QString credentialScope;
    QString method;
    QString target;
    QString decision;
    QString reason;
    QString approver;
    int upstreamStatus = 0;
    int status = 0;
    int latencyMs = -1;
    int upstreamLatencyMs = -1;
    int redactions = -1;
    QJsonObject detail;

    QJsonObject toJson() const;
};

struct AuditQuery
{
    QString teamId;
    QString kind;
    QString action;
    QString actor;
    QString agentId;
    QString credential;
    QString decision;
    qint64 since = 0;
    qint64 until = 0;
    qint64 afterSeq = 0; // cursor: records with a larger seq than this
    int limit = 100;
};

class AuditStore
{
public:
    explicit AuditStore(Database &db) : m_db(db) { }

    core::Result<qint64> append(const AuditRecord &record);
    // Appends `records` in order with as few INSERTs as possible; their seqs in the same order.
    core::Result<QList<qint64>> appendMany(const QList<AuditRecord> &records);
    // Fills in what a record appended before its outcome was known learns at the end (a
    // streamed answer: latency, upstream latency, redactions, a reason such as a failure
    // mid-stream); finds the record by `record.seq`. Nothing else of the record changes.
    core::Result<void> complete(const AuditRecord &record);
    core::Result<QList<AuditRecord>> query(const AuditQuery &query);

    // The audit journal's mark (auditjournal.h): the highest entry number of journal
    // `journalId` whose record is in audit_log; 0 for a journal never committed from.
    core::Result<qint64> journalMark(const QString &journalId);
    // Sets the mark; call in the transaction that appends those records.
    core::Result<void> setJournalMark(const QString &journalId, qint64 number, qint64 nowMs);
    // Forgets a journal whose file is gone.
    core::Result<void> forgetJournal(const QString &journalId);

private:
    Database &m_db;
};

} // namespace tap::store
