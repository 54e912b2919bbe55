// Issue #18, the console as a tray application end to end: a real tapd (through a relay, so it
// can stop and start again), the xcb platform under Xvfb and a real XEmbed tray host (trayer,
// started by tests/support/with_tray_host.sh). Closing the window the way the window system does
// leaves the event loop running with the icon in the tray; the tray menu's Open and a click on
// the icon bring the window back; with tapd stopped the window shows the reconnect banner and
// the icon greys out with a "disconnected" tooltip, both recovering when tapd is back; the tray
// menu's Quit ends the event loop. Screenshots of the whole X screen (tray-*.png) are artifacts.
// Without a tray (offscreen, no tray host) the program skips, or fails with TAP_REQUIRE_TRAY=1.
// The test functions run in order and share one tapd and one console window.
#include "app/mainwindow.h"
#include "app/traycontroller.h"
#include "approvals/approvalpoller.h"
#include "approvals/traynotifier.h"
#include "consoletest.h"
#include "relay.h"
#include "support/tapdharness.h"

#include <QLabel>
#include <QMenu>
#include <QScreen>
#include <QSystemTrayIcon>
#include <QToolTip>
#include <QWindow>

using namespace Qt::Literals::StringLiterals;
using namespace tap::console;
using namespace tap::console::test;
using tap::test::Account;
using tap::test::Tapd;

namespace {

constexpr int kSlow = 60000;
// QCoreApplication::exit() code of the watchdog: the event loop was still running.
constexpr int kStillRunning = 42;
const QString kOwner = u"owner@tray.test"_s;
const QString kTeam = u"tray-team"_s;

// Pixels of `image` in a strong colour (the icon is blue; the tray and a disabled icon grey).
int colourfulPixels(const QImage &image)
{
    int n = 0;
    for (int y = 0; y < image.height(); ++y) {
        for (int x = 0; x < image.width(); ++x)
            n += QColor(image.pixel(x, y)).hsvSaturation() > 100 ? 1 : 0;
    }
    return n;
}

} // namespace

class TestConsoleTrayServer : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::newRow("sqlite") << u"sqlite"_s;
    }
    void initTestCase();
    void cleanupTestCase()
    {
        m_window.reset();
        m_session.reset();
        if (m_tapd)
            tap::test::verifyCleanStop(*m_tapd, __FILE__, __LINE__);
    }

    void startTapdAndSignIn();
    void closeKeepsRunningInTheTray();
    void trayOpensTheWindowAgain();
    void disconnectedShowsBannerAndGreyIcon();
    void quitFromTheTrayEnds();

private:
    TrayController *controller() const { return m_window->trayController(); }
    // The tray icon's own X window, embedded in the tray host (Qt's QSystemTrayIconSys).
    static QWidget *trayWidget();
    static QImage grabScreen(const QRect &area = {});
    QImage trayIconOnScreen() const;
    // With TAP_CONSOLE_SCREENSHOT_DIR set, the whole X screen as <dir>/<name>.png.
    static void screenshotScreen(const QString &name);
    static void closeBalloon();
    QMenu *openTrayMenu();
    // Runs the event loop as QApplication::exec() does; `during` runs in it. Returns the exit
    // code: kStillRunning when nothing quit within `ms`.
    static int runEventLoop(const std::function<void()> &during, int ms);

    QTemporaryDir m_dir;
    FakeDesktop m_desktop;
    FakeSecretStore m_secrets;
    Relay m_relay;
    std::unique_ptr<Tapd> m_tapd;
    std::unique_ptr<Session> m_session;
    std::unique_ptr<MainWindow> m_window;
    Account m_owner;
};

void TestConsoleTrayServer::initTestCase()
{
    QVERIFY(m_dir.isValid());
    isolateSettings(m_dir);
    // The tray host takes the tray selection a moment after it starts; offscreen has no tray.
    const bool xcb = QGuiApplication::platformName() == u"xcb";
    if (!xcb || !QTest::qWaitFor([] { return QSystemTrayIcon::isSystemTrayAvailable(); }, 20000)) {
        if (qEnvironmentVariableIntValue("TAP_REQUIRE_TRAY") == 1)
            QFAIL("no system tray: run under xvfb-run with tests/support/with_tray_host.sh");
        QSKIP("No system tray (run under xvfb-run with tests/support/with_tray_host.sh; "
              "ctest does so when xvfb-run and trayer are installed).");
    }
}

QWidget *TestConsoleTrayServer::trayWidget()
{
    for (QWidget *w : QApplication::topLevelWidgets()) {
        if (qstrcmp(w->metaObject()->className(), "QSystemTrayIconSys") == 0 && w->isVisible())
            return w;
    }
    return nullptr;
}

