#pragma once

#include "admin/actor.h"
#include "api/approval.h"
#include "core/clock.h"
#include "core/random.h"
#include "forward/approvalgate.h"
#include "store/approvalstore.h"
#include "store/rows.h"

#include <QHash>
#include <QMutex>
#include <QUrl>

#include <functional>

namespace tap::forward {
class AuditSink;
} // namespace tap::forward
namespace tap::store {
class Vault;
}

namespace tap::approvals {

class ApprovalHub;

// Who decides, and through which channel. Members (admin API, console, approval page) carry
// their team, user id and email; chat approvers carry their chat identity.
struct Approver
{
    QString via; // admin | link | passkey | telegram | matrix
    QString teamId; // members only: decisions are scoped to it
    QString userId;
    QString email;
    QString telegramUserId;
    QString matrixUserId;
    bool passkeyVerified = false; // a WebAuthn assertion for this transaction was checked

    QString display() const;
};

// How a chat message says why TAP cancelled a pending request (ApprovalRow::cancelReason).
QString cancelText(const QString &reason);

// Told about approvals as they change; called on any thread.
class ApprovalObserver
{
public:
    virtual ~ApprovalObserver() = default;
    virtual void approvalCreated(const store::ApprovalRow &row) = 0;
    // decided, forwarded, failed or expired
    virtual void approvalChanged(const store::ApprovalRow &row) = 0;
};

// The human-approval flow (README "Human approval"): parking requests for review (the
// forwarder's ApprovalGate), lists for approvers, decisions with the policy's allowed
// approvers and passkey step-up enforced, sending what was approved exactly once (through an
// ApprovedSender), expiry and clean-up. Thread-safe.
class ApprovalService final : public forward::ApprovalGate
{
public:
    struct Settings
    {
        QUrl publicUrl;
        QString instanceId;
        int approvalTimeoutS = 3600; // a parked request expires after this
        qint64 retainMs = 5 * 60 * 1000; // unread final results are wiped after this
        qint64 staleClaimMs = 10 * 60 * 1000; // an approved request unfinished this long failed
    };
    ApprovalService(store::Database &db, store::Vault &vault, const core::Clock &clock,
                    core::Random &random, forward::ApprovedSender &sender,
                    forward::AuditSink &audit, ApprovalHub &hub, Settings settings);

    void addObserver(ApprovalObserver *observer);

    // forward::ApprovalGate: the forwarder parks a request, answers the agent, then announces.
    core::Result<store::ApprovalRow> park(store::ApprovalRow row,
                                          const forward::ReviewedRequest &request) override;
    void announce(const store::ApprovalRow &row) override;

    // GET /admin/approvals: answers at once unless the query waits and names a cursor, then when
    // something changed after the cursor (or the wait ends).
    using ListCallback = std::function<void(core::Result<api::ApprovalList>)>;
    void list(const admin::Actor &actor, const api::ApprovalQuery &query, ListCallback done);
    core::Result<api::Approval> get(const admin::Actor &actor, const QString &id);
    // Approve or deny. `done` runs when the decision is recorded (sending continues after).
    // A denial may carry the approver's `reason` (api::DenyInput checked it): scrubbed of the
    // request's credential values, stored, audited and told to the agent's poll.
    core::Result<store::ApprovalRow> decide(const QString &id, bool approve, const Approver &who,
                                            const QString &reason = {});
    // With `allowHost` (approve only; owners and admins): the request's new hosts are added to
    // their credentials' allowed_hosts, each change recorded through configChanged.
    core::Result<api::Approval> decideAsMember(const admin::Actor &actor, const QString &id,
                                               bool approve, api::ApprovalChannel via,
                                               bool allowHost = false, const QString &reason = {});
    // A configuration change made by a decision (admin::Context::recordChange: audit record,
    // caches invalidated). Set by the composition root.
    std::function<void(const admin::Actor &actor, const QString &action, const QString &target,
                       const QJsonObject &detail)>
            configChanged;

    // What an approver sees of a request (no secret: the request never holds one).
    api::Approval approval(const store::ApprovalRow &row, bool canDecide) const;
    QJsonObject view(const store::ApprovalRow &row, bool canDecide) const
    {
        return approval(row, canDecide).encode();
    }
    QString approvalUrl(const QString &id) const override;
    // May this approver decide on this request (policy allowed_approvers)?
    core::Result<bool> mayDecide(const store::ApprovalRow &row, const Approver &who);

    // An agent was deleted or disabled (`reason`: agent_deleted, agent_disabled) by `actor` (an
    // email of its home team): its pending requests, in every team, end as failed and are never
    // sent.
    void agentRetired(const QString &homeTeamId, const QString &agentId, const QString &reason,
                      const QString &actor);

    // Expiry, stale claims, purge of short-lived payloads; run periodically.
    void housekeeping();

private:
    core::Result<api::ApprovalList> listNow(const admin::Actor &actor,
                                            std::optional<api::ApprovalStatus> status);
    // What an approver's card shows beyond the row (approvalservice_card.cpp): who may decide
    // (the entries every credential's allowed_approvers share; empty: any member), cached per
    // credential list in `cache`.
    core::Result<QStringList> deciders(const store::ApprovalRow &row,
                                       QHash<QString, QStringList> *cache);
    core::Result<api::Approval> forMember(const store::ApprovalRow &row, const Approver &me,
                                          QHash<QString, QStringList> *cache);
    // The approver's reason with every value of the request's credentials redacted.
    core::Result<QString> scrubReason(const store::ApprovalRow &row, const QString &reason);
    void changed(const store::ApprovalRow &row);
    void audit(const store::ApprovalRow &row, const QString &decision, const QString &reason,
               int status, const QString &actor = {});
    core::Result<void> checkAllowHost(const admin::Actor &actor, const QString &id);
    void allowHosts(const admin::Actor &actor, const store::ApprovalRow &row);
    core::Result<std::optional<store::CredentialRow>> rowUsed(const store::ApprovalRow &row,
                                                              const QString &name);
    // Empty when the agent that asked still exists and is enabled, else why it cannot be sent.
    core::Result<QString> agentGone(const store::ApprovalRow &row);
    // pending → failed for `reason`, audited and announced; false if it was no longer pending.
    core::Result<bool> cancel(const store::ApprovalRow &row, const QString &reason,
                              const QString &actor);

    store::Database &m_db;
    store::Vault &m_vault;
    const core::Clock &m_clock;
    core::Random &m_random;
    forward::ApprovedSender &m_sender;
    forward::AuditSink &m_audit;
    ApprovalHub &m_hub;
    Settings m_settings;
    QMutex m_observersMutex;
    QList<ApprovalObserver *> m_observers;
};

} // namespace tap::approvals
