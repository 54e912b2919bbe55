#pragma once

#include "api/approval.h"

#include <QDateTime>
#include <QJsonObject>
#include <QString>

namespace tap::console {

// One approval request as the console shows it: api::Approval (the wire type) with local times.
struct Approval
{
    QString id;
    QString status; // pending | approved | forwarded | denied | expired | failed
    QString teamId;
    QString agentId;
    QString agentName;
    QString agentHomeTeamId;
    QString credential;
    QString method;
    QString target;
    QString bodyPreview;
    bool requirePasskey = false;
    bool canDecide = false;
    QDateTime createdAt;
    QDateTime expiresAt;
    QString decidedBy;
    QString decidedVia;
    QDateTime decidedAt;
    QString approvalUrl;
    // "credential host" per host new for its credential (README "Destinations approved by a
    // human"), and the server's sentence about them.
    QStringList newHosts;
    QString notice;
    QString decisionReason; // why it was denied, in the approver's words
    // Who may decide a pending request (policies' allowed approvers); empty: any member.
    QStringList deciders;

    bool isPending() const { return status == u"pending"; }
    // Something the signed-in member can act on now.
    bool needsMe() const { return isPending() && canDecide; }
    // Approving can also add the new hosts to their credentials' allowed hosts.
    bool hasNewHosts() const { return !newHosts.isEmpty(); }
    QString agentLabel() const { return agentName.isEmpty() ? agentId : agentName; }
    static Approval fromWire(const api::Approval &wire);
    static Approval fromJson(const QJsonObject &o) { return fromWire(api::Approval::decode(o)); }
    // The items of GET /admin/approvals.
    static QList<Approval> listFromJson(const QJsonObject &o);
};

} // namespace tap::console
