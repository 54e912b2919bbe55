// Where `tap login` keeps the session, shared with tap-console (console/session/):
// - the profiles (server URL and email, newest first) in the console's settings file,
//   QSettings("TAP", "tap-console"), array "profiles" ($XDG_CONFIG_HOME/TAP/tap-console.conf);
// - the token in the system keychain (cli/keychain.h), service "tap-console", key "URL|EMAIL";
// - only when no keychain is reachable, the token in $XDG_CONFIG_HOME/tap/session.json
//   (directory 0700, file 0600, written atomically): the fallback file.
// TAP_URL and TAP_SESSION override all of it (Context).
#pragma once

#include <QList>
#include <QString>

namespace tap::cli {

struct StoredSession
{
    QString url;
    QString email;
    QString teamId;
    QString token;
};

// A server and account, as tap-console remembers them.
struct Profile
{
    QString url; // without a trailing slash
    QString email;

    bool isValid() const { return !url.isEmpty() && !email.isEmpty(); }
    // The keychain key, the same as the console's Profile::key().
    QString key() const;
    QString name() const { return email + QStringLiteral(" on ") + url; }
    friend bool operator==(const Profile &a, const Profile &b) { return a.key() == b.key(); }
};

class ProfileList
{
public:
    static QList<Profile> load();
    // Puts `profile` first (the console offers it next time too).
    static void remember(const Profile &profile);
    // The profiles that `name` designates: its key "URL|EMAIL", else its email, else its URL
    // or host name; several when ambiguous.
    static QList<Profile> match(const QString &name);
    static QString settingsPath();
};

// The fallback file: one session, used only when the keychain is out of reach.
class SessionFile
{
public:
    static QString path();
    static StoredSession load();
    // Returns an error message, empty on success.
    static QString save(const StoredSession &session);
    static bool remove();
};

// Where a session ended up: in the keychain, or in the fallback file (`keychainError` says why).
struct SaveOutcome
{
    QString error; // could not be kept at all
    bool inKeychain = false;
    QString keychainError;
};

// The session of `profile`: its token from the keychain, else from the fallback file when
// that holds the same profile. `token` is empty when neither has one.
StoredSession loadSession(const Profile &profile);
// Keeps the session: the keychain first, the fallback file when the keychain is unreachable;
// remembers the profile either way.
SaveOutcome saveSession(const StoredSession &session);
// Forgets the token of `profile` everywhere; true when one was kept.
bool forgetSession(const Profile &profile);

} // namespace tap::cli
