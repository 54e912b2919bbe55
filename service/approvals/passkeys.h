#pragma once

#include "admin/actor.h"
#include "admin/reply.h"

#include <QUrl>

namespace tap::admin {
struct Context;
}

namespace tap::approvals {

class ApprovalService;

// Passkey step-up (issue #6): members register WebAuthn passkeys (relying party id and origin
// from --public-url), and approvals whose credential policy says require_passkey are approved
// only with an assertion from an eligible approver's passkey, on the approval page. Challenges
// are random, short-lived, bound to the user (and for approvals to the transaction) and used
// once. Verification is crypto/webauthn.h (W3C WebAuthn Level 2 §7.1/§7.2).
class PasskeyService
{
public:
    static constexpr qint64 kChallengeTtlMs = 5 * 60 * 1000;

    PasskeyService(admin::Context &context, ApprovalService &approvals);

    admin::Outcome list(const admin::Actor &actor);
    admin::Outcome registerBegin(const admin::Actor &actor, const QJsonObject &body);
    admin::Outcome registerFinish(const admin::Actor &actor, const QJsonObject &body);
    admin::Outcome remove(const admin::Actor &actor, const QString &id);

    admin::Outcome approveBegin(const admin::Actor &actor, const QString &txnId);
    admin::Outcome approveFinish(const admin::Actor &actor, const QString &txnId,
                                 const QJsonObject &body);

    QString rpId() const;
    QString origin() const;

private:
    admin::Context &m_ctx;
    ApprovalService &m_approvals;
};

} // namespace tap::approvals
