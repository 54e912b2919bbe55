#include "session/profilestore.h"

#include <QSettings>

namespace tap::console {

namespace {

constexpr int kMaxProfiles = 20;

} // namespace

QString Profile::key() const
{
    return url.toString(QUrl::StripTrailingSlash) + u'|' + email;
}

QString Profile::label() const
{
    return QStringLiteral("%1 — %2").arg(email, url.toString(QUrl::StripTrailingSlash));
}

QList<Profile> ProfileStore::profiles() const
{
    QSettings settings;
    QList<Profile> out;
    const int n = settings.beginReadArray(QStringLiteral("profiles"));
    for (int i = 0; i < n; ++i) {
        settings.setArrayIndex(i);
        Profile p{ QUrl(settings.value(QStringLiteral("url")).toString()),
                   settings.value(QStringLiteral("email")).toString() };
        if (p.isValid())
            out.append(p);
    }
    settings.endArray();
    return out;
}

void ProfileStore::remember(const Profile &profile)
{
    QList<Profile> list = profiles();
    list.removeAll(profile);
    list.prepend(profile);
    save(list.mid(0, kMaxProfiles));
}

void ProfileStore::forget(const Profile &profile)
{
    QList<Profile> list = profiles();
    list.removeAll(profile);
    save(list);
}

std::optional<Profile> ProfileStore::last() const
{
    const QList<Profile> list = profiles();
    if (list.isEmpty())
        return std::nullopt;
    return list.first();
}

void ProfileStore::save(const QList<Profile> &profiles) const
{
    QSettings settings;
    settings.remove(QStringLiteral("profiles"));
    settings.beginWriteArray(QStringLiteral("profiles"), int(profiles.size()));
    for (int i = 0; i < profiles.size(); ++i) {
        settings.setArrayIndex(i);
        settings.setValue(QStringLiteral("url"), profiles.at(i).url.toString());
        settings.setValue(QStringLiteral("email"), profiles.at(i).email);
    }
    settings.endArray();
}

} // namespace tap::console
