// tap-console: the desktop console for TAP admins and approvers.
#include "mainwindow.h"

#include <QApplication>
#include <QLocale>
#include <QTranslator>

int main(int argc, char *argv[])
{
    QApplication application(argc, argv);
    QApplication::setApplicationName(QStringLiteral("tap-console"));
    QApplication::setOrganizationName(QStringLiteral("TAP"));
    QTranslator translator;
    if (translator.load(QLocale(), QStringLiteral("tap-console"), QStringLiteral("_"),
                        QStringLiteral(":/i18n")))
        QApplication::installTranslator(&translator);
    tap::console::MainWindow window;
    window.resize(900, 600);
    window.show();
    return QApplication::exec();
}
