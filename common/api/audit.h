#pragma once

#include "core/result.h"

#include <QJsonObject>
#include <QList>
#include <QUrlQuery>

namespace tap::api {

// The filters of GET /admin/audit and /admin/audit/export: kind, action, actor, agent_id,
// credential, decision (exact matches), since and until (RFC 3339), limit (1–1000; the page
// size, not used by the export) and cursor (a previous page's next_cursor). decode() refuses
// any other parameter.
struct AuditFilter
{
    static constexpr int kDefaultPage = 100;
    static constexpr int kMaxPage = 1000;

    QString kind;
    QString action;
    QString actor;
    QString agentId;
    QString credential;
    QString decision;
    qint64 sinceMs = 0; // 0: no bound
    qint64 untilMs = 0;
    int limit = kDefaultPage;
    qint64 afterSeq = 0; // the cursor: records after this one

    static core::Result<AuditFilter> decode(const QUrlQuery &query);
    QUrlQuery encode() const;
};

// A page of the audit trail: the records as tapd writes them, and the cursor of the next page
// (empty on the last one; null on the wire).
struct AuditPage
{
    QList<QJsonObject> items;
    QString nextCursor;

    QJsonObject encode() const;
    static AuditPage decode(const QJsonObject &object);
};

} // namespace tap::api
