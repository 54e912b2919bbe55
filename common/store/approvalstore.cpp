#include "store/approvalstore.h"

namespace tap::store {

using core::Result;

Result<void> ApprovalStore::create(const ApprovalRow &a)
{
    auto q = m_db.exec(QStringLiteral("INSERT INTO approvals (id, team_id, agent_home_team_id, "
                                      "agent_id, credential_name, request_id, "
                                      "status, method, target, body_preview, sealed_request, "
                                      "require_passkey, created_at, expires_at) "
                                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                       { a.id, a.teamId, a.agentHomeTeamId, a.agentId, a.credentialName,
                         a.requestId, a.status, a.method, a.target, a.bodyPreview, a.sealedRequest,
                         a.requirePasskey ? 1 : 0, a.createdAt, a.expiresAt });
    if (!q)
        return q.error();
    return {};
}

Result<std::optional<ApprovalRow>> ApprovalStore::get(const QString &id)
{
    auto q = m_db.exec(QStringLiteral("SELECT id, team_id, agent_home_team_id, agent_id, "
                                      "credential_name, request_id, status, method, "
                                      "target, body_preview, sealed_request, require_passkey, "
                                      "decided_by, decided_via, decided_at, "
                                      "response_status, sealed_response, created_at, expires_at "
                                      "FROM approvals WHERE id = ?"),
                       { id });
    if (!q)
        return q.error();
    if (!q->next())
        return std::optional<ApprovalRow>();
    ApprovalRow a;
    a.id = q->value(0).toString();
    a.teamId = q->value(1).toString();
    a.agentHomeTeamId = q->value(2).toString();
    a.agentId = q->value(3).toString();
    a.credentialName = q->value(4).toString();
    a.requestId = q->value(5).toString();
    a.status = q->value(6).toString();
    a.method = q->value(7).toString();
    a.target = q->value(8).toString();
    a.bodyPreview = q->value(9).toString();
    a.sealedRequest = q->value(10).toByteArray();
    a.requirePasskey = q->value(11).toInt() != 0;
    a.decidedBy = q->value(12).toString();
    a.decidedVia = q->value(13).toString();
    a.decidedAt = q->value(14).toLongLong();
    a.responseStatus = q->value(15).toInt();
    a.sealedResponse = q->value(16).toByteArray();
    a.createdAt = q->value(17).toLongLong();
    a.expiresAt = q->value(18).toLongLong();
    return std::optional<ApprovalRow>(a);
}

Result<int> ApprovalStore::expireDue(qint64 now)
{
    auto q = m_db.exec(QStringLiteral("UPDATE approvals SET status = 'expired', sealed_request = "
                                      "NULL, body_preview = NULL "
                                      "WHERE status = 'pending' AND expires_at <= ?"),
                       { now });
    if (!q)
        return q.error();
    return q->numRowsAffected();
}

} // namespace tap::store
