// The main window: sign-in on start, a kept session, the keychain notice, log-out, keyboard
// shortcuts, the busy indicator, remembered geometry, and screenshots of every page.
#include "app/mainwindow.h"
#include "app/welcomepage.h"
#include "approvals/approvalpoller.h"
#include "consoletest.h"
#include "dialogs/signindialog.h"
#include "pages/page.h"

#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProgressBar>
#include <QStackedWidget>

using namespace tap::console;
using namespace tap::console::test;
using tap::testsupport::FakeAdminApi;

class TestMainWindow : public QObject, public ConsoleRig
{
    Q_OBJECT

private slots:
    void init() { QVERIFY(startRig()); }
    void cleanup()
    {
        m_window.reset();
        stopRig();
    }

    void firstStartAsksToSignIn()
    {
        makeWindow();
        m_window->start(); // the welcome page: Sign up or Log in
        QTRY_VERIFY_WITH_TIMEOUT(m_window->welcomePage()->isVisible(), kTimeout);
        click(m_window->welcomePage(), "welcomeLogInButton");
        QTRY_VERIFY_WITH_TIMEOUT(m_window->signInDialog() && m_window->signInDialog()->isVisible(),
                                 kTimeout);
        logInThroughDialog();
        QTRY_VERIFY_WITH_TIMEOUT(m_session->isSignedIn(), kTimeout);
        QVERIFY(child<QLabel>(m_window.get(), "userLabel")
                        ->text()
                        .contains(u"admin@example.com"_qs));
        QVERIFY(m_window->windowTitle().contains(QStringLiteral("my-team")));
        QVERIFY(m_window->poller()->isRunning());
        QTRY_VERIFY_WITH_TIMEOUT(m_session->tokenInKeychain(), kTimeout);
        QVERIFY(!child(m_window.get(), "keychainNotice")->isVisible());
    }

    void keptSessionNeedsNoPassword()
    {
        QVERIFY(signIn(*m_session, *m_fake));
        QTRY_VERIFY_WITH_TIMEOUT(m_session->tokenInKeychain(), kTimeout);
        Session next(m_secrets.get());
        MainWindow window(&next, m_desktop.environment());
        window.show();
        window.start();
        QTRY_VERIFY_WITH_TIMEOUT(next.isSignedIn(), kTimeout);
        QVERIFY(!window.signInDialog());
    }

    void keychainMissingShowsNotice()
    {
        m_secrets->available = false;
        makeWindow();
        m_window->start();
        click(m_window->welcomePage(), "welcomeLogInButton");
        QTRY_VERIFY_WITH_TIMEOUT(m_window->signInDialog(), kTimeout);
        logInThroughDialog();
        QTRY_VERIFY_WITH_TIMEOUT(child(m_window.get(), "keychainNotice")->isVisible(), kTimeout);
        QVERIFY(child(m_window.get(), "keychainNotice")->toolTip().contains(u"memory"_qs));
        QVERIFY(m_session->isSignedIn());
    }

    void logoutEndsSession()
    {
        makeWindow();
        QVERIFY(signIn(*m_session, *m_fake));
        child<QAction>(m_window.get(), "logoutAction")->trigger();
        QVERIFY(!m_session->isSignedIn());
        QTRY_COMPARE_WITH_TIMEOUT(m_fake->sessionCount(), 0, kTimeout);
        // The logged-out page offers Log in… (no dialog pops up unasked).
        QTRY_VERIFY_WITH_TIMEOUT(m_window->welcomePage()->isVisible(), kTimeout);
        QVERIFY(child<QAction>(m_window.get(), "loginAction")->isEnabled());
        QVERIFY(!m_window->poller()->isRunning());
        QVERIFY(child<QLabel>(m_window.get(), "userLabel")->text().contains(u"Not signed in"_qs));
    }

