// Sending a request a human approved: the reviewed request is unsealed, re-checked against
// the configuration as it is now, sent, and its sanitized answer sealed for the agent's poll.
#include "forward/exchange.h"
#include "forward/forwarder.h"
#include "forward/reviewedrequest.h"

#include "core/logging.h"
#include "http/response.h"
#include "store/agentstore.h"
#include "store/vault.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace tap::forward {

using core::Error;
using core::ErrorCode;
using core::Result;

namespace {

// {"status", "headers", "body_base64"}: the body (up to TAP_MAX_RESPONSE_BUFFER_BYTES) is
// spliced in as base64 bytes, not passed through a JSON value (a UTF-16 copy twice its size).
QByteArray storedAnswer(const http::Response &response)
{
    QJsonArray headers;
    for (const auto &[name, value] : response.headers)
        headers.append(QJsonArray{ QString::fromLatin1(name), QString::fromUtf8(value) });
    QByteArray json = QJsonDocument(QJsonObject{ { QStringLiteral("status"), response.status },
                                                 { QStringLiteral("headers"), headers } })
                              .toJson(QJsonDocument::Compact);
    json.chop(1); // the closing brace
    const QByteArray body = response.body.toBase64();
    json.reserve(json.size() + body.size() + 20);
    json += ",\"body_base64\":\"";
    json += body;
    json += "\"}";
    return json;
}

} // namespace

void Forwarder::sendApproved(const store::ApprovalRow &row,
                             std::function<void(const store::ApprovalRow &)> done)
{
    auto x = std::make_shared<Exchange>();
    x->timer.start();
    x->request.startedAt = m_clock.nowMs();
    x->request.requestId = row.requestId;
    Plan &p = x->plan;
    p.teamId = row.teamId;
    p.decision = QStringLiteral("approved");
    p.approver = row.decidedBy;
    p.auditDetail = { { QStringLiteral("txn_id"), row.id },
                      { QStringLiteral("via"), row.decidedVia } };
    p.agent = { row.agentHomeTeamId, row.agentId, false, -1, row.agentInstanceId };

    // What the agent's poll will return: the sanitized answer (or TAP's error), sealed.
    x->sink = std::make_shared<StoredSink>(
            [this, row, done](const http::Response &response, bool forwarded) {
                auto sealed = m_vault.seal(row.teamId, approvalResponseAad(row),
                                           core::SecretBytes(storedAnswer(response)));
                store::ApprovalRow after = row;
                after.status = forwarded ? QStringLiteral("forwarded") : QStringLiteral("failed");
                after.responseStatus = response.status;
                after.updatedAt = m_clock.nowMs();
                auto finished = store::ApprovalStore(m_db).finish(
                        row.id, m_settings.instanceId, after.status, response.status,
                        sealed ? sealed.value() : QByteArray(), after.updatedAt);
                if (!finished || !finished.value())
                    core::logEvent(core::lcApp(), QtWarningMsg,
                                   QStringLiteral("approved request finished but not recorded"),
                                   { { QStringLiteral("txn_id"), row.id } });
                done(after);
            });

    auto reviewed = openReviewedRequest(m_vault, row);
    if (!reviewed)
        return reject(*x, reviewed.error(), QStringLiteral("approval_request_unreadable"));
    AgentRequest &q = x->request;
    q.method = reviewed->method;
    q.target = reviewed->target;
    q.teamHeader = reviewed->teamHeader;
    q.credentialHeader = reviewed->credentialHeader;
    q.headers = reviewed->headers;
    q.body = reviewed->body;
    q.contentType = http::headerValue(q.headers, "content-type");
    p.target = q.target;
    sendReviewed(x, row);
}

// Re-check everything that could have changed while the request waited, then send.
void Forwarder::sendReviewed(const std::shared_ptr<Exchange> &x, const store::ApprovalRow &row)
{
    Plan &p = x->plan;
    auto agent = store::AgentStore(m_db).agent(row.agentHomeTeamId, row.agentId);
    if (!agent)
        return reject(*x, agent.error(), QStringLiteral("agent_lookup_failed"));
    // Another agent created later under the same id is not the one that asked.
    if (!agent.value() || agent.value()->instanceId != row.agentInstanceId)
        return reject(*x,
                      Error(ErrorCode::Forbidden,
                            QStringLiteral("The agent was deleted before the approved request "
                                           "could be sent.")),
                      QStringLiteral("agent_deleted"));
    if (!agent.value()->enabled)
        return reject(*x,
                      Error(ErrorCode::Forbidden,
                            QStringLiteral("The agent was disabled before the approved request "
                                           "could be sent.")),
                      QStringLiteral("agent_disabled"));
    p.agent.enabled = true;
    p.agent.rateLimitPerHour = agent.value()->rateLimitPerHour;
    if (auto r = resolveTeam(x->request, p); !r)
        return reject(*x, r.error(), QStringLiteral("team_not_linked"));
    if (p.teamId != row.teamId)
        return reject(*x, Error(ErrorCode::Forbidden, QStringLiteral("The team changed.")),
                      QStringLiteral("team_changed"));
    if (auto r = resolveCredentials(x->request, p); !r)
        return reject(*x, r.error(), p.reason.isEmpty() ? errorName(r.error().code()) : p.reason);
    if (auto r = buildUpstream(x->request, p); !r)
        return reject(*x, r.error(), errorName(r.error().code()));
    // Hosts outside allowed_hosts only as the approver saw them (and allowed nothing else).
    for (const QString &entry : std::as_const(p.newHosts)) {
        if (!row.newHosts.contains(entry))
            return reject(*x,
                          Error(ErrorCode::TargetNotAllowed,
                                QStringLiteral("The credential \"%1\" may not be sent to %2.")
                                        .arg(entry.section(u' ', 0, 0), entry.section(u' ', 1))),
                          QStringLiteral("target_not_allowed"));
    }
    p.reason = QStringLiteral("approved");
    send(x);
}

} // namespace tap::forward
