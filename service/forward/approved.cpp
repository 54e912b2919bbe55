// Sending a request a human approved: the reviewed request is unsealed, re-checked against
// the configuration as it is now, sent, and its sanitized answer sealed for the agent's poll.
#include "forward/exchange.h"
#include "forward/forwarder.h"

#include "core/logging.h"
#include "crypto/keyring.h"
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

QByteArray requestAad(const store::ApprovalRow &row)
{
    return crypto::KeyRing::rowAad("tap:approval-request:v1", row.teamId, row.id);
}

// The reviewed request as park() sealed it.
Result<void> unpack(const QJsonObject &o, Exchange &x)
{
    x.method = o.value(QStringLiteral("method")).toString().toLatin1();
    x.target = o.value(QStringLiteral("target")).toString();
    x.teamHeader = o.value(QStringLiteral("team")).toString();
    x.credentialHeader = o.value(QStringLiteral("credential")).toString();
    const auto body =
            QByteArray::fromBase64Encoding(o.value(QStringLiteral("body")).toString().toLatin1(),
                                           QByteArray::AbortOnBase64DecodingErrors);
    if (!body)
        return Error(ErrorCode::Internal, QStringLiteral("The stored request is damaged."));
    x.body = body.decoded;
    const QJsonArray headers = o.value(QStringLiteral("headers")).toArray();
    for (const QJsonValue &h : headers) {
        const QJsonArray pair = h.toArray();
        if (pair.size() != 2)
            return Error(ErrorCode::Internal, QStringLiteral("The stored request is damaged."));
        x.headers.append({ pair.at(0).toString().toLatin1(), pair.at(1).toString().toUtf8() });
    }
    x.contentType = http::headerValue(x.headers, "content-type");
    return {};
}

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

QByteArray approvalResponseAad(const store::ApprovalRow &row)
{
    return crypto::KeyRing::rowAad("tap:approval-response:v1", row.teamId, row.id);
}

void Forwarder::sendApproved(const store::ApprovalRow &row,
                             std::function<void(const store::ApprovalRow &)> done)
{
    auto x = std::make_shared<Exchange>();
    x->timer.start();
    x->startedAt = m_clock.nowMs();
    x->requestId = row.requestId;
    x->teamId = row.teamId;
    x->decision = QStringLiteral("approved");
    x->approver = row.decidedBy;
    x->auditDetail = { { QStringLiteral("txn_id"), row.id },
                       { QStringLiteral("via"), row.decidedVia } };
    x->agent = { row.agentHomeTeamId, row.agentId, false, -1, row.agentInstanceId };

    x->deliver = [this, row, done](const http::Response &response, bool forwarded) {
        // What the agent's poll will return: the sanitized answer (or TAP's error), sealed.
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
    };

    auto opened = m_vault.open(row.teamId, requestAad(row), row.sealedRequest);
    if (!opened)
        return reject(*x, opened.error(), QStringLiteral("approval_request_unreadable"));
    const QJsonObject reviewed = QJsonDocument::fromJson(opened->view().toByteArray()).object();
    if (auto r = unpack(reviewed, *x); !r)
        return reject(*x, r.error(), QStringLiteral("approval_request_unreadable"));

    // Re-check everything that could have changed while the request waited.
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
    x->agent.enabled = true;
    x->agent.rateLimitPerHour = agent.value()->rateLimitPerHour;
    if (auto r = resolveTeam(*x); !r)
        return reject(*x, r.error(), QStringLiteral("team_not_linked"));
    if (x->teamId != row.teamId)
        return reject(*x, Error(ErrorCode::Forbidden, QStringLiteral("The team changed.")),
                      QStringLiteral("team_changed"));
    if (auto r = resolveCredentials(*x); !r)
        return reject(*x, r.error(), x->reason.isEmpty() ? errorName(r.error().code()) : x->reason);
    if (auto r = buildUpstream(*x); !r)
        return reject(*x, r.error(), errorName(r.error().code()));
    x->reason = QStringLiteral("approved");
    send(x);
}

} // namespace tap::forward
