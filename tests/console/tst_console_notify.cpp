// Issue #18 "Decide from the notification": the console against a real tapd (SQLite) and a fake
// freedesktop notification server (tests/support/fakenotifications.h) on a private session bus
// — ctest runs this program under dbus-run-session. A request waiting for approval is notified
// with Approve and Deny (its agent, credential, method, host and body preview, escaped, and no
// secret); the fake invokes an action over the bus and the agent's poll sees the outcome.
// Passkey-protected requests offer "Open to approve"; without a notification server with actions
// the tray balloon is used. The test functions run in order and share one tapd and one window.
#include "app/errortext.h"
#include "app/mainwindow.h"
#include "app/traycontroller.h"
#include "approvals/approvalpoller.h"
#include "approvals/approvalsmodel.h"
#include "approvals/desktopnotifier.h"
#include "approvals/traynotifier.h"
#include "consoletest.h"
#include "pages/inboxpage.h"
#include "support/approvalfixture.h"
#include "support/fakenotifications.h"
#include "support/tapdharness.h"

#include <QJsonDocument>
#include <QStackedWidget>

using namespace Qt::Literals::StringLiterals;
using namespace tap::console;
using namespace tap::console::test;
using tap::test::Account;
using tap::test::FakeNotifications;
using tap::test::HttpClient;
using tap::test::Tapd;
using tap::test::Upstream;

namespace {

constexpr int kSlow = 60000;
const QString kOwner = u"owner@notify.test"_s;
const QString kTeam = u"notify-team"_s;
const QByteArray kSecret = "sk-notify-secret-0123456789abcdef";
const QByteArray kGuardedSecret = "sk-guarded-secret-9876543210";
// tapd's body preview of this body keeps the markup characters: the notification escapes them.
const QByteArray kBody = "{\"text\":\"<b>ship it</b> & tell ops\"}";

} // namespace

class TestConsoleNotify : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::newRow("sqlite") << u"sqlite"_s;
    }
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        isolateSettings(m_dir);
        if (qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"))
            QSKIP("No session bus: run this test under dbus-run-session (package dbus-bin; "
                  "ctest does so when dbus-run-session is installed).");
        QVERIFY2(m_fake.registerService(),
                 "org.freedesktop.Notifications is taken or the bus refused it: run this test "
                 "under dbus-run-session, not on a desktop's session bus");
    }
    void cleanupTestCase()
    {
        m_window.reset();
        m_session.reset();
        if (m_tapd)
            tap::test::verifyCleanStop(*m_tapd, __FILE__, __LINE__);
    }

    void startTapdAndSignIn();
    void approveFromTheNotification();
    void denyFromTheNotification();
    void passkeyRequestOpensTheWindow();
    void decidedElsewhereClosesTheNotification();
    void failedDecisionIsASentence();
    void fallsBackToTheTrayWithoutActions();

private:
    HttpClient owner() const { return m_tapd->client(m_owner.token); }
    DesktopNotifier *notifier() const { return m_window->trayController()->desktopNotifier(); }
    QString agentStatus(const QByteArray &txn) const
    {
        return tap::test::poll(m_tapd->port(), m_botKey, txn).value(u"status"_s).toString();
    }
    // Parks a request of the agent on `credential`; waits for its notification.
    bool parkAndWaitForNotification(const QByteArray &credential, QByteArray *txn);

    QTemporaryDir m_dir;
    FakeNotifications m_fake;
    FakeDesktop m_desktop;
    FakeSecretStore m_secrets;
    std::unique_ptr<Upstream> m_upstream;
    std::unique_ptr<Tapd> m_tapd;
    std::unique_ptr<Session> m_session;
    std::unique_ptr<MainWindow> m_window;
    Account m_owner;
    QByteArray m_botKey;
};

