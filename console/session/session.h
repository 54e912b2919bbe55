#pragma once

#include "api/enums.h"

#include "apiclient/apiclient.h"
#include "session/profilestore.h"

#include <QObject>

namespace tap::console {

class SecretStore;

// The signed-in member: the API client for the chosen server, who we are in which team, and
// where the session token is kept (the keychain, or this run's memory when there is none).
class Session : public QObject
{
    Q_OBJECT
public:
    using Reply = apiclient::ApiClient::Reply;
    using Callback = std::function<void(const Reply &)>;

    Session(SecretStore *secrets, QObject *parent = nullptr);

    apiclient::ApiClient *api() { return &m_api; }
    const Profile &profile() const { return m_profile; }
    bool isSignedIn() const { return m_signedIn; }
    QString role() const { return m_role; }
    QString teamName() const { return m_teamName; }
    QString teamId() const { return m_teamId; }
    // Owners and admins change configuration; approvers read and decide.
    bool canConfigure() const
    {
        const auto role = api::parseMemberRole(m_role);
        return role && api::canConfigure(*role);
    }
    // Approvers may also create agents with direct credential assignments, and manage those.
    bool isApprover() const { return m_role == u"approver"; }
    // False when the keychain refused the token: it lives in memory for this run only.
    bool tokenInKeychain() const { return m_tokenInKeychain; }

    // Account calls against `profile`'s server (no session needed).
    void signup(const Profile &profile, const QString &password, const QString &teamName,
                Callback done);
    // Sign-up with an invitation token from the invitation mail: joins that team, no code.
    void signupInvited(const Profile &profile, const QString &password, const QString &inviteToken,
                       Callback done);
    void verify(const Profile &profile, const QString &code, Callback done);
    void resend(const Profile &profile, Callback done);
    // Logs in, keeps the token (keychain or memory) and loads the team; `done` gets the first
    // failing reply, or the team on success.
    void login(const Profile &profile, const QString &password, Callback done);
    // The same for a member of several teams (`teamId`, empty: the server's choice) or with an
    // invitation to accept (`inviteToken`; the session is then in the inviting team).
    void login(const Profile &profile, const QString &password, const QString &teamId,
               const QString &inviteToken, Callback done);
    // Signs in with a token kept in the keychain from an earlier run; done(false) if none is
    // there or the server no longer accepts it.
    void restore(const Profile &profile, std::function<void(bool)> done);
    // The same, telling "no session" (none kept, or the server ended it) from "the server
    // could not be reached" (the kept token stays, to try again).
    enum class Restored { SignedIn, SignedOut, Unreachable };
    void restore(const Profile &profile, std::function<void(Restored)> done);
    // Ends the session on the server and forgets the token everywhere.
    void logout();

signals:
    void signedIn();
    void signedOut();
    // The server answered 401 to our token: log in again.
    void expired();
    // The keychain could not keep the token; `message` says why, for a notice.
    void keychainUnavailable(const QString &message);

private:
    void use(const Profile &profile);
    void loadTeam(Callback done);
    void forgetToken();

    SecretStore *m_secrets;
    apiclient::ApiClient m_api;
    ProfileStore m_profiles;
    Profile m_profile;
    bool m_signedIn = false;
    bool m_tokenInKeychain = false;
    QString m_role;
    QString m_teamName;
    QString m_teamId;
};

} // namespace tap::console
