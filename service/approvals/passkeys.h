#pragma once

#include "admin/actor.h"
#include "api/approval.h"
#include "api/deleted.h"
#include "api/passkey.h"
#include "core/result.h"

#include <functional>

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

    core::Result<api::PasskeyList> list(const admin::Actor &actor);
    // `in` carries nothing the ceremony needs yet (the name is given at the finish).
    core::Result<api::RegistrationOptions> registerBegin(const admin::Actor &actor,
                                                         const api::RegistrationBeginInput &in);
    core::Result<api::Passkey> registerFinish(const admin::Actor &actor,
                                              const api::RegistrationInput &in);
    core::Result<api::Deleted> remove(const admin::Actor &actor, const QString &id);

    core::Result<api::AssertionOptions> approveBegin(const admin::Actor &actor,
                                                     const QString &txnId);
    core::Result<api::Approval> approveFinish(const admin::Actor &actor, const QString &txnId,
                                              const api::AssertionInput &in);

    // Re-authentication of the session (passkeyproof.cpp). The password is checked on the
    // hasher's pool; `done` is called on `context`'s thread.
    using ReauthCallback = std::function<void(core::Result<api::Reauthenticated>)>;
    void reauthPassword(const admin::Actor &actor, const api::ReauthPasswordInput &in,
                        QObject *context, ReauthCallback done);
    core::Result<api::AssertionOptions> reauthBegin(const admin::Actor &actor);
    core::Result<api::Reauthenticated> reauthFinish(const admin::Actor &actor,
                                                    const api::AssertionInput &in);

    QString rpId() const;
    QString origin() const;

private:
    // Forbidden (reauth_required) unless the session carries a fresh enough proof of the kind
    // a member with `passkeyCount` passkeys needs.
    core::Result<void> requireFreshProof(const admin::Actor &actor, qsizetype passkeyCount);
    // What a member with `passkeyCount` passkeys confirms with.
    static api::ReauthMethod proofNeeded(qsizetype passkeyCount);
    api::ReauthState proofState(const admin::Actor &actor, qsizetype passkeyCount);
    core::Result<api::Reauthenticated> finishProof(const admin::Actor &actor,
                                                   api::ReauthMethod method);
    // Mails the member that `passkey` was added (or removed).
    core::Result<void> notifyChange(const admin::Actor &actor, const store::PasskeyRow &passkey,
                                    bool added);
    void notifyLocked(const admin::Actor &actor);

    // A WebAuthn assertion ceremony with the member's passkeys: the options, and the check of
    // the answer (single-use challenge of `purpose`, bound to `approvalId` when not empty;
    // counter stored). Returns the passkey that signed.
    core::Result<api::AssertionOptions>
    beginAssertion(const admin::Actor &actor, const QString &purpose, const QString &approvalId);
    core::Result<store::PasskeyRow> checkAssertion(const admin::Actor &actor,
                                                   const api::AssertionInput &in,
                                                   const QString &purpose,
                                                   const QString &approvalId);

    admin::Context &m_ctx;
    ApprovalService &m_approvals;
};

} // namespace tap::approvals