void TestConsoleNotify::startTapdAndSignIn()
{
    m_upstream = std::make_unique<Upstream>();
    m_tapd = std::make_unique<Tapd>();
    QVERIFY(m_upstream->start());
    QVERIFY(m_tapd->start());
    m_owner = tap::test::signUp(*m_tapd, kTeam, kOwner);
    QVERIFY(!m_owner.token.isEmpty());
    // "api": no policy, every request waits for a human; "guarded" needs a passkey.
    QVERIFY(tap::test::addApiCredential(owner(), u"api"_s, QString::fromLatin1(kSecret)));
    QVERIFY(tap::test::addApiCredential(owner(), u"guarded"_s,
                                        QString::fromLatin1(kGuardedSecret)));
    QVERIFY(tap::test::setPolicy(owner(), u"guarded"_s, { { u"require_passkey"_s, true } }));
    m_botKey = tap::test::addAgent(owner(), u"bot"_s, { u"api"_s, u"guarded"_s });
    QVERIFY(!m_botKey.isEmpty());

    m_session = std::make_unique<Session>(&m_secrets);
    m_window = std::make_unique<MainWindow>(m_session.get(), m_desktop.environment());
    m_window->poller()->setRetryDelayMs(500);
    m_window->poller()->setWaitSeconds(2); // tapd stops once its held polls are answered
    m_window->show();
    QTRY_VERIFY_WITH_TIMEOUT(notifier()->isProbed(), kSlow);
    QVERIFY(notifier()->isAvailable());
    bool done = false;
    m_session->login(Profile{ QUrl(u"http://127.0.0.1:%1"_s.arg(m_tapd->port())), kOwner },
                     u"pw-"_s + kTeam + u"-long-enough"_s,
                     [&done](const Session::Reply &) { done = true; });
    QTRY_VERIFY_WITH_TIMEOUT(done, kSlow);
    QVERIFY(m_session->isSignedIn());
    QTRY_VERIFY_WITH_TIMEOUT(m_window->poller()->isRunning(), kSlow);
}

bool TestConsoleNotify::parkAndWaitForNotification(const QByteArray &credential, QByteArray *txn)
{
    const qsizetype before = m_fake.calls.size();
    *txn = tap::test::park(m_tapd->port(), m_botKey, credential, m_upstream->url("/reflect"),
                           "POST", kBody)
                   .txn;
    if (txn->isEmpty())
        return false;
    const QString id = QString::fromLatin1(*txn);
    return QTest::qWaitFor(
            [&] { return m_fake.calls.size() > before && notifier()->shownIds().contains(id); },
            kSlow);
}

void TestConsoleNotify::approveFromTheNotification()
{
    QByteArray txn;
    QVERIFY(parkAndWaitForNotification("api", &txn));
    QCOMPARE(m_fake.calls.size(), 1);
    const FakeNotifications::Call call = m_fake.calls.last();
    QCOMPARE(call.actions,
             (QStringList{ u"default"_s, u"Open"_s, u"approve"_s, u"Approve"_s, u"deny"_s,
                           u"Deny"_s }));
    QCOMPARE(call.appName, u"TAP Console"_s);
    QCOMPARE(call.hints.value(u"desktop-entry"_s).toString(), u"tap-console"_s);
    // Who, which credential, what and where, and the body's start, escaped for markup.
    for (const QString &part : { u"bot wants to use api"_s, u"POST 127.0.0.1:"_s, u"/reflect"_s,
                                 u"&lt;b&gt;ship it&lt;/b&gt; &amp; tell"_s })
        QVERIFY2(call.body.contains(part), qPrintable(part + u" not in: "_s + call.body));
    QVERIFY2(!call.body.contains(u"<b>"_s), qPrintable(call.body));
    // No secret anywhere: neither the credential's value nor the agent's own header or key.
    const QString everything = call.summary + call.body + call.actions.join(u' ');
    for (const QByteArray &secret : { kSecret, kGuardedSecret, QByteArray("agent-own"), m_botKey })
        QVERIFY2(!everything.contains(QString::fromLatin1(secret)), secret.constData());
    QCOMPARE(m_window->tray()->balloonCount(), 0);

    QCOMPARE(agentStatus(txn), u"pending"_s);
    QSignalSpy decided(notifier(), &DesktopNotifier::decided);
    m_fake.invoke(call.id, u"approve"_s);
    QTRY_COMPARE_WITH_TIMEOUT(decided.size(), 1, kSlow);
    QCOMPARE(decided.first().at(0).toString(), QString::fromLatin1(txn));
    QCOMPARE(decided.first().at(1).toBool(), true);
    QTRY_COMPARE_WITH_TIMEOUT(agentStatus(txn), u"forwarded"_s, kSlow);
    const QJsonObject decision = owner().get("/admin/approvals/" + txn).json();
    QVERIFY2(!decision.value(u"decided_by"_s).toString().isEmpty(),
             QJsonDocument(decision).toJson().constData());
    // The inbox follows through the long poll; nothing is left to notify or close.
    QTRY_VERIFY_WITH_TIMEOUT(!notifier()->shownIds().contains(QString::fromLatin1(txn)), kSlow);
}

void TestConsoleNotify::denyFromTheNotification()
{
    QByteArray txn;
    QVERIFY(parkAndWaitForNotification("api", &txn));
    m_fake.invoke(m_fake.calls.last().id, u"deny"_s);
    QTRY_COMPARE_WITH_TIMEOUT(agentStatus(txn), u"denied"_s, kSlow);
}