QImage TestConsoleTrayServer::grabScreen(const QRect &area)
{
    const QRect r = area.isNull() ? QRect(0, 0, -1, -1) : area;
    return QGuiApplication::primaryScreen()
            ->grabWindow(0, r.x(), r.y(), r.width(), r.height())
            .toImage();
}

QImage TestConsoleTrayServer::trayIconOnScreen() const
{
    QWidget *icon = trayWidget();
    return icon ? grabScreen(QRect(icon->mapToGlobal(QPoint(0, 0)), icon->size())) : QImage();
}

void TestConsoleTrayServer::screenshotScreen(const QString &name)
{
    const QString dir = qEnvironmentVariable("TAP_CONSOLE_SCREENSHOT_DIR");
    if (dir.isEmpty())
        return;
    QDir().mkpath(dir);
    QVERIFY(grabScreen().save(dir + u'/' + name + u".png"_s));
}

void TestConsoleTrayServer::closeBalloon()
{
    // While Qt's balloon exists (closed or not, until deleted), a click on the icon counts as a
    // click on the message: the menu would open and close at once.
    for (QWidget *w : QApplication::topLevelWidgets()) {
        if (qstrcmp(w->metaObject()->className(), "QBalloonTip") == 0)
            delete w; // as QBalloonTip::hideBalloon() does
    }
}

QMenu *TestConsoleTrayServer::openTrayMenu()
{
    closeBalloon();
    QWidget *icon = trayWidget();
    if (!icon)
        return nullptr;
    QTest::mouseClick(icon, Qt::RightButton, {}, icon->rect().center());
    QMenu *menu = controller()->menu();
    return QTest::qWaitFor([menu] { return menu->isVisible(); }, kTimeout) ? menu : nullptr;
}

int TestConsoleTrayServer::runEventLoop(const std::function<void()> &during, int ms)
{
    QTimer::singleShot(0, qApp, during);
    QTimer watchdog;
    watchdog.setSingleShot(true);
    connect(&watchdog, &QTimer::timeout, qApp, [] { QCoreApplication::exit(kStillRunning); });
    watchdog.start(ms);
    return QApplication::exec();
}

void TestConsoleTrayServer::startTapdAndSignIn()
{
    m_tapd = std::make_unique<Tapd>();
    QVERIFY(m_tapd->start());
    m_relay.target = m_tapd->port();
    QVERIFY(m_relay.listen());
    m_owner = tap::test::signUp(*m_tapd, kTeam, kOwner);
    QVERIFY(!m_owner.token.isEmpty());

    m_session = std::make_unique<Session>(&m_secrets);
    m_window = std::make_unique<MainWindow>(m_session.get(), m_desktop.environment());
    m_window->poller()->setRetryDelayMs(500);
    m_window->poller()->setWaitSeconds(2); // tapd stops once its held polls are answered
    m_window->resize(1000, 640);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    bool done = false;
    m_session->login(Profile{ m_relay.url(), kOwner }, u"pw-"_s + kTeam + u"-long-enough"_s,
                     [&done](const Session::Reply &) { done = true; });
    QTRY_VERIFY_WITH_TIMEOUT(done, kSlow);
    QVERIFY(m_session->isSignedIn());
    QTRY_VERIFY_WITH_TIMEOUT(m_window->poller()->isOnline() && m_window->poller()->isRunning(),
                             kSlow);

    // The icon is in the tray host, drawn in colour.
    QVERIFY(controller()->trayAvailable());
    QVERIFY(m_window->tray()->trayIcon()->isVisible());
    QTRY_VERIFY_WITH_TIMEOUT(trayWidget(), kSlow);
    QTRY_VERIFY_WITH_TIMEOUT(colourfulPixels(trayIconOnScreen()) > 20, kSlow);
}

void TestConsoleTrayServer::closeKeepsRunningInTheTray()
{
    QVERIFY(m_window);
    QVERIFY(controller()->closeToTray()); // the default with a tray
    QSignalSpy notice(controller(), &TrayController::keepsRunningShown);
    // Closed through the platform window, as by the window manager's close button.
    const int code = runEventLoop([this] { m_window->windowHandle()->close(); }, 3000);
    QCOMPARE(code, kStillRunning); // closing the window did not end the application
    QVERIFY(!m_window->isVisible());
    QCOMPARE(notice.size(), 1);
    QVERIFY(m_window->poller()->isRunning());
    QVERIFY(m_window->tray()->trayIcon()->isVisible());
    QVERIFY(trayWidget());
    QVERIFY(colourfulPixels(trayIconOnScreen()) > 20);
    screenshotScreen(u"tray-01-closed-to-tray"_s); // the icon, the "keeps running" message
}

