#pragma once

#include "api/enums.h"
#include "core/result.h"

#include <QJsonObject>
#include <QList>
#include <QUrlQuery>

#include <optional>

namespace tap::api {

// One approval request as the admin API and the approval page show it (GET /admin/approvals,
// GET /admin/approvals/{id}, a decision's answer). Times are RFC 3339 and empty when unset;
// encode() writes null for every empty optional field and the id also as "txn_id".
struct Approval
{
    QString id;
    ApprovalStatus status = ApprovalStatus::Pending;
    QString teamId;
    QString agentId;
    QString agentName;
    QString agentHomeTeamId;
    QString credential; // comma-joined when a request uses several
    QString method;
    QString target;
    QString bodyPreview; // already scrubbed
    bool requirePasskey = false;
    bool canDecide = false; // for the member who asked
    QString createdAt;
    QString expiresAt;
    QString decidedBy;
    QString decidedVia; // an ApprovalChannel's name, or empty
    QString decidedAt;
    int responseStatus = 0; // the upstream's status once forwarded; 0: none
    QString cancelReason;
    QString approvalUrl;
    // "credential host" per host outside that credential's allowed_hosts: the first use of a
    // host, which a human approves (once, or with allow_host for good). Encoded as new_hosts
    // [{credential, host}] and the notice "First use of host X with credential C."
    QStringList newHosts;
    // An approver's reason for denying (checked and scrubbed by tapd); empty: none given.
    QString decisionReason;
    // Pending requests: who may decide — the members' emails and chat ids the credentials'
    // policies name, or empty when any member of the team may ("anyone" for the reader).
    QStringList deciders;

    // Encoded as host_is_new: the request reaches a host outside its credential's allowed hosts.
    bool hostIsNew() const { return !newHosts.isEmpty(); }
    QString notice() const;
    QJsonObject encode() const;
    // Lenient (the console reads what tapd wrote): an unknown status reads as failed.
    static Approval decode(const QJsonObject &object);
    bool operator==(const Approval &) const = default;

private:
    QJsonObject encodeFields() const;
};

// The body of POST /admin/approvals/{id}/deny (and the approval page's deny): an optional
// "reason" the agent's poll answer carries — at most kMaxLength characters, no control or
// bidirectional-override characters; surrounding white space is dropped.
struct DenyInput
{
    static constexpr int kMaxLength = 500;
    QString reason;
    static core::Result<DenyInput> decode(const QJsonObject &object);
};

// GET /admin/approvals: the requests and the cursor to pass back with ?wait=.
struct ApprovalList
{
    QList<Approval> items;
    QString cursor;
    QJsonObject encode() const;
    static ApprovalList decode(const QJsonObject &object);
};

// The query of GET /admin/approvals: ?status= (default pending; "all" for every status),
// ?cursor= (a previous answer's cursor) and ?wait= (0-60 seconds: hold the answer until
// something changes after the cursor).
struct ApprovalQuery
{
    static constexpr int kMaxWaitS = 60;

    std::optional<ApprovalStatus> status = ApprovalStatus::Pending; // nullopt: all
    qint64 since = -1; // the cursor; -1: none
    int waitS = 0;

    static core::Result<ApprovalQuery> decode(const QUrlQuery &query);
    QUrlQuery encode() const;
};

} // namespace tap::api
