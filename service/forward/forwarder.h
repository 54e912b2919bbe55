#pragma once

#include "core/clock.h"
#include "core/random.h"
#include "forward/approvalgate.h"
#include "forward/audittrail.h"
#include "forward/directory.h"
#include "forward/oauth2refresher.h"
#include "forward/scrubbercache.h"
#include "http/request.h"
#include "http/responder.h"
#include "store/approvalstore.h"

#include <QUrl>

#include <atomic>

namespace tap::crypto {
class KeyRing;
}

namespace tap::forward {

struct Exchange;
struct AgentRequest;
struct Plan;

struct Settings
{
    bool allowPrivateTargets = false;
    int forwardTimeoutMs = 30000;
    // The largest DECODED answer kept whole for an approved request's poll
    // (TAP_MAX_RESPONSE_BUFFER_BYTES); larger ones fail with upstream_error.
    qint64 maxResponseBufferBytes = 10 * 1024 * 1024;
    // Names this process in approval claims (host, pid and a random part).
    QString instanceId;
};

// POST /forward (README "The data plane"): authenticate the agent, resolve the team, the
// credential and the grant, rate-limit, evaluate the policy, then either park the request
// through the ApprovalGate (202) or inject the secret and hand the exchange to a Relay
// (relay.h), which forwards, scrubs, audits and answers. Every answer carries
// X-TAP-Request-Id; every outcome after authentication is audited in the target team's trail
// before the agent sees it (answerAfterAudit()).
class Forwarder final : public ApprovedSender
{
public:
    Forwarder(store::Database &db, store::Vault &vault, const crypto::KeyRing &keys,
              const core::Clock &clock, core::Random &random, AuditTrail &audit,
              const std::atomic<quint64> &generation, Settings settings);

    // Where requests that need a human decision are parked (none: they are refused).
    void setApprovalGate(ApprovalGate *gate) { m_gate = gate; }

    void forward(const http::Request &request, const http::Responder &responder);
    // GET /agent/services: what this agent may use, per team.
    void services(const http::Request &request, const http::Responder &responder);
    // GET /agent/approvals/{txn_id}: the outcome of a parked request, for the agent that made it.
    void approvalStatus(const http::Request &request, const QString &txnId,
                        const http::Responder &responder);

    void sendApproved(const store::ApprovalRow &row,
                      std::function<void(const store::ApprovalRow &)> done) override;

    Directory &directory() { return m_directory; }
    const Settings &settings() const { return m_settings; }

private:
    core::Result<AgentIdentity> authenticate(const http::Request &request);
    core::Result<void> resolveTeam(const AgentRequest &request, Plan &plan);
    core::Result<void> resolveCredentials(const AgentRequest &request, Plan &plan);
    core::Result<void> rateLimit(Plan &plan);
    core::Result<void> buildUpstream(const AgentRequest &request, Plan &plan);
    void decide(const std::shared_ptr<Exchange> &x);
    void park(const std::shared_ptr<Exchange> &x);
    void sendReviewed(const std::shared_ptr<Exchange> &x, const store::ApprovalRow &row);
    void send(const std::shared_ptr<Exchange> &x);
    void reject(Exchange &x, const core::Error &error, const QString &reason);
    store::AuditRecord auditRecord(const Exchange &x) const;

    store::Database &m_db;
    store::Vault &m_vault;
    const crypto::KeyRing &m_keys;
    const core::Clock &m_clock;
    core::Random &m_random;
    AuditTrail &m_audit;
    ApprovalGate *m_gate = nullptr;
    Directory m_directory;
    OAuth2Refresher m_oauth2;
    ScrubberCache m_scrubbers;
    Settings m_settings;
};

} // namespace tap::forward
