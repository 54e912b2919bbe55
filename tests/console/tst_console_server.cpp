// The console against a real tapd (tests/support/tapdharness.h, SQLite) for what issue #15 added
// on the server — credential rows per scope, "approve and allow host" for a host new to a
// credential, approver-created agents — and for issue #18's offline state: tapd is stopped and
// started again mid-test. The console talks to tapd through a relay on a fixed port, so the
// console's server URL survives tapd's restart on a new port.
// The test functions run in order and share one tapd and one console window.
#include "app/mainwindow.h"
#include "approvals/approvalpoller.h"
#include "approvals/approvalsmodel.h"
#include "approvals/traynotifier.h"
#include "consoletest.h"
#include "relay.h"
#include "dialogs/formdialog.h"
#include "dialogs/signindialog.h"
#include "pages/agentspage.h"
#include "pages/inboxpage.h"
#include "pages/page.h"
#include "session/profilestore.h"
#include "support/tapdharness.h"

#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>

using namespace Qt::Literals::StringLiterals;
using namespace tap::console;
using namespace tap::console::test;
using tap::test::Account;
using tap::test::HttpClient;
using tap::test::HttpResponse;
using tap::test::Tapd;
using tap::test::Upstream;

namespace {

constexpr int kSlow = 60000;
const QString kOwner = u"owner@scopes.test"_s;
const QString kTeam = u"scopes-team"_s;

void fill(const QObject *parent, const char *name, const QString &text)
{
    auto *edit = child<QLineEdit>(parent, name);
    QVERIFY2(edit, name);
    edit->setText(text);
}

// Selects the row of `table` whose column `column` reads `text`.
bool selectCell(QWidget *page, const char *table, int column, const QString &text)
{
    auto *view = child<QTableView>(page, table);
    for (int row = 0; view && row < view->model()->rowCount(); ++row) {
        if (view->model()->index(row, column).data().toString() == text) {
            view->selectRow(row);
            return true;
        }
    }
    return false;
}

QStringList column(QWidget *page, const char *table, int col)
{
    QStringList out;
    auto *view = child<QTableView>(page, table);
    for (int row = 0; view && row < view->model()->rowCount(); ++row)
        out << view->model()->index(row, col).data().toString();
    out.sort();
    return out;
}

QString mailedInviteToken(const Tapd &tapd, const QString &address)
{
    static const QRegularExpression re(u"invitation token: (tapi_[A-Za-z0-9_-]+)"_s);
    const QDir dir(tapd.dataDir() + u"/outbox"_s);
    QString token;
    for (const QString &name : dir.entryList({ u"*.eml"_s }, QDir::Files, QDir::Name)) {
        QFile file(dir.filePath(name));
        if (!file.open(QIODevice::ReadOnly))
            continue;
        const QByteArray mail = file.readAll();
        const qsizetype split = mail.indexOf("\r\n\r\n");
        const QByteArray head = mail.left(split).toLower();
        if (!head.contains(address.toLower().toUtf8()))
            continue;
        const QByteArray body = mail.mid(split + 4);
        const QString text = head.contains("quoted-printable")
                ? tap::test::decodeQuotedPrintable(body)
                : QString::fromUtf8(body);
        if (const auto m = re.match(text); m.hasMatch())
            token = m.captured(1);
    }
    return token;
}

} // namespace

class TestConsoleServer : public QObject
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

    // tapdharness.h reads the backend from the global row: tapd starts in a test function.
    void startTapdAndSignIn();
    void scopedCredentialRows();
    void newHostApproveAndAllow();
    void approverCreatesAgentsButAllowsNoHost();
    void offlineIsShownAndRecovers();
    void startupTellsUnreachableFromSignedOut();

private:
    Page *page(const char *name) const { return m_window->page(QString::fromLatin1(name)); }
    FormDialog *openDialog(const char *pageName, const char *button, const char *dialogName);
    bool submit(FormDialog *dialog);
    bool settled(Page *p) const { return !m_session->api()->isBusy() && p->errorText().isEmpty(); }
    HttpClient owner() const { return m_tapd->client(m_owner.token); }
    QByteArray park(const QByteArray &target);
    QString agentPoll(const QByteArray &txn) const;
    bool restartTapd();

    QTemporaryDir m_dir;
    FakeDesktop m_desktop;
    FakeSecretStore m_secrets;
    Relay m_relay;
    std::unique_ptr<Upstream> m_upstream;
    std::unique_ptr<Tapd> m_tapd;
    std::unique_ptr<Session> m_session;
    std::unique_ptr<MainWindow> m_window;
    Account m_owner;
    QByteArray m_botKey;
};

