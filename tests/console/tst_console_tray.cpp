// Issue #18 defect 3, the console as a tray application: closing the window hides it and the
// poller keeps notifying (setting "tray/closeToTray", on by default with a tray), a one-time
// message says so, Quit really quits; the tray menu (Open, the requests the member may decide,
// Quit); start at login writes and removes the XDG autostart entry. The offscreen platform has
// no tray: the tests pretend one with TrayController::setTrayAvailable().
#include "app/autostart.h"
#include "app/mainwindow.h"
#include "app/traycontroller.h"
#include "approvals/approvalpoller.h"
#include "approvals/approvalsmodel.h"
#include "approvals/traynotifier.h"
#include "consoletest.h"
#include "pages/inboxpage.h"

#include <QAction>
#include <QFile>
#include <QMenu>
#include <QStackedWidget>

using namespace Qt::Literals::StringLiterals;
using namespace tap::console;
using namespace tap::console::test;

class TestConsoleTray : public QObject, public ConsoleRig
{
    Q_OBJECT

private slots:
    void init()
    {
        QVERIFY(startRig());
        QVERIFY(m_xdg.isValid());
        qputenv("XDG_CONFIG_HOME", m_xdg.path().toUtf8());
    }
    void cleanup()
    {
        m_window.reset();
        stopRig();
        qunsetenv("XDG_CONFIG_HOME");
    }

    void closeToTrayIsOnByDefaultWithATray();
    void closeHidesAndKeepsNotifying();
    void closeQuitsWithoutTrayOrSetting();
    void quitReallyQuits();
    void trayMenuListsTheRequestsToDecide();
    void autostartEntryWrittenAndRemoved();
    void execQuoting();

private:
    void makeWindow(bool tray = true)
    {
        m_window = std::make_unique<MainWindow>(m_session.get(), m_desktop.environment());
        m_window->trayController()->setTrayAvailable(tray);
        m_window->show();
    }
    TrayController *controller() const { return m_window->trayController(); }
    QAction *menuAction(const QString &name) const
    {
        for (QAction *a : controller()->menu()->actions()) {
            if (a->objectName() == name)
                return a;
        }
        return nullptr;
    }
    void signInAndPoll()
    {
        QVERIFY(signIn(*m_session, *m_fake));
        QTRY_VERIFY_WITH_TIMEOUT(m_fake->heldPolls() == 1, kTimeout);
    }

    QTemporaryDir m_xdg;
    FakeDesktop m_desktop;
    std::unique_ptr<MainWindow> m_window;
};

void TestConsoleTray::closeToTrayIsOnByDefaultWithATray()
{
    makeWindow(true);
    QVERIFY(controller()->closeToTray());
    QVERIFY(controller()->closeToTrayAction()->isChecked());
    QVERIFY(!QApplication::quitOnLastWindowClosed());
    controller()->setTrayAvailable(false);
    QVERIFY(!controller()->closeToTray());
    QVERIFY(!controller()->closeToTrayAction()->isEnabled());
    QVERIFY(QApplication::quitOnLastWindowClosed());
    // The user's choice wins over the default.
    controller()->setTrayAvailable(true);
    controller()->closeToTrayAction()->setChecked(false);
    QCOMPARE(QSettings().value(u"tray/closeToTray"_s).toBool(), false);
    QVERIFY(!controller()->closeToTray());
}

void TestConsoleTray::closeHidesAndKeepsNotifying()
{
    makeWindow();
    signInAndPoll();
    QSignalSpy notice(controller(), &TrayController::keepsRunningShown);
    QVERIFY(!m_window->close()); // refused: hidden instead
    QVERIFY(!m_window->isVisible());
    QCOMPARE(notice.size(), 1);
    QVERIFY(m_window->poller()->isRunning());
    QTRY_COMPARE_WITH_TIMEOUT(m_fake->heldPolls(), 1, kTimeout);

    // Hidden, it still learns of new requests and notifies.
    m_fake->addApproval(u"a1"_s, u"slack"_s);
    QTRY_COMPARE_WITH_TIMEOUT(m_window->tray()->notificationCount(), 1, kTimeout);
    QCOMPARE(m_window->tray()->lastNotifiedId(), u"a1"_s);
    QVERIFY(!m_window->isVisible());

    // The message about running on is shown once, ever.
    m_window->show();
    QVERIFY(!m_window->close());
    QCOMPARE(notice.size(), 1);
    QVERIFY(QSettings().value(u"tray/keepsRunningShown"_s).toBool());
}

void TestConsoleTray::closeQuitsWithoutTrayOrSetting()
{
    makeWindow(false); // no tray: hiding would leave no way back
    QVERIFY(m_window->close());
    QVERIFY(!m_window->isVisible());
    m_window.reset();
    makeWindow(true);
    controller()->setCloseToTray(false);
    QVERIFY(m_window->close());
    QVERIFY(QApplication::quitOnLastWindowClosed());
}

