#include "api/approval.h"

#include "api/keys.h"
#include "api/validation.h"

#include <QJsonArray>

#include <algorithm>

namespace tap::api {

using core::Result;

namespace {

QJsonValue orNull(const QString &s)
{
    return s.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(s);
}

// The query's errors say what the parameter must be, as tapd has always worded them.
core::Error invalidQuery(const QString &message)
{
    return core::Error(core::ErrorCode::InvalidRequest, message);
}

} // namespace

QString Approval::notice() const
{
    QStringList out;
    for (const QString &entry : newHosts)
        out << QStringLiteral("First use of host %1 with credential %2.")
                        .arg(entry.section(u' ', 1), entry.section(u' ', 0, 0));
    return out.join(u' ');
}

QJsonObject Approval::encode() const
{
    QJsonArray hosts;
    for (const QString &entry : newHosts)
        hosts.append(QJsonObject{ { key::kCredential, entry.section(u' ', 0, 0) },
                                  { QLatin1String("host"), entry.section(u' ', 1) } });
    QJsonObject o = encodeFields();
    o.insert(QLatin1String("new_hosts"), hosts);
    o.insert(QLatin1String("notice"), orNull(notice()));
    o.insert(key::kHostIsNew, hostIsNew());
    o.insert(key::kDecisionReason, orNull(decisionReason));
    o.insert(key::kDeciders, QJsonArray::fromStringList(deciders));
    return o;
}

QJsonObject Approval::encodeFields() const
{
    return { { key::kId, id },
             { key::kTxnId, id },
             { key::kStatus, approvalStatusName(status) },
             { key::kTeamId, teamId },
             { key::kAgentId, agentId },
             { key::kAgentName, agentName },
             { key::kAgentHomeTeamId, agentHomeTeamId },
             { key::kCredential, credential },
             { key::kMethod, method },
             { key::kTarget, target },
             { key::kBodyPreview, orNull(bodyPreview) },
             { key::kRequirePasskey, requirePasskey },
             { key::kCanDecide, canDecide },
             { key::kCreatedAt, orNull(createdAt) },
             { key::kExpiresAt, orNull(expiresAt) },
             { key::kDecidedBy, orNull(decidedBy) },
             { key::kDecidedVia, orNull(decidedVia) },
             { key::kDecidedAt, orNull(decidedAt) },
             { key::kResponseStatus,
               responseStatus > 0 ? QJsonValue(responseStatus) : QJsonValue() },
             { key::kCancelReason, orNull(cancelReason) },
             { key::kApprovalUrl, approvalUrl } };
}

Approval Approval::decode(const QJsonObject &o)
{
    const auto str = [&o](QLatin1String k) { return o.value(k).toString(); };
    Approval a;
    a.id = str(key::kId);
    a.status = parseApprovalStatus(str(key::kStatus)).value_or(ApprovalStatus::Failed);
    a.teamId = str(key::kTeamId);
    a.agentId = str(key::kAgentId);
    a.agentName = str(key::kAgentName);
    a.agentHomeTeamId = str(key::kAgentHomeTeamId);
    a.credential = str(key::kCredential);
    a.method = str(key::kMethod);
    a.target = str(key::kTarget);
    a.bodyPreview = str(key::kBodyPreview);
    a.requirePasskey = o.value(key::kRequirePasskey).toBool();
    a.canDecide = o.value(key::kCanDecide).toBool();
    a.createdAt = str(key::kCreatedAt);
    a.expiresAt = str(key::kExpiresAt);
    a.decidedBy = str(key::kDecidedBy);
    a.decidedVia = str(key::kDecidedVia);
    a.decidedAt = str(key::kDecidedAt);
    a.responseStatus = o.value(key::kResponseStatus).toInt();
    a.cancelReason = str(key::kCancelReason);
    a.approvalUrl = str(key::kApprovalUrl);
    for (const QJsonValue &v : o.value(QLatin1String("new_hosts")).toArray())
        a.newHosts << v[key::kCredential].toString() + u' ' + v[QLatin1String("host")].toString();
    a.decisionReason = str(key::kDecisionReason);
    for (const QJsonValue &v : o.value(key::kDeciders).toArray())
        a.deciders << v.toString();
    return a;
}

namespace {

// Characters a reason may not hold: controls (also newlines and tabs: it is one line) and the
// bidirectional overrides and isolates, which would make the text read differently than stored.
bool forbiddenInReason(QChar c)
{
    const char16_t u = c.unicode();
    return c.category() == QChar::Other_Control || (u >= 0x202A && u <= 0x202E)
            || (u >= 0x2066 && u <= 0x2069) || u == 0x2028 || u == 0x2029;
}

} // namespace

Result<DenyInput> DenyInput::decode(const QJsonObject &object)
{
    const JsonFields fields(object);
    if (auto r = fields.onlyKnown({ key::kReason }); !r)
        return core::Error(r.error());
    const QJsonValue v = object.value(key::kReason);
    DenyInput in;
    if (v.isUndefined() || v.isNull())
        return in;
    if (!v.isString())
        return core::Error(core::ErrorCode::InvalidRequest,
                           QStringLiteral("reason must be a string."))
                .setField(key::kReason);
    const QString raw = v.toString();
    // Checked before trimming: a control character is refused wherever it is.
    if (std::any_of(raw.cbegin(), raw.cend(), forbiddenInReason))
        return core::Error(core::ErrorCode::InvalidRequest,
                           QStringLiteral("reason must be one line of plain text (no control "
                                          "characters)."))
                .setField(key::kReason);
    in.reason = raw.trimmed();
    if (in.reason.size() > kMaxLength)
        return core::Error(core::ErrorCode::InvalidRequest,
                           QStringLiteral("reason is too long (at most %1 characters).")
                                   .arg(kMaxLength))
                .setField(key::kReason);
    return in;
}

QJsonObject ApprovalList::encode() const
{
    QJsonArray array;
    for (const Approval &a : items)
        array.append(a.encode());
    return { { key::kItems, array }, { key::kCursor, cursor } };
}

ApprovalList ApprovalList::decode(const QJsonObject &o)
{
    ApprovalList list;
    for (const QJsonValue &v : o.value(key::kItems).toArray())
        list.items.append(Approval::decode(v.toObject()));
    list.cursor = o.value(key::kCursor).toString();
    return list;
}

Result<ApprovalQuery> ApprovalQuery::decode(const QUrlQuery &q)
{
    ApprovalQuery out;
    bool ok = true;
    const QString waitText = q.queryItemValue(key::kWait);
    out.waitS = waitText.isEmpty() ? 0 : waitText.toInt(&ok);
    if (!ok)
        return invalidQuery(QStringLiteral("wait must be a number of seconds."));
    const QString status = q.queryItemValue(key::kStatus);
    if (status == key::kAll) {
        out.status.reset();
    } else if (!status.isEmpty()) {
        out.status = parseApprovalStatus(status);
        if (!out.status)
            return invalidQuery(QStringLiteral("status must be one of %1 or all.")
                                        .arg(allNames<ApprovalStatus>().join(u", ")));
    }
    if (out.waitS < 0 || out.waitS > kMaxWaitS)
        return invalidQuery(
                QStringLiteral("wait must be between 0 and %1 seconds.").arg(kMaxWaitS));
    const QString cursor = q.queryItemValue(key::kCursor);
    out.since = cursor.isEmpty() ? -1 : cursor.toLongLong(&ok);
    if (!ok || (!cursor.isEmpty() && out.since < 0))
        return invalidQuery(
                QStringLiteral("cursor must be the value of a previous answer's cursor."));
    return out;
}

QUrlQuery ApprovalQuery::encode() const
{
    QUrlQuery q;
    q.addQueryItem(key::kStatus, status ? approvalStatusName(*status) : QString(key::kAll));
    if (since >= 0)
        q.addQueryItem(key::kCursor, QString::number(since));
    if (waitS > 0)
        q.addQueryItem(key::kWait, QString::number(waitS));
    return q;
}

} // namespace tap::api
