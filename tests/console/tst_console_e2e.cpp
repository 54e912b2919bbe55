// End-to-end: the real console widgets (offscreen, or xcb under Xvfb for the screenshots) against
// a real tapd process (tests/support/tapdharness.h, SQLite) and the fake upstream. One person
// does the setup flows from the console alone — sign up, verify with the mailed code, log
// in, create credentials, set policies, create an agent, invite a member, link another team's
// agent with a role, add a notification channel — then approves an agent's request from the
// desktop notification, and a passkey-protected request is sent to the browser.
// The test functions run in order and share one tapd and one console window.
#include "app/mainwindow.h"
#include "app/welcomepage.h"
#include "approvals/approvalpoller.h"
#include "approvals/approvalsmodel.h"
#include "approvals/traynotifier.h"
#include "consoletest.h"
#include "dialogs/formdialog.h"
#include "dialogs/signindialog.h"
#include "pages/inboxpage.h"
#include "pages/page.h"
#include "support/tapdharness.h"

#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QTabWidget>
#include <QTableView>

using namespace Qt::Literals::StringLiterals;
using namespace tap::console;
using namespace tap::console::test;
using tap::test::Account;
using tap::test::HttpClient;
using tap::test::HttpResponse;
using tap::test::Tapd;
using tap::test::Upstream;

namespace {

// Password hashing (Argon2id) and a loaded 2-core machine: generous, like the service tests.
constexpr int kSlow = 60000;

const QString kEmail = u"owner@example.test"_s;
const QString kPassword = u"console e2e password"_s;
const QByteArray kSecret = "sk-console-e2e-0123456789";

// The newest invitation token mailed to `address` (tapd's outbox, as the harness reads codes).
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

void fill(const QObject *parent, const char *name, const QString &text)
{
    auto *edit = child<QLineEdit>(parent, name);
    QVERIFY2(edit, name);
    edit->setText(text);
}

} // namespace

class TestConsoleE2E : public QObject
{
    Q_OBJECT

private slots:
    // tapdharness.h reads the backend from the global row; the console needs one, SQLite.
    void initTestCase_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::newRow("sqlite") << u"sqlite"_s;
    }
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        isolateSettings(m_dir);
        m_session = std::make_unique<Session>(&m_secrets);
        m_window = std::make_unique<MainWindow>(m_session.get(), m_desktop.environment());
        m_window->resize(1180, 700);
        m_window->show();
    }
    void cleanupTestCase()
    {
        m_window.reset();
        m_session.reset();
        if (m_tapd)
            tap::test::verifyCleanStop(*m_tapd, __FILE__, __LINE__);
    }

    void signUpVerifyAndLogIn();
    void createCredentials();
    void setPolicies();
    void createAgent();
    void approveFromNotification();
    void passkeyApprovalOpensBrowser();
    void inviteMemberWhoSignsUpWithToken();
    void linkAgentOfAnotherTeam();
    void notificationChannel();
    void screenshotsOfEveryPage();

private:
    Page *page(const char *name) const { return m_window->page(QString::fromLatin1(name)); }
    // Shows `name`, waits for its refresh, clicks `button` and returns the dialog it opened.
    FormDialog *openDialog(const char *pageName, const char *button, const char *dialogName);
    // OK on `dialog`; true once it closed without an error.
    bool submit(FormDialog *dialog);
    bool settled(Page *p) const { return !m_session->api()->isBusy() && p->errorText().isEmpty(); }
    QByteArray park(const QByteArray &credential, const QByteArray &body);
    QString agentPoll(const QByteArray &txn) const;
    int rowOf(const QString &id) const { return m_window->inbox()->model()->rowOf(id); }

    QTemporaryDir m_dir;
    FakeDesktop m_desktop;
    FakeSecretStore m_secrets;
    std::unique_ptr<Upstream> m_upstream;
    std::unique_ptr<Tapd> m_tapd;
    std::unique_ptr<Session> m_session;
    std::unique_ptr<MainWindow> m_window;
    QByteArray m_agentKey;
};

