// The parts of the agent API around /forward: parking a request for approval (202), the poll
// endpoint, and service discovery.
#include "forward/exchange.h"
#include "forward/forwarder.h"
#include "forward/reviewedrequest.h"

#include "core/clock.h"
#include "http/response.h"
#include "sanitizer/scrubber.h"
#include "store/approvalstore.h"
#include "store/credentialstore.h"
#include "store/vault.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace tap::forward {

using core::Error;
using core::ErrorCode;
using core::Result;

namespace {

constexpr int kPreviewChars = 500;

http::Response withRequestId(http::Response response, const QString &requestId)
{
    response.setHeader("X-TAP-Request-Id", requestId.toLatin1());
    response.setHeader("Cache-Control", "no-store");
    return response;
}

// What the approver is shown of the body: text only, bounded, never a credential value (the
// agent's request holds none: secrets are injected only when it is forwarded).
// A denial as the agent's poll tells it: the approver's reason, when they gave one (checked and
// scrubbed of the request's credential values when it was stored), also at the top level, and
// the channel they used — never who they are.
void deniedAnswer(const store::ApprovalRow &a, QJsonObject &body)
{
    QJsonObject error{
        { QStringLiteral("code"), QStringLiteral("approval_denied") },
        { QStringLiteral("message"),
          a.decisionReason.isEmpty()
                  ? QStringLiteral("An approver denied this request.")
                  : QStringLiteral("An approver denied this request: %1").arg(a.decisionReason) }
    };
    if (!a.decisionReason.isEmpty()) {
        error.insert(QStringLiteral("reason"), a.decisionReason);
        body.insert(QStringLiteral("reason"), a.decisionReason);
    }
    if (!a.decidedVia.isEmpty())
        body.insert(QStringLiteral("decided_via"), a.decidedVia);
    body.insert(QStringLiteral("error"), error);
}

QString bodyPreview(const QByteArray &body)
{
    if (body.isEmpty())
        return {};
    const QString text = QString::fromUtf8(body.left(kPreviewChars * 4));
    if (text.contains(QChar::ReplacementCharacter))
        return QStringLiteral("[%1 bytes of binary data]").arg(body.size());
    return text.size() > kPreviewChars ? text.left(kPreviewChars) + QStringLiteral("…") : text;
}

} // namespace

void Forwarder::park(const std::shared_ptr<Exchange> &x)
{
    const AgentRequest &q = x->request;
    const Plan &p = x->plan;
    if (!m_gate)
        return reject(*x,
                      Error(ErrorCode::Unavailable,
                            QStringLiteral("Requests that need approval cannot be parked.")),
                      QStringLiteral("approval_store_failed"));
    store::ApprovalRow a;
    a.teamId = p.teamId;
    a.agentHomeTeamId = p.agent.homeTeamId;
    a.agentId = p.agent.agentId;
    a.agentInstanceId = p.agent.instanceId;
    a.credentialName = p.credentialNames();
    a.requestId = q.requestId;
    a.method = QString::fromLatin1(q.method);
    a.target = p.target;
    // Approvers are semi-trusted (they see a preview, never secrets): whatever the agent sent,
    // no value of a credential of this request reaches them, not even one the agent had.
    QByteArray preview = bodyPreview(q.body).toUtf8();
    for (const auto &c : std::as_const(p.credentials))
        preview = sanitizer::Scrubber(*c->scrubber).scrubAll(preview);
    a.bodyPreview = QString::fromUtf8(preview);
    a.newHosts = p.newHosts;
    for (const auto &c : std::as_const(p.credentials))
        a.requirePasskey = a.requirePasskey || c->requirePasskey;
    auto parked = m_gate->park(
            a, { q.method, p.target, q.teamHeader, q.credentialHeader, q.headers, q.body });
    if (!parked)
        return reject(*x, parked.error(), QStringLiteral("approval_store_failed"));
    a = parked.value();

    store::AuditRecord r = auditRecord(*x);
    r.status = 202;
    r.detail.insert(QStringLiteral("txn_id"), a.id);
    r.detail.insert(QStringLiteral("approval"), QStringLiteral("pending"));
    if (auto w = m_audit.write(r); !w)
        return x->sink->send(withRequestId(http::Response::error(w.error()), q.requestId), false);

    const QJsonObject body{ { QStringLiteral("txn_id"), a.id },
                            { QStringLiteral("status"), QStringLiteral("pending") },
                            { QStringLiteral("poll_url"),
                              QString(QStringLiteral("/agent/approvals/") + a.id) },
                            { QStringLiteral("approval_url"), m_gate->approvalUrl(a.id) },
                            { QStringLiteral("expires_at"), core::toRfc3339(a.expiresAt) } };
    x->sink->send(withRequestId(http::Response::json(202, body), q.requestId), false);
    m_gate->announce(a);
}