void TestConsoleTrayServer::trayOpensTheWindowAgain()
{
    QVERIFY(m_window && !m_window->isVisible());
    QMenu *menu = openTrayMenu();
    QVERIFY(menu);
    QVERIFY(QTest::qWaitForWindowExposed(menu));
    QTest::qWait(200); // painted, for the screenshot
    screenshotScreen(u"tray-02-menu"_s);
    QAction *open = nullptr;
    for (QAction *a : menu->actions())
        open = a->objectName() == u"trayOpenAction" ? a : open;
    QVERIFY(open);
    QTest::mouseClick(menu, Qt::LeftButton, {}, menu->actionGeometry(open).center());
    QTRY_VERIFY_WITH_TIMEOUT(m_window->isVisible(), kTimeout);
    QTRY_VERIFY_WITH_TIMEOUT(!menu->isVisible(), kTimeout);

    // A left click on the icon does the same.
    QVERIFY(!m_window->close());
    QTRY_VERIFY_WITH_TIMEOUT(!m_window->isVisible(), kTimeout);
    closeBalloon();
    QTest::mouseClick(trayWidget(), Qt::LeftButton, {}, trayWidget()->rect().center());
    QTRY_VERIFY_WITH_TIMEOUT(m_window->isVisible(), kTimeout);
}

void TestConsoleTrayServer::disconnectedShowsBannerAndGreyIcon()
{
    QVERIFY(m_window && m_window->isVisible());
    auto *banner = child<QLabel>(m_window.get(), "connectionLabel");
    QVERIFY(banner->isHidden());
    QVERIFY(m_tapd->stop() == 0);
    QTRY_VERIFY_WITH_TIMEOUT(banner->isVisible(), kSlow);
    QVERIFY2(banner->text().contains(u"Disconnected"_s), qPrintable(banner->text()));
    QVERIFY(!m_window->tray()->isOnline());
    const QString tip = m_window->tray()->trayIcon()->toolTip();
    QVERIFY2(tip.contains(u"disconnected"_s) && !tip.contains(u"pending"_s), qPrintable(tip));
    QTRY_COMPARE_WITH_TIMEOUT(colourfulPixels(trayIconOnScreen()), 0, kTimeout); // greyed out
    // The tooltip as the tray shows it when the pointer rests on the icon.
    QWidget *icon = trayWidget();
    QVERIFY(icon);
    const QPoint centre = icon->rect().center();
    QHelpEvent hover(QEvent::ToolTip, centre, icon->mapToGlobal(centre));
    QApplication::sendEvent(icon, &hover);
    QTRY_VERIFY_WITH_TIMEOUT(QToolTip::isVisible(), kTimeout);
    QCOMPARE(QToolTip::text(), tip);
    QTest::qWait(300); // painted, for the screenshot
    screenshotScreen(u"tray-03-disconnected"_s);
    QToolTip::hideText();

    QVERIFY(m_tapd->restart());
    m_relay.target = m_tapd->port();
    QTRY_VERIFY_WITH_TIMEOUT(banner->isHidden(), kSlow);
    QVERIFY(m_window->tray()->isOnline());
    QVERIFY2(m_window->tray()->trayIcon()->toolTip().contains(u"pending"_s),
             qPrintable(m_window->tray()->trayIcon()->toolTip()));
    QTRY_VERIFY_WITH_TIMEOUT(colourfulPixels(trayIconOnScreen()) > 20, kTimeout);
    screenshotScreen(u"tray-04-reconnected"_s);
}

void TestConsoleTrayServer::quitFromTheTrayEnds()
{
    QVERIFY(m_window);
    QMenu *menu = openTrayMenu();
    QVERIFY(menu);
    QAction *quit = nullptr;
    for (QAction *a : menu->actions())
        quit = a->objectName() == u"trayQuitAction" ? a : quit;
    QVERIFY(quit);
    const QPoint at = menu->actionGeometry(quit).center();
    const int code =
            runEventLoop([menu, at] { QTest::mouseClick(menu, Qt::LeftButton, {}, at); }, 10000);
    QCOMPARE(code, 0); // QCoreApplication::quit(), not the watchdog
    QVERIFY(!m_window->isVisible());
    QVERIFY(!m_window->poller()->isRunning());
    QVERIFY(!m_window->tray()->trayIcon()->isVisible());
}

QTEST_MAIN(TestConsoleTrayServer)
#include "tst_console_tray_server.moc"
