#pragma once

#include "admin/actor.h"
#include "admin/reply.h"
#include "api/approval.h"

#include <QUrl>

class QObject;

namespace tap::admin {
struct Context;
}
namespace tap::store {
struct PasskeyRow;
}

namespace tap::approvals {

class ApprovalService;

// Passkey step-up (README "Human approval"): members register WebAuthn passkeys (RP id and origin
// from --public-url), and approvals whose credential policy says require_passkey are approved
// only with an assertion from an eligible approver's passkey, on the approval page. Challenges
// are random, short-lived, bound to the user (and for approvals to the transaction) and used
// once. Verification is crypto/webauthn.h (W3C WebAuthn Level 2 §7.1/§7.2).
//
// Adding or removing a passkey needs fresh proof on the session (README "Hardening"), so that a
// stolen session token cannot add the thief's own passkey: within kReauthWindowMs before, the
// member confirmed on this session their password (members without a passkey) or an assertion
// of one of their passkeys (members with one: the password alone is not enough). Password
// confirmations are limited per session (kMaxReauthFailures, then kReauthLockMs). The member is
// mailed when a passkey is added or removed (passkeyproof.cpp).
class PasskeyService
{
public:
    static constexpr qint64 kChallengeTtlMs = 5 * 60 * 1000;
    static constexpr qint64 kReauthWindowMs = 5 * 60 * 1000;
    static constexpr int kMaxReauthFailures = 5;
    static constexpr qint64 kReauthLockMs = 15 * 60 * 1000;

    PasskeyService(admin::Context &context, ApprovalService &approvals);

    admin::Outcome list(const admin::Actor &actor);
    admin::Outcome registerBegin(const admin::Actor &actor, const QJsonObject &body);
    admin::Outcome registerFinish(const admin::Actor &actor, const QJsonObject &body);
    admin::Outcome remove(const admin::Actor &actor, const QString &id);

    admin::Outcome approveBegin(const admin::Actor &actor, const QString &txnId);
    core::Result<api::Approval> approveFinish(const admin::Actor &actor, const QString &txnId,
                                              const QJsonObject &body);

    // Re-authentication of the session (passkeyproof.cpp). The password is checked on the
    // hasher's pool; `done` is called on `context`'s thread.
    void reauthPassword(const admin::Actor &actor, const QJsonObject &body, QObject *context,
                        admin::OutcomeCallback done);
    admin::Outcome reauthBegin(const admin::Actor &actor);
    admin::Outcome reauthFinish(const admin::Actor &actor, const QJsonObject &body);

    QString rpId() const;
    QString origin() const;

private:
    // Forbidden (reauth_required) unless the session carries a fresh enough proof of the kind
    // a member with `passkeyCount` passkeys needs.
    core::Result<void> requireFreshProof(const admin::Actor &actor, qsizetype passkeyCount);
    // "password" or "passkey": what a member with `passkeyCount` passkeys confirms with.
    static QString proofNeeded(qsizetype passkeyCount);
    QJsonObject proofState(const admin::Actor &actor, qsizetype passkeyCount);
    admin::Outcome finishProof(const admin::Actor &actor, const QString &method);
    // Mails the member that `passkey` was added (or removed).
    core::Result<void> notifyChange(const admin::Actor &actor, const store::PasskeyRow &passkey,
                                    bool added);
    void notifyLocked(const admin::Actor &actor);

    // A WebAuthn assertion ceremony with the member's passkeys: the options, and the check of
    // the answer (single-use challenge of `purpose`, bound to `approvalId` when not empty;
    // counter stored). Returns the passkey that signed.
    admin::Outcome beginAssertion(const admin::Actor &actor, const QString &purpose,
                                  const QString &approvalId);
    core::Result<store::PasskeyRow> checkAssertion(const admin::Actor &actor,
                                                   const QJsonObject &body, const QString &purpose,
                                                   const QString &approvalId);

    admin::Context &m_ctx;
    ApprovalService &m_approvals;
};

} // namespace tap::approvals
