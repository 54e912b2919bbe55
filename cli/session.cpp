#include "session.h"

#include "keychain.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QSettings>
#include <QUrl>

namespace tap::cli {

using namespace Qt::StringLiterals;

namespace {

// console/session/profilestore.cpp: the same file, array and limit.
constexpr int kMaxProfiles = 20;

QSettings consoleSettings()
{
    return QSettings(QSettings::NativeFormat, QSettings::UserScope, u"TAP"_s, u"tap-console"_s);
}

QString normalUrl(const QString &url)
{
    return QUrl(url).toString(QUrl::StripTrailingSlash);
}

void saveProfiles(const QList<Profile> &profiles)
{
    QSettings settings = consoleSettings();
    settings.remove(u"profiles"_s);
    settings.beginWriteArray(u"profiles"_s, int(profiles.size()));
    for (int i = 0; i < profiles.size(); ++i) {
        settings.setArrayIndex(i);
        settings.setValue(u"url"_s, profiles.at(i).url);
        settings.setValue(u"email"_s, profiles.at(i).email);
    }
    settings.endArray();
}

} // namespace

QString Profile::key() const
{
    return normalUrl(url) + u'|' + email;
}

QList<Profile> ProfileList::load()
{
    QSettings settings = consoleSettings();
    QList<Profile> out;
    const int n = settings.beginReadArray(u"profiles"_s);
    for (int i = 0; i < n; ++i) {
        settings.setArrayIndex(i);
        const Profile p{ normalUrl(settings.value(u"url"_s).toString()),
                         settings.value(u"email"_s).toString() };
        if (p.isValid() && !out.contains(p))
            out.append(p);
    }
    settings.endArray();
    return out;
}

void ProfileList::remember(const Profile &profile)
{
    QList<Profile> list = load();
    list.removeAll(profile);
    list.prepend(profile);
    saveProfiles(list.mid(0, kMaxProfiles));
}

QList<Profile> ProfileList::match(const QString &name)
{
    const QList<Profile> all = load();
    const auto matches = [&name](const Profile &p, int pass) {
        switch (pass) {
        case 0:
            return p.key() == name;
        case 1:
            return p.email.compare(name, Qt::CaseInsensitive) == 0;
        default:
            return p.url == normalUrl(name) || QUrl(p.url).host() == name;
        }
    };
    for (int pass = 0; pass < 3; ++pass) {
        QList<Profile> hits;
        for (const Profile &p : all) {
            if (matches(p, pass))
                hits << p;
        }
        if (!hits.isEmpty())
            return hits;
    }
    return {};
}

QString ProfileList::settingsPath()
{
    return consoleSettings().fileName();
}

QString SessionFile::path()
{
    QString base = qEnvironmentVariable("XDG_CONFIG_HOME");
    if (base.isEmpty() || !QDir::isAbsolutePath(base))
        base = QDir::homePath() + u"/.config"_s;
    return base + u"/tap/session.json"_s;
}

StoredSession SessionFile::load()
{
    QFile f(path());
    if (!f.open(QIODevice::ReadOnly))
        return {};
    const QJsonObject o = QJsonDocument::fromJson(f.read(1 << 20)).object();
    return { o.value(u"url"_s).toString(), o.value(u"email"_s).toString(),
             o.value(u"team_id"_s).toString(), o.value(u"session_token"_s).toString() };
}

QString SessionFile::save(const StoredSession &s)
{
    const QString file = path();
    const QString dir = QFileInfo(file).absolutePath();
    if (!QDir().mkpath(dir))
        return u"cannot create %1"_s.arg(dir);
    QFile::setPermissions(dir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    QSaveFile out(file);
    if (!out.open(QIODevice::WriteOnly))
        return u"cannot write %1: %2"_s.arg(file, out.errorString());
    // Owner-only before a byte of the token is written.
    if (!out.setPermissions(QFile::ReadOwner | QFile::WriteOwner))
        return u"cannot restrict the permissions of %1"_s.arg(file);
    const QJsonObject o{ { u"url"_s, s.url },
                         { u"email"_s, s.email },
                         { u"team_id"_s, s.teamId },
                         { u"session_token"_s, s.token } };
    out.write(QJsonDocument(o).toJson());
    if (!out.commit())
        return u"cannot write %1: %2"_s.arg(file, out.errorString());
    return {};
}

bool SessionFile::remove()
{
    return !QFile::exists(path()) || QFile::remove(path());
}

StoredSession loadSession(const Profile &profile)
{
    StoredSession s{ profile.url, profile.email, {}, {} };
    const keychain::Result kept = keychain::read(profile.key());
    if (kept.ok() && !kept.value.isEmpty()) {
        s.token = kept.value;
        return s;
    }
    const StoredSession file = SessionFile::load();
    if (Profile{ normalUrl(file.url), file.email } == profile)
        return file;
    return s;
}

SaveOutcome saveSession(const StoredSession &s)
{
    const Profile profile{ normalUrl(s.url), s.email };
    SaveOutcome out;
    const keychain::Result written = keychain::write(profile.key(), s.token);
    out.inKeychain = written.ok();
    if (out.inKeychain) {
        // An older copy of this profile's token in the fallback file goes.
        const StoredSession file = SessionFile::load();
        if (file.token.isEmpty() || Profile{ normalUrl(file.url), file.email } == profile)
            SessionFile::remove();
    } else {
        out.keychainError = written.error;
        out.error = SessionFile::save(s);
        if (!out.error.isEmpty())
            return out;
    }
    ProfileList::remember(profile);
    return out;
}

bool forgetSession(const Profile &profile)
{
    bool had = false;
    if (profile.isValid()) {
        had = keychain::read(profile.key()).ok();
        keychain::remove(profile.key());
    }
    const StoredSession file = SessionFile::load();
    if (QFile::exists(SessionFile::path())
        && (!profile.isValid() || Profile{ normalUrl(file.url), file.email } == profile)) {
        had = had || !file.token.isEmpty();
        SessionFile::remove();
    }
    return had;
}

} // namespace tap::cli
