#include "approvals/passkeys.h"

#include "admin/context.h"
#include "api/validation.h"
#include "core/logging.h"
#include "approvals/approvalservice.h"
#include "crypto/webauthn.h"
#include "store/approvalstore.h"
#include "store/passkeystore.h"

#include <QJsonArray>

#include <algorithm>

namespace tap::approvals {

using admin::Actor;
using admin::Outcome;
using core::Error;
using core::ErrorCode;
using core::Result;
namespace webauthn = crypto::webauthn;

namespace {

constexpr int kChallengeBytes = 32;
constexpr int kTimeoutMs = 120000;

QJsonObject passkeyJson(const store::PasskeyRow &p)
{
    return { { QStringLiteral("id"), p.id },
             { QStringLiteral("name"), p.name },
             { QStringLiteral("algorithm"), p.algorithm },
             { QStringLiteral("created_at"), core::toRfc3339(p.createdAt) },
             { QStringLiteral("last_used_at"),
               p.lastUsedAt > 0 ? QJsonValue(core::toRfc3339(p.lastUsedAt)) : QJsonValue() } };
}

// A required base64url field, decoded.
Result<QByteArray> bytesField(const QJsonObject &body, const QString &key)
{
    const QJsonValue v = body.value(key);
    if (!v.isString() || v.toString().isEmpty())
        return Error(ErrorCode::InvalidRequest, QStringLiteral("%1 is required.").arg(key));
    auto decoded = webauthn::base64UrlDecode(v.toString());
    if (!decoded)
        return Error(ErrorCode::InvalidRequest,
                     QStringLiteral("%1 must be base64url without padding.").arg(key));
    return decoded.value();
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

Outcome PasskeyService::list(const Actor &actor)
{
    auto rows = store::PasskeyStore(m_ctx.db).forUser(actor.userId);
    if (!rows)
        return rows.error();
    QJsonArray items;
    for (const store::PasskeyRow &p : rows.value())
        items.append(passkeyJson(p));
    return admin::ok({ { QStringLiteral("items"), items },
                       { QStringLiteral("rp_id"), rpId() },
                       { QStringLiteral("origin"), origin() },
                       { QStringLiteral("reauth"), proofState(actor, rows->size()) } });
}

Outcome PasskeyService::registerBegin(const Actor &actor, const QJsonObject &body)
{
    if (auto r = api::JsonFields(body).onlyKnown({ QStringLiteral("name") }); !r)
        return r.error();
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
    QJsonArray exclude;
    for (const store::PasskeyRow &p : existing.value())
        exclude.append(p.id);
    return admin::ok(
            { { QStringLiteral("challenge_id"), c.id },
              { QStringLiteral("challenge"),
                QString::fromLatin1(webauthn::base64UrlEncode(c.challenge)) },
              { QStringLiteral("rp"),
                QJsonObject{ { QStringLiteral("id"), rpId() },
                             { QStringLiteral("name"), QStringLiteral("TAP") } } },
              { QStringLiteral("user"),
                QJsonObject{
                        { QStringLiteral("id"),
                          QString::fromLatin1(webauthn::base64UrlEncode(actor.userId.toUtf8())) },
                        { QStringLiteral("name"), actor.email },
                        { QStringLiteral("display_name"), actor.email } } },
              { QStringLiteral("pub_key_cred_params"),
                QJsonArray{ int(webauthn::Algorithm::ES256), int(webauthn::Algorithm::EdDSA),
                            int(webauthn::Algorithm::RS256) } },
              { QStringLiteral("timeout_ms"), kTimeoutMs },
              { QStringLiteral("attestation"), QStringLiteral("none") },
              { QStringLiteral("user_verification"), QStringLiteral("required") },
              { QStringLiteral("exclude_credentials"), exclude } });
}

Outcome PasskeyService::registerFinish(const Actor &actor, const QJsonObject &body)
{
    api::JsonFields f(body);
    if (auto r = f.onlyKnown({ QStringLiteral("challenge_id"), QStringLiteral("name"),
                               QStringLiteral("client_data_json"),
                               QStringLiteral("attestation_object") });
        !r)
        return r.error();
    auto challengeId = f.string(QStringLiteral("challenge_id"), true);
    if (!challengeId)
        return challengeId.error();
    auto name = f.string(QStringLiteral("name"), false, QStringLiteral("Passkey"));
    if (!name)
        return name.error();
    if (name->trimmed().isEmpty() || name->size() > 64)
        return Error(ErrorCode::InvalidRequest, QStringLiteral("name must be 1 to 64 characters."));
    auto clientData = bytesField(body, QStringLiteral("client_data_json"));
    if (!clientData)
        return clientData.error();
    auto attestation = bytesField(body, QStringLiteral("attestation_object"));
    if (!attestation)
        return attestation.error();
    store::PasskeyStore passkeys(m_ctx.db);
    // Checked again at the end of the ceremony: the proof may have gone stale since begin, or
    // the member may have added a first passkey meanwhile (then the password is not enough).
    auto existing = passkeys.forUser(actor.userId);
    if (!existing)
        return existing.error();
    if (auto r = requireFreshProof(actor, existing->size()); !r)
        return r.error();
    const qint64 now = m_ctx.clock.nowMs();
    auto challenge = passkeys.takeChallenge(challengeId.value(), actor.userId,
                                            QStringLiteral("register"), now);
    if (!challenge)
        return challenge.error();
    if (!challenge.value())
        return kBadChallenge;
    auto registered =
            webauthn::verifyRegistration(clientData.value(), attestation.value(),
                                         { challenge.value()->challenge, origin(), rpId(), true });
    if (!registered)
        return registered.error();
    store::PasskeyRow p;
    p.id = QString::fromLatin1(webauthn::base64UrlEncode(registered->credentialId));
    p.userId = actor.userId;
    p.name = name->trimmed();
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
    return admin::ok(passkeyJson(p), 201);
}

Outcome PasskeyService::remove(const Actor &actor, const QString &id)
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
    return m_ctx.finishRemoval(actor, removed,
                               Error(ErrorCode::NotFound, QStringLiteral("No such passkey.")),
                               QStringLiteral("passkey.delete"), id);
}

Outcome PasskeyService::approveBegin(const Actor &actor, const QString &txnId)
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

Outcome PasskeyService::beginAssertion(const Actor &actor, const QString &purpose,
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
    QJsonArray allow;
    for (const store::PasskeyRow &p : mine.value())
        allow.append(p.id);
    return admin::ok({ { QStringLiteral("challenge_id"), c.id },
                       { QStringLiteral("challenge"),
                         QString::fromLatin1(webauthn::base64UrlEncode(c.challenge)) },
                       { QStringLiteral("rp_id"), rpId() },
                       { QStringLiteral("timeout_ms"), kTimeoutMs },
                       { QStringLiteral("user_verification"), QStringLiteral("required") },
                       { QStringLiteral("allow_credentials"), allow } });
}

Result<store::PasskeyRow> PasskeyService::checkAssertion(const Actor &actor,
                                                         const QJsonObject &body,
                                                         const QString &purpose,
                                                         const QString &approvalId)
{
    api::JsonFields f(body);
    if (auto r = f.onlyKnown({ QStringLiteral("challenge_id"), QStringLiteral("credential_id"),
                               QStringLiteral("client_data_json"),
                               QStringLiteral("authenticator_data"), QStringLiteral("signature"),
                               QStringLiteral("user_handle") });
        !r)
        return r.error();
    auto challengeId = f.string(QStringLiteral("challenge_id"), true);
    if (!challengeId)
        return challengeId.error();
    auto credentialId = f.string(QStringLiteral("credential_id"), true);
    if (!credentialId)
        return credentialId.error();
    auto clientData = bytesField(body, QStringLiteral("client_data_json"));
    if (!clientData)
        return clientData.error();
    auto authData = bytesField(body, QStringLiteral("authenticator_data"));
    if (!authData)
        return authData.error();
    auto signature = bytesField(body, QStringLiteral("signature"));
    if (!signature)
        return signature.error();

    store::PasskeyStore passkeys(m_ctx.db);
    const qint64 now = m_ctx.clock.nowMs();
    auto challenge = passkeys.takeChallenge(challengeId.value(), actor.userId, purpose, now);
    if (!challenge)
        return challenge.error();
    // Bound to this transaction: a challenge issued for another request does not approve this one.
    if (!challenge.value() || challenge.value()->approvalId != approvalId)
        return kBadChallenge;
    auto passkey = passkeys.get(credentialId.value());
    if (!passkey)
        return passkey.error();
    if (!passkey.value() || passkey.value()->userId != actor.userId)
        return Error(ErrorCode::Forbidden,
                     QStringLiteral("This passkey is not registered to your account."));
    const store::PasskeyRow &p = *passkey.value();
    auto counter = webauthn::verifyAssertion(
            clientData.value(), authData.value(), signature.value(), p.publicKeySpki, p.algorithm,
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
                                                    const QJsonObject &body)
{
    auto used = checkAssertion(actor, body, QStringLiteral("approve"), txnId);
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