void TestConsoleServer::startTapdAndSignIn()
{
    m_upstream = std::make_unique<Upstream>();
    m_tapd = std::make_unique<Tapd>();
    QVERIFY(m_upstream->start());
    QVERIFY(m_tapd->start());
    m_relay.target = m_tapd->port();
    QVERIFY(m_relay.listen());
    m_owner = tap::test::signUp(*m_tapd, kTeam, kOwner);
    QVERIFY(!m_owner.token.isEmpty());
    QVERIFY(tap::test::addRole(owner(), u"ops"_s, {}));
    m_botKey = tap::test::addAgent(owner(), u"bot"_s, {});
    QVERIFY(!m_botKey.isEmpty());

    m_session = std::make_unique<Session>(&m_secrets);
    m_window = std::make_unique<MainWindow>(m_session.get(), m_desktop.environment());
    m_window->poller()->setRetryDelayMs(500);
    m_window->poller()->setWaitSeconds(2); // tapd stops once its held polls are answered
    m_window->resize(1180, 700);
    m_window->show();
    bool done = false;
    m_session->login(Profile{ m_relay.url(), kOwner }, u"pw-"_s + kTeam + u"-long-enough"_s,
                     [&done](const Session::Reply &) { done = true; });
    QTRY_VERIFY_WITH_TIMEOUT(done, kSlow);
    QVERIFY(m_session->isSignedIn());
    QCOMPARE(m_session->role(), u"owner"_s);
}

FormDialog *TestConsoleServer::openDialog(const char *pageName, const char *button,
                                          const char *dialogName)
{
    Page *p = page(pageName);
    m_window->showPage(p);
    if (!QTest::qWaitFor([&] { return settled(p); }, kSlow))
        return nullptr;
    auto *b = child<QAbstractButton>(p, button);
    if (!b || !b->isEnabled())
        return nullptr;
    QTest::mouseClick(b, Qt::LeftButton);
    FormDialog *dialog = nullptr;
    (void)QTest::qWaitFor(
            [&] {
                dialog = p->findChild<FormDialog *>(QString::fromLatin1(dialogName));
                return dialog && dialog->isVisible();
            },
            kSlow);
    return dialog;
}

bool TestConsoleServer::submit(FormDialog *dialog)
{
    QPointer<FormDialog> d(dialog);
    QTest::mouseClick(child<QAbstractButton>(d, "okButton"), Qt::LeftButton);
    (void)QTest::qWaitFor([&] { return !d || !d->errorText().isEmpty(); }, kSlow);
    if (d)
        qWarning("%s: %s", qPrintable(d->objectName()), qPrintable(d->errorText()));
    return !d;
}

QByteArray TestConsoleServer::park(const QByteArray &target)
{
    const HttpResponse r =
            tap::test::forward(m_tapd->port(), tap::test::Call(m_botKey, "open", target));
    if (r.status != 202) {
        qWarning("forward: %s", qPrintable(r.describe()));
        return {};
    }
    return r.json().value(u"txn_id"_s).toString().toLatin1();
}

QString TestConsoleServer::agentPoll(const QByteArray &txn) const
{
    HttpClient c(m_tapd->port());
    c.setTimeoutMs(tap::test::kRequestTimeoutMs);
    const HttpResponse r =
            c.request("GET", "/agent/approvals/" + txn, {}, { { "X-TAP-Key", m_botKey } });
    return r.json().value(u"status"_s).toString();
}

bool TestConsoleServer::restartTapd()
{
    if (!m_tapd->restart())
        return false;
    m_relay.target = m_tapd->port();
    return true;
}