FormDialog *TestConsoleE2E::openDialog(const char *pageName, const char *button,
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

bool TestConsoleE2E::submit(FormDialog *dialog)
{
    QPointer<FormDialog> d(dialog);
    QTest::mouseClick(child<QAbstractButton>(d, "okButton"), Qt::LeftButton);
    // Closed and deleted on success; on failure it stays open with the server's message.
    (void)QTest::qWaitFor([&] { return !d || !d->errorText().isEmpty(); }, kSlow);
    if (d)
        qWarning("%s: %s", qPrintable(d->objectName()), qPrintable(d->errorText()));
    return !d;
}

QByteArray TestConsoleE2E::park(const QByteArray &credential, const QByteArray &body)
{
    const HttpResponse r = tap::test::forward(
            m_tapd->port(),
            tap::test::Call(m_agentKey, credential, m_upstream->url("/reflect"), "POST",
                            { { "Content-Type", "application/json" } }, body));
    if (r.status != 202) {
        qWarning("forward: %s", qPrintable(r.describe()));
        return {};
    }
    return r.json().value(u"txn_id"_s).toString().toLatin1();
}

QString TestConsoleE2E::agentPoll(const QByteArray &txn) const
{
    HttpClient c(m_tapd->port());
    c.setTimeoutMs(tap::test::kRequestTimeoutMs);
    const HttpResponse r =
            c.request("GET", "/agent/approvals/" + txn, {}, { { "X-TAP-Key", m_agentKey } });
    return r.json().value(u"status"_s).toString();
}

// Accounts: sign up, verify the mailed code, log in.
void TestConsoleE2E::signUpVerifyAndLogIn()
{
    m_upstream = std::make_unique<Upstream>();
    m_tapd = std::make_unique<Tapd>();
    QVERIFY(m_upstream->start());
    QVERIFY(m_tapd->start());
    m_window->start(); // no profile yet: the welcome page offers Sign up
    QTRY_VERIFY_WITH_TIMEOUT(m_window->welcomePage()->isVisible(), kTimeout);
    screenshot(m_window.get(), u"00-welcome"_s);
    click(m_window->welcomePage(), "welcomeSignUpButton");
    QTRY_VERIFY_WITH_TIMEOUT(m_window->signInDialog() && m_window->signInDialog()->isVisible(),
                             kTimeout);
    QPointer<SignInDialog> dialog = m_window->signInDialog(); // deleted when accepted
    fill(dialog, "serverUrl", u"http://127.0.0.1:%1"_s.arg(m_tapd->port()));
    fill(dialog, "email", kEmail);
    dialog->setMode(SignInDialog::Signup);
    fill(dialog, "teamName", u"acme-console"_s);
    fill(dialog, "newPassword", kPassword);
    fill(dialog, "confirmPassword", kPassword);
    screenshot(dialog, u"01-signup"_s);
    click(dialog, "signupButton");
    QTRY_VERIFY_WITH_TIMEOUT(
            dialog->infoText().contains(u"6-digit"_s) || !dialog->errorText().isEmpty(), kSlow);
    QVERIFY2(dialog->errorText().isEmpty(), qPrintable(dialog->errorText()));
    QCOMPARE(child<QTabWidget>(dialog, "modeTabs")->currentIndex(), int(SignInDialog::Verify));

    const QString code = m_tapd->verificationCode(kEmail);
    QCOMPARE(code.size(), 6);
    fill(dialog, "code", code);
    click(dialog, "verifyButton");
    QTRY_COMPARE_WITH_TIMEOUT(child<QTabWidget>(dialog, "modeTabs")->currentIndex(),
                              int(SignInDialog::Login), kSlow);
    QVERIFY2(dialog->errorText().isEmpty(), qPrintable(dialog->errorText()));

    click(dialog, "loginButton"); // the password from sign-up is kept
    QTRY_VERIFY_WITH_TIMEOUT(m_session->isSignedIn() || (dialog && !dialog->errorText().isEmpty()),
                             kSlow);
    QVERIFY2(m_session->isSignedIn(), dialog ? qPrintable(dialog->errorText()) : "");
    QCOMPARE(m_session->teamName(), u"acme-console"_s);
    QCOMPARE(m_session->role(), u"owner"_s);
    QVERIFY(m_session->api()->sessionToken().startsWith(u"taps_"_s));
    QVERIFY(m_window->poller()->isRunning());
}

// Credentials: one plain, one whose approvals need a passkey.
void TestConsoleE2E::createCredentials()
{
    QVERIFY(m_session->isSignedIn());
    for (const char *name : { "api", "guarded" }) {
        FormDialog *d = openDialog("credentialsPage", "newButton", "credentialDialog");
        QVERIFY(d);
        fill(d, "name", QString::fromLatin1(name));
        fill(d, "description", u"%1 of the fake upstream"_s.arg(QString::fromLatin1(name)));
        fill(d, "allowedHosts", u"127.0.0.1"_s);
        fill(d, "value", QString::fromLatin1(kSecret));
        if (qstrcmp(name, "api") == 0)
            screenshot(d, u"02-credential"_s);
        QVERIFY(submit(d));
    }
    auto *table = child<QTableView>(page("credentialsPage"), "credentialsTable");
    QTRY_COMPARE_WITH_TIMEOUT(table->model()->rowCount(), 2, kSlow);
    const HttpResponse list =
            m_tapd->client(m_session->api()->sessionToken().toLatin1()).get("/admin/credentials");
    QVERIFY(list.body.contains("\"has_value\":true"));
    QVERIFY(!list.body.contains(kSecret));
}

// Policies: GET auto-approved, POST needs approval; "guarded" needs a
// passkey.
void TestConsoleE2E::setPolicies()
{
    QVERIFY(m_session->isSignedIn());
    Page *p = page("policiesPage");
    m_window->showPage(p);
    auto *combo = child<QComboBox>(p, "credentialCombo");
    QTRY_COMPARE_WITH_TIMEOUT(combo->count(), 2, kSlow);
    const auto save = [&](const QString &credential, bool passkey) {
        combo->setCurrentText(credential);
        QTRY_VERIFY_WITH_TIMEOUT(settled(p), kSlow);
        fill(p, "autoApproveMethods", u"GET, HEAD"_s);
        fill(p, "requireApprovalMethods", u"POST, DELETE"_s);
        child<QCheckBox>(p, "requirePasskey")->setChecked(passkey);
        click(p, "saveButton");
        QTRY_VERIFY_WITH_TIMEOUT(p->statusText().contains(u"saved"_s) || !p->errorText().isEmpty(),
                                 kSlow);
        QVERIFY2(p->errorText().isEmpty(), qPrintable(p->errorText()));
    };
    save(u"guarded"_s, true);
    RETURN_IF_FAILED();
    save(u"api"_s, false);
    RETURN_IF_FAILED();
    const QJsonObject policy = m_tapd->client(m_session->api()->sessionToken().toLatin1())
                                       .get("/admin/policies/guarded")
                                       .json();
    QCOMPARE(policy.value(u"require_passkey"_s).toBool(), true);
    QCOMPARE(policy.value(u"auto_approve_methods"_s).toArray().size(), 2);
}

// Agents: the key is shown once, in the dialog.
void TestConsoleE2E::createAgent()
{
    QVERIFY(m_session->isSignedIn());
    FormDialog *d = openDialog("agentsPage", "newButton", "agentDialog");
    QVERIFY(d);
    fill(d, "agentId", u"bot"_s);
    fill(d, "description", u"Posts for the team"_s);
    fill(d, "credentialsEdit", u"api, guarded"_s); // a pasted list, not yet added: counts
    QVERIFY(submit(d));
    QDialog *keyDialog = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT(
            (keyDialog = page("agentsPage")->findChild<QDialog *>(u"apiKeyDialog"_s)), kSlow);
    m_agentKey = child<QLineEdit>(keyDialog, "secretField")->text().toLatin1();
    QVERIFY2(m_agentKey.startsWith("tap_"), m_agentKey.constData());
    screenshot(keyDialog, u"03-agent-key"_s);
    click(keyDialog, "closeButton");

    // The policy from the console is in force: GET goes straight through with the secret.
    const HttpResponse r = tap::test::forward(
            m_tapd->port(), tap::test::Call(m_agentKey, "api", m_upstream->url("/reflect")));
    QVERIFY2(r.status == 200, qPrintable(r.describe()));
}

// Human approval (README "Human approval"): the agent's POST waits; the long poll brings it to the
// inbox, the tray notifies; clicking the notification opens it; approving sends it on.
void TestConsoleE2E::approveFromNotification()
{
    QVERIFY(!m_agentKey.isEmpty());
    m_window->showPage(page("agentsPage")); // somewhere else: the notification brings us back
    const int before = m_window->tray()->notificationCount();
    const QByteArray txn = park("api", R"({"text":"hello from the console test"})");
    QVERIFY(!txn.isEmpty());
    QCOMPARE(agentPoll(txn), u"pending"_s);
    QTRY_VERIFY_WITH_TIMEOUT(rowOf(QString::fromLatin1(txn)) >= 0, kSlow);
    QTRY_COMPARE_WITH_TIMEOUT(m_window->tray()->notificationCount(), before + 1, kSlow);
    QCOMPARE(m_window->tray()->lastNotifiedId(), QString::fromLatin1(txn));
    QVERIFY(m_window->tray()->lastMessage().contains(u"bot"_s));

    Q_EMIT m_window->tray()->trayIcon()->messageClicked(); // the person clicks it
    QCOMPARE(child<QListWidget>(m_window.get(), "navigation")->currentRow(), 0);
    InboxPage *inbox = m_window->inbox();
    const QModelIndexList rows =
            child<QTableView>(inbox, "approvalsTable")->selectionModel()->selectedRows();
    QCOMPARE(rows.size(), 1);
    QCOMPARE(rows.first().data(ApprovalsModel::IdRole).toString(), QString::fromLatin1(txn));
    QVERIFY(child<QPlainTextEdit>(inbox, "bodyPreview")
                    ->toPlainText()
                    .contains(u"hello from the console test"_s));
    screenshot(m_window.get(), u"04-inbox-pending"_s);

    click(inbox, "approveButton");
    QTRY_VERIFY_WITH_TIMEOUT(
            inbox->statusText().contains(u"Approved"_s) || !inbox->errorText().isEmpty(), kSlow);
    QVERIFY2(inbox->errorText().isEmpty(), qPrintable(inbox->errorText()));
    QTRY_COMPARE_WITH_TIMEOUT(agentPoll(txn), u"forwarded"_s, kSlow);
    QTRY_VERIFY_WITH_TIMEOUT(rowOf(QString::fromLatin1(txn)) < 0, kSlow); // no longer pending
    const QJsonObject decided = m_tapd->client(m_session->api()->sessionToken().toLatin1())
                                        .get("/admin/approvals/" + txn)
                                        .json();
    QCOMPARE(decided.value(u"decided_by"_s).toString(), kEmail);
    QCOMPARE(decided.value(u"decided_via"_s).toString(), u"admin"_s);
}

// A passkey credential: tapd answers passkey_required and the console opens approval_url in
// the browser (the injected opener); the request stays pending. Denying needs no passkey.
void TestConsoleE2E::passkeyApprovalOpensBrowser()
{
    QVERIFY(!m_agentKey.isEmpty());
    const QByteArray txn = park("guarded", R"({"amount":100})");
    QVERIFY(!txn.isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(rowOf(QString::fromLatin1(txn)) >= 0, kSlow);
    InboxPage *inbox = m_window->inbox();
    m_window->showPage(inbox);
    child<QTableView>(inbox, "approvalsTable")->selectRow(rowOf(QString::fromLatin1(txn)));
    m_desktop.opened.clear();
    click(inbox, "approveButton");
    QTRY_COMPARE_WITH_TIMEOUT(m_desktop.opened.size(), 1, kSlow);
    const QUrl url = m_desktop.opened.first();
    QCOMPARE(url.path(), u"/approve/"_s + QString::fromLatin1(txn));
    QVERIFY2(inbox->statusText().contains(u"browser"_s), qPrintable(inbox->statusText()));
    QCOMPARE(agentPoll(txn), u"pending"_s);

    // The page the browser would show exists on this tapd.
    const HttpResponse pageAnswer = m_tapd->client().get("/approve/" + txn);
    QCOMPARE(pageAnswer.status, 200);

    child<QTableView>(inbox, "approvalsTable")->selectRow(rowOf(QString::fromLatin1(txn)));
    click(inbox, "denyButton");
    QTRY_COMPARE_WITH_TIMEOUT(agentPoll(txn), u"denied"_s, kSlow);
    QCOMPARE(m_desktop.opened.size(), 1);
}

// Team members and the invitation mail: the owner invites from the Team
// page; the invitee signs up in their own console with the mailed token and joins as approver.
void TestConsoleE2E::inviteMemberWhoSignsUpWithToken()
{
    QVERIFY(m_session->isSignedIn());
    const QString invitee = u"approver@example.test"_s;
    FormDialog *d = openDialog("teamPage", "inviteButton", "inviteDialog");
    QVERIFY(d);
    fill(d, "inviteEmail", invitee);
    child<QComboBox>(d, "inviteRole")->setCurrentText(u"approver"_s);
    QVERIFY(submit(d));
    const QString token = mailedInviteToken(*m_tapd, invitee);
    QVERIFY2(token.startsWith(u"tapi_"_s), qPrintable(token));

    FakeSecretStore secrets;
    Session theirs(&secrets);
    SignInDialog dialog(&theirs);
    dialog.show();
    fill(&dialog, "serverUrl", u"http://127.0.0.1:%1"_s.arg(m_tapd->port()));
    fill(&dialog, "email", invitee);
    dialog.setMode(SignInDialog::Signup);
    fill(&dialog, "inviteToken", token);
    fill(&dialog, "newPassword", kPassword);
    fill(&dialog, "confirmPassword", kPassword);
    screenshot(&dialog, u"05-signup-invited"_s);
    click(&dialog, "signupButton");
    QTRY_COMPARE_WITH_TIMEOUT(child<QTabWidget>(&dialog, "modeTabs")->currentIndex(),
                              int(SignInDialog::Login), kSlow);
    QVERIFY2(dialog.errorText().isEmpty(), qPrintable(dialog.errorText()));
    click(&dialog, "loginButton");
    QTRY_VERIFY_WITH_TIMEOUT(theirs.isSignedIn() || !dialog.errorText().isEmpty(), kSlow);
    QVERIFY2(theirs.isSignedIn(), qPrintable(dialog.errorText()));
    QCOMPARE(theirs.role(), u"approver"_s);
    QCOMPARE(theirs.teamId(), m_session->teamId());
    theirs.logout();

    Page *team = page("teamPage");
    team->refresh();
    auto *table = child<QTableView>(team, "membersTable");
    QTRY_COMPARE_WITH_TIMEOUT(table->model()->rowCount(), 2, kSlow); // owner + approver
}

// Multi-account: a role of this team's credentials, and another team's agent linked in
// with it; the agent then uses this team's credential with X-TAP-Team.
void TestConsoleE2E::linkAgentOfAnotherTeam()
{
    QVERIFY(m_session->isSignedIn());
    const Account partner =
            tap::test::signUp(*m_tapd, u"partner-team"_s, u"partner@example.test"_s);
    QVERIFY(!partner.token.isEmpty());
    const QByteArray helperKey =
            tap::test::addAgent(m_tapd->client(partner.token), u"helper"_s, {});
    QVERIFY(!helperKey.isEmpty());

    FormDialog *role = openDialog("rolesPage", "newButton", "roleDialog");
    QVERIFY(role);
    fill(role, "roleName", u"reader"_s);
    fill(role, "description", u"Read-only use of the API"_s);
    fill(role, "credentialsEdit", u"api"_s);
    QVERIFY(submit(role));

    FormDialog *link = openDialog("linksPage", "newButton", "linkDialog");
    QVERIFY(link);
    fill(link, "homeTeamId", partner.teamId);
    fill(link, "agentId", u"helper"_s);
    auto *roles = child<QComboBox>(link, "linkRole");
    QTRY_VERIFY_WITH_TIMEOUT(roles->findText(u"reader"_s) >= 0, kSlow);
    roles->setCurrentText(u"reader"_s);
    screenshot(link, u"06-link"_s);
    QVERIFY(submit(link));
    auto *table = child<QTableView>(page("linksPage"), "linksTable");
    QTRY_COMPARE_WITH_TIMEOUT(table->model()->rowCount(), 1, kSlow);
    QCOMPARE(table->model()->index(0, 2).data().toString(), u"reader"_s);

    const HttpResponse r = tap::test::forward(
            m_tapd->port(),
            tap::test::Call(helperKey, "api", m_upstream->url("/reflect"), "GET",
                            { { "X-TAP-Team", m_session->teamId().toLatin1() } }));
    QVERIFY2(r.status == 200, qPrintable(r.describe()));
}

// Notification channels.
void TestConsoleE2E::notificationChannel()
{
    QVERIFY(m_session->isSignedIn());
    FormDialog *d = openDialog("channelsPage", "newButton", "channelDialog");
    QVERIFY(d);
    fill(d, "channelName", u"ops-room"_s);
    child<QComboBox>(d, "channelType")->setCurrentText(u"matrix"_s);
    fill(d, "roomId", u"!ops:example.org"_s);
    QVERIFY(submit(d));
    auto *table = child<QTableView>(page("channelsPage"), "channelsTable");
    QTRY_COMPARE_WITH_TIMEOUT(table->model()->rowCount(), 1, kSlow);
}

// Every main page with the data of this session, plus a request waiting in the inbox.
void TestConsoleE2E::screenshotsOfEveryPage()
{
    QVERIFY(!m_agentKey.isEmpty());
    const QByteArray txn = park("api", R"({"channel":"C123","text":"weekly report"})");
    QVERIFY(!txn.isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(rowOf(QString::fromLatin1(txn)) >= 0, kSlow);
    int n = 10;
    for (Page *p : m_window->pages()) {
        m_window->showPage(p);
        QTRY_VERIFY_WITH_TIMEOUT(!m_session->api()->isBusy(), kSlow);
        QVERIFY2(p->errorText().isEmpty(), qPrintable(p->objectName() + u": "_s + p->errorText()));
        if (p == m_window->inbox())
            child<QTableView>(p, "approvalsTable")->selectRow(rowOf(QString::fromLatin1(txn)));
        if (p->objectName() == u"agentsPage"_s)
            child<QTableView>(p, "agentsTable")->selectRow(0);
        QTest::qWait(50); // let the selection's details arrive and paint
        QTRY_VERIFY_WITH_TIMEOUT(!m_session->api()->isBusy(), kSlow);
        screenshot(m_window.get(), u"%1-%2"_s.arg(n++).arg(p->objectName()));
    }
}

QTEST_MAIN(TestConsoleE2E)
#include "tst_console_e2e.moc"
