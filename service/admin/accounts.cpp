#include "admin/accounts.h"
#include "admin/accounts_p.h"

#include "api/validation.h"
#include "channels/mailer.h"
#include "core/clock.h"
#include "crypto/keyring.h"
#include "crypto/passwordhasher.h"
#include "crypto/tokens.h"

#include <QJsonDocument>
#include <QRegularExpression>

namespace tap::admin {

using core::Error;
using core::ErrorCode;
using core::Result;

namespace {

constexpr qint64 kResendCooldownMs = 60 * 1000;
constexpr int kMaxFailuresPerAddress = 20;

Error invalidCode()
{
    return Error(ErrorCode::InvalidRequest, QStringLiteral("The code is invalid or has expired."));
}

Error badLogin()
{
    return Error(ErrorCode::Unauthorized, QStringLiteral("Invalid email or password."));
}

} // namespace

QString normalizedEmail(const QString &email)
{
    return api::normalizedEmail(email);
}

// The pending invitation behind `inviteToken`, if `user` may accept it now.
Result<store::InviteRow> usableInvite(Context &ctx, const store::UserRow &user,
                                      const QString &inviteToken, qint64 now)
{
    auto invite = ctx.accounts.inviteByTokenHash(ctx.keys.tokenHash(inviteToken.toUtf8()));
    if (!invite)
        return invite.error();
    if (!invite.value() || invite.value()->acceptedAt > 0 || invite.value()->expiresAt <= now)
        return Error(ErrorCode::InvalidRequest,
                     QStringLiteral("The invitation is invalid or has expired."));
    if (normalizedEmail(invite.value()->email) != normalizedEmail(user.email))
        return Error(ErrorCode::Forbidden,
                     QStringLiteral("This invitation was sent to another address."));
    return *invite.value();
}

// Uses up the invitation and adds `user` to its team. Runs inside the caller's transaction
// (Database::transaction() is not re-entrant).
Result<void> joinInvitedTeam(Context &ctx, const store::UserRow &user, const store::InviteRow &i,
                             qint64 now)
{
    if (auto r = ctx.accounts.markInviteAccepted(i.id, now); !r)
        return r;
    auto existing = ctx.accounts.member(i.teamId, user.id);
    if (!existing)
        return existing.error();
    if (existing.value())
        return {};
    return ctx.accounts.addMember(i.teamId, user.id, i.role, now);
}

QString AccountService::codeHash(const QString &userId, const QString &code) const
{
    // Bound to the user: a code is only good for the address it was sent to.
    return m_ctx.keys.tokenHash(QStringLiteral("verify:%1:%2").arg(userId, code).toUtf8());
}

Result<void> AccountService::sendVerificationCode(const store::UserRow &user)
{
    const qint64 now = m_ctx.clock.nowMs();
    const QString code = crypto::newNumericCode(m_ctx.random);
    if (auto r = m_ctx.accounts.putVerification(user.id, codeHash(user.id, code),
                                                now + kCodeLifetimeMs, now);
        !r)
        return r;
    return m_ctx.mailer.send(
            { user.email, QStringLiteral("Your TAP verification code"),
              QStringLiteral("Your TAP verification code is %1.\n\n"
                             "It expires in 15 minutes. If you did not sign up for TAP, "
                             "you can ignore this message.\n")
                      .arg(code) });
}

Result<api::Notice> AccountService::verifyEmail(const api::VerifyEmailInput &in)
{
    auto user = m_ctx.accounts.userByEmail(in.email);
    if (!user)
        return user.error();
    if (!user.value() || signupExpired(*user.value()))
        return invalidCode();
    auto pending = m_ctx.accounts.verification(user.value()->id);
    if (!pending)
        return pending.error();
    if (!pending.value())
        return invalidCode();
    const auto &v = *pending.value();
    const auto tooManyCodes = [] {
        return Error(ErrorCode::RateLimited,
                     QStringLiteral(
                             "Too many wrong codes. Ask for a new code with /resend-verification."))
                .setRetryAfterSeconds(int(kResendCooldownMs / 1000));
    };
    if (v.attempts >= kMaxCodeAttempts)
        return tooManyCodes();
    if (v.expiresAt <= m_ctx.clock.nowMs())
        return Error(
                ErrorCode::InvalidRequest,
                QStringLiteral(
                        "The code has expired. Ask for a new code with /resend-verification."));
    // The attempt is counted before the code is compared, atomically with the limit: parallel
    // guesses cannot get past it. (A right code uses one too; its row is deleted anyway.)
    auto taken = m_ctx.accounts.takeVerificationAttempt(user.value()->id, kMaxCodeAttempts);
    if (!taken)
        return taken.error();
    if (!taken.value())
        return tooManyCodes();
    if (!core::constantTimeEquals(codeHash(user.value()->id, in.code).toLatin1(),
                                  v.codeHash.toLatin1()))
        return invalidCode();
    if (auto r = m_ctx.accounts.markEmailVerified(user.value()->id, m_ctx.clock.nowMs()); !r)
        return r.error();
    if (auto r = m_ctx.accounts.deleteVerification(user.value()->id); !r)
        return r.error();
    return api::Notice{ QStringLiteral("Email verified; you can log in."), true };
}

Result<api::Notice> AccountService::resendVerification(const api::ResendVerificationInput &in)
{
    // The answer is the same whether or not the account exists, so it reveals nothing.
    const api::Notice generic{ QStringLiteral(
            "If that address has an unverified account, a new code is on its way.") };
    auto user = m_ctx.accounts.userByEmail(in.email);
    if (!user)
        return user.error();
    if (!user.value() || user.value()->emailVerified || signupExpired(*user.value()))
        return generic;
    auto pending = m_ctx.accounts.verification(user.value()->id);
    if (!pending)
        return pending.error();
    if (pending.value() && pending.value()->createdAt + kResendCooldownMs > m_ctx.clock.nowMs())
        return generic;
    if (auto r = sendVerificationCode(*user.value()); !r)
        return r.error();
    return generic;
}

void AccountService::login(const api::LoginInput &in, const QString &remoteAddr, QObject *context,
                           LoginCallback done)
{
    const QString &address = in.email;
    const qint64 now = m_ctx.clock.nowMs();
    const QString emailKey = QStringLiteral("email:") + m_ctx.keys.tokenHash(address.toUtf8());
    const QString addressKey = QStringLiteral("addr:") + remoteAddr;
    // Each attempt counts as a failure before the password is checked (taken back if it turns
    // out right), atomically with the lock check: parallel guesses cannot outrun the limits.
    const auto tooMany = [now](qint64 until) {
        return Error(ErrorCode::RateLimited,
                     QStringLiteral("Too many failed log-ins. Try again later."))
                .setRetryAfterSeconds(int((until - now + 999) / 1000));
    };
    auto addressSlot = m_ctx.accounts.reserveAttempt(addressKey, now, kLoginWindowMs,
                                                     kMaxFailuresPerAddress, kLoginLockMs);
    if (!addressSlot)
        return done(addressSlot.error());
    if (addressSlot->refusedUntil > 0)
        return done(tooMany(addressSlot->refusedUntil));
    auto emailSlot = m_ctx.accounts.reserveAttempt(emailKey, now, kLoginWindowMs, kMaxLoginFailures,
                                                   kLoginLockMs);
    if (!emailSlot || emailSlot->refusedUntil > 0) {
        (void)m_ctx.accounts.giveBackAttempt(addressKey, addressSlot.value());
        return done(!emailSlot ? emailSlot.error() : tooMany(emailSlot->refusedUntil));
    }
    auto user = m_ctx.accounts.userByEmail(address);
    if (!user) {
        (void)m_ctx.accounts.giveBackAttempt(addressKey, addressSlot.value());
        (void)m_ctx.accounts.giveBackAttempt(emailKey, emailSlot.value());
        return done(user.error());
    }
    // Unknown addresses are checked against a dummy hash so both cases take the same time.
    const QString hash = user.value() ? user.value()->passwordHash : m_ctx.hasher.dummyHash();
    m_ctx.hasher.verifyAsync(hash, core::SecretBytes(in.password.toUtf8()), context,
                             [this, user = user.value(), in, remoteAddr, emailKey, addressKey,
                              addressSlot = addressSlot.value(), done](bool matches) {
                                 if (!matches || !user)
                                     return done(badLogin()); // both failures stay counted
                                 (void)m_ctx.accounts.clearFailures(emailKey);
                                 (void)m_ctx.accounts.giveBackAttempt(addressKey, addressSlot);
                                 done(finishLogin(*user, in, remoteAddr));
                             });
}

Result<api::Session> AccountService::finishLogin(const store::UserRow &user,
                                                 const api::LoginInput &in,
                                                 const QString &remoteAddr)
{
    if (!user.emailVerified)
        return Error(ErrorCode::Forbidden,
                     QStringLiteral("Verify your email address first (POST /verify-email)."));
    QString teamId = in.teamId;
    const QString &inviteToken = in.inviteToken;
    if (!inviteToken.isEmpty()) {
        auto accepted = acceptInvite(user, inviteToken, &teamId);
        if (!accepted)
            return accepted.error();
    }
    auto teams = m_ctx.accounts.teamsOf(user.id);
    if (!teams)
        return teams.error();
    if (teams->isEmpty())
        return Error(ErrorCode::Forbidden,
                     QStringLiteral("This account is not a member of any team."));
    if (teamId.isEmpty())
        teamId = teams->first();
    else if (!teams->contains(teamId))
        return Error(ErrorCode::Forbidden, QStringLiteral("You are not a member of that team."));
    auto member = m_ctx.accounts.member(teamId, user.id);
    if (!member || !member.value())
        return member
                ? Error(ErrorCode::Forbidden, QStringLiteral("You are not a member of that team."))
                : member.error();
    const QString token = crypto::newToken(crypto::TokenKind::Session, m_ctx.random);
    const qint64 now = m_ctx.clock.nowMs();
    const qint64 expires = now + kSessionLifetimeMs;
    if (auto r = m_ctx.accounts.createSession(m_ctx.keys.tokenHash(token.toUtf8()), user.id, teamId,
                                              now, expires, remoteAddr);
        !r)
        return r.error();
    return api::Session{
        token, user.id, teamId,
        api::parseMemberRole(member.value()->role).value_or(api::MemberRole::Approver),
        core::toRfc3339(expires)
    };
}

Result<void> AccountService::acceptInvite(const store::UserRow &user, const QString &inviteToken,
                                          QString *teamId)
{
    const qint64 now = m_ctx.clock.nowMs();
    auto invite = usableInvite(m_ctx, user, inviteToken, now);
    if (!invite)
        return invite.error();
    const store::InviteRow &i = invite.value();
    auto joined = m_ctx.db.transaction(
            [&]() -> Result<void> { return joinInvitedTeam(m_ctx, user, i, now); });
    if (!joined)
        return joined.error();
    *teamId = i.teamId;
    m_ctx.recordChange(Actor{ user.id, i.teamId, user.email, i.role, QString() },
                       QStringLiteral("member.join"), user.email,
                       { { QStringLiteral("role"), i.role } });
    return {};
}

Result<api::LoggedOut> AccountService::logout(const QByteArray &authorization)
{
    auto actor = authenticate(authorization, QString());
    if (!actor)
        return actor.error();
    const QByteArray token = authorization.mid(7).trimmed();
    if (auto r = m_ctx.accounts.deleteSession(m_ctx.keys.tokenHash(token)); !r)
        return r.error();
    return api::LoggedOut{};
}

Result<Actor> AccountService::authenticate(const QByteArray &authorization,
                                           const QString &remoteAddr)
{
    const Error unauthorized(
            ErrorCode::Unauthorized,
            QStringLiteral("Missing, invalid or expired session token; log in and send "
                           "\"Authorization: Bearer <session_token>\"."));
    if (!authorization.startsWith("Bearer "))
        return unauthorized;
    const QByteArray token = authorization.mid(7).trimmed();
    if (!crypto::hasTokenShape(crypto::TokenKind::Session, QString::fromLatin1(token)))
        return unauthorized;
    const QString tokenHash = m_ctx.keys.tokenHash(token);
    auto session = m_ctx.accounts.session(tokenHash, m_ctx.clock.nowMs());
    if (!session)
        return session.error();
    if (!session.value())
        return unauthorized;
    const store::SessionRow &s = *session.value();
    return Actor{ s.userId, s.teamId, s.email, s.role, remoteAddr, tokenHash };
}

} // namespace tap::admin