void Forwarder::approvalStatus(const http::Request &request, const QString &txnId,
                               const http::Responder &responder)
{
    const QString requestId = m_random.uuid();
    auto agent = authenticate(request);
    if (!agent)
        return responder.send(withRequestId(http::Response::error(agent.error()), requestId));
    if (!agent->enabled) // a disabled agent is refused every request
        return responder.send(withRequestId(
                http::Response::error(
                        Error(ErrorCode::Forbidden, QStringLiteral("This agent is disabled."))),
                requestId));
    auto row = store::ApprovalStore(m_db).get(txnId);
    if (!row)
        return responder.send(withRequestId(http::Response::error(row.error()), requestId));
    // Someone else's transaction looks exactly like one that does not exist, also one of a
    // deleted agent whose id a new agent took.
    if (!row.value() || row.value()->agentHomeTeamId != agent->homeTeamId
        || row.value()->agentId != agent->agentId || agent->instanceId.isEmpty()
        || row.value()->agentInstanceId != agent->instanceId)
        return responder.send(withRequestId(
                http::Response::error(
                        Error(ErrorCode::NotFound, QStringLiteral("No such approval request."))),
                requestId));
    store::ApprovalRow a = *row.value();
    const qint64 now = m_clock.nowMs();
    if (a.status == u"pending" && a.expiresAt <= now)
        a.status = QStringLiteral("expired");
    // "approved" is a moment between the decision and the answer: still pending for the agent.
    QJsonObject body{ { QStringLiteral("txn_id"), a.id },
                      { QStringLiteral("status"),
                        a.status == u"approved" ? QStringLiteral("pending") : a.status },
                      { QStringLiteral("expires_at"), core::toRfc3339(a.expiresAt) } };
    if (a.status == u"approved")
        body.insert(QStringLiteral("decision"), QStringLiteral("approved"));
    if (a.status == u"denied")
        deniedAnswer(a, body);
    if (a.status == u"failed" && !a.cancelReason.isEmpty())
        body.insert(QStringLiteral("error"),
                    QJsonObject{ { QStringLiteral("code"), QStringLiteral("approval_cancelled") },
                                 { QStringLiteral("reason"), a.cancelReason },
                                 { QStringLiteral("message"),
                                   QStringLiteral("TAP cancelled this request while it waited "
                                                  "(%1).")
                                           .arg(a.cancelReason) } });
    if (a.status == u"expired")
        body.insert(QStringLiteral("error"),
                    QJsonObject{ { QStringLiteral("code"), QStringLiteral("approval_expired") },
                                 { QStringLiteral("message"),
                                   QStringLiteral("Nobody decided on this request in time.") } });
    if (!a.sealedResponse.isEmpty()) {
        auto opened = m_vault.open(a.teamId, approvalResponseAad(a), a.sealedResponse);
        if (!opened)
            return responder.send(withRequestId(http::Response::error(opened.error()), requestId));
        const QJsonObject stored = QJsonDocument::fromJson(opened->view().toByteArray()).object();
        QJsonObject response{ { QStringLiteral("status"), stored.value(QStringLiteral("status")) },
                              { QStringLiteral("headers"),
                                stored.value(QStringLiteral("headers")) } };
        const QByteArray raw = QByteArray::fromBase64(
                stored.value(QStringLiteral("body_base64")).toString().toLatin1());
        const QString text = QString::fromUtf8(raw);
        if (!text.contains(QChar::ReplacementCharacter) && text.toUtf8() == raw)
            response.insert(QStringLiteral("body"), text);
        else
            response.insert(QStringLiteral("body_base64"),
                            stored.value(QStringLiteral("body_base64")));
        body.insert(QStringLiteral("response"), response);
    } else if (a.isFinal() && a.responseReadAt > 0) {
        body.insert(QStringLiteral("response_deleted"), true);
    }
    // A final state has been read: what was kept for the agent goes now.
    if (a.isFinal() && a.responseReadAt == 0) {
        if (auto r = store::ApprovalStore(m_db).markRead(a.id, now); !r)
            return responder.send(withRequestId(http::Response::error(r.error()), requestId));
    }
    responder.send(withRequestId(http::Response::json(200, body), requestId));
}