// Issue #15 item 6: the scope of each row; creating a team, a role and an agent row of one
// name from the form; editing, rotating and deleting address the selected row only.
void TestConsoleServer::scopedCredentialRows()
{
    const struct
    {
        const char *kind;
        QString owner;
        QString description;
    } wanted[] = { { "team", {}, u"the team's mailbox"_s },
                   { "role", u"ops"_s, u"the ops mailbox"_s },
                   { "agent", u"bot"_s, u"the bot's mailbox"_s } };
    for (const auto &row : wanted) {
        FormDialog *d = openDialog("credentialsPage", "newButton", "credentialDialog");
        QVERIFY(d);
        fill(d, "name", u"mail"_s);
        auto *kind = child<QComboBox>(d, "scopeKind");
        kind->setCurrentIndex(kind->findData(QString::fromLatin1(row.kind)));
        auto *scopeOwner = child<QComboBox>(d, "scopeId");
        if (!row.owner.isEmpty()) {
            // The choices are the team's roles or agents, from the server.
            QTRY_VERIFY_WITH_TIMEOUT(scopeOwner->findText(row.owner) >= 0, kSlow);
            scopeOwner->setCurrentIndex(scopeOwner->findText(row.owner));
        } else {
            QVERIFY(!scopeOwner->isEnabled());
        }
        fill(d, "description", row.description);
        fill(d, "value", u"sk-"_s + QString::fromLatin1(row.kind));
        QVERIFY(submit(d));
    }
    Page *p = page("credentialsPage");
    QTRY_COMPARE_WITH_TIMEOUT(rows(p, "credentialsTable"), 3, kSlow);
    QCOMPARE(column(p, "credentialsTable", 1),
             (QStringList{ u"agent:bot"_s, u"role:ops"_s, u"team"_s }));
    screenshot(m_window.get(), u"credential-scopes"_s);

    // Edit the role row: its scope is shown, not editable; only that row changes.
    QVERIFY(selectCell(p, "credentialsTable", 1, u"role:ops"_s));
    click(p, "editButton");
    FormDialog *d = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT((d = p->findChild<FormDialog *>(u"credentialDialog"_s)), kSlow);
    QVERIFY(!child<QComboBox>(d, "scopeKind")->isEnabled());
    QCOMPARE(child<QComboBox>(d, "scopeId")->currentText(), u"ops"_s);
    fill(d, "description", u"ops mailbox, edited"_s);
    QVERIFY(submit(d));
    QTRY_VERIFY_WITH_TIMEOUT(settled(p), kSlow);
    QCOMPARE(owner().get("/admin/credentials/mail?scope_kind=role&scope_id=ops")
                     .json()
                     .value(u"description"_s)
                     .toString(),
             u"ops mailbox, edited"_s);
    QCOMPARE(owner().get("/admin/credentials/mail").json().value(u"description"_s).toString(),
             u"the team's mailbox"_s);

    // Delete the agent row: the question names the scope; the other rows stay.
    QVERIFY(selectCell(p, "credentialsTable", 1, u"agent:bot"_s));
    m_desktop.questions.clear();
    click(p, "deleteButton");
    QTRY_VERIFY_WITH_TIMEOUT(p->statusText().contains(u"Deleted"_s) || !p->errorText().isEmpty(),
                             kSlow);
    QVERIFY2(p->errorText().isEmpty(), qPrintable(p->errorText()));
    QCOMPARE(m_desktop.questions.size(), 1);
    QVERIFY2(m_desktop.questions.first().contains(u"agent:bot"_s),
             qPrintable(m_desktop.questions.first()));
    QTRY_COMPARE_WITH_TIMEOUT(rows(p, "credentialsTable"), 2, kSlow);
    const QJsonArray left =
            owner().get("/admin/credentials").json().value(u"credentials"_s).toArray();
    QCOMPARE(left.size(), 2);
    for (const QJsonValue &c : left)
        QVERIFY(c.toObject().value(u"scope_kind"_s).toString() != u"agent"_s);
}

