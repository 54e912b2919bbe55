#include "session.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QStandardPaths>

namespace tap::cli {

using namespace Qt::StringLiterals;

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

} // namespace tap::cli