void TestConsoleTray::quitReallyQuits()
{
    makeWindow();
    signInAndPoll();
    QSignalSpy quit(controller(), &TrayController::quitRequested);
    QAction *action = menuAction(u"trayQuitAction"_s);
    QVERIFY(action);
    action->trigger();
    QCOMPARE(quit.size(), 1);
    QVERIFY(!m_window->isVisible());
    QVERIFY(!m_window->poller()->isRunning());
    // The window was closed for real: its state saved as on any close.
    QVERIFY(QSettings().contains(u"window/geometry"_s));
}

void TestConsoleTray::trayMenuListsTheRequestsToDecide()
{
    makeWindow();
    QVERIFY(menuAction(u"trayOpenAction"_s));
    QVERIFY(menuAction(u"trayQuitAction"_s));
    QCOMPARE(m_window->tray()->trayIcon()->contextMenu(), controller()->menu());
    signInAndPoll();
    m_fake->addApproval(u"a1"_s, u"slack"_s);
    m_fake->addApproval(u"a2"_s, u"github"_s, false); // not this member's to decide
    QTRY_VERIFY_WITH_TIMEOUT(m_window->poller()->pending().size() == 2, kTimeout);
    QTRY_VERIFY_WITH_TIMEOUT(menuAction(u"trayRequest:a1"_s), kTimeout);
    QVERIFY(!menuAction(u"trayRequest:a2"_s));
    QStringList names;
    for (QAction *a : controller()->menu()->actions()) {
        if (!a->isSeparator())
            names << a->objectName();
    }
    QCOMPARE(names, (QStringList{ u"trayOpenAction"_s, u"trayRequest:a1"_s, u"trayQuitAction"_s }));
    controller()->menu()->adjustSize();
    screenshot(controller()->menu(), u"tray-menu"_s);

    // A request opens the hidden window on it.
    m_window->showPage(m_window->page(u"teamPage"_s));
    QVERIFY(!m_window->close());
    menuAction(u"trayRequest:a1"_s)->trigger();
    QVERIFY(m_window->isVisible());
    InboxPage *inbox = m_window->inbox();
    QCOMPARE(child<QStackedWidget>(m_window.get(), "pageStack")->currentWidget(), inbox);
    auto *view = child<QTableView>(inbox, "approvalsTable");
    QTRY_COMPARE_WITH_TIMEOUT(view->currentIndex().row(), inbox->model()->rowOf(u"a1"_s), kTimeout);

    // Open shows the window again; decided requests leave the menu.
    QVERIFY(!m_window->close());
    menuAction(u"trayOpenAction"_s)->trigger();
    QVERIFY(m_window->isVisible());
    m_fake->setApprovalStatus(u"a1"_s, u"approved"_s);
    QTRY_VERIFY_WITH_TIMEOUT(!menuAction(u"trayRequest:a1"_s), kTimeout);
}

void TestConsoleTray::autostartEntryWrittenAndRemoved()
{
    const QString path = m_xdg.path() + u"/autostart/tap-console.desktop"_s;
    QCOMPARE(autostart::entryPath(), path);
    makeWindow();
    QAction *action = controller()->autostartAction();
    QVERIFY(action->isCheckable());
    QVERIFY(!action->isChecked());
    controller()->setProgramPath(u"/opt/TAP Console/bin/tap-console"_s);
    action->setChecked(true);
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QStringList lines = QString::fromUtf8(file.readAll()).split(u'\n');
    file.close();
    QVERIFY(lines.contains(u"[Desktop Entry]"_s));
    QVERIFY(lines.contains(u"Name=TAP Console"_s));
    QVERIFY(lines.contains(u"Type=Application"_s));
    QVERIFY2(lines.contains(u"Exec=\"/opt/TAP Console/bin/tap-console\" --tray"_s),
             qPrintable(lines.join(u'\n')));
    QCOMPARE(lines.filter(u"Exec="_s).size(), 1);

    // A new window sees the entry; unchecking removes it.
    m_window.reset();
    makeWindow();
    QVERIFY(controller()->autostartAction()->isChecked());
    controller()->autostartAction()->setChecked(false);
    QVERIFY(!QFile::exists(path));
    QVERIFY(!autostart::isEnabled());
}

void TestConsoleTray::execQuoting()
{
    QCOMPARE(autostart::quoteExec(u"/usr/bin/tap-console"_s), u"/usr/bin/tap-console"_s);
    QCOMPARE(autostart::quoteExec(u"/a b/tap"_s), u"\"/a b/tap\""_s);
    // Quoting escapes " ` $ \ with a backslash, and the string value doubles backslashes.
    QCOMPARE(autostart::quoteExec(u"/x$y/t"_s), u"\"/x\\\\$y/t\""_s);
    qputenv("XDG_CONFIG_HOME", "relative/dir"); // not absolute: ignored
    QCOMPARE(autostart::entryPath(),
             QDir::homePath() + u"/.config/autostart/tap-console.desktop"_s);
}

QTEST_MAIN(TestConsoleTray)
#include "tst_console_tray.moc"
