#pragma once

#include "admin/actor.h"
#include "admin/context.h"
#include "api/account.h"

#include <functional>

class QObject;

namespace tap::admin {

// Human accounts (routes in app/adminapi.cpp addAccountRoutes): sign-up with a team, email
// verification by 6-digit code, log-in with a 24 h session, log-out, invitations.
//
// Password hashing runs on the hasher's pool; operations that need it take a `context`
// living in the caller's thread and call `done` there.
class AccountService
{
public:
    static constexpr qint64 kSessionLifetimeMs = 24 * 3600 * 1000;
    static constexpr qint64 kCodeLifetimeMs = 15 * 60 * 1000;
    static constexpr int kMaxCodeAttempts = 5;
    static constexpr int kMaxLoginFailures = 5;
    static constexpr qint64 kLoginWindowMs = 15 * 60 * 1000;
    static constexpr qint64 kLoginLockMs = 5 * 60 * 1000;
    // An unverified sign-up holds its address and team name this long; until then a new
    // sign-up or an invited sign-up for the address replaces it.
    static constexpr qint64 kUnverifiedLifetimeMs = 24 * 3600 * 1000;

    explicit AccountService(Context &context) : m_ctx(context) { }

    using SignupCallback = std::function<void(core::Result<api::SignedUp>)>;
    using LoginCallback = std::function<void(core::Result<api::Session>)>;
    void signup(const api::SignupInput &in, const QString &remoteAddr, QObject *context,
                SignupCallback done);
    core::Result<api::Notice> verifyEmail(const api::VerifyEmailInput &in);
    core::Result<api::Notice> resendVerification(const api::ResendVerificationInput &in);
    void login(const api::LoginInput &in, const QString &remoteAddr, QObject *context,
               LoginCallback done);
    core::Result<api::LoggedOut> logout(const QByteArray &authorization);

    // Resolves "Bearer taps_…" to the member it belongs to (401 otherwise).
    core::Result<Actor> authenticate(const QByteArray &authorization, const QString &remoteAddr);

private:
    core::Result<void> sendVerificationCode(const store::UserRow &user);
    QString codeHash(const QString &userId, const QString &code) const;
    core::Result<api::SignedUp> finishSignup(const api::SignupInput &in,
                                             const QString &passwordHash);
    core::Result<api::SignedUp> finishInvitedSignup(const store::UserRow &user,
                                                    const QString &inviteToken);
    core::Result<void> admitSignup(const QString &remoteAddr);
    bool signupExpired(const store::UserRow &user) const;
    core::Result<api::Session> finishLogin(const store::UserRow &user, const api::LoginInput &in,
                                           const QString &remoteAddr);
    core::Result<void> acceptInvite(const store::UserRow &user, const QString &inviteToken,
                                    QString *teamId);

    Context &m_ctx;
};

} // namespace tap::admin
