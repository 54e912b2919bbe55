#include "store/approvalstore.h"

namespace tap::store {

using core::Result;

namespace {

const QString kColumns = QStringLiteral(
        "id, team_id, agent_home_team_id, agent_id, credential_name, request_id, status, method, "
        "target, body_preview, require_passkey, decided_by, decided_via, decided_at, claimed_by, "
        "response_status, response_read_at, telegram_chat_id, telegram_message_id, "
        "matrix_room_id, matrix_event_id, created_at, expires_at, updated_at, "
        "agent_instance_id, cancel_reason, new_hosts, decision_reason");
const QString kPayloadColumns = QStringLiteral(", sealed_request, sealed_response");

ApprovalRow readRow(const QSqlQuery &q, bool withPayloads)
{
    ApprovalRow a;
    int i = 0;
    a.id = q.value(i++).toString();
    a.teamId = q.value(i++).toString();
    a.agentHomeTeamId = q.value(i++).toString();
    a.agentId = q.value(i++).toString();
    a.credentialName = q.value(i++).toString();
    a.requestId = q.value(i++).toString();
    a.status = q.value(i++).toString();
    a.method = q.value(i++).toString();
    a.target = q.value(i++).toString();
    a.bodyPreview = q.value(i++).toString();
    a.requirePasskey = q.value(i++).toInt() != 0;
    a.decidedBy = q.value(i++).toString();
    a.decidedVia = q.value(i++).toString();
    a.decidedAt = q.value(i++).toLongLong();
    a.claimedBy = q.value(i++).toString();
    a.responseStatus = q.value(i++).toInt();
    a.responseReadAt = q.value(i++).toLongLong();
    a.telegramChatId = q.value(i++).toString();
    a.telegramMessageId = q.value(i++).toString();
    a.matrixRoomId = q.value(i++).toString();
    a.matrixEventId = q.value(i++).toString();
    a.createdAt = q.value(i++).toLongLong();
    a.expiresAt = q.value(i++).toLongLong();
    a.updatedAt = q.value(i++).toLongLong();
    a.agentInstanceId = q.value(i++).toString();
    a.cancelReason = q.value(i++).toString();
    a.newHosts = q.value(i++).toString().split(u'\n', Qt::SkipEmptyParts);
    a.decisionReason = q.value(i++).toString();
    if (withPayloads) {
        a.sealedRequest = q.value(i++).toByteArray();
        a.sealedResponse = q.value(i++).toByteArray();
    }
    return a;
}

} // namespace

Result<void> ApprovalStore::create(const ApprovalRow &a)
{
    auto q = m_db.exec(QStringLiteral("INSERT INTO approvals (id, team_id, agent_home_team_id, "
                                      "agent_id, agent_instance_id, credential_name, request_id, "
                                      "status, method, target, body_preview, sealed_request, "
                                      "require_passkey, created_at, expires_at, updated_at, "
                                      "new_hosts) "
                                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                       { a.id, a.teamId, a.agentHomeTeamId, a.agentId, a.agentInstanceId,
                         a.credentialName, a.requestId, a.status, a.method, a.target, a.bodyPreview,
                         a.sealedRequest, a.requirePasskey ? 1 : 0, a.createdAt, a.expiresAt,
                         a.createdAt, a.newHosts.join(u'\n') });
    if (!q)
        return q.error();
    return {};
}

Result<QList<ApprovalRow>> ApprovalStore::select(const QString &where, const QVariantList &binds,
                                                 bool withPayloads)
{
    auto q = m_db.exec(QStringLiteral("SELECT ") + kColumns
                               + (withPayloads ? kPayloadColumns : QString())
                               + QStringLiteral(" FROM approvals WHERE ") + where,
                       binds);
    if (!q)
        return q.error();
    QList<ApprovalRow> rows;
    while (q->next())
        rows.append(readRow(q.value(), withPayloads));
    return rows;
}

Result<std::optional<ApprovalRow>> ApprovalStore::one(const QString &where,
                                                      const QVariantList &binds)
{
    auto rows = select(where, binds, true);
    if (!rows)
        return rows.error();
    if (rows->isEmpty())
        return std::optional<ApprovalRow>();
    return std::optional<ApprovalRow>(rows->first());
}

Result<std::optional<ApprovalRow>> ApprovalStore::get(const QString &id)
{
    return one(QStringLiteral("id = ?"), { id });
}

Result<QList<ApprovalRow>> ApprovalStore::list(const QString &teamId, const QString &status,
                                               int limit)
{
    if (status.isEmpty())
        return select(QStringLiteral("team_id = ? ORDER BY created_at DESC, id LIMIT ?"),
                      { teamId, limit }, false);
    return select(QStringLiteral("team_id = ? AND status = ? ORDER BY created_at DESC, id LIMIT ?"),
                  { teamId, status, limit }, false);
}

Result<qint64> ApprovalStore::lastChange(const QString &teamId)
{
    auto q = m_db.exec(
            QStringLiteral("SELECT COALESCE(MAX(updated_at), 0) FROM approvals WHERE team_id = ?"),
            { teamId });
    if (!q)
        return q.error();
    return q->next() ? q->value(0).toLongLong() : qint64(0);
}

Result<bool> ApprovalStore::decide(const QString &id, bool approve, const QString &decidedBy,
                                   const QString &via, const QString &claimer, qint64 now,
                                   const QString &reason)
{
    // A denied request's payload is of no further use: it goes with the decision.
    auto q = approve
            ? m_db.exec(QStringLiteral("UPDATE approvals SET status = 'approved', decided_by = ?, "
                                       "decided_via = ?, decided_at = ?, claimed_by = ?, "
                                       "claimed_at = ?, updated_at = ? "
                                       "WHERE id = ? AND status = 'pending' AND expires_at > ?"),
                        { decidedBy, via, now, claimer, now, now, id, now })
            : m_db.exec(QStringLiteral("UPDATE approvals SET status = 'denied', decided_by = ?, "
                                       "decided_via = ?, decided_at = ?, updated_at = ?, "
                                       "decision_reason = ?, sealed_request = NULL "
                                       "WHERE id = ? AND status = 'pending' AND expires_at > ?"),
                        { decidedBy, via, now, now, reason, id, now });
    if (!q)
        return q.error();
    return q->numRowsAffected() == 1;
}

Result<bool> ApprovalStore::finish(const QString &id, const QString &claimer, const QString &status,
                                   int responseStatus, const QByteArray &sealedResponse, qint64 now)
{
    auto q = m_db.exec(QStringLiteral("UPDATE approvals SET status = ?, response_status = ?, "
                                      "sealed_response = ?, sealed_request = NULL, updated_at = ? "
                                      "WHERE id = ? AND status = 'approved' AND claimed_by = ?"),
                       { status, responseStatus,
                         sealedResponse.isNull() ? QVariant() : QVariant(sealedResponse), now, id,
                         claimer });
    if (!q)
        return q.error();
    return q->numRowsAffected() == 1;
}

Result<bool> ApprovalStore::cancel(const QString &id, const QString &reason, qint64 now)
{
    auto q = m_db.exec(QStringLiteral("UPDATE approvals SET status = 'failed', cancel_reason = ?, "
                                      "sealed_request = NULL, updated_at = ? "
                                      "WHERE id = ? AND status = 'pending'"),
                       { reason, now, id });
    if (!q)
        return q.error();
    return q->numRowsAffected() == 1;
}

Result<QList<ApprovalRow>> ApprovalStore::pendingOfAgent(const QString &homeTeamId,
                                                         const QString &agentId)
{
    return select(QStringLiteral("agent_home_team_id = ? AND agent_id = ? AND status = 'pending' "
                                 "ORDER BY created_at, id"),
                  { homeTeamId, agentId }, false);
}

Result<void> ApprovalStore::markRead(const QString &id, qint64 now)
{
    auto q = m_db.exec(QStringLiteral("UPDATE approvals SET response_read_at = ?, "
                                      "sealed_response = NULL, sealed_request = NULL, "
                                      "body_preview = NULL WHERE id = ?"),
                       { now, id });
    if (!q)
        return q.error();
    return {};
}

Result<QList<ApprovalRow>> ApprovalStore::expireDue(qint64 now)
{
    auto due = select(QStringLiteral("status = 'pending' AND expires_at <= ?"), { now }, false);
    if (!due)
        return due.error();
    QList<ApprovalRow> changed;
    for (ApprovalRow a : due.value()) {
        auto q = m_db.exec(QStringLiteral("UPDATE approvals SET status = 'expired', "
                                          "sealed_request = NULL, updated_at = ? "
                                          "WHERE id = ? AND status = 'pending'"),
                           { now, a.id });
        if (!q)
            return q.error();
        if (q->numRowsAffected() != 1)
            continue; // another process expired (or decided) it meanwhile
        a.status = QStringLiteral("expired");
        a.updatedAt = now;
        changed.append(a);
    }
    return changed;
}

Result<QList<ApprovalRow>> ApprovalStore::failStale(qint64 now, qint64 staleMs)
{
    auto stale = select(QStringLiteral("status = 'approved' AND claimed_at <= ?"),
                        { now - staleMs }, false);
    if (!stale)
        return stale.error();
    QList<ApprovalRow> changed;
    for (ApprovalRow a : stale.value()) {
        auto q =
                m_db.exec(QStringLiteral("UPDATE approvals SET status = 'failed', "
                                         "sealed_request = NULL, updated_at = ? "
                                         "WHERE id = ? AND status = 'approved' AND claimed_by = ?"),
                          { now, a.id, a.claimedBy });
        if (!q)
            return q.error();
        if (q->numRowsAffected() != 1)
            continue;
        a.status = QStringLiteral("failed");
        changed.append(a);
    }
    return changed;
}

Result<int> ApprovalStore::purge(qint64 now, qint64 retainMs)
{
    const QString final = QStringLiteral("status IN ('forwarded', 'denied', 'expired', 'failed')");
    auto wipe = m_db.exec(QStringLiteral("UPDATE approvals SET sealed_request = NULL, "
                                         "sealed_response = NULL, body_preview = NULL WHERE ")
                                  + final
                                  + QStringLiteral(" AND updated_at <= ? AND (sealed_response IS "
                                                   "NOT NULL OR sealed_request IS NOT NULL OR "
                                                   "body_preview IS NOT NULL)"),
                          { now - retainMs });
    if (!wipe)
        return wipe.error();
    const int wiped = wipe->numRowsAffected();
    auto drop = m_db.exec(QStringLiteral("DELETE FROM approvals WHERE ") + final
                                  + QStringLiteral(" AND updated_at <= ?"),
                          { now - retainMs - qint64(24) * 3600 * 1000 });
    if (!drop)
        return drop.error();
    return wiped + drop->numRowsAffected();
}

Result<void> ApprovalStore::setTelegramMessage(const QString &id, const QString &chatId,
                                               const QString &messageId)
{
    auto q = m_db.exec(QStringLiteral("UPDATE approvals SET telegram_chat_id = ?, "
                                      "telegram_message_id = ? WHERE id = ?"),
                       { chatId, messageId, id });
    if (!q)
        return q.error();
    return {};
}

Result<void> ApprovalStore::setMatrixEvent(const QString &id, const QString &roomId,
                                           const QString &eventId)
{
    auto q = m_db.exec(QStringLiteral("UPDATE approvals SET matrix_room_id = ?, "
                                      "matrix_event_id = ? WHERE id = ?"),
                       { roomId, eventId, id });
    if (!q)
        return q.error();
    return {};
}

Result<std::optional<ApprovalRow>> ApprovalStore::byMatrixEvent(const QString &roomId,
                                                                const QString &eventId)
{
    return one(QStringLiteral("matrix_room_id = ? AND matrix_event_id = ?"), { roomId, eventId });
}

} // namespace tap::store
