#include "forward/forwarder.h"

#include "forward/exchange.h"

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

namespace tap::forward {

using core::Error;
using core::ErrorCode;
using core::Result;

namespace {

const QStringList kTapHeaders{ QStringLiteral("X-TAP-Key"), QStringLiteral("X-TAP-Credential"),
                               QStringLiteral("X-TAP-Target"), QStringLiteral("X-TAP-Method"),
                               QStringLiteral("X-TAP-Team") };

// Request headers that describe the hop to tapd, not the request to forward.
bool isHopHeader(QByteArrayView name)
{
    static const QList<QByteArray> hop{
        "host",   "connection",     "keep-alive",        "proxy-connection", "proxy-authorization",
        "te",     "trailer",        "transfer-encoding", "upgrade",          "content-length",
        "expect", "accept-encoding"
    };
    for (const QByteArray &h : hop) {
        if (name.compare(h, Qt::CaseInsensitive) == 0)
            return true;
    }
    return name.size() > 6
            && QByteArrayView(name).first(6).compare("x-tap-", Qt::CaseInsensitive) == 0;
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

bool isMethodToken(const QByteArray &m)
{
    if (m.isEmpty() || m.size() > 16)
        return false;
    return std::all_of(m.begin(), m.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

} // namespace

Forwarder::Forwarder(store::Database &db, store::Vault &vault, const crypto::KeyRing &keys,
                     const core::Clock &clock, core::Random &random, AuditSink &audit,
                     const std::atomic<quint64> &generation, Settings settings)
    : m_db(db),
      m_vault(vault),
      m_keys(keys),
      m_clock(clock),
      m_random(random),
      m_audit(audit),
      m_directory(db, vault, clock, generation),
      m_settings(std::move(settings))
{
}

store::AuditRecord Forwarder::auditRecord(const Exchange &x) const
{
    store::AuditRecord r;
    r.ts = x.startedAt;
    r.teamId = x.teamId.isEmpty() ? x.agent.homeTeamId : x.teamId;
    r.kind = QStringLiteral("forward");
    r.requestId = x.requestId;
    r.actor = x.agent.agentId;
    r.agentId = x.agent.agentId;
    r.agentHomeTeamId = x.agent.homeTeamId;
    r.credential = x.credentials.isEmpty() ? x.credentialHeader : x.credentialNames();
    if (!x.credentials.isEmpty())
        r.credentialScope = x.linkRole ? QStringLiteral("link:") + x.linkRole.value()
                                       : x.credentials.first()->grant.credential.scopeKind;
    r.method = QString::fromLatin1(x.method);
    r.target = x.target.left(2048);
    r.reason = x.reason;
    r.latencyMs = int(x.timer.elapsed());
    r.upstreamLatencyMs = x.upstreamLatencyMs;
    r.approver = x.approver;
    r.detail = x.auditDetail;
    return r;
}

void Forwarder::reject(Exchange &x, const Error &error, const QString &reason)
{
    http::Response response = http::Response::error(error);
    response.setHeader("X-TAP-Request-Id", x.requestId.toLatin1());
    auto answer = [deliver = x.deliver, responder = x.responder,
                   requestId = x.requestId](http::Response r, const Result<qint64> &written) {
        if (!written) { // the record is the condition for any answer
            r = http::Response::error(Error(
                    ErrorCode::Unavailable,
                    QStringLiteral("The audit trail cannot be written; refusing to proceed.")));
            r.setHeader("X-TAP-Request-Id", requestId.toLatin1());
        }
        if (deliver)
            return deliver(r, false);
        responder.send(std::move(r));
    };
    if (x.agent.agentId.isEmpty()) // refused before the agent was known: no team's trail
        return answer(std::move(response), qint64(0));
    x.reason = reason;
    store::AuditRecord r = auditRecord(x);
    r.decision = QStringLiteral("rejected");
    r.status = response.status;
    if (!x.deliver && x.responder.threadContext()) // group commit (AuditSink)
        return m_audit.writeAsync(
                r, x.responder.threadContext(),
                [answer, response](Result<qint64> written) { answer(response, written); });
    answer(std::move(response), m_audit.write(r));
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
    x->startedAt = m_clock.nowMs();
    x->requestId = m_random.uuid();
    x->responder = responder;
    // Read first, so that every audit record, also of a request refused early (disabled agent,
    // unknown X-TAP header), says what was asked for.
    x->headers = request.headers;
    x->body = request.body;
    x->bodyStream = request.bodyStream;
    x->contentType = request.header("content-type");
    x->target = QString::fromUtf8(request.header("x-tap-target")).trimmed();
    x->teamHeader = QString::fromUtf8(request.header("x-tap-team")).trimmed();
    x->credentialHeader = QString::fromUtf8(request.header("x-tap-credential")).trimmed();
    x->method = request.header("x-tap-method").trimmed().toUpper();
    if (x->method.isEmpty())
        x->method = QByteArrayLiteral("GET");

    auto agent = authenticate(request);
    if (!agent)
        return reject(*x, agent.error(), QStringLiteral("unauthenticated"));
    x->agent = agent.value();
    if (!x->agent.enabled)
        return reject(*x, Error(ErrorCode::Forbidden, QStringLiteral("This agent is disabled.")),
                      QStringLiteral("agent_disabled"));

    for (const auto &[name, value] : request.headers) {
        if (name.size() > 6
            && QByteArrayView(name).first(6).compare("x-tap-", Qt::CaseInsensitive) == 0
            && !kTapHeaders.contains(QString::fromLatin1(name), Qt::CaseInsensitive))
            return reject(
                    *x,
                    Error(ErrorCode::UnknownTapHeader,
                          QStringLiteral("Unknown header %1; the supported X-TAP headers are %2.")
                                  .arg(QString::fromLatin1(name),
                                       kTapHeaders.join(QStringLiteral(", ")))),
                    QStringLiteral("unknown_tap_header"));
    }
    if (!isMethodToken(x->method))
        return reject(
                *x,
                Error(ErrorCode::InvalidRequest,
                      QStringLiteral("X-TAP-Method must be an HTTP method such as GET or POST.")),
                QStringLiteral("invalid_method"));

    if (auto r = resolveTeam(*x); !r)
        return reject(*x, r.error(), QStringLiteral("team_not_linked"));
    if (x->target.isEmpty())
        return reject(*x,
                      Error(ErrorCode::InvalidRequest, QStringLiteral("X-TAP-Target is required.")),
                      QStringLiteral("no_target"));
    if (auto r = resolveCredentials(*x); !r)
        return reject(*x, r.error(), x->reason.isEmpty() ? errorName(r.error().code()) : x->reason);
    if (auto r = buildUpstream(*x); !r)
        return reject(*x, r.error(), errorName(r.error().code()));
    if (auto r = rateLimit(*x); !r)
        return reject(*x, r.error(), QStringLiteral("rate_limited"));

    // Policy: every credential of the request must allow it; one that needs approval decides.
    x->needsApproval = false;
    x->reason.clear();
    for (const auto &c : std::as_const(x->credentials)) {
        const policy::Decision d =
                policy::evaluate(c->rules, QString::fromLatin1(x->method), x->policyUrl);
        if (d.verdict == policy::Verdict::RequireApproval || c->requirePasskey) {
            x->needsApproval = true;
            x->reason = d.verdict == policy::Verdict::RequireApproval
                    ? d.reason
                    : QStringLiteral("require_passkey");
            break;
        }
        x->reason = d.reason;
    }
    if (x->needsApproval) {
        if (!x->bodyStream)
            return park(x);
        // The reviewed request is stored whole: take in the rest of the streamed body first.
        std::shared_ptr<http::BodyStream> stream = x->bodyStream;
        auto step = [this, x, stream] {
            x->body += stream->read(stream->available());
            if (stream->failed()) { // the agent went away
                stream->onReady(nullptr);
                return;
            }
            if (stream->atEnd()) {
                stream->onReady(nullptr);
                x->bodyStream.reset();
                park(x);
            }
        };
        stream->onReady(step);
        return step();
    }
    send(x);
}

Result<void> Forwarder::resolveTeam(Exchange &x)
{
    if (x.teamHeader.isEmpty() || x.teamHeader == x.agent.homeTeamId) {
        x.teamId = x.agent.homeTeamId;
        return {};
    }
    auto link = m_directory.link(x.teamHeader, x.agent);
    if (!link)
        return link.error();
    if (!link.value()) // an unknown team and a team that did not link this agent look the same
        return Error(ErrorCode::TeamNotLinked,
                     QStringLiteral("This agent is not linked into team %1.").arg(x.teamHeader));
    x.teamId = x.teamHeader;
    x.linkRole = link.value()->role;
    return {};
}

Result<void> Forwarder::resolveCredentials(Exchange &x)
{
    QStringList names;
    if (!x.credentialHeader.isEmpty()) {
        names << x.credentialHeader;
    } else {
        x.placeholderMode = true;
        const placeholders::Input in{ x.headers, x.body, x.contentType, x.target.toUtf8() };
        auto found = placeholders::validate(in, [this, &x](const QString &name) -> QStringList {
            auto r = m_directory.resolve(x.agent, x.teamId, x.linkRole, name);
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
        auto resolved = m_directory.resolve(x.agent, x.teamId, x.linkRole, name);
        if (!resolved)
            return resolved.error();
        if (!resolved.value()) {
            x.reason = QStringLiteral("credential_not_allowed");
            return Error(
                    ErrorCode::CredentialNotAllowed,
                    QStringLiteral("This agent may not use the credential \"%1\" in this team.")
                            .arg(name));
        }
        if (!resolved.value()->grant.credential.hasValue)
            return Error(ErrorCode::InvalidRequest,
                         QStringLiteral("The credential \"%1\" has no value yet.").arg(name));
        x.credentials << resolved.value();
    }
    return {};
}

Result<void> Forwarder::rateLimit(Exchange &x)
{
    QList<store::RateLimitStore::Bucket> buckets;
    const QString who = x.agent.homeTeamId + u'/' + x.agent.agentId;
    // The agent's own limit is the agent's: every request counts, home or linked team alike,
    // in one bucket of its home team. A linked team's role limit applies in addition.
    if (x.agent.rateLimitPerHour > 0)
        buckets.append(
                { x.agent.homeTeamId, QStringLiteral("agent:") + who, x.agent.rateLimitPerHour });
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
            buckets.append({ x.teamId, QStringLiteral("role:%1:%2").arg(bestRole, who), best });
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

Result<void> Forwarder::buildUpstream(Exchange &x)
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
    for (const auto &c : std::as_const(x.credentials)) {
        for (const QString &host : std::as_const(hosts)) {
            if (!proxy::isHostAllowed(host, c->grant.credential.allowedHosts))
                return Error(ErrorCode::TargetNotAllowed,
                             QStringLiteral("The credential \"%1\" may not be sent to %2.")
                                     .arg(c->grant.credential.name, host));
        }
    }
    upstream::Request &u = x.upstream;
    u.method = x.method;
    u.url = destination->connectTo;
    u.timeoutMs = m_settings.forwardTimeoutMs;
    if (agentChosen) { // operator-pinned destinations (sidecars) are not the agent's to choose
        const bool allowPrivate = m_settings.allowPrivateTargets;
        u.addressAllowed = [allowPrivate](const QHostAddress &a) {
            return proxy::isAddressAllowed(a, allowPrivate);
        };
    }
    http::HeaderList headers;
    QByteArray body = x.body;
    if (x.placeholderMode) {
        const placeholders::Input in{ x.headers, x.body, x.contentType, x.target.toUtf8() };
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
        for (const auto &h : std::as_const(x.headers)) {
            if (!isHopHeader(h.first) && !isAuthHeader(h.first) && !isSidecarHeader(h.first))
                headers.append(h);
        }
        const Resolved &c = *x.credentials.first();
        if (c.grant.credential.connector == u"direct") {
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
            headers.append({ QByteArrayLiteral("X-OAuth-Method"), x.method });
        }
    }
    for (const auto &h : std::as_const(headers)) {
        if (!http::isSafeHeader(h.first, h.second))
            return Error(ErrorCode::InvalidRequest,
                         QStringLiteral("A header holds characters that cannot be forwarded."));
    }
    u.headers = headers;
    u.body = body;
    if (x.bodyStream) { // sent on as it arrives
        auto source = std::make_shared<upstream::BodySource>();
        source->length = x.bodyStream->length();
        source->read = [stream = x.bodyStream](qint64 max) { return stream->read(max); };
        source->atEnd = [stream = x.bodyStream] { return stream->atEnd(); };
        source->failed = [stream = x.bodyStream] { return stream->failed(); };
        u.bodySource = source;
    }
    return {};
}

} // namespace tap::forward