// Issue #15 item 6: a request to a host new for its credential shows the notice; the owner
// approves it and allows the host with one action.
void TestConsoleServer::newHostApproveAndAllow()
{
    QVERIFY(tap::test::verifyStatus(owner().post("/admin/credentials",
                                                 { { u"name"_s, u"open"_s },
                                                   { u"description"_s, u"no allowed hosts yet"_s },
                                                   { u"value"_s, u"sk-open"_s } }),
                                    201, "POST /admin/credentials", __FILE__, __LINE__));
    QVERIFY(tap::test::verifyStatus(
            owner().patch("/admin/agents/bot", { { u"credentials"_s, QJsonArray{ u"open"_s } } }),
            200, "PATCH /admin/agents/bot", __FILE__, __LINE__));
    const QByteArray txn = park(m_upstream->url("/reflect"));
    QVERIFY(!txn.isEmpty());
    InboxPage *inbox = m_window->inbox();
    m_window->showPage(inbox);
    QTRY_VERIFY_WITH_TIMEOUT(inbox->model()->rowOf(QString::fromLatin1(txn)) >= 0, kSlow);
    child<QTableView>(inbox, "approvalsTable")
            ->selectRow(inbox->model()->rowOf(QString::fromLatin1(txn)));
    auto *notice = child<QLabel>(inbox, "newHostNotice");
    QVERIFY(notice->isVisible());
    QVERIFY2(notice->text().contains(u"First use of host 127.0.0.1 with credential open."_s),
             qPrintable(notice->text()));
    auto *allow = child<QPushButton>(inbox, "approveAllowHostButton");
    QVERIFY(allow->isVisible());
    screenshot(m_window.get(), u"inbox-new-host"_s);
    click(inbox, "approveAllowHostButton");
    QTRY_VERIFY_WITH_TIMEOUT(
            inbox->statusText().contains(u"allowed"_s) || !inbox->errorText().isEmpty(), kSlow);
    QVERIFY2(inbox->errorText().isEmpty(), qPrintable(inbox->errorText()));
    QTRY_COMPARE_WITH_TIMEOUT(agentPoll(txn), u"forwarded"_s, kSlow);
    const QJsonArray hosts =
            owner().get("/admin/credentials/open").json().value(u"allowed_hosts"_s).toArray();
    QVERIFY(hosts.contains(u"127.0.0.1"_s));
}

// Approvers create agents with direct assignments (no roles) and may not allow a host.
void TestConsoleServer::approverCreatesAgentsButAllowsNoHost()
{
    const QString email = u"approver@scopes.test"_s;
    const QString password = u"approver password long enough"_s;
    QVERIFY(tap::test::verifyStatus(
            owner().post("/admin/members/invite",
                         { { u"email"_s, email }, { u"role"_s, u"approver"_s } }),
            201, "POST /admin/members/invite", __FILE__, __LINE__));
    const QString token = mailedInviteToken(*m_tapd, email);
    QVERIFY2(token.startsWith(u"tapi_"_s), qPrintable(token));
    QVERIFY(tap::test::verifyStatus(m_tapd->client().post("/signup",
                                                          { { u"email"_s, email },
                                                            { u"password"_s, password },
                                                            { u"invite_token"_s, token } }),
                                    201, "POST /signup", __FILE__, __LINE__));
    FakeSecretStore secrets;
    Session theirs(&secrets);
    bool done = false;
    theirs.login(Profile{ m_relay.url(), email }, password,
                 [&done](const Session::Reply &) { done = true; });
    QTRY_VERIFY_WITH_TIMEOUT(done, kSlow);
    QVERIFY(theirs.isSignedIn());
    QCOMPARE(theirs.role(), u"approver"_s);

    AgentsPage agents(&theirs, m_desktop.environment());
    agents.show();
    agents.refresh();
    QVERIFY(child<QAbstractButton>(&agents, "newButton")->isEnabled());
    click(&agents, "newButton");
    QPointer<FormDialog> d = child<FormDialog>(&agents, "agentDialog");
    QVERIFY(d);
    QVERIFY(!child<QWidget>(d, "roles")->isEnabled());
    fill(d, "agentId", u"helper"_s);
    fill(d, "description", u"made by an approver"_s);
    fill(d, "credentialsEdit", u"open"_s); // typed, not yet added: counts
    click(d, "okButton");
    QTRY_VERIFY_WITH_TIMEOUT(!d || !d->errorText().isEmpty(), kSlow);
    QVERIFY2(!d, d ? qPrintable(d->errorText()) : "");
    QTRY_VERIFY_WITH_TIMEOUT(agents.findChild<QDialog *>(u"apiKeyDialog"_s), kSlow);
    const QJsonObject helper = owner().get("/admin/agents/helper").json();
    QCOMPARE(helper.value(u"credentials"_s).toArray(), QJsonArray{ u"open"_s });

    // A new host again (localhost is not yet allowed for "open"): the approver sees the notice
    // but not the action that changes the credential.
    QByteArray target = m_upstream->url("/reflect");
    target.replace("127.0.0.1", "localhost");
    const QByteArray txn = park(target);
    QVERIFY(!txn.isEmpty());
    ApprovalPoller poller(theirs.api());
    InboxPage inbox(&theirs, m_desktop.environment(), &poller);
    inbox.show();
    poller.start();
    QTRY_VERIFY_WITH_TIMEOUT(inbox.model()->rowOf(QString::fromLatin1(txn)) >= 0, kSlow);
    child<QTableView>(&inbox, "approvalsTable")
            ->selectRow(inbox.model()->rowOf(QString::fromLatin1(txn)));
    QVERIFY(child<QLabel>(&inbox, "newHostNotice")->text().contains(u"localhost"_s));
    QVERIFY(child<QWidget>(&inbox, "approveAllowHostButton")->isVisible());
    QVERIFY(!child<QWidget>(&inbox, "approveAllowHostButton")->isEnabled());
    poller.stop();
    theirs.logout();
}

