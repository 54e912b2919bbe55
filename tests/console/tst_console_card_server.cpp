// The approval card against a real tapd (tests/support/tapdharness.h, SQLite) and the fake
// upstream (issue #18): what tapd says of a pending request reaches the card (who may decide,
// the new host highlighted), a reason typed on the card reaches the agent's poll answer, and
// keyboard triage moves on to the next request, which the A key approves and tapd sends.
#include "app/mainwindow.h"
#include "approvals/approvalpoller.h"
#include "approvals/approvalsmodel.h"
#include "consoletest.h"
#include "pages/approvalcard.h"
#include "pages/inboxpage.h"
#include "support/approvalfixture.h"
#include "support/tapdharness.h"

#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>

using namespace Qt::Literals::StringLiterals;
using namespace tap::console;
using namespace tap::console::test;
using tap::test::Account;
using tap::test::HttpClient;
using tap::test::Tapd;
using tap::test::Upstream;

namespace {

constexpr int kSlow = 60000;
const QString kOwner = u"owner@card.test"_s;
const QString kTeam = u"card-team"_s;
const QByteArray kSecret = "sk-card-secret-0123456789";

} // namespace

class TestConsoleCardServer : public QObject
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
    }
    void cleanupTestCase()
    {
        m_window.reset();
        m_session.reset();
        if (m_tapd)
            tap::test::verifyCleanStop(*m_tapd, __FILE__, __LINE__);
    }

    void denyWithReasonThenApproveNext();

private:
    QString selectedId() const
    {
        const QModelIndexList rows = child<QTableView>(m_window->inbox(), "approvalsTable")
                                             ->selectionModel()
                                             ->selectedRows();
        return rows.isEmpty() ? QString() : rows.first().data(ApprovalsModel::IdRole).toString();
    }
    QString label(const char *name) const { return child<QLabel>(m_window->inbox(), name)->text(); }

    QTemporaryDir m_dir;
    FakeDesktop m_desktop;
    FakeSecretStore m_secrets;
    std::unique_ptr<Upstream> m_upstream;
    std::unique_ptr<Tapd> m_tapd;
    std::unique_ptr<Session> m_session;
    std::unique_ptr<MainWindow> m_window;
};