    void shortcutsSwitchPages()
    {
        makeWindow();
        QVERIFY(signIn(*m_session, *m_fake));
        QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
        auto *nav = child<QListWidget>(m_window.get(), "navigation");
        QTest::keyClick(m_window.get(), Qt::Key_3, Qt::ControlModifier);
        QCOMPARE(nav->currentRow(), 2);
        QCOMPARE(child<QStackedWidget>(m_window.get(), "pageStack")->currentWidget()->objectName(),
                 QStringLiteral("credentialsPage"));
        QTRY_COMPARE_WITH_TIMEOUT(m_fake->count("GET", u"/admin/credentials"_qs), 1, kTimeout);
        QTest::keyClick(m_window.get(), Qt::Key_F5);
        QTRY_COMPARE_WITH_TIMEOUT(m_fake->count("GET", u"/admin/credentials"_qs), 2, kTimeout);
        QTest::keyClick(m_window.get(), Qt::Key_N, Qt::ControlModifier);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->findChild<QDialog *>(u"credentialDialog"_qs), kTimeout);
    }

    void busyIndicator()
    {
        makeWindow();
        QVERIFY(signIn(*m_session, *m_fake));
        auto *busy = child<QProgressBar>(m_window.get(), "busyIndicator");
        QTRY_VERIFY_WITH_TIMEOUT(!busy->isVisible(), kTimeout); // the long poll does not count
        m_fake->stall(u"/admin/roles"_qs);
        m_window->showPage(m_window->page(u"rolesPage"_qs));
        QTRY_VERIFY_WITH_TIMEOUT(busy->isVisible(), kTimeout);
        m_session->api()->abortAll();
        QTRY_VERIFY_WITH_TIMEOUT(!busy->isVisible(), kTimeout);
    }

    void geometryRemembered()
    {
        makeWindow();
        m_window->resize(777, 555);
        m_window->showPage(m_window->page(u"auditPage"_qs));
        m_window->close();
        MainWindow again(m_session.get(), m_desktop.environment());
        QCOMPARE(again.size(), QSize(777, 555));
        QCOMPARE(child<QListWidget>(&again, "navigation")->currentRow(), 8);
    }

    void screenshotsOfEveryPage()
    {
        seed();
        makeWindow();
        m_window->resize(1100, 650);
        QVERIFY(signIn(*m_session, *m_fake));
        m_fake->addApproval(u"a1"_qs, u"slack"_qs);
        m_fake->addApproval(u"a2"_qs, u"bank"_qs, true, true);
        for (Page *page : m_window->pages()) {
            const int before = int(m_fake->requests.size());
            m_window->showPage(page);
            QTRY_VERIFY_WITH_TIMEOUT(int(m_fake->requests.size()) > before
                                             || page == m_window->pages().first(),
                                     kTimeout);
            QTRY_VERIFY_WITH_TIMEOUT(!m_session->api()->isBusy(), kTimeout);
            if (page == m_window->pages().first())
                QTRY_COMPARE_WITH_TIMEOUT(m_window->poller()->pending().size(), 2, kTimeout);
            QVERIFY2(page->errorText().isEmpty(), qPrintable(page->errorText()));
            screenshot(m_window.get(), page->objectName());
        }
        SignInDialog dialog(m_session.get());
        dialog.show();
        screenshot(&dialog, u"signin"_qs);
    }

private:
    void makeWindow()
    {
        m_window = std::make_unique<MainWindow>(m_session.get(), m_desktop.environment());
        m_window->show();
    }
    void logInThroughDialog()
    {
        SignInDialog *dialog = m_window->signInDialog();
        QVERIFY(dialog);
        child<QLineEdit>(dialog, "serverUrl")->setText(m_fake->url().toString());
        child<QLineEdit>(dialog, "email")->setText(u"admin@example.com"_qs);
        child<QLineEdit>(dialog, "password")->setText(u"correct horse"_qs);
        click(dialog, "loginButton");
    }
    void seed()
    {
        m_fake->addAccount(u"bob@example.com"_qs, u"x"_qs, u"approver"_qs);
        m_fake->credentials << QJsonObject{ { u"name"_qs, u"slack"_qs },
                                            { u"description"_qs, u"Slack bot token"_qs },
                                            { u"connector"_qs, u"direct"_qs },
                                            { u"api_base"_qs, u"https://slack.com/api"_qs },
                                            { u"has_value"_qs, true } };
        m_fake->agents << QJsonObject{ { u"id"_qs, u"social-agent"_qs },
                                       { u"description"_qs, u"Posts to Slack"_qs },
                                       { u"enabled"_qs, true },
                                       { u"credentials"_qs, QJsonArray{ u"slack"_qs } } };
        m_fake->roles << QJsonObject{ { u"name"_qs, u"reader"_qs },
                                      { u"credentials"_qs, QJsonArray{ u"slack"_qs } } };
        m_fake->channels << QJsonObject{
            { u"name"_qs, u"ops"_qs },
            { u"channel_type"_qs, u"matrix"_qs },
            { u"config"_qs, QJsonObject{ { u"room_id"_qs, u"!ops:example.org"_qs } } }
        };
        m_fake->links << QJsonObject{ { u"agent_home_team_id"_qs, u"team-2"_qs },
                                      { u"agent_id"_qs, u"helper"_qs },
                                      { u"role"_qs, u"reader"_qs } };
        m_fake->audit << QJsonObject{ { u"ts"_qs, u"2026-04-03T12:00:00Z"_qs },
                                      { u"kind"_qs, u"admin"_qs },
                                      { u"actor"_qs, u"admin@example.com"_qs },
                                      { u"action"_qs, u"credential.create"_qs },
                                      { u"target"_qs, u"slack"_qs } };
    }

    FakeDesktop m_desktop;
    std::unique_ptr<MainWindow> m_window;
};

QTEST_MAIN(TestMainWindow)
#include "tst_console_mainwindow.moc"
