#include "api/audit.h"

#include "api/keys.h"
#include "api/validation.h"

#include <QDateTime>
#include <QJsonArray>

namespace tap::api {

using core::Error;
using core::ErrorCode;
using core::Result;

namespace {

const QStringList &filterKeys()
{
    static const QStringList keys{ key::kKind,       key::kAction,   key::kActor, key::kAgentId,
                                   key::kCredential, key::kDecision, key::kSince, key::kUntil,
                                   key::kLimit,      key::kCursor };
    return keys;
}

Error invalidQuery(const QString &message)
{
    return Error(ErrorCode::InvalidRequest, message);
}

Result<qint64> decodeTime(const QString &name, const QString &text)
{
    if (text.isEmpty())
        return qint64(0);
    const QDateTime t = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!t.isValid())
        return invalidQuery(
                QStringLiteral("%1 must be an RFC 3339 time such as 2026-04-03T12:00:00Z.")
                        .arg(name));
    return t.toMSecsSinceEpoch();
}

} // namespace

Result<AuditFilter> AuditFilter::decode(const QUrlQuery &query)
{
    for (const auto &[name, value] : query.queryItems(QUrl::FullyDecoded)) {
        if (!filterKeys().contains(name))
            return invalidQuery(QStringLiteral("Unknown filter \"%1\"; accepted: %2.")
                                        .arg(quoted(name), filterKeys().join(u", ")));
    }
    const auto value = [&query](QLatin1String name) {
        return query.queryItemValue(name, QUrl::FullyDecoded);
    };
    AuditFilter f;
    f.kind = value(key::kKind);
    f.action = value(key::kAction);
    f.actor = value(key::kActor);
    f.agentId = value(key::kAgentId);
    f.credential = value(key::kCredential);
    f.decision = value(key::kDecision);
    auto since = decodeTime(key::kSince, value(key::kSince));
    if (!since)
        return since.error();
    auto until = decodeTime(key::kUntil, value(key::kUntil));
    if (!until)
        return until.error();
    f.sinceMs = since.value();
    f.untilMs = until.value();
    if (const QString limit = value(key::kLimit); !limit.isEmpty()) {
        bool ok = false;
        f.limit = limit.toInt(&ok);
        if (!ok || f.limit < 1 || f.limit > kMaxPage)
            return invalidQuery(QStringLiteral("limit must be between 1 and %1.").arg(kMaxPage));
    }
    if (const QString cursor = value(key::kCursor); !cursor.isEmpty()) {
        bool ok = false;
        f.afterSeq = cursor.toLongLong(&ok);
        if (!ok || f.afterSeq < 0)
            return invalidQuery(QStringLiteral("cursor must be a value from next_cursor."));
    }
    return f;
}

QUrlQuery AuditFilter::encode() const
{
    QUrlQuery q;
    const auto add = [&q](QLatin1String name, const QString &text) {
        if (!text.isEmpty())
            q.addQueryItem(name, text);
    };
    const auto time = [](qint64 ms) {
        return ms > 0 ? QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs)
                      : QString();
    };
    add(key::kKind, kind);
    add(key::kAction, action);
    add(key::kActor, actor);
    add(key::kAgentId, agentId);
    add(key::kCredential, credential);
    add(key::kDecision, decision);
    add(key::kSince, time(sinceMs));
    add(key::kUntil, time(untilMs));
    if (limit != kDefaultPage)
        add(key::kLimit, QString::number(limit));
    if (afterSeq > 0)
        add(key::kCursor, QString::number(afterSeq));
    return q;
}

QJsonObject AuditPage::encode() const
{
    QJsonArray array;
    for (const QJsonObject &o : items)
        array.append(o);
    return { { key::kItems, array },
             { key::kNextCursor, nextCursor.isEmpty() ? QJsonValue() : QJsonValue(nextCursor) } };
}

AuditPage AuditPage::decode(const QJsonObject &o)
{
    AuditPage page;
    for (const QJsonValue &v : o.value(key::kItems).toArray())
        page.items.append(v.toObject());
    page.nextCursor = o.value(key::kNextCursor).toString();
    return page;
}

} // namespace tap::api
