#include "admin/audit.h"

namespace tap::admin {

using core::Result;

namespace {

store::AuditQuery storeQuery(const Actor &actor, const api::AuditFilter &f)
{
    store::AuditQuery q;
    q.teamId = actor.teamId;
    q.kind = f.kind;
    q.action = f.action;
    q.actor = f.actor;
    q.agentId = f.agentId;
    q.credential = f.credential;
    q.decision = f.decision;
    q.since = f.sinceMs;
    q.until = f.untilMs;
    q.afterSeq = f.afterSeq;
    q.limit = f.limit;
    return q;
}

} // namespace

Result<void> AuditService::caughtUp()
{
    return m_ctx.auditCaughtUp ? m_ctx.auditCaughtUp() : Result<void>();
}

Result<api::AuditPage> AuditService::page(const Actor &actor, const api::AuditFilter &filter)
{
    if (auto ready = caughtUp(); !ready) // README "The audit record before the answer"
        return ready.error();
    // One extra row tells whether there is a next page.
    store::AuditQuery probe = storeQuery(actor, filter);
    probe.limit = filter.limit + 1;
    auto rows = m_ctx.audit.query(probe);
    if (!rows)
        return rows.error();
    api::AuditPage page;
    qint64 last = 0;
    for (int i = 0; i < rows->size() && i < filter.limit; ++i) {
        page.items.append(rows->at(i).toJson());
        last = rows->at(i).seq;
    }
    if (rows->size() > filter.limit)
        page.nextCursor = QString::number(last);
    return page;
}

Result<int>
AuditService::exportAll(const Actor &actor, const api::AuditFilter &filter,
                        const std::function<void(const QList<store::AuditRecord> &)> &sink)
{
    if (auto ready = caughtUp(); !ready)
        return ready.error();
    store::AuditQuery page = storeQuery(actor, filter);
    page.limit = api::AuditFilter::kMaxPage;
    int total = 0;
    for (;;) {
        auto rows = m_ctx.audit.query(page);
        if (!rows)
            return rows.error();
        if (rows->isEmpty())
            break;
        sink(rows.value());
        total += int(rows->size());
        page.afterSeq = rows->last().seq;
        if (rows->size() < page.limit)
            break;
    }
    return total;
}

} // namespace tap::admin
