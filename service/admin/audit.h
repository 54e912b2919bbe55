#pragma once

#include "admin/actor.h"
#include "admin/context.h"
#include "admin/reply.h"

#include <QUrlQuery>

namespace tap::admin {

// The team's audit trail: filters, a cursor, and a JSON-lines export.
class AuditService
{
public:
    static constexpr int kDefaultPage = 100;
    static constexpr int kMaxPage = 1000;

    explicit AuditService(Context &context) : m_ctx(context) { }

    // Filters: kind, action, actor, agent_id, credential, decision, since, until (RFC 3339),
    // limit (1–1000), cursor (from next_cursor).
    core::Result<store::AuditQuery> parseQuery(const Actor &actor, const QUrlQuery &query) const;
    Outcome page(const Actor &actor, const QUrlQuery &query);
    // Runs `sink` for each page of records (for streaming the export).
    core::Result<int> exportAll(const Actor &actor, const QUrlQuery &query,
                                const std::function<void(const QList<store::AuditRecord> &)> &sink);

private:
    Context &m_ctx;
};

} // namespace tap::admin
