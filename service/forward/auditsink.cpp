#include "forward/auditsink.h"

#include "core/logging.h"

#include <QJsonDocument>

namespace tap::forward {

using core::Result;

AuditSink::AuditSink(store::Database &db, const QString &filePath) : m_db(db), m_file(filePath)
{
    if (!filePath.isEmpty()) {
        m_fileOk = m_file.open(QIODevice::WriteOnly | QIODevice::Append | QIODevice::Unbuffered);
        if (m_fileOk)
            m_file.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
        else
            core::logEvent(core::lcAudit(), QtCriticalMsg,
                           QStringLiteral("audit file cannot be opened"),
                           { { QStringLiteral("path"), filePath } });
    }
}

Result<qint64> AuditSink::write(const store::AuditRecord &record, bool final)
{
    auto seq = store::AuditStore(m_db).append(record);
    if (!seq)
        return seq.error();
    if (final) {
        store::AuditRecord withSeq = record;
        withSeq.seq = seq.value();
        appendLine(withSeq);
    }
    return seq;
}

void AuditSink::complete(store::AuditRecord record)
{
    auto q = m_db.exec(QStringLiteral("UPDATE audit_log SET latency_ms = ?, upstream_latency_ms = "
                                      "?, redactions = ?, reason = ? "
                                      "WHERE seq = ?"),
                       { record.latencyMs, record.upstreamLatencyMs, record.redactions,
                         record.reason.isEmpty() ? QVariant() : QVariant(record.reason),
                         record.seq });
    if (!q)
        core::logEvent(core::lcAudit(), QtCriticalMsg, QStringLiteral("audit update failed"),
                       { { QStringLiteral("request_id"), record.requestId } });
    appendLine(record);
}

void AuditSink::appendLine(const store::AuditRecord &record)
{
    if (!m_file.isOpen())
        return;
    const QByteArray line = QJsonDocument(record.toJson()).toJson(QJsonDocument::Compact) + '\n';
    QMutexLocker lock(&m_fileMutex);
    if (m_file.write(line) != line.size())
        core::logEvent(core::lcAudit(), QtCriticalMsg, QStringLiteral("audit file write failed"));
}

} // namespace tap::forward
