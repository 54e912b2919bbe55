#include "approvals/approval.h"

namespace tap::console {

namespace {

QDateTime time(const QString &rfc3339)
{
    const QDateTime t = QDateTime::fromString(rfc3339, Qt::ISODateWithMs);
    return t.isValid() ? t.toLocalTime() : QDateTime();
}

} // namespace

Approval Approval::fromWire(const api::Approval &w)
{
    Approval a;
    a.id = w.id;
    a.status = api::approvalStatusName(w.status);
    a.teamId = w.teamId;
    a.agentId = w.agentId;
    a.agentName = w.agentName;
    a.agentHomeTeamId = w.agentHomeTeamId;
    a.credential = w.credential;
    a.method = w.method;
    a.target = w.target;
    a.bodyPreview = w.bodyPreview;
    a.requirePasskey = w.requirePasskey;
    a.canDecide = w.canDecide;
    a.createdAt = time(w.createdAt);
    a.expiresAt = time(w.expiresAt);
    a.decidedBy = w.decidedBy;
    a.decidedVia = w.decidedVia;
    a.decidedAt = time(w.decidedAt);
    a.approvalUrl = w.approvalUrl;
    a.newHosts = w.newHosts;
    a.notice = w.notice();
    a.decisionReason = w.decisionReason;
    a.deciders = w.deciders;
    return a;
}

QList<Approval> Approval::listFromJson(const QJsonObject &o)
{
    QList<Approval> out;
    for (const api::Approval &w : api::ApprovalList::decode(o).items)
        out.append(fromWire(w));
    return out;
}

} // namespace tap::console
