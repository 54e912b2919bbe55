#pragma once

#include "admin/actor.h"
#include "admin/context.h"
#include "api/audit.h"

#include <QUrlQuery>

namespace tap::admin {

// The team's audit trail: filters, a cursor, and a JSON-lines export. Both first wait (at most
// 5 s, then 503) until every record of an answer already given is in the database.
class AuditService
{
public:
    explicit AuditService(Context &context) : m_ctx(context) { }

    // One page of `actor`'s team's trail.
    core::Result<api::AuditPage> page(const Actor &actor, const api::AuditFilter &filter);
    // Runs `sink` for each page of records (for streaming the export).
    core::Result<int> exportAll(const Actor &actor, const api::AuditFilter &filter,
                                const std::function<void(const QList<store::AuditRecord> &)> &sink);

    // Every journaled record of an answer already given is in audit_log (Context::auditCaughtUp).
    core::Result<void> caughtUp();

private:
    Context &m_ctx;
};

} // namespace tap::admin
