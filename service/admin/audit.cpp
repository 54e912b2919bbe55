#include "admin/audit.h"

#include "api/validation.h"

#include <QDateTime>
#include <QJsonArray>

namespace tap::admin {

using core::Error;
using core::ErrorCode;
using core::Result;

Result<store::AuditQuery> AuditService::parseQuery(const Actor &actor, const QUrlQuery &query) const
{
    static const QStringList known{ QStringLiteral("kind"),       QStringLiteral("action"),
                                    QStringLiteral("actor"),      QStringLiteral("agent_id"),
                                    QStringLiteral("credential"), QStringLiteral("decision"),
                                    QStringLiteral("since"),      QStringLiteral("until"),
                                    QStringLiteral("limit"),      QStringLiteral("cursor") };
    for (const auto &[key, value] : query.queryItems(QUrl::FullyDecoded)) {
        if (!known.contains(key))
            return Error(ErrorCode::InvalidRequest,
                         QStringLiteral("Unknown filter \"%1\"; accepted: %2.")
                                 .arg(api::quoted(key), known.join(QStringLiteral(", "))));
    }
    store::AuditQuery q;
    q.teamId = actor.teamId;
    const auto value = [&query](const char *key) {
        return query.queryItemValue(QString::fromLatin1(key), QUrl::FullyDecoded);
    };
    q.kind = value("kind");
    q.action = value("action");
    q.actor = value("actor");
    q.agentId = value("agent_id");
    q.credential = value("credential");
    q.decision = value("decision");
    for (const auto &[key, target] :
         { std::pair{ "since", &q.since }, std::pair{ "until", &q.until } }) {
        const QString text = value(key);
        if (text.isEmpty())
            continue;
        const QDateTime t = QDateTime::fromString(text, Qt::ISODateWithMs);
        if (!t.isValid())
            return Error(ErrorCode::InvalidRequest,
                         QStringLiteral("%1 must be an RFC 3339 time such as 2026-04-03T12:00:00Z.")
                                 .arg(QString::fromLatin1(key)));
        *target = t.toMSecsSinceEpoch();
    }
    q.limit = kDefaultPage;
    if (const QString limit = value("limit"); !limit.isEmpty()) {
        bool ok = false;
        q.limit = limit.toInt(&ok);
        if (!ok || q.limit < 1 || q.limit > kMaxPage)
            return Error(ErrorCode::InvalidRequest,
                         QStringLiteral("limit must be between 1 and %1.").arg(kMaxPage));
    }
    if (const QString cursor = value("cursor"); !cursor.isEmpty()) {
        bool ok = false;
        q.afterSeq = cursor.toLongLong(&ok);
        if (!ok || q.afterSeq < 0)
            return Error(ErrorCode::InvalidRequest,
                         QStringLiteral("cursor must be a value from next_cursor."));
    }
    return q;
}

Outcome AuditService::page(const Actor &actor, const QUrlQuery &query)
{
    auto q = parseQuery(actor, query);
    if (!q)
        return q.error();
    // One extra row tells whether there is a next page.
    store::AuditQuery probe = q.value();
    probe.limit = q->limit + 1;
    auto rows = m_ctx.audit.query(probe);
    if (!rows)
        return rows.error();
    QJsonArray items;
    qint64 last = 0;
    for (int i = 0; i < rows->size() && i < q->limit; ++i) {
        items.append(rows->at(i).toJson());
        last = rows->at(i).seq;
    }
    const bool more = rows->size() > q->limit;
    return ok({ { QStringLiteral("items"), items },
                { QStringLiteral("next_cursor"),
                  more ? QJsonValue(QString::number(last)) : QJsonValue() } });
}

Result<int>
AuditService::exportAll(const Actor &actor, const QUrlQuery &query,
                        const std::function<void(const QList<store::AuditRecord> &)> &sink)
{
    auto q = parseQuery(actor, query);
    if (!q)
        return q.error();
    store::AuditQuery page = q.value();
    page.limit = kMaxPage;
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