// Issue #18 defect 2: tapd goes away while signed in; the window and the tray say so (never
// "0 pending"); when it is back, the console recovers on its own.
void TestConsoleServer::offlineIsShownAndRecovers()
{
    QVERIFY(m_window->poller()->isRunning());
    auto *connection = child<QLabel>(m_window.get(), "connectionLabel");
    QTRY_VERIFY_WITH_TIMEOUT(m_window->poller()->isOnline(), kSlow);
    QVERIFY(connection->isHidden());
    QVERIFY(m_tapd->stop() == 0);
    QTRY_VERIFY_WITH_TIMEOUT(connection->isVisible(), kSlow);
    QVERIFY2(connection->text().contains(u"Disconnected"_s), qPrintable(connection->text()));
    QVERIFY(!m_window->tray()->isOnline());
    const QString tip = m_window->tray()->trayIcon()->toolTip();
    QVERIFY2(tip.contains(u"disconnected"_s) && !tip.contains(u"pending"_s), qPrintable(tip));
    QVERIFY(!m_window->inbox()->errorText().isEmpty());
    screenshot(m_window.get(), u"offline"_s);

    QVERIFY(restartTapd());
    QTRY_VERIFY_WITH_TIMEOUT(connection->isHidden(), kSlow);
    QVERIFY(m_window->tray()->isOnline());
    QVERIFY2(m_window->tray()->trayIcon()->toolTip().contains(u"pending"_s),
             qPrintable(m_window->tray()->trayIcon()->toolTip()));
    QVERIFY(m_window->inbox()->errorText().isEmpty());
}

// Issue #18 defect 2: at start-up with a kept session and tapd down, the console says the server
// is unreachable (not "log in"), and Retry signs in once tapd is back.
void TestConsoleServer::startupTellsUnreachableFromSignedOut()
{
    QVERIFY(m_session->isSignedIn()); // its token is in m_secrets
    ProfileStore().remember(m_session->profile()); // the last one (the approver logged in since)
    QVERIFY(m_tapd->stop() == 0);
    Session next(&m_secrets);
    MainWindow window(&next, m_desktop.environment());
    window.show();
    window.start();
    auto *connection = child<QLabel>(&window, "connectionLabel");
    auto *retry = child<QPushButton>(&window, "retryButton");
    QTRY_VERIFY_WITH_TIMEOUT(retry->isVisible() && retry->isEnabled(), kSlow);
    QVERIFY2(connection->text().contains(u"Cannot reach"_s), qPrintable(connection->text()));
    QVERIFY(!window.signInDialog() || !window.signInDialog()->isVisible());
    QVERIFY(!next.isSignedIn());
    screenshot(&window, u"startup-unreachable"_s);

    QVERIFY(restartTapd());
    click(&window, "retryButton");
    QTRY_VERIFY_WITH_TIMEOUT(next.isSignedIn(), kSlow);
    QVERIFY(connection->isHidden());
    QVERIFY(retry->isHidden());
    QVERIFY(!window.signInDialog() || !window.signInDialog()->isVisible());
}

QTEST_MAIN(TestConsoleServer)
#include "tst_console_server.moc"
