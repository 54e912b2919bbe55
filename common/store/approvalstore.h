#pragma once

#include "core/result.h"
#include "store/database.h"

#include <optional>

namespace tap::store {

// A request that waits for (or has had) a human decision. The reviewed request and the
// upstream response are sealed with the team key; the rest is metadata approvers may see.
struct ApprovalRow
{
    QString id; // the txn_id
    QString teamId;
    QString agentHomeTeamId;
    QString agentId;
    QString agentInstanceId; // the instance of the agent that asked (AgentRow::instanceId)
    QString credentialName;
    QString requestId;
    QString status = QStringLiteral("pending"); // pending approved forwarded denied expired failed
    QString method;
    QString target;
    QString bodyPreview;
    QByteArray sealedRequest;
    bool requirePasskey = false;
    QString decidedBy;
    QString decidedVia;
    qint64 decidedAt = 0;
    QString claimedBy;
    int responseStatus = 0;
    QByteArray sealedResponse;
    qint64 responseReadAt = 0;
    QString telegramChatId;
    QString telegramMessageId;
    QString matrixRoomId;
    QString matrixEventId;
    qint64 createdAt = 0;
    qint64 expiresAt = 0;
    qint64 updatedAt = 0;
    QString cancelReason; // TAP ended it while pending: agent_deleted, agent_disabled
    // "credential host" per host outside that credential's allowed_hosts (first use of a host).
    QStringList newHosts;
    // Why an approver denied it, in their words (already checked and scrubbed); may be empty.
    QString decisionReason;

    bool isFinal() const
    {
        return status == u"forwarded" || status == u"denied" || status == u"expired"
                || status == u"failed";
    }
};

// Every transition is one conditional UPDATE, so concurrent deciders (threads, or tapd
// processes sharing PostgreSQL) cannot both win: exactly one decision, exactly one sender.
class ApprovalStore
{
public:
    explicit ApprovalStore(Database &db) : m_db(db) { }

    core::Result<void> create(const ApprovalRow &row);
    core::Result<std::optional<ApprovalRow>> get(const QString &id);
    // Newest first; `status` empty: every status. Sealed payloads are not read.
    core::Result<QList<ApprovalRow>> list(const QString &teamId, const QString &status, int limit);
    // The newest change in a team's approvals (the approver inbox's long-poll cursor).
    core::Result<qint64> lastChange(const QString &teamId);

    // pending → approved (claimed by `claimer`, which must then forward it) or → denied (with
    // the approver's `reason`, possibly empty), only while pending and before the deadline.
    // False: someone else decided first, or too late.
    core::Result<bool> decide(const QString &id, bool approve, const QString &decidedBy,
                              const QString &via, const QString &claimer, qint64 now,
                              const QString &reason = {});
    // approved → forwarded | failed, by the process holding the claim.
    core::Result<bool> finish(const QString &id, const QString &claimer, const QString &status,
                              int responseStatus, const QByteArray &sealedResponse, qint64 now);
    // pending → failed with `reason`, because the agent that asked is gone or disabled. False:
    // it was no longer pending.
    core::Result<bool> cancel(const QString &id, const QString &reason, qint64 now);
    // Every pending request of an agent (in its home team and in the teams that linked it).
    core::Result<QList<ApprovalRow>> pendingOfAgent(const QString &homeTeamId,
                                                    const QString &agentId);
    // The agent has read a final state: the payloads go (trust model: short-lived records).
    core::Result<void> markRead(const QString &id, qint64 now);

    // pending → expired past the deadline; returns the rows that changed.
    core::Result<QList<ApprovalRow>> expireDue(qint64 now);
    // approved but unfinished `staleMs` after the claim (its tapd died mid-flight) → failed.
    // Never re-sent: a request that may have reached the upstream is not sent twice.
    core::Result<QList<ApprovalRow>> failStale(qint64 now, qint64 staleMs);
    // Final rows `retainMs` after their decision lose their payloads; rows a day past that go.
    core::Result<int> purge(qint64 now, qint64 retainMs);

    core::Result<void> setTelegramMessage(const QString &id, const QString &chatId,
                                          const QString &messageId);
    core::Result<void> setMatrixEvent(const QString &id, const QString &roomId,
                                      const QString &eventId);
    core::Result<std::optional<ApprovalRow>> byMatrixEvent(const QString &roomId,
                                                           const QString &eventId);

private:
    core::Result<QList<ApprovalRow>> select(const QString &where, const QVariantList &binds,
                                            bool withPayloads);
    core::Result<std::optional<ApprovalRow>> one(const QString &where, const QVariantList &binds);

    Database &m_db;
};

} // namespace tap::store
