// Sign-up (AccountService::signup): a new team with an unverified owner, or an invited account.
// Unverified sign-ups expire after kUnverifiedLifetimeMs and are taken over by a new sign-up or
// an invited sign-up for their address (only the mailbox owner can verify or accept, so the
// address goes to whoever proves to own it); sign-ups are throttled per client address.

#include "admin/accounts.h"
#include "admin/accounts_p.h"
#include "api/validation.h"
#include "crypto/passwordhasher.h"

#include <QHostAddress>

namespace tap::admin {

using core::Error;
using core::ErrorCode;
using core::Result;

namespace {

const QString kSignupLimitTeam = QStringLiteral("-"); // rate limits that belong to no team

// The throttling key of a client: its IPv4 address, or the /64 of an IPv6 address (one host
// usually has a whole /64).
QString signupBucket(const QString &remoteAddr)
{
    const QHostAddress address(remoteAddr);
    bool isV4 = false;
    const quint32 v4 = address.toIPv4Address(&isV4);
    if (isV4)
        return QStringLiteral("signup:") + QHostAddress(v4).toString();
    if (address.protocol() == QAbstractSocket::IPv6Protocol) {
        Q_IPV6ADDR bytes = address.toIPv6Address();
        for (int i = 8; i < 16; ++i)
            bytes[i] = 0;
        return QStringLiteral("signup:") + QHostAddress(bytes).toString() + QStringLiteral("/64");
    }
    return QStringLiteral("signup:") + remoteAddr;
}

Error accountExists()
{
    return Error(ErrorCode::Conflict,
                 QStringLiteral("An account with this email already exists; log in instead."));
}

} // namespace

bool AccountService::signupExpired(const store::UserRow &user) const
{
    return !user.emailVerified && user.createdAt + kUnverifiedLifetimeMs <= m_ctx.clock.nowMs();
}

Result<void> AccountService::admitSignup(const QString &remoteAddr)
{
    const int limit = qMax(1, m_ctx.signupsPerHour);
    const qint64 now = m_ctx.clock.nowMs();
    auto wait =
            m_ctx.rateLimits.admit({ { kSignupLimitTeam, signupBucket(remoteAddr), limit } }, now);
    if (!wait)
        return wait.error();
    if (wait.value() > 0)
        return Error(ErrorCode::RateLimited,
                     QStringLiteral("Too many sign-ups from your address; try again later."))
                .setRetryAfterSeconds(int((wait.value() + 999) / 1000));
    return {};
}

void AccountService::signup(const api::SignupInput &in, const QString &remoteAddr, QObject *context,
                            SignupCallback done)
{
    // Cheap checks first, so a doomed sign-up does not cost a password hash.
    if (auto r = admitSignup(remoteAddr); !r)
        return done(r.error());
    // Expired sign-ups give their address and team name back.
    if (auto r = m_ctx.signups.purgeUnverified(m_ctx.clock.nowMs() - kUnverifiedLifetimeMs); !r)
        return done(r.error());
    auto existing = m_ctx.accounts.userByEmail(in.email);
    if (!existing)
        return done(existing.error());
    if (existing.value() && existing.value()->emailVerified)
        return done(accountExists()); // an unverified one is taken over in finishSignup()
    api::SignupInput kept = in;
    kept.password.clear(); // hashed from here on
    m_ctx.hasher.hashAsync(
            core::SecretBytes(in.password.toUtf8()), context,
            [this, kept, done](const QString &hash) {
                if (hash.isEmpty())
                    return done(
                            Error(ErrorCode::Unavailable,
                                  QStringLiteral(
                                          "The server is too busy to create accounts right now.")));
                done(finishSignup(kept, hash));
            });
}

Result<api::SignedUp> AccountService::finishInvitedSignup(const store::UserRow &user,
                                                          const QString &inviteToken)
{
    const qint64 now = user.createdAt;
    auto invite = usableInvite(m_ctx, user, inviteToken, now);
    if (!invite)
        return invite.error();
    // One transaction: a failed join leaves no account behind, and an unverified sign-up
    // holding the address is replaced only if this one succeeds. (Not acceptInvite(): that
    // opens its own transaction, and transactions do not nest.)
    auto created = m_ctx.db.transaction([&]() -> Result<void> {
        if (auto r = m_ctx.signups.freeAddress(user.email); !r)
            return r.error();
        if (auto r = m_ctx.accounts.createUser(user); !r)
            return r.error().code() == ErrorCode::Conflict ? Result<void>(accountExists()) : r;
        return joinInvitedTeam(m_ctx, user, invite.value(), now);
    });
    if (!created)
        return created.error();
    const QString teamId = invite->teamId;
    m_ctx.recordChange(Actor{ user.id, teamId, user.email, invite->role, QString() },
                       QStringLiteral("member.join"), user.email,
                       { { QStringLiteral("role"), invite->role } });
    return api::SignedUp{
        teamId,  QString(),
        user.id, user.email,
        true,    QStringLiteral("Account created and invitation accepted; you can log in.")
    };
}

Result<api::SignedUp> AccountService::finishSignup(const api::SignupInput &in,
                                                   const QString &passwordHash)
{
    const qint64 now = m_ctx.clock.nowMs();
    store::UserRow user;
    user.id = m_ctx.random.uuid();
    user.email = in.email;
    user.passwordHash = passwordHash;
    user.createdAt = now;
    if (!in.inviteToken.isEmpty()) {
        user.emailVerified = true; // the invitation reached this address
        return finishInvitedSignup(user, in.inviteToken);
    }
    store::TeamRow team{ m_ctx.random.uuid(), in.teamName, now };
    if (auto r = m_ctx.accounts.createTeamWithOwner(team, user, false, true); !r) {
        if (r.error().code() != ErrorCode::Conflict)
            return r.error();
        auto again = m_ctx.accounts.userByEmail(user.email);
        if (again && again.value() && again.value()->emailVerified)
            return accountExists();
        return Error(ErrorCode::Conflict,
                     QStringLiteral("The team name \"%1\" is already taken.").arg(team.name));
    }
    Actor actor{ user.id, team.id, user.email, QStringLiteral("owner"), QString() };
    m_ctx.recordChange(actor, QStringLiteral("team.create"), team.name);
    QString message = QStringLiteral("A 6-digit verification code was sent to %1.").arg(user.email);
    if (!sendVerificationCode(user))
        message = QStringLiteral(
                "The account was created, but the verification code could not be sent; "
                "ask for a new one with /resend-verification.");
    return api::SignedUp{ team.id, team.name, user.id, user.email, false, message };
}

} // namespace tap::admin