// A passkey request cannot be approved from the notification: "Open to approve" opens the
// window on it (the inbox sends it to the browser); nothing is decided.
void TestConsoleNotify::passkeyRequestOpensTheWindow()
{
    QByteArray txn;
    QVERIFY(parkAndWaitForNotification("guarded", &txn));
    const FakeNotifications::Call call = m_fake.calls.last();
    QCOMPARE(call.actions,
             (QStringList{ u"default"_s, u"Open"_s, u"open"_s, u"Open to approve"_s }));
    QVERIFY2(call.body.contains(u"bot wants to use guarded"_s), qPrintable(call.body));
    m_window->showPage(m_window->page(u"teamPage"_s));
    m_window->hide();
    m_fake.invoke(call.id, u"open"_s);
    QTRY_VERIFY_WITH_TIMEOUT(m_window->isVisible(), kSlow);
    InboxPage *inbox = m_window->inbox();
    QCOMPARE(child<QStackedWidget>(m_window.get(), "pageStack")->currentWidget(), inbox);
    auto *view = child<QTableView>(inbox, "approvalsTable");
    QTRY_COMPARE_WITH_TIMEOUT(view->currentIndex().row(),
                              inbox->model()->rowOf(QString::fromLatin1(txn)), kSlow);
    QVERIFY(view->currentIndex().isValid());
    QCOMPARE(agentStatus(txn), u"pending"_s);
    QCOMPARE(owner().post("/admin/approvals/" + txn + "/deny").status, 200); // out of the way
}

// Decided by someone else (here the admin API): its notification is closed.
void TestConsoleNotify::decidedElsewhereClosesTheNotification()
{
    QByteArray txn;
    QVERIFY(parkAndWaitForNotification("api", &txn));
    const uint id = m_fake.calls.last().id;
    QCOMPARE(owner().post("/admin/approvals/" + txn + "/approve").status, 200);
    QTRY_VERIFY_WITH_TIMEOUT(m_fake.closed.contains(id), kSlow);
    QTRY_COMPARE_WITH_TIMEOUT(agentStatus(txn), u"forwarded"_s, kSlow);
}

// Approve from a notification of a request decided elsewhere meanwhile: tapd answers 409 with
// its own message; the tray says the console's sentence for the code, and the window opens on
// the request.
void TestConsoleNotify::failedDecisionIsASentence()
{
    QByteArray txn;
    QVERIFY(parkAndWaitForNotification("api", &txn));
    const uint id = m_fake.calls.last().id;
    m_window->poller()->stop(); // or the long poll would close the notification first
    QCOMPARE(owner().post("/admin/approvals/" + txn + "/deny").status, 200);
    m_window->hide();
    QSignalSpy failed(notifier(), &DesktopNotifier::decisionFailed);
    m_fake.invoke(id, u"approve"_s);
    const bool answered = QTest::qWaitFor([&] { return !failed.isEmpty(); }, kSlow);
    m_window->poller()->start(); // before any check: the next test needs it
    QVERIFY(answered);
    tap::apiclient::ApiClient::Reply conflict;
    conflict.status = 409;
    conflict.error.code = u"conflict"_s;
    const QString sentence = ErrorText::ofDecision(conflict);
    QCOMPARE(failed.first().at(1).toString(), sentence);
    QCOMPARE(m_window->tray()->lastMessage(), sentence);
    QTRY_VERIFY_WITH_TIMEOUT(m_window->isVisible(), kSlow);
    QCOMPARE(agentStatus(txn), u"denied"_s);
    QTRY_VERIFY_WITH_TIMEOUT(m_window->poller()->isOnline(), kSlow);
}

// A notification server without actions, then none at all: the tray balloon is used.
void TestConsoleNotify::fallsBackToTheTrayWithoutActions()
{
    for (const bool serverGone : { false, true }) {
        if (serverGone)
            m_fake.unregister();
        else
            m_fake.capabilities = QStringList{ u"body"_s };
        notifier()->probe();
        QTRY_VERIFY_WITH_TIMEOUT(!notifier()->isAvailable(), kSlow);
        const qsizetype calls = m_fake.calls.size();
        const int balloons = m_window->tray()->balloonCount();
        const QByteArray txn = tap::test::park(m_tapd->port(), m_botKey, "api",
                                               m_upstream->url("/reflect"), "POST", kBody)
                                       .txn;
        QVERIFY(!txn.isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(m_window->tray()->balloonCount(), balloons + 1, kSlow);
        QCOMPARE(m_window->tray()->lastNotifiedId(), QString::fromLatin1(txn));
        QCOMPARE(m_fake.calls.size(), calls);
        QCOMPARE(owner().post("/admin/approvals/" + txn + "/deny").status, 200);
    }
}

QTEST_MAIN(TestConsoleNotify)
#include "tst_console_notify.moc"