void Forwarder::services(const http::Request &request, const http::Responder &responder)
{
    const QString requestId = m_random.uuid();
    auto agent = authenticate(request);
    if (!agent)
        return responder.send(withRequestId(http::Response::error(agent.error()), requestId));
    if (!agent->enabled) // a disabled agent is refused every request
        return responder.send(withRequestId(
                http::Response::error(
                        Error(ErrorCode::Forbidden, QStringLiteral("This agent is disabled."))),
                requestId));
    store::ForwardStore store(m_db);
    auto describe = [](const ScopedGrant &scoped, const std::optional<store::PolicyRow> &policy) {
        const store::CredentialRow &c = scoped.grant->credential;
        QJsonObject o{ { QStringLiteral("name"), c.name },
                       { QStringLiteral("scope"), scoped.scope },
                       { QStringLiteral("description"), c.description },
                       { QStringLiteral("connector"), c.connector },
                       { QStringLiteral("target"),
                         c.relativeTarget ? QStringLiteral("path") : QStringLiteral("url") },
                       { QStringLiteral("allowed_hosts"),
                         c.relativeTarget ? QJsonArray()
                                          : QJsonArray::fromStringList(c.allowedHosts) } };
        if (policy)
            o.insert(QStringLiteral("policy"),
                     QJsonObject{ { QStringLiteral("auto_approve_methods"),
                                    QJsonArray::fromStringList(policy->autoApproveMethods) },
                                  { QStringLiteral("require_approval_methods"),
                                    QJsonArray::fromStringList(policy->requireApprovalMethods) },
                                  { QStringLiteral("auto_approve_urls"),
                                    QJsonArray::fromStringList(policy->autoApproveUrls) },
                                  { QStringLiteral("require_passkey"), policy->requirePasskey } });
        else
            o.insert(QStringLiteral("policy"),
                     QJsonObject{ { QStringLiteral("summary"),
                                    QStringLiteral("every request requires approval") } });
        return o;
    };
    // Per name, the row the agent would use (README "Credential scopes": "/agent/services shows, per credential,
    // which scope it resolves to"); a name in conflict between two roles says so.
    auto teamEntry = [&](const QString &teamId, const QString &relation,
                         const store::Asker &asker) -> Result<QJsonObject> {
        auto rows = store.candidates(teamId, asker);
        if (!rows)
            return rows.error();
        store::CredentialStore credentials(m_db);
        QJsonArray list;
        for (qsizetype i = 0; i < rows->size();) {
            QList<store::Grant> named;
            const QString name = rows->at(i).credential.name;
            for (; i < rows->size() && rows->at(i).credential.name == name; ++i)
                named << rows->at(i);
            auto scoped = pickGrant(named, teamId, asker);
            if (!scoped) {
                list.append(QJsonObject{ { QStringLiteral("name"), name },
                                         { QStringLiteral("scope"), QStringLiteral("conflict") },
                                         { QStringLiteral("error"), scoped.error().message() } });
                continue;
            }
            if (!scoped->grant)
                continue;
            auto policy = credentials.policy(teamId, scoped->grant->credential.id);
            if (!policy)
                return policy.error();
            list.append(describe(scoped.value(), policy.value()));
        }
        auto name = store.teamName(teamId);
        return QJsonObject{ { QStringLiteral("team_id"), teamId },
                            { QStringLiteral("team_name"), name ? name.value() : QString() },
                            { QStringLiteral("relation"), relation },
                            { QStringLiteral("credentials"), list } };
    };
    QJsonArray teams;
    auto home = teamEntry(agent->homeTeamId, QStringLiteral("home"),
                          store::Asker{ agent->homeTeamId, agent->agentId, std::nullopt });
    if (!home)
        return responder.send(withRequestId(http::Response::error(home.error()), requestId));
    teams.append(home.value());
    auto links = store.linkedTeams(agent->homeTeamId, agent->agentId);
    if (!links)
        return responder.send(withRequestId(http::Response::error(links.error()), requestId));
    for (const auto &[teamId, role] : links.value()) {
        auto entry = teamEntry(teamId, QStringLiteral("linked"),
                               store::Asker{ agent->homeTeamId, agent->agentId, role });
        if (!entry)
            return responder.send(withRequestId(http::Response::error(entry.error()), requestId));
        teams.append(entry.value());
    }
    responder.send(withRequestId(
            http::Response::json(200,
                                 { { QStringLiteral("agent_id"), agent->agentId },
                                   { QStringLiteral("home_team_id"), agent->homeTeamId },
                                   { QStringLiteral("teams"), teams } }),
            requestId));
}

} // namespace tap::forward
