// tap-console: the desktop console for TAP admins and approvers.
#include "app/environment.h"
#include "app/mainwindow.h"
#include "session/secretstore.h"
#include "session/session.h"

#include <QApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QSystemTrayIcon>
#include <QTranslator>

int main(int argc, char *argv[])
{
    QApplication application(argc, argv);
    QApplication::setApplicationName(QStringLiteral("tap-console"));
    QApplication::setOrganizationName(QStringLiteral("TAP"));
    QApplication::setApplicationVersion(QStringLiteral(TAP_VERSION));
    QTranslator qtTranslator;
    if (qtTranslator.load(QLocale(), QStringLiteral("qtbase"), QStringLiteral("_"),
                          QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QApplication::installTranslator(&qtTranslator);
    QTranslator translator;
    if (translator.load(QLocale(), QStringLiteral("tap_console"), QStringLiteral("_"),
                        QStringLiteral(":/i18n")))
        QApplication::installTranslator(&translator);

    tap::console::KeychainSecretStore keychain;
    tap::console::Session session(&keychain);
    tap::console::MainWindow window(&session, tap::console::Environment::desktop());
    // --tray (the autostart entry): start in the tray when the desktop has one.
    if (!QApplication::arguments().contains(QStringLiteral("--tray"))
        || !QSystemTrayIcon::isSystemTrayAvailable())
        window.show();
    window.start();
    return QApplication::exec();
}
