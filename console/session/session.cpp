#include "session/session.h"

#include "api/account.h"
#include "api/keys.h"
#include "session/secretstore.h"

namespace tap::console {

Session::Session(SecretStore *secrets, QObject *parent) : QObject(parent), m_secrets(secrets)
{
    connect(&m_api, &apiclient::ApiClient::sessionExpired, this, [this] {
        if (!m_signedIn)
            return;
        m_signedIn = false;
        m_api.abortAll();
        forgetToken();
        Q_EMIT expired();
    });
}

void Session::use(const Profile &profile)
{
    m_profile = profile;
    m_api.setBaseUrl(profile.url);
}

void Session::signup(const Profile &profile, const QString &password, const QString &teamName,
                     Callback done)
{
    use(profile);
    m_api.signup(profile.email, password, teamName, std::move(done));
}

void Session::signupInvited(const Profile &profile, const QString &password,
                            const QString &inviteToken, Callback done)
{
    use(profile);
    m_api.signup(profile.email, password, {}, inviteToken, std::move(done));
}

void Session::verify(const Profile &profile, const QString &code, Callback done)
{
    use(profile);
    m_api.verifyEmail(profile.email, code, std::move(done));
}

void Session::resend(const Profile &profile, Callback done)
{
    use(profile);
    m_api.resendVerification(profile.email, std::move(done));
}

void Session::login(const Profile &profile, const QString &password, Callback done)
{
    login(profile, password, {}, {}, std::move(done));
}

void Session::login(const Profile &profile, const QString &password, const QString &teamId,
                    const QString &inviteToken, Callback done)
{
    use(profile);
    m_api.login(profile.email, password, teamId, inviteToken,
                [this, done = std::move(done)](const Reply &r) {
                    if (!r.ok())
                        return done(r);
                    m_role = api::memberRoleName(api::Session::decode(r.body).role);
                    m_tokenInKeychain = false;
                    const QString token = m_api.sessionToken();
                    m_secrets->write(m_profile.key(), token,
                                     [this, token](bool ok, const QString &error) {
                                         m_tokenInKeychain = ok;
                                         if (!ok)
                                             Q_EMIT keychainUnavailable(
                                                     tr("The system keychain is not available "
                                                        "(%1). The session is kept in "
                                                        "memory for this run only; you will have "
                                                        "to log in again next time.")
                                                             .arg(error));
                                     });
                    loadTeam(done);
                });
}

void Session::restore(const Profile &profile, std::function<void(bool)> done)
{
    restore(profile, [done = std::move(done)](Restored r) { done(r == Restored::SignedIn); });
}

void Session::restore(const Profile &profile, std::function<void(Restored)> done)
{
    use(profile);
    m_secrets->read(profile.key(),
                    [this, done = std::move(done)](bool ok, const QString &token, const QString &) {
                        if (!ok || token.isEmpty())
                            return done(Restored::SignedOut);
                        m_api.setSessionToken(token);
                        m_tokenInKeychain = true;
                        loadTeam([this, done](const Reply &r) {
                            if (r.ok())
                                return done(Restored::SignedIn);
                            m_api.setSessionToken({});
                            if (r.status == 401)
                                forgetToken();
                            const bool unreachable = r.status == 0 || r.status >= 500;
                            done(unreachable ? Restored::Unreachable : Restored::SignedOut);
                        });
                    });
}

void Session::loadTeam(Callback done)
{
    apiclient::ApiClient::Options options;
    options.reportExpiry = false; // a stale token while signing in is not an expiry
    m_api.get(
            QStringLiteral("/admin/team"),
            [this, done = std::move(done)](const Reply &r) {
                if (r.ok()) {
                    m_teamName = r.body.value(api::key::kName).toString();
                    m_teamId = r.body.value(api::key::kId).toString();
                    m_role = r.body.value(api::key::kYourRole).toString(m_role);
                    m_signedIn = true;
                    m_profiles.remember(m_profile);
                    Q_EMIT signedIn();
                }
                done(r);
            },
            options);
}

void Session::logout()
{
    const bool was = m_signedIn;
    m_signedIn = false;
    m_api.abortAll();
    m_api.logout({});
    forgetToken();
    if (was)
        Q_EMIT signedOut();
}

void Session::forgetToken()
{
    m_api.setSessionToken({});
    if (m_profile.isValid())
        m_secrets->remove(m_profile.key(), [](bool, const QString &) {});
    m_tokenInKeychain = false;
}

} // namespace tap::console