void TestConsoleCardServer::denyWithReasonThenApproveNext()
{
    // tapdharness.h reads the backend from the global row: tapd starts in a test function.
    m_upstream = std::make_unique<Upstream>();
    m_tapd = std::make_unique<Tapd>();
    QVERIFY(m_upstream->start());
    QVERIFY(m_tapd->start());
    const Account owner = tap::test::signUp(*m_tapd, kTeam, kOwner);
    QVERIFY(!owner.token.isEmpty());
    const HttpClient admin = m_tapd->client(owner.token);
    QVERIFY(tap::test::addApiCredential(admin, u"api"_s, QString::fromLatin1(kSecret)));
    QVERIFY(tap::test::setPolicy(
            admin, u"api"_s,
            { { u"allowed_approvers"_s, tap::test::strings({ kOwner, u"carol@card.test"_s }) } }));
    EXPECT_STATUS(admin.post("/admin/credentials",
                             { { u"name"_s, u"fresh"_s },
                               { u"description"_s, u"no hosts yet"_s },
                               { u"value"_s, u"sk-fresh-card-0123456789"_s } }),
                  201);
    const QByteArray key = tap::test::addAgent(admin, u"bot"_s, { u"api"_s, u"fresh"_s });
    QVERIFY(!key.isEmpty());
    const quint16 port = m_tapd->port();
    const tap::test::Parked denied = tap::test::park(port, key, "api", m_upstream->url("/echo"));
    RETURN_IF_FAILED();
    const tap::test::Parked next =
            tap::test::park(port, key, "fresh", m_upstream->url("/echo"), "GET", {});
    RETURN_IF_FAILED();

    m_session = std::make_unique<Session>(&m_secrets);
    m_window = std::make_unique<MainWindow>(m_session.get(), m_desktop.environment());
    m_window->resize(1180, 760);
    m_window->show();
    m_window->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
    bool done = false;
    m_session->login(Profile{ QUrl(u"http://127.0.0.1:%1"_s.arg(port)), kOwner },
                     u"pw-"_s + kTeam + u"-long-enough"_s,
                     [&done](const Session::Reply &) { done = true; });
    QTRY_VERIFY_WITH_TIMEOUT(done, kSlow);
    QVERIFY(m_session->isSignedIn());
    InboxPage *inbox = m_window->inbox();
    m_window->showPage(inbox);
    QTRY_COMPARE_WITH_TIMEOUT(inbox->model()->rowCount(), 2, kSlow);

    // The card of the first: who may decide, as tapd said; the body preview.
    const QString deniedId = QString::fromLatin1(denied.txn);
    child<QTableView>(inbox, "approvalsTable")->selectRow(inbox->model()->rowOf(deniedId));
    QCOMPARE(label("cardDeciders"), kOwner + u" (you), carol@card.test"_s);
    QCOMPARE(label("cardCredential"), u"api"_s);
    QCOMPARE(child<QPlainTextEdit>(inbox, "bodyPreview")->toPlainText(),
             QString::fromLatin1(tap::test::kParkedBody));
    QVERIFY(!label("cardTarget").contains(u"color:"_s)); // 127.0.0.1 is allowed for "api"

    // D, a reason, Enter: tapd stores it and the agent's poll carries it.
    child<QTableView>(inbox, "approvalsTable")->setFocus(); // as a click in the list does
    QTest::keyClick(child<QTableView>(inbox, "approvalsTable"), Qt::Key_D);
    auto *reason = child<QLineEdit>(inbox, "denyReason");
    QTRY_VERIFY_WITH_TIMEOUT(reason->hasFocus(), kTimeout);
    QTest::keyClicks(reason, u"Not on Mondays, see ticket 42"_s);
    QTest::keyClick(reason, Qt::Key_Return);
    QJsonObject answer;
    QTRY_VERIFY_WITH_TIMEOUT(
            (answer = tap::test::poll(port, key, denied.txn)).value(u"status"_s).toString()
                    == u"denied"_s,
            kSlow);
    QCOMPARE(answer.value(u"reason"_s).toString(), u"Not on Mondays, see ticket 42"_s);
    QCOMPARE(answer.value(u"decided_via"_s).toString(), u"admin"_s);
    QVERIFY(inbox->errorText().isEmpty());

    // The next request is selected: its host is new for "fresh", highlighted on the card.
    const QString nextId = QString::fromLatin1(next.txn);
    QTRY_COMPARE_WITH_TIMEOUT(selectedId(), nextId, kSlow);
    QVERIFY2(label("cardTarget").contains(u"<b style=\"color:#b00020\">127.0.0.1</b>"_s),
             qPrintable(label("cardTarget")));
    QCOMPARE(label("cardDeciders"), u"any member of the team"_s);
    QVERIFY(reason->text().isEmpty());
    screenshot(m_window.get(), u"inbox-card-server"_s);
    QTRY_VERIFY_WITH_TIMEOUT(child<QTableView>(inbox, "approvalsTable")->hasFocus(), kSlow);
    QTest::keyClick(child<QTableView>(inbox, "approvalsTable"), Qt::Key_A);
    QTRY_COMPARE_WITH_TIMEOUT(tap::test::poll(port, key, next.txn).value(u"status"_s).toString(),
                              u"forwarded"_s, kSlow);
    QTRY_COMPARE_WITH_TIMEOUT(inbox->model()->rowCount(), 0, kSlow);
    m_window.reset(); // the long poll ends before tapd stops
}

QTEST_MAIN(TestConsoleCardServer)
#include "tst_console_card_server.moc"
