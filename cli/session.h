// Where `tap login` keeps the session: $XDG_CONFIG_HOME/tap/session.json (~/.config/tap/),
// directory 0700, file 0600, written atomically. TAP_URL and TAP_SESSION override it.
#pragma once

#include <QString>

namespace tap::cli {

struct StoredSession
{
    QString url;
    QString email;
    QString teamId;
    QString token;
};

class SessionFile
{
public:
    static QString path();
    static StoredSession load();
    // Returns an error message, empty on success.
    static QString save(const StoredSession &session);
    static bool remove();
};

} // namespace tap::cli
