#include "forward/forwarder.h"

#include "forward/exchange.h"
#include "forward/relay.h"
#include "forward/signer.h"

#include "core/logging.h"
#include "crypto/keyring.h"
#include "crypto/tokens.h"
#include "http/response.h"
#include "placeholders/placeholders.h"
#include "policy/policyevaluator.h"
#include "proxy/targetguard.h"
#include "proxy/targeturl.h"
#include "sanitizer/scrubber.h"
#include "store/approvalstore.h"
#include "store/vault.h"
#include "upstream/curlclient.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>

#include <array>

namespace tap::forward {

using core::Error;
using core::ErrorCode;
using core::Result;

namespace {

const QStringList kTapHeaders{ QStringLiteral("X-TAP-Key"), QStringLiteral("X-TAP-Credential"),
                               QStringLiteral("X-TAP-Target"), QStringLiteral("X-TAP-Method"),
                               QStringLiteral("X-TAP-Team") };

// Request headers that describe the hop to tapd, not the request to forward. Compared by
// length first: read for every header of every request.
bool isHopHeader(QByteArrayView name)
{
    static constexpr std::array<QByteArrayView, 12> hop{
        "host",   "connection",     "keep-alive",        "proxy-connection", "proxy-authorization",
        "te",     "trailer",        "transfer-encoding", "upgrade",          "content-length",
        "expect", "accept-encoding"
    };
    for (const QByteArrayView h : hop) {
        if (name.size() == h.size() && name.compare(h, Qt::CaseInsensitive) == 0)
            return true;
    }
    return name.size() > 6 && name.first(6).compare("x-tap-", Qt::CaseInsensitive) == 0;
}

// The sidecar protocol's headers (README, "The sidecar protocol") are tapd's alone: one sent by
// the agent would reach the sidecar before tapd's own, and a sidecar reading the first value
// would sign for and send to wherever the agent said.
bool isSidecarHeader(QByteArrayView name)
{
    return name.size() >= 8 && name.first(8).compare("x-oauth-", Qt::CaseInsensitive) == 0;
}

bool isAuthHeader(QByteArrayView name)
{
    return name.compare("authorization", Qt::CaseInsensitive) == 0
            || name.compare("x-api-key", Qt::CaseInsensitive) == 0;
}

// One of kTapHeaders, case-insensitively (compared as bytes, no QString per header).
bool isKnownTapHeader(QByteArrayView name)
{
    static constexpr std::array<QByteArrayView, 5> known{ "x-tap-key", "x-tap-credential",
                                                          "x-tap-target", "x-tap-method",
                                                          "x-tap-team" };
    return std::any_of(known.begin(), known.end(), [name](QByteArrayView k) {
        return name.compare(k, Qt::CaseInsensitive) == 0;
    });
}

bool isMethodToken(const QByteArray &m)
{
    if (m.isEmpty() || m.size() > 16)
        return false;
    return std::all_of(m.begin(), m.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

} // namespace

Forwarder::Forwarder(store::Database &db, store::Vault &vault, const crypto::KeyRing &keys,
                     const core::Clock &clock, core::Random &random, AuditTrail &audit,
                     const std::atomic<quint64> &generation, Settings settings)
    : m_db(db),
      m_vault(vault),
      m_keys(keys),
      m_clock(clock),
      m_random(random),
      m_audit(audit),
      m_directory(db, vault, clock, generation),
      m_oauth2(db, vault, clock, random, settings.allowPrivateTargets),
      m_settings(std::move(settings))
{
}

store::AuditRecord Forwarder::auditRecord(const Exchange &x) const
{
    const AgentRequest &q = x.request;
    const Plan &p = x.plan;
    store::AuditRecord r;
    r.ts = q.startedAt;
    r.teamId = p.teamId.isEmpty() ? p.agent.homeTeamId : p.teamId;
    r.kind = QStringLiteral("forward");
    r.requestId = q.requestId;
    r.actor = p.agent.agentId;
    r.agentId = p.agent.agentId;
    r.agentHomeTeamId = p.agent.homeTeamId;
    r.credential = p.credentials.isEmpty() ? q.credentialHeader : p.credentialNames();
    if (p.credentials.size() == 1) { // the rows used (README "Credential scopes"): agent:<id>,
        r.credentialScope = p.credentials.first()->scope; // role:<name>, ...
    } else if (!p.credentials.isEmpty()) {
        QStringList scopes;
        for (const auto &c : std::as_const(p.credentials))
            scopes << c->scope;
        r.credentialScope = scopes.join(u',');
    }
    r.method = QString::fromLatin1(q.method);
    r.target = p.target.left(2048);
    r.reason = p.reason;
    r.latencyMs = int(x.timer.elapsed());
    r.approver = p.approver;
    r.detail = p.auditDetail;
    return r;
}

void Forwarder::reject(Exchange &x, const Error &error, const QString &reason)
{
    http::Response response = http::Response::error(error);
    response.setHeader("X-TAP-Request-Id", x.request.requestId.toLatin1());
    std::optional<store::AuditRecord> record;
    if (!x.plan.agent.agentId.isEmpty()) { // refused before the agent was known: no team's trail
        x.plan.reason = reason;
        record = auditRecord(x);
        record->decision = QStringLiteral("rejected");
        record->status = response.status;
    }
    answerAfterAudit(m_audit, x.sink, std::move(record),
                     { std::move(response), false, x.request.requestId,
                       QStringLiteral("The audit trail cannot be written; refusing to "
                                      "proceed.") });
}

namespace {

// Every secret the request is sent with: each credential's (parsed once per Directory entry)
// and the ones added while signing (an oauth2 access token).
QList<sanitizer::Secret> allSecrets(const Plan &p)
{
    QList<sanitizer::Secret> secrets;
    for (const auto &c : std::as_const(p.credentials))
        secrets.append(c->secrets);
    secrets.append(p.extraSecrets);
    return secrets;
}

} // namespace

void Forwarder::send(const std::shared_ptr<Exchange> &x)
{
    // One scrubber for the answer, knowing every secret the request was sent with. One
    // credential: a cached one (built once per credential value, or per oauth2 token).
    const Plan &p = x->plan;
    const Resolved &one = *p.credentials.first();
    sanitizer::Scrubber scrubber = p.credentials.size() > 1 ? sanitizer::Scrubber(allSecrets(p))
            : p.extraSecrets.isEmpty()
            ? sanitizer::Scrubber(*one.scrubber)
            : sanitizer::Scrubber(*m_scrubbers.get(one.grant.credential.id, one.secrets,
                                                   p.extraSecrets, m_clock.nowMs()));
    Relay::Limits limits;
    limits.storedBytes = m_settings.maxResponseBufferBytes;
    store::AuditRecord record = auditRecord(*x);
    record.decision = p.decision;
    auto relay = std::make_shared<Relay>(m_audit, x->sink, std::move(scrubber), std::move(record),
                                         x->timer, limits);
    if (!p.placeholderMode && one.grant.credential.kind == u"oauth2" && !p.extraSecrets.isEmpty()) {
        // Prepared only when the upstream answers 401: the request as sent (kept in the plan),
        // its secrets and the refused token.
        relay->setResender([&oauth2 = m_oauth2, x]() -> Result<Resend> {
            const Plan &sent = x->plan;
            return oauth2Resend(oauth2, sent.credentials.first()->grant.credential, sent.upstream,
                                allSecrets(sent),
                                sent.extraSecrets.first().value.view().toByteArray());
        });
        return relay->start(upstream::Request(x->plan.upstream), x->request.bodyStream);
    }
    relay->start(std::move(x->plan.upstream), x->request.bodyStream);
}

Result<AgentIdentity> Forwarder::authenticate(const http::Request &request)
{
    const QByteArray key = request.header("x-tap-key").trimmed();
    if (key.isEmpty())
        return Error(ErrorCode::Unauthorized,
                     QStringLiteral("Send the agent's API key in X-TAP-Key."));
    if (!crypto::hasTokenShape(crypto::TokenKind::AgentKey, QString::fromLatin1(key)))
        return Error(ErrorCode::Unauthorized,
                     QStringLiteral("The X-TAP-Key is not a valid agent API key."));
    auto identity = m_directory.agentByKeyHash(m_keys.tokenHash(key));
    if (!identity)
        return identity.error();
    if (!identity.value())
        return Error(ErrorCode::Unauthorized,
                     QStringLiteral("The X-TAP-Key is not a valid agent API key."));
    return *identity.value();
}

void Forwarder::forward(const http::Request &request, const http::Responder &responder)
{
    auto x = std::make_shared<Exchange>();
    x->timer.start();
    x->sink = std::make_shared<LiveSink>(responder);
    AgentRequest &q = x->request;
    q.startedAt = m_clock.nowMs();
    q.requestId = m_random.uuid();
    // Read first, so that every audit record, also of a request refused early (disabled agent,
    // unknown X-TAP header), says what was asked for.
    q.headers = request.headers;
    q.body = request.body;
    q.bodyStream = request.bodyStream;
    q.contentType = request.header("content-type");
    q.target = QString::fromUtf8(request.header("x-tap-target")).trimmed();
    q.teamHeader = QString::fromUtf8(request.header("x-tap-team")).trimmed();
    q.credentialHeader = QString::fromUtf8(request.header("x-tap-credential")).trimmed();
    q.method = request.header("x-tap-method").trimmed().toUpper();
    // Without X-TAP-Method: GET, but a legacy placeholder request with a body is a POST (the
    // chat-completions example of how-it-works-v1). Placeholder bodies are never streamed.
    if (q.method.isEmpty())
        q.method = q.credentialHeader.isEmpty() && !q.body.isEmpty() ? QByteArrayLiteral("POST")
                                                                     : QByteArrayLiteral("GET");
    x->plan.target = q.target;

    auto agent = authenticate(request);
    if (!agent)
        return reject(*x, agent.error(), QStringLiteral("unauthenticated"));
    x->plan.agent = agent.value();
    if (!x->plan.agent.enabled)
        return reject(*x, Error(ErrorCode::Forbidden, QStringLiteral("This agent is disabled.")),
                      QStringLiteral("agent_disabled"));

    for (const auto &[name, value] : request.headers) {
        if (name.size() > 6
            && QByteArrayView(name).first(6).compare("x-tap-", Qt::CaseInsensitive) == 0
            && !isKnownTapHeader(name))
            return reject(
                    *x,
                    Error(ErrorCode::UnknownTapHeader,
                          QStringLiteral("Unknown header %1; the supported X-TAP headers are %2.")
                                  .arg(QString::fromLatin1(name),
                                       kTapHeaders.join(QStringLiteral(", ")))),
                    QStringLiteral("unknown_tap_header"));
    }
    if (!isMethodToken(q.method))
        return reject(
                *x,
                Error(ErrorCode::InvalidRequest,
                      QStringLiteral("X-TAP-Method must be an HTTP method such as GET or POST.")),
                QStringLiteral("invalid_method"));
    decide(x);
}

// The plan for an authenticated request, the policy's verdict, then park or send.
void Forwarder::decide(const std::shared_ptr<Exchange> &x)
{
    const AgentRequest &q = x->request;
    Plan &p = x->plan;
    if (auto r = resolveTeam(q, p); !r)
        return reject(*x, r.error(), QStringLiteral("team_not_linked"));
    if (p.target.isEmpty())
        return reject(*x,
                      Error(ErrorCode::InvalidRequest, QStringLiteral("X-TAP-Target is required.")),
                      QStringLiteral("no_target"));
    if (auto r = resolveCredentials(q, p); !r)
        return reject(*x, r.error(), p.reason.isEmpty() ? errorName(r.error().code()) : p.reason);
    if (auto r = buildUpstream(q, p); !r)
        return reject(*x, r.error(), errorName(r.error().code()));
    if (auto r = rateLimit(p); !r)
        return reject(*x, r.error(), QStringLiteral("rate_limited"));

    // Policy: every credential of the request must allow it; one that needs approval decides.
    p.needsApproval = false;
    p.reason.clear();
    for (const auto &c : std::as_const(p.credentials)) {
        const policy::Decision d =
                policy::evaluate(c->rules, QString::fromLatin1(q.method), p.policyUrl);
        if (d.verdict == policy::Verdict::RequireApproval || c->requirePasskey) {
            p.needsApproval = true;
            p.reason = d.verdict == policy::Verdict::RequireApproval
                    ? d.reason
                    : QStringLiteral("require_passkey");
            break;
        }
        p.reason = d.reason;
    }
    if (!p.newHosts.isEmpty()) {
        p.needsApproval = true;
        p.reason = QStringLiteral("new_host");
    }
    if (!p.needsApproval)
        return send(x);
    if (!q.bodyStream)
        return park(x);
    // The reviewed request is stored whole: take in the rest of the streamed body first.
    std::shared_ptr<http::BodyStream> stream = q.bodyStream;
    auto step = [this, x, stream] {
        x->request.body += stream->read(stream->available());
        if (stream->failed()) { // the agent went away
            stream->onReady(nullptr);
            return;
        }
        if (stream->atEnd()) {
            stream->onReady(nullptr);
            x->request.bodyStream.reset();
            park(x);
        }
    };
    stream->onReady(step);
    step();
}

Result<void> Forwarder::resolveTeam(const AgentRequest &q, Plan &p)
{
    if (q.teamHeader.isEmpty() || q.teamHeader == p.agent.homeTeamId) {
        p.teamId = p.agent.homeTeamId;
        return {};
    }
    auto link = m_directory.link(q.teamHeader, p.agent);
    if (!link)
        return link.error();
    if (!link.value()) // an unknown team and a team that did not link this agent look the same
        return Error(ErrorCode::TeamNotLinked,
                     QStringLiteral("This agent is not linked into team %1.").arg(q.teamHeader));
    p.teamId = q.teamHeader;
    p.linkRole = link.value()->role;
    return {};
}

Result<void> Forwarder::resolveCredentials(const AgentRequest &q, Plan &p)
{
    QStringList names;
    if (!q.credentialHeader.isEmpty()) {
        names << q.credentialHeader;
    } else {
        p.placeholderMode = true;
        const placeholders::Input in{ q.headers, q.body, q.contentType, p.target.toUtf8() };
        auto found = placeholders::validate(in, [this, &p](const QString &name) -> QStringList {
            auto r = m_directory.resolve(p.agent, p.teamId, p.linkRole, name);
            return r && r.value() ? r.value()->grant.credential.bodyPlaceholderFields
                                  : QStringList();
        });
        if (!found)
            return found.error();
        if (found->isEmpty())
            return Error(ErrorCode::InvalidRequest,
                         QStringLiteral(
                                 "Name a credential with X-TAP-Credential, or use "
                                 "<CREDENTIAL:name> placeholders in Authorization or X-Api-Key."));
        names = found.value();
    }
    for (const QString &name : std::as_const(names)) {
        auto resolved = m_directory.resolve(p.agent, p.teamId, p.linkRole, name);
        if (!resolved)
            return resolved.error();
        if (!resolved.value()) {
            p.reason = QStringLiteral("credential_not_allowed");
            return Error(
                    ErrorCode::CredentialNotAllowed,
                    QStringLiteral("This agent may not use the credential \"%1\" in this team.")
                            .arg(name));
        }
        if (!resolved.value()->grant.credential.hasValue)
            return Error(ErrorCode::InvalidRequest,
                         QStringLiteral("The credential \"%1\" has no value yet.").arg(name));
        if (p.placeholderMode && isSigningKind(resolved.value()->grant.credential))
            return Error(ErrorCode::InvalidRequest,
                         QStringLiteral("The credential \"%1\" signs requests (kind %2): name "
                                        "it with X-TAP-Credential instead of a placeholder.")
                                 .arg(name, resolved.value()->grant.credential.kind));
        p.credentials << resolved.value();
    }
    return {};
}

Result<void> Forwarder::rateLimit(Plan &x)
{
    QList<store::RateLimitStore::Bucket> buckets;
    const auto who = [&x]() -> QString { return x.agent.homeTeamId + u'/' + x.agent.agentId; };
    // The agent's own limit is the agent's: every request counts, home or linked team alike,
    // in one bucket of its home team. A linked team's role limit applies in addition.
    if (x.agent.rateLimitPerHour > 0)
        buckets.append(
                { x.agent.homeTeamId, QStringLiteral("agent:") + who(), x.agent.rateLimitPerHour });
    // A role's limit applies to requests whose credential the agent holds only through roles;
    // with several such roles the most generous one counts.
    for (const auto &c : std::as_const(x.credentials)) {
        if (c->grant.direct || c->grant.roles.isEmpty())
            continue;
        int best = 0;
        QString bestRole;
        for (const auto &[role, limit] : c->grant.roles) {
            if (limit <= 0) {
                best = 0;
                break;
            }
            if (limit > best) {
                best = limit;
                bestRole = role;
            }
        }
        if (best > 0)
            buckets.append({ x.teamId, QStringLiteral("role:%1:%2").arg(bestRole, who()), best });
    }
    if (buckets.isEmpty())
        return {};
    auto admitted = store::RateLimitStore(m_db).admit(buckets, m_clock.nowMs());
    if (!admitted)
        return admitted.error();
    if (admitted.value() > 0)
        return Error(ErrorCode::RateLimited, QStringLiteral("Rate limit reached for this hour."))
                .setRetryAfterSeconds(int((admitted.value() + 999) / 1000));
    return {};
}

Result<void> Forwarder::buildUpstream(const AgentRequest &q, Plan &x)
{
    const store::CredentialRow &first = x.credentials.first()->grant.credential;
    // One decision on the URL: what the policy matches, what the hosts are checked against and
    // what is sent are the same normalised target.
    auto destination = proxy::resolveDestination(first.connector, first.apiBase,
                                                 first.relativeTarget, x.target);
    if (!destination)
        return destination.error();
    x.target = destination->headerForm;
    x.policyUrl = destination->target.policyView;
    const bool agentChosen = destination->agentChosen;
    // Where the secret goes: the target (direct), or the sidecar and, unless the sidecar is
    // given only a path, the URL the sidecar is told to call. All must be allowed hosts.
    QStringList hosts{ destination->connectTo.host() };
    if (!agentChosen && !first.relativeTarget) {
        const QString realHost = destination->target.url.host();
        const QHostAddress literal(realHost);
        if (!literal.isNull() && !proxy::isAddressAllowed(literal, m_settings.allowPrivateTargets))
            return Error(ErrorCode::TargetNotAllowed,
                         QStringLiteral("The target address may not be reached."));
        hosts << realHost;
    }
    // A host outside a credential's allowed_hosts is neither sent to nor refused: a human
    // decides (decide()). An address that may never be reached is refused at once.
    x.newHosts.clear();
    for (const auto &c : std::as_const(x.credentials)) {
        for (const QString &host : std::as_const(hosts)) {
            if (proxy::isHostAllowed(host, c->grant.credential.allowedHosts))
                continue;
            const QHostAddress literal(host.startsWith(u'[') ? host.mid(1, host.size() - 2) : host);
            if (!literal.isNull()
                && !proxy::isAddressAllowed(literal, m_settings.allowPrivateTargets))
                return Error(ErrorCode::TargetNotAllowed,
                             QStringLiteral("The target address may not be reached."));
            x.newHosts << c->grant.credential.name + u' ' + host;
        }
    }
    upstream::Request &u = x.upstream;
    u.method = q.method;
    u.url = destination->connectTo;
    u.timeoutMs = m_settings.forwardTimeoutMs;
    if (agentChosen) { // operator-pinned destinations (sidecars) are not the agent's to choose
        const bool allowPrivate = m_settings.allowPrivateTargets;
        u.addressAllowed = [allowPrivate](const QHostAddress &a) {
            return proxy::isAddressAllowed(a, allowPrivate);
        };
    }
    http::HeaderList headers;
    QByteArray body = q.body;
    if (x.placeholderMode) {
        const placeholders::Input in{ q.headers, q.body, q.contentType, x.target.toUtf8() };
        auto substituted = placeholders::substitute(
                in, [&x](const QString &name) -> const core::SecretBytes * {
                    for (const auto &c : std::as_const(x.credentials)) {
                        if (c->grant.credential.name == name)
                            return &c->secret;
                    }
                    return nullptr;
                });
        if (!substituted)
            return substituted.error();
        for (const auto &h : std::as_const(substituted->headers)) {
            if (!isHopHeader(h.first) && !isSidecarHeader(h.first))
                headers.append(h);
        }
        body = substituted->body;
    } else {
        for (const auto &h : std::as_const(q.headers)) {
            if (!isHopHeader(h.first) && !isAuthHeader(h.first) && !isSidecarHeader(h.first))
                headers.append(h);
        }
        const Resolved &c = *x.credentials.first();
        if (isSigningKind(c.grant.credential)) {
            if (c.grant.credential.connector != u"direct")
                return Error(ErrorCode::Internal,
                             QStringLiteral("A signing credential must use connector direct."));
            // Signed last, below, over the request exactly as it is sent.
        } else if (c.grant.credential.connector == u"direct") {
            QByteArray value = c.grant.credential.authHeaderFormat.toUtf8();
            value.replace("{value}", c.secret.view().toByteArray());
            headers.append({ QByteArrayLiteral("Authorization"), value });
        } else {
            headers.append(
                    { QByteArrayLiteral("X-OAuth-Credential"), c.grant.credential.name.toUtf8() });
            headers.append({ QByteArrayLiteral("X-OAuth-Credential-Data"),
                             c.secret.view().toByteArray() });
            if (!c.grant.credential.relativeTarget)
                headers.append({ QByteArrayLiteral("X-OAuth-Target"), destination->target.wire });
            headers.append({ QByteArrayLiteral("X-OAuth-Method"), q.method });
        }
    }
    u.headers = headers;
    u.body = body;
    const Resolved &signer = *x.credentials.first();
    x.extraSecrets.clear();
    if (!x.placeholderMode && isSigningKind(signer.grant.credential)) {
        const store::CredentialRow &row = signer.grant.credential;
        if (auto r = row.kind == u"oauth2" // README "OAuth 2.0 credentials"
                    ? m_oauth2.authorize(row, u, x.extraSecrets)
                    : signRequest(row, signer.secret, u, bool(q.bodyStream), m_clock, m_random);
            !r)
            return r.error();
    }
    for (const auto &h : std::as_const(u.headers)) {
        if (!http::isSafeHeader(h.first, h.second))
            return Error(ErrorCode::InvalidRequest,
                         QStringLiteral("A header holds characters that cannot be forwarded."));
    }
    if (q.bodyStream) { // sent on as it arrives
        auto source = std::make_shared<upstream::BodySource>();
        source->length = q.bodyStream->length();
        source->read = [stream = q.bodyStream](qint64 max) { return stream->read(max); };
        source->atEnd = [stream = q.bodyStream] { return stream->atEnd(); };
        source->failed = [stream = q.bodyStream] { return stream->failed(); };
        u.bodySource = source;
    }
    return {};
}

} // namespace tap::forward
