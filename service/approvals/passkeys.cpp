#include "approvals/passkeys.h"

#include "admin/context.h"
#include "core/logging.h"
#include "approvals/approvalservice.h"
#include "crypto/webauthn.h"
#include "store/approvalstore.h"
#include "store/passkeystore.h"

#include <algorithm>

namespace tap::approvals {

using admin::Actor;
using core::Error;
using core::ErrorCode;
using core::Result;
namespace webauthn = crypto::webauthn;

namespace {

constexpr int kChallengeBytes = 32;
constexpr int kTimeoutMs = 120000;

api::Passkey passkeyOf(const store::PasskeyRow &p)
{
    return { p.id, p.name, p.algorithm, core::toRfc3339(p.createdAt),
             p.lastUsedAt > 0 ? core::toRfc3339(p.lastUsedAt) : QString() };
}

const Error kBadChallenge(ErrorCode::Forbidden,
                          QStringLiteral("The passkey challenge is unknown, expired or used "
                                         "already; start again."));

} // namespace

PasskeyService::PasskeyService(admin::Context &context, ApprovalService &approvals)
    : m_ctx(context), m_approvals(approvals)
{
}

QString PasskeyService::rpId() const
{
    return m_ctx.publicUrl.host();
}

QString PasskeyService::origin() const
{
    return m_ctx.publicUrl.toString(QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment
                                    | QUrl::RemoveUserInfo);
}

Result<api::PasskeyList> PasskeyService::list(const Actor &actor)
{
    auto rows = store::PasskeyStore(m_ctx.db).forUser(actor.userId);
    if (!rows)
        return rows.error();
    api::PasskeyList out;
    for (const store::PasskeyRow &p : rows.value())
        out.items << passkeyOf(p);
    out.rpId = rpId();
    out.origin = origin();
    out.reauth = proofState(actor, rows->size());
    return out;
}

Result<api::RegistrationOptions>
PasskeyService::registerBegin(const Actor &actor, const api::RegistrationBeginInput &in)
{
    Q_UNUSED(in);
    store::PasskeyStore passkeys(m_ctx.db);
    auto existing = passkeys.forUser(actor.userId);
    if (!existing)
        return existing.error();
    if (auto r = requireFreshProof(actor, existing->size()); !r)
        return r.error();
    const qint64 now = m_ctx.clock.nowMs();
    store::ChallengeRow c;
    c.id = m_ctx.random.uuid();
    c.userId = actor.userId;
    c.purpose = QStringLiteral("register");
    c.challenge = m_ctx.random.bytes(kChallengeBytes);
    c.expiresAt = now + kChallengeTtlMs;
    if (auto r = passkeys.addChallenge(c, now); !r)
        return r.error();
    api::RegistrationOptions out;
    out.challengeId = c.id;
    out.challenge = c.challenge;
    out.rpId = rpId();
    out.userHandle = actor.userId.toUtf8();
    out.userName = actor.email;
    out.algorithms = { int(webauthn::Algorithm::ES256), int(webauthn::Algorithm::EdDSA),
                       int(webauthn::Algorithm::RS256) };
    out.timeoutMs = kTimeoutMs;
    for (const store::PasskeyRow &p : existing.value())
        out.excludeCredentials << p.id;
    return out;
}

Result<api::Passkey> PasskeyService::registerFinish(const Actor &actor,
                                                    const api::RegistrationInput &in)
{
    store::PasskeyStore passkeys(m_ctx.db);
    // Checked again at the end of the ceremony: the proof may have gone stale since begin, or
    // the member may have added a first passkey meanwhile (then the password is not enough).
    auto existing = passkeys.forUser(actor.userId);
    if (!existing)
        return existing.error();
    if (auto r = requireFreshProof(actor, existing->size()); !r)
        return r.error();
    const qint64 now = m_ctx.clock.nowMs();
    auto challenge =
            passkeys.takeChallenge(in.challengeId, actor.userId, QStringLiteral("register"), now);
    if (!challenge)
        return challenge.error();
    if (!challenge.value())
        return kBadChallenge;
    auto registered =
            webauthn::verifyRegistration(in.clientDataJson, in.attestationObject,
                                         { challenge.value()->challenge, origin(), rpId(), true });
    if (!registered)
        return registered.error();
    store::PasskeyRow p;
    p.id = QString::fromLatin1(webauthn::base64UrlEncode(registered->credentialId));
    p.userId = actor.userId;
    p.name = in.name;
    p.publicKeySpki = registered->publicKeySpki;
    p.algorithm = registered->algorithm;
    p.signCount = registered->signCount;
    p.createdAt = now;
    if (auto r = passkeys.add(p); !r)
        return r.error();
    // The member hears of every new passkey; one that could not be announced is taken back.
    if (!notifyChange(actor, p, true)) {
        (void)passkeys.remove(actor.userId, p.id);
        return Error(ErrorCode::Unavailable,
                     QStringLiteral("The passkey was not added: the notice to your address "
                                    "could not be sent. Try again later."));
    }
    m_ctx.recordChange(actor, QStringLiteral("passkey.register"), p.name,
                       { { QStringLiteral("passkey_id"), p.id } });
    return passkeyOf(p);
}

Result<api::Deleted> PasskeyService::remove(const Actor &actor, const QString &id)
{
    store::PasskeyStore passkeys(m_ctx.db);
    auto mine = passkeys.forUser(actor.userId);
    if (!mine)
        return mine.error();
    if (auto r = requireFreshProof(actor, mine->size()); !r)
        return r.error();
    const auto it = std::find_if(mine->cbegin(), mine->cend(),
                                 [&id](const store::PasskeyRow &p) { return p.id == id; });
    auto removed = it == mine->cend() ? Result<bool>(false) : passkeys.remove(actor.userId, id);
    if (removed && removed.value()) {
        if (!notifyChange(actor, *it, false))
            core::logEvent(core::lcAudit(), QtWarningMsg,
                           QStringLiteral("passkey removal notice not sent"),
                           { { QStringLiteral("team_id"), actor.teamId } });
    }
    return m_ctx.recordRemoval(actor, removed,
                               Error(ErrorCode::NotFound, QStringLiteral("No such passkey.")),
                               QStringLiteral("passkey.delete"), id, api::Deleted{});
}

Result<api::AssertionOptions> PasskeyService::approveBegin(const Actor &actor, const QString &txnId)
{
    auto row = store::ApprovalStore(m_ctx.db).get(txnId);
    if (!row)
        return row.error();
    if (!row.value() || row.value()->teamId != actor.teamId)
        return Error(ErrorCode::NotFound, QStringLiteral("No such approval request."));
    if (row.value()->status != u"pending" || row.value()->expiresAt <= m_ctx.clock.nowMs())
        return Error(ErrorCode::Conflict, QStringLiteral("This request is no longer pending."));
    const Approver me{ QStringLiteral("passkey"), actor.teamId, actor.userId, actor.email, {}, {} };
    auto may = m_approvals.mayDecide(*row.value(), me);
    if (!may)
        return may.error();
    if (!may.value())
        return Error(ErrorCode::Forbidden,
                     QStringLiteral("You are not among the approvers this credential's policy "
                                    "allows."));
    return beginAssertion(actor, QStringLiteral("approve"), txnId);
}

Result<api::AssertionOptions> PasskeyService::beginAssertion(const Actor &actor,
                                                             const QString &purpose,
                                                             const QString &approvalId)
{
    store::PasskeyStore passkeys(m_ctx.db);
    auto mine = passkeys.forUser(actor.userId);
    if (!mine)
        return mine.error();
    if (mine->isEmpty())
        return Error(ErrorCode::PasskeyRequired,
                     purpose == u"approve"
                             ? QStringLiteral("You have no passkey yet: register one on this "
                                              "page first.")
                             : QStringLiteral("You have no passkey: confirm with your password "
                                              "instead (POST /admin/reauth)."));
    const qint64 now = m_ctx.clock.nowMs();
    store::ChallengeRow c;
    c.id = m_ctx.random.uuid();
    c.userId = actor.userId;
    c.purpose = purpose;
    c.approvalId = approvalId;
    c.challenge = m_ctx.random.bytes(kChallengeBytes);
    c.expiresAt = now + kChallengeTtlMs;
    if (auto r = passkeys.addChallenge(c, now); !r)
        return r.error();
    api::AssertionOptions out{ c.id, c.challenge, rpId(), kTimeoutMs, {} };
    for (const store::PasskeyRow &p : mine.value())
        out.allowCredentials << p.id;
    return out;
}

Result<store::PasskeyRow> PasskeyService::checkAssertion(const Actor &actor,
                                                         const api::AssertionInput &in,
                                                         const QString &purpose,
                                                         const QString &approvalId)
{
    store::PasskeyStore passkeys(m_ctx.db);
    const qint64 now = m_ctx.clock.nowMs();
    auto challenge = passkeys.takeChallenge(in.challengeId, actor.userId, purpose, now);
    if (!challenge)
        return challenge.error();
    // Bound to this transaction: a challenge issued for another request does not approve this one.
    if (!challenge.value() || challenge.value()->approvalId != approvalId)
        return kBadChallenge;
    auto passkey = passkeys.get(in.credentialId);
    if (!passkey)
        return passkey.error();
    if (!passkey.value() || passkey.value()->userId != actor.userId)
        return Error(ErrorCode::Forbidden,
                     QStringLiteral("This passkey is not registered to your account."));
    const store::PasskeyRow &p = *passkey.value();
    auto counter = webauthn::verifyAssertion(
            in.clientDataJson, in.authenticatorData, in.signature, p.publicKeySpki, p.algorithm,
            quint32(p.signCount), { challenge.value()->challenge, origin(), rpId(), true });
    if (!counter)
        return counter.error();
    auto stored = passkeys.updateCounter(p.id, p.signCount, counter.value(), now);
    if (!stored)
        return stored.error();
    if (!stored.value())
        return Error(ErrorCode::Forbidden,
                     QStringLiteral("The passkey was used concurrently; try again."));
    return p;
}

Result<api::Approval> PasskeyService::approveFinish(const Actor &actor, const QString &txnId,
                                                    const api::AssertionInput &in)
{
    auto used = checkAssertion(actor, in, QStringLiteral("approve"), txnId);
    if (!used)
        return used.error();
    Approver me{ QStringLiteral("passkey"), actor.teamId, actor.userId, actor.email, {}, {} };
    me.passkeyVerified = true;
    auto decided = m_approvals.decide(txnId, true, me);
    if (!decided)
        return decided.error();
    return m_approvals.approval(decided.value(), false);
}

} // namespace tap::approvals
