#pragma once

#include "store/auditstore.h"

#include <QFile>
#include <QMutex>

namespace tap::forward {

// Where audit records go: the team's trail in the database (durably, before the agent gets
// its answer) and, with TAP_AUDIT_FILE, one JSON line per final record in that file.
class AuditSink
{
public:
    AuditSink(store::Database &db, const QString &filePath);

    // Inserts the record; returns its sequence number. Records for which `final` is false are
    // completed later by complete() (streamed responses: redactions known only at the end).
    core::Result<qint64> write(const store::AuditRecord &record, bool final = true);
    void complete(store::AuditRecord record);
    bool fileOk() const { return m_fileOk; }

private:
    void appendLine(const store::AuditRecord &record);

    store::Database &m_db;
    QMutex m_fileMutex;
    QFile m_file;
    bool m_fileOk = true;
};

} // namespace tap::forward
