#include "app/autostart.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

namespace tap::console::autostart {

QString entryPath()
{
    QString config = qEnvironmentVariable("XDG_CONFIG_HOME");
    if (config.isEmpty() || !QDir::isAbsolutePath(config))
        config = QDir::homePath() + QStringLiteral("/.config");
    return config + QStringLiteral("/autostart/tap-console.desktop");
}

bool isEnabled()
{
    return QFileInfo::exists(entryPath());
}

QString quoteExec(const QString &program)
{
    static const QString reserved = QStringLiteral(" \t\n\"'\\><~|&;$*?#()`");
    bool quote = false;
    for (const QChar c : program)
        quote = quote || reserved.contains(c);
    if (!quote)
        return program;
    QString out;
    for (const QChar c : program) {
        if (c == u'"' || c == u'`' || c == u'$' || c == u'\\')
            out += u'\\';
        out += c;
    }
    // The Exec value is itself a string value of the desktop entry: its backslashes doubled.
    out.replace(u'\\', QStringLiteral("\\\\"));
    return u'"' + out + u'"';
}

QString entryText(const QString &program)
{
    QFile file(QStringLiteral(":/desktop/tap-console.desktop"));
    QString text = file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll())
                                                  : QStringLiteral("[Desktop Entry]\nType="
                                                                   "Application\nName=TAP "
                                                                   "Console\nExec=tap-console\n");
    QStringList lines = text.split(u'\n');
    for (QString &line : lines) {
        if (line.startsWith(u"Exec="))
            line = QStringLiteral("Exec=") + quoteExec(program) + QStringLiteral(" --tray");
    }
    while (!lines.isEmpty() && lines.last().isEmpty())
        lines.removeLast();
    lines << QStringLiteral("X-GNOME-Autostart-enabled=true") << QString();
    return lines.join(u'\n');
}

bool setEnabled(bool enabled, const QString &program)
{
    const QString path = entryPath();
    if (!enabled)
        return !QFileInfo::exists(path) || QFile::remove(path);
    if (!QDir().mkpath(QFileInfo(path).path()))
        return false;
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return false;
    file.write(entryText(program).toUtf8());
    return file.commit();
}

} // namespace tap::console::autostart
