#pragma once

#include "core/clock.h"
#include "core/random.h"
#include "forward/auditsink.h"
#include "forward/directory.h"
#include "http/request.h"
#include "http/responder.h"
#include "store/approvalstore.h"

#include <QUrl>

#include <atomic>
#include <functional>

namespace tap::crypto {
class KeyRing;
}

namespace tap::forward {

struct Exchange;

struct Settings
{
    bool allowPrivateTargets = false;
    int forwardTimeoutMs = 30000;
    int approvalTimeoutS = 3600;
    QUrl publicUrl;
    // Names this process in approval claims (host, pid and a random part).
    QString instanceId;
    // Told about every request parked for approval (the approver inbox, chat bots).
    std::function<void(const store::ApprovalRow &)> onParked;
    // The largest DECODED answer kept whole for an approved request's poll
    // (TAP_MAX_RESPONSE_BUFFER_BYTES); larger ones fail with upstream_error.
    qint64 maxResponseBufferBytes = 10 * 1024 * 1024;
};

// POST /forward (CONTRACT.md, seed how-it-works "Request Flow"): authenticate the agent,
// resolve the team, the credential and the grant, rate-limit, evaluate the policy, then either
// park the request for approval (202) or inject the secret, forward, scrub the response and
// audit it. Every answer carries X-TAP-Request-Id; every outcome after authentication is
// audited in the target team's trail before the agent sees it.
// Associated data of an approved request's sealed answer.
QByteArray approvalResponseAad(const store::ApprovalRow &row);

class Forwarder
{
public:
    Forwarder(store::Database &db, store::Vault &vault, const crypto::KeyRing &keys,
              const core::Clock &clock, core::Random &random, AuditSink &audit,
              const std::atomic<quint64> &generation, Settings settings);

    void forward(const http::Request &request, const http::Responder &responder);
    // GET /agent/services: what this agent may use, per team.
    void services(const http::Request &request, const http::Responder &responder);
    // GET /agent/approvals/{txn_id}: the outcome of a parked request, for the agent that made it.
    void approvalStatus(const http::Request &request, const QString &txnId,
                        const http::Responder &responder);

    // Sends an approved request (claimed by this process) exactly as it was reviewed, after
    // re-checking that the agent, its grant or link and the target are all still allowed.
    // `done` gets the row in its final state (forwarded or failed).
    void sendApproved(const store::ApprovalRow &row,
                      std::function<void(const store::ApprovalRow &)> done);

    Directory &directory() { return m_directory; }
    const Settings &settings() const { return m_settings; }

private:
    core::Result<AgentIdentity> authenticate(const http::Request &request);
    core::Result<void> resolveTeam(Exchange &x);
    core::Result<void> resolveCredentials(Exchange &x);
    core::Result<void> rateLimit(Exchange &x);
    core::Result<void> buildUpstream(Exchange &x);
    void park(const std::shared_ptr<Exchange> &x);
    void send(const std::shared_ptr<Exchange> &x);
    void reject(Exchange &x, const core::Error &error, const QString &reason);
    store::AuditRecord auditRecord(const Exchange &x) const;

    store::Database &m_db;
    store::Vault &m_vault;
    const crypto::KeyRing &m_keys;
    const core::Clock &m_clock;
    core::Random &m_random;
    AuditSink &m_audit;
    Directory m_directory;
    Settings m_settings;
};

} // namespace tap::forward
