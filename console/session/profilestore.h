#pragma once

#include <QList>
#include <QString>
#include <QUrl>

#include <optional>

namespace tap::console {

// A server the user signs in to, and as whom.
struct Profile
{
    QUrl url;
    QString email;

    bool isValid() const { return url.isValid() && !url.isEmpty(); }
    // Identifies the profile in settings and as the keychain entry's key.
    QString key() const;
    QString label() const;
    friend bool operator==(const Profile &a, const Profile &b) { return a.key() == b.key(); }
};

// Server profiles remembered in QSettings (never the password or the session token).
class ProfileStore
{
public:
    QList<Profile> profiles() const;
    // Puts `profile` first and makes it the one offered next time.
    void remember(const Profile &profile);
    void forget(const Profile &profile);
    std::optional<Profile> last() const;

private:
    void save(const QList<Profile> &profiles) const;
};

} // namespace tap::console
