// Fresh proof for passkey changes (README "Hardening"): re-authentication of a session with the
// password or a passkey assertion, the five-minute freshness check that registering and removing
// a passkey make, and the mails that tell the member about a change.
#include "approvals/passkeys.h"

#include "admin/context.h"
#include "channels/mailer.h"
#include "core/clock.h"
#include "core/logging.h"
#include "crypto/passwordhasher.h"
#include "store/passkeystore.h"

namespace tap::approvals {

using admin::Actor;
using api::ReauthMethod;
using core::Error;
using core::ErrorCode;
using core::Result;

namespace {

QString throttleKey(const Actor &actor)
{
    return QStringLiteral("reauth:") + actor.sessionKey;
}

Error reauthRequired(ReauthMethod needed)
{
    return Error(ErrorCode::ReauthRequired,
                 needed == ReauthMethod::Passkey
                         ? QStringLiteral("Adding or removing a passkey needs a fresh "
                                          "confirmation with one of your passkeys (POST "
                                          "/admin/reauth/passkey/begin and /finish; your password "
                                          "is not enough once you have a passkey), then try "
                                          "again within 5 minutes.")
                         : QStringLiteral("Adding or removing a passkey needs a fresh "
                                          "confirmation of your password (POST /admin/reauth "
                                          "with {\"password\": ...}), then try again within 5 "
                                          "minutes."));
}

} // namespace

ReauthMethod PasskeyService::proofNeeded(qsizetype passkeyCount)
{
    return passkeyCount > 0 ? ReauthMethod::Passkey : ReauthMethod::Password;
}

Result<void> PasskeyService::requireFreshProof(const Actor &actor, qsizetype passkeyCount)
{
    const ReauthMethod needed = proofNeeded(passkeyCount);
    if (actor.sessionKey.isEmpty())
        return reauthRequired(needed);
    auto proof = store::PasskeyStore(m_ctx.db).sessionProof(actor.sessionKey);
    if (!proof)
        return proof.error();
    const qint64 now = m_ctx.clock.nowMs();
    // A passkey assertion also stands for the password; the password never for a passkey.
    if (!proof.value() || proof.value()->at <= 0 || proof.value()->at > now
        || now - proof.value()->at > kReauthWindowMs
        || (needed == ReauthMethod::Passkey
            && proof.value()->method != api::reauthMethodName(ReauthMethod::Passkey)))
        return reauthRequired(needed);
    return {};
}

api::ReauthState PasskeyService::proofState(const Actor &actor, qsizetype passkeyCount)
{
    api::ReauthState state{ proofNeeded(passkeyCount), {} };
    if (requireFreshProof(actor, passkeyCount)) {
        auto proof = store::PasskeyStore(m_ctx.db).sessionProof(actor.sessionKey);
        if (proof && proof.value())
            state.freshUntil = core::toRfc3339(proof.value()->at + kReauthWindowMs);
    }
    return state;
}

void PasskeyService::reauthPassword(const Actor &actor, const api::ReauthPasswordInput &in,
                                    QObject *context, ReauthCallback done)
{
    auto mine = store::PasskeyStore(m_ctx.db).forUser(actor.userId);
    if (!mine)
        return done(mine.error());
    if (!mine->isEmpty())
        return done(Error(ErrorCode::PasskeyRequired,
                          QStringLiteral("You have a passkey: confirm with it instead (POST "
                                         "/admin/reauth/passkey/begin and /finish).")));
    auto user = m_ctx.accounts.userById(actor.userId);
    if (!user)
        return done(user.error());
    if (!user.value())
        return done(Error(ErrorCode::Unauthorized, QStringLiteral("No such account.")));
    // Counted before the password is checked, atomically with the lock check (as /login does):
    // a stolen session cannot outrun the limit with parallel guesses.
    const qint64 now = m_ctx.clock.nowMs();
    const QString key = throttleKey(actor);
    auto slot = m_ctx.accounts.reserveAttempt(key, now, kReauthLockMs, kMaxReauthFailures,
                                              kReauthLockMs);
    if (!slot)
        return done(slot.error());
    if (slot->refusedUntil > 0)
        return done(Error(ErrorCode::RateLimited,
                          QStringLiteral("Too many wrong passwords on this session. Try again "
                                         "later, or sign in again."))
                            .setRetryAfterSeconds(int((slot->refusedUntil - now + 999) / 1000)));
    m_ctx.hasher.verifyAsync(
            user.value()->passwordHash, core::SecretBytes(in.password.toUtf8()), context,
            [this, actor, key, lockedByThis = slot->lockedByThis, done](bool matches) {
                if (!matches) {
                    if (lockedByThis)
                        notifyLocked(actor);
                    return done(
                            Error(ErrorCode::Forbidden, QStringLiteral("The password is wrong.")));
                }
                (void)m_ctx.accounts.clearFailures(key);
                done(finishProof(actor, ReauthMethod::Password));
            });
}

Result<api::AssertionOptions> PasskeyService::reauthBegin(const Actor &actor)
{
    return beginAssertion(actor, QStringLiteral("reauth"), QString());
}

Result<api::Reauthenticated> PasskeyService::reauthFinish(const Actor &actor,
                                                          const api::AssertionInput &in)
{
    auto used = checkAssertion(actor, in, QStringLiteral("reauth"), QString());
    if (!used)
        return used.error();
    return finishProof(actor, ReauthMethod::Passkey);
}

Result<api::Reauthenticated> PasskeyService::finishProof(const Actor &actor, ReauthMethod method)
{
    const QString methodName = api::reauthMethodName(method);
    const qint64 now = m_ctx.clock.nowMs();
    auto marked = store::PasskeyStore(m_ctx.db).markSessionProof(actor.sessionKey, methodName, now);
    if (!marked)
        return marked.error();
    if (!marked.value())
        return Error(ErrorCode::Unauthorized,
                     QStringLiteral("The session has ended; log in again."));
    m_ctx.recordChange(actor, QStringLiteral("session.reauth"), actor.email,
                       { { QStringLiteral("method"), methodName } });
    return api::Reauthenticated{ method, core::toRfc3339(now + kReauthWindowMs) };
}

Result<void> PasskeyService::notifyChange(const Actor &actor, const store::PasskeyRow &passkey,
                                          bool added)
{
    const QString when = core::toRfc3339(m_ctx.clock.nowMs());
    const QString from =
            actor.remoteAddr.isEmpty() ? QStringLiteral("an unknown address") : actor.remoteAddr;
    const QString what = added ? QStringLiteral("added to") : QStringLiteral("removed from");
    QString body = QStringLiteral("A passkey was %1 your TAP account %2.\n\n"
                                  "Passkey: %3 (created %4)\n"
                                  "When: %5\n"
                                  "From: %6\n\n")
                           .arg(what, actor.email, passkey.name, core::toRfc3339(passkey.createdAt),
                                when, from);
    body += QStringLiteral("If this was not you, someone holds one of your TAP sessions and "
                           "your password or passkey: tell your team's owner at once.\n");
    return m_ctx.mailer.send(
            { actor.email,
              added ? QStringLiteral("A passkey was added to your TAP account")
                    : QStringLiteral("A passkey was removed from your TAP account"),
              body });
}

void PasskeyService::notifyLocked(const Actor &actor)
{
    const QString body =
            QStringLiteral("Your TAP password was given wrongly %1 times to confirm a session "
                           "of your account %2, from %3, at %4. That session cannot confirm the "
                           "password for the next %5 minutes.\n\n"
                           "If this was not you, someone holds one of your TAP sessions: sign "
                           "out everywhere you can and tell your team's owner.\n")
                    .arg(QString::number(kMaxReauthFailures), actor.email,
                         actor.remoteAddr.isEmpty() ? QStringLiteral("an unknown address")
                                                    : actor.remoteAddr,
                         core::toRfc3339(m_ctx.clock.nowMs()),
                         QString::number(kReauthLockMs / 60000));
    if (!m_ctx.mailer.send(
                { actor.email, QStringLiteral("Wrong passwords on a TAP session of yours"), body }))
        core::logEvent(core::lcAudit(), QtWarningMsg,
                       QStringLiteral("re-authentication lock notice not sent"),
                       { { QStringLiteral("team_id"), actor.teamId } });
}

} // namespace tap::approvals
