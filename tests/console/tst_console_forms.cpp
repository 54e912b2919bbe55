// Keyboard, forms, text and the first run (issue #18, defects 4, 5 and 6): forms open on their
// first field, Enter works on every sign-in tab, unique mnemonics, Ctrl+N / Delete follow role
// and state, server error codes become translated sentences (never the server's own message),
// a "Log in…" action after logging out, names sort A→Z, the welcome page, Help → About and the
// README link.
#include "app/errortext.h"
#include "app/mainwindow.h"
#include "app/welcomepage.h"
#include "consoletest.h"
#include "dialogs/formdialog.h"
#include "dialogs/signindialog.h"
#include "pages/auditpage.h"
#include "pages/credentialspage.h"
#include "pages/policiespage.h"

#include <QAction>
#include <QComboBox>
#include <QJsonArray>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTranslator>

using namespace tap::console;
using namespace tap::console::test;

namespace {

const QString kDevMessage = QStringLiteral("credential_not_allowed: scope_kind enum mismatch");

// The letter after '&' in a label ("E&xport…" → 'x'), 0 without one.
QChar mnemonic(const QString &text)
{
    for (qsizetype i = 0; i + 1 < text.size(); ++i) {
        if (text.at(i) == u'&') {
            if (text.at(i + 1) != u'&')
                return text.at(i + 1).toLower();
            ++i;
        }
    }
    return {};
}

} // namespace

class TestForms : public QObject, public ConsoleRig
{
    Q_OBJECT

private slots:
    void init() { QVERIFY(startRig()); }
    void cleanup()
    {
        m_window.reset();
        stopRig();
        m_desktop = {};
    }

    void formOpensOnFirstField();
    void enterWorksOnSignupAndVerifyTabs();
    void uniqueMnemonics();
    void newAndDeleteFollowRoleAndState();
    void serverMessageNeverShownRaw();
    void dialogGrowsForError();
    void logInOfferedAfterLogout();
    void policyEditsAreNotDroppedSilently();
    void namesSortAscending();
    void auditReasonsAreSentences();
    void translatedErrorsAndPlurals();
    void emptyPageSaysWhatToDo();
    void firstRunShowsWelcome();
    void helpAboutAndReadme();

private:
    void makeWindow()
    {
        m_window = std::make_unique<MainWindow>(m_session.get(), m_desktop.environment());
        m_window->show();
    }

    FakeDesktop m_desktop;
    std::unique_ptr<MainWindow> m_window;
};

void TestForms::formOpensOnFirstField()
{
    QVERIFY(signIn(*m_session, *m_fake));
    CredentialsPage page(m_session.get(), m_desktop.environment());
    page.show();
    QVERIFY(QTest::qWaitForWindowExposed(&page));
    page.createNew();
    auto *dialog = page.findChild<FormDialog *>(u"credentialDialog"_qs);
    QVERIFY(dialog);
    QTRY_VERIFY_WITH_TIMEOUT(dialog->isVisible(), kTimeout);
    QVERIFY(QTest::qWaitForWindowActive(dialog));
    QTRY_COMPARE_WITH_TIMEOUT(dialog->focusWidget(), child(dialog, "name"), kTimeout);
    dialog->reject();
}

void TestForms::enterWorksOnSignupAndVerifyTabs()
{
    m_fake->addAccount(u"new@example.com"_qs, u"irrelevant"_qs, u"owner"_qs, false);
    SignInDialog dialog(m_session.get());
    dialog.show();
    QVERIFY(QTest::qWaitForWindowActive(&dialog));
    child<QLineEdit>(&dialog, "serverUrl")->setText(m_fake->url().toString());
    child<QLineEdit>(&dialog, "email")->setText(u"fresh@example.com"_qs);
    dialog.setMode(SignInDialog::Signup);
    child<QLineEdit>(&dialog, "teamName")->setText(u"fresh-team"_qs);
    child<QLineEdit>(&dialog, "newPassword")->setText(u"long enough pw"_qs);
    auto *confirm = child<QLineEdit>(&dialog, "confirmPassword");
    confirm->setText(u"long enough pw"_qs);
    confirm->setFocus();
    QTest::keyClick(confirm, Qt::Key_Return);
    QTRY_COMPARE_WITH_TIMEOUT(m_fake->count("POST", u"/signup"_qs), 1, kTimeout);
    // Signed up: on the Verify tab, focus in the code field.
    QTRY_COMPARE_WITH_TIMEOUT(child<QTabWidget>(&dialog, "modeTabs")->currentIndex(),
                              int(SignInDialog::Verify), kTimeout);
    auto *code = child<QLineEdit>(&dialog, "code");
    QTRY_COMPARE_WITH_TIMEOUT(dialog.focusWidget(), code, kTimeout);
    QTest::keyClicks(code, QString::fromLatin1(tap::testsupport::FakeAdminApi::kVerificationCode));
    QTest::keyClick(code, Qt::Key_Enter);
    QTRY_COMPARE_WITH_TIMEOUT(m_fake->count("POST", u"/verify-email"_qs), 1, kTimeout);
    QTRY_COMPARE_WITH_TIMEOUT(child<QTabWidget>(&dialog, "modeTabs")->currentIndex(),
                              int(SignInDialog::Login), kTimeout);
}

// Alt+letter means one thing in the window: the menus and the current page's buttons differ.
void TestForms::uniqueMnemonics()
{
    makeWindow();
    QSet<QChar> menus;
    for (QAction *menu : m_window->menuBar()->actions()) {
        const QChar m = mnemonic(menu->text());
        QVERIFY2(!m.isNull() && !menus.contains(m), qPrintable(menu->text()));
        menus << m;
    }
    for (Page *page : m_window->pages()) {
        QSet<QChar> used = menus;
        for (QPushButton *b : page->findChildren<QPushButton *>()) {
            const QChar m = mnemonic(b->text());
            if (m.isNull())
                continue;
            QVERIFY2(!used.contains(m),
                     qPrintable(page->objectName() + u": "_qs + b->text() + u" clashes"_qs));
            used << m;
        }
    }
}

void TestForms::newAndDeleteFollowRoleAndState()
{
    m_fake->addAccount(u"bob@example.com"_qs, u"bob password"_qs, u"approver"_qs);
    m_fake->credentials << QJsonObject{ { u"name"_qs, u"slack"_qs },
                                        { u"connector"_qs, u"direct"_qs },
                                        { u"api_base"_qs, u"https://slack.com/api"_qs },
                                        { u"has_value"_qs, true } };
    makeWindow();
    auto *create = child<QAction>(m_window.get(), "newAction");
    auto *remove = child<QAction>(m_window.get(), "deleteAction");
    m_window->showPage(m_window->page(u"credentialsPage"_qs));
    QVERIFY(!create->isEnabled()); // signed out
    QVERIFY(!remove->isEnabled());

    QVERIFY(signIn(*m_session, *m_fake, u"bob@example.com"_qs, u"bob password"_qs));
    Page *page = m_window->page(u"credentialsPage"_qs);
    page->refresh();
    QTRY_COMPARE_WITH_TIMEOUT(rows(page, "credentialsTable"), 1, kTimeout);
    QVERIFY(selectText(page, "credentialsTable", u"slack"_qs));
    QVERIFY(!create->isEnabled()); // an approver does not configure credentials
    QVERIFY(!remove->isEnabled());
    create->trigger();
    QTest::qWait(50);
    QVERIFY(!m_window->findChild<QDialog *>(u"credentialDialog"_qs));

    m_session->logout();
    QTRY_VERIFY_WITH_TIMEOUT(!m_session->isSignedIn(), kTimeout);
    QVERIFY(signIn(*m_session, *m_fake)); // the owner
    QTRY_VERIFY_WITH_TIMEOUT(create->isEnabled(), kTimeout);
    m_session->logout();
    QTRY_VERIFY_WITH_TIMEOUT(!create->isEnabled(), kTimeout);
}

void TestForms::serverMessageNeverShownRaw()
{
    QVERIFY(signIn(*m_session, *m_fake));
    CredentialsPage page(m_session.get(), m_desktop.environment());
    m_fake->failNext("GET", u"/admin/credentials"_qs, 409, u"conflict"_qs, kDevMessage);
    page.refresh();
    QTRY_VERIFY_WITH_TIMEOUT(!page.errorText().isEmpty(), kTimeout);
    QVERIFY2(!page.errorText().contains(u"scope_kind"_qs), qPrintable(page.errorText()));
    QCOMPARE(page.errorText(), ErrorText::forCode(u"conflict"_qs));

    // An unknown code gets the generic sentence with the status, not the message.
    m_fake->failNext("GET", u"/admin/credentials"_qs, 418, u"teapot_mode"_qs, kDevMessage);
    page.refresh();
    QTRY_VERIFY_WITH_TIMEOUT(page.errorText().contains(u"418"_qs), kTimeout);
    QVERIFY(!page.errorText().contains(u"scope_kind"_qs));

    // Logging in with a wrong password: the console's sentence.
    SignInDialog dialog(m_session.get());
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    child<QLineEdit>(&dialog, "serverUrl")->setText(m_fake->url().toString());
    child<QLineEdit>(&dialog, "email")->setText(u"admin@example.com"_qs);
    child<QLineEdit>(&dialog, "password")->setText(u"wrong"_qs);
    click(&dialog, "loginButton");
    QTRY_VERIFY_WITH_TIMEOUT(!dialog.errorText().isEmpty(), kTimeout);
    QVERIFY2(dialog.errorText().contains(u"password is wrong"_qs), qPrintable(dialog.errorText()));
}

void TestForms::dialogGrowsForError()
{
    const QString title = u"A rather long dialog title that must not be cut off at all"_qs;
    auto *dialog = new FormDialog(u"growDialog"_qs, title, nullptr);
    dialog->addLine(u"name"_qs, u"&Name:"_qs);
    dialog->show();
    QVERIFY(QTest::qWaitForWindowExposed(dialog));
    QVERIFY(dialog->minimumWidth() > dialog->fontMetrics().horizontalAdvance(title));
    const int before = dialog->height();
    dialog->showError(u"A long error sentence. "_qs.repeated(12));
    QTRY_VERIFY_WITH_TIMEOUT(dialog->height() > before, kTimeout);
    QVERIFY(child<QLabel>(dialog, "errorLabel")->height()
            >= child<QLabel>(dialog, "errorLabel")->sizeHint().height());
    dialog->close();
}

void TestForms::logInOfferedAfterLogout()
{
    makeWindow();
    QVERIFY(signIn(*m_session, *m_fake));
    auto *logIn = child<QAction>(m_window.get(), "loginAction");
    QVERIFY(!logIn->isEnabled());
    child<QAction>(m_window.get(), "logoutAction")->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(logIn->isEnabled(), kTimeout);
    QVERIFY(m_window->welcomePage()->isVisible());
    QVERIFY(child<QLabel>(m_window->welcomePage(), "welcomeTitle")
                    ->text()
                    .contains(u"logged out"_qs));
    click(m_window->welcomePage(), "welcomeLogInButton");
    QTRY_VERIFY_WITH_TIMEOUT(m_window->signInDialog() && m_window->signInDialog()->isVisible(),
                             kTimeout);
    m_window->signInDialog()->reject();
    QTRY_VERIFY_WITH_TIMEOUT(!m_window->signInDialog(), kTimeout);
    logIn->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(m_window->signInDialog() && m_window->signInDialog()->isVisible(),
                             kTimeout);
}

// Switching the credential or the page with unsaved policy edits asks Save / Discard / Cancel.
void TestForms::policyEditsAreNotDroppedSilently()
{
    for (const QString &name : { u"alpha"_qs, u"bravo"_qs })
        m_fake->credentials << QJsonObject{ { u"name"_qs, name },
                                            { u"connector"_qs, u"direct"_qs },
                                            { u"api_base"_qs, u"https://example.com"_qs },
                                            { u"has_value"_qs, true } };
    makeWindow();
    QVERIFY(signIn(*m_session, *m_fake));
    auto *page = static_cast<PoliciesPage *>(m_window->page(u"policiesPage"_qs));
    m_window->showPage(page);
    auto *combo = child<QComboBox>(page, "credentialCombo");
    QTRY_COMPARE_WITH_TIMEOUT(combo->count(), 2, kTimeout);
    QTRY_COMPARE_WITH_TIMEOUT(m_fake->count("GET", u"/admin/policies/alpha"_qs), 1, kTimeout);
    QTRY_VERIFY_WITH_TIMEOUT(!page->statusText().isEmpty(), kTimeout); // shown
    QVERIFY(!page->isModified());
    child<QLineEdit>(page, "autoApproveMethods")->setText(u"GET"_qs);
    QVERIFY(page->isModified());

    // Cancel: stays on alpha with the edit.
    m_desktop.unsavedAnswer = Environment::Unsaved::Cancel;
    combo->setCurrentIndex(1);
    QCOMPARE(m_desktop.unsavedQuestions.size(), 1);
    QCOMPARE(combo->currentText(), u"alpha"_qs);
    QCOMPARE(child<QLineEdit>(page, "autoApproveMethods")->text(), u"GET"_qs);
    m_window->showPage(m_window->page(u"agentsPage"_qs));
    QCOMPARE(m_desktop.unsavedQuestions.size(), 2);
    QCOMPARE(m_window->findChild<QStackedWidget *>(u"pageStack"_qs)->currentWidget(), page);

    // Save: the edit is sent for alpha, then bravo is shown.
    m_desktop.unsavedAnswer = Environment::Unsaved::Save;
    combo->setCurrentIndex(1);
    QTRY_COMPARE_WITH_TIMEOUT(m_fake->count("PUT", u"/admin/policies/alpha"_qs), 1, kTimeout);
    QTRY_COMPARE_WITH_TIMEOUT(m_fake->count("GET", u"/admin/policies/bravo"_qs), 1, kTimeout);
    QTRY_VERIFY_WITH_TIMEOUT(!page->isModified(), kTimeout);
    QCOMPARE(m_fake->policies.value(u"alpha"_qs).value(u"auto_approve_methods"_qs).toArray(),
             QJsonArray{ u"GET"_qs });
}

void TestForms::auditReasonsAreSentences()
{
    m_fake->audit << QJsonObject{ { u"ts"_qs, u"2026-04-03T12:00:00Z"_qs },
                                  { u"kind"_qs, u"request"_qs },
                                  { u"agent_id"_qs, u"bot"_qs },
                                  { u"method"_qs, u"POST"_qs },
                                  { u"target"_qs, u"https://new.example/x"_qs },
                                  { u"decision"_qs, u"approved"_qs },
                                  { u"reason"_qs, u"new_host"_qs } };
    QVERIFY(signIn(*m_session, *m_fake));
    AuditPage page(m_session.get(), m_desktop.environment());
    page.refresh();
    QTRY_COMPARE_WITH_TIMEOUT(rows(&page, "auditTable"), 1, kTimeout);
    auto *model = child<QTableView>(&page, "auditTable")->model();
    const QString reason = model->index(0, model->columnCount() - 1).data().toString();
    QCOMPARE(reason, AuditPage::reasonText(u"new_host"_qs));
    QVERIFY(reason.contains(u"new"_qs) && !reason.contains(u'_'));
}

void TestForms::namesSortAscending()
{
    for (const QString &name : { u"bravo"_qs, u"alpha"_qs, u"charlie"_qs })
        m_fake->credentials << QJsonObject{ { u"name"_qs, name },
                                            { u"connector"_qs, u"direct"_qs },
                                            { u"api_base"_qs, u"https://example.com"_qs },
                                            { u"has_value"_qs, true } };
    QVERIFY(signIn(*m_session, *m_fake));
    CredentialsPage page(m_session.get(), m_desktop.environment());
    page.refresh();
    QTRY_COMPARE_WITH_TIMEOUT(rows(&page, "credentialsTable"), 3, kTimeout);
    auto *view = child<QTableView>(&page, "credentialsTable");
    QCOMPARE(view->horizontalHeader()->sortIndicatorOrder(), Qt::AscendingOrder);
    QCOMPARE(view->model()->index(0, 0).data().toString(), u"alpha"_qs);
    QCOMPARE(view->model()->index(2, 0).data().toString(), u"charlie"_qs);
}

void TestForms::emptyPageSaysWhatToDo()
{
    QVERIFY(signIn(*m_session, *m_fake));
    CredentialsPage page(m_session.get(), m_desktop.environment());
    page.show();
    page.refresh();
    QTRY_VERIFY_WITH_TIMEOUT(page.emptyMessage().contains(u"New…"_qs), kTimeout);
    page.filterEdit()->setText(u"nothing"_qs);
    QTRY_VERIFY_WITH_TIMEOUT(page.emptyMessage().contains(u"filter"_qs), kTimeout);
}

// The German UI shows German sentences for the server's error codes; English plurals come
// from tap_console_en.ts ("1 record", not "1 record(s)").
void TestForms::translatedErrorsAndPlurals()
{
    const QString dir = qEnvironmentVariable("TAP_CONSOLE_QM_DIR");
    if (dir.isEmpty())
        QSKIP("TAP_CONSOLE_QM_DIR is not set (run through ctest)");
    const QStringList codes = { u"network_error"_qs, u"invalid_request"_qs, u"unauthorized"_qs,
                                u"forbidden"_qs,     u"not_found"_qs,       u"conflict"_qs,
                                u"rate_limited"_qs,  u"reauth_required"_qs, u"unavailable"_qs,
                                u"internal_error"_qs };
    QStringList inEnglish;
    for (const QString &code : codes)
        inEnglish << ErrorText::forCode(code);
    QTranslator german;
    QVERIFY(german.load(u"tap_console_de"_qs, dir));
    QCoreApplication::installTranslator(&german);
    for (qsizetype i = 0; i < codes.size(); ++i) {
        const QString sentence = ErrorText::forCode(codes.at(i));
        QVERIFY2(!sentence.isEmpty() && sentence != inEnglish.at(i), qPrintable(codes.at(i)));
    }
    QCoreApplication::removeTranslator(&german);

    QTranslator english;
    QVERIFY(english.load(u"tap_console_en"_qs, dir));
    QCoreApplication::installTranslator(&english);
    const char *context = "tap::console::AuditPage";
    QCOMPARE(QCoreApplication::translate(context, "%n record(s) shown.", nullptr, 1),
             u"1 record shown."_qs);
    QCOMPARE(QCoreApplication::translate(context, "%n record(s) shown.", nullptr, 3),
             u"3 records shown."_qs);
    QCoreApplication::removeTranslator(&english);
}

void TestForms::firstRunShowsWelcome()
{
    makeWindow();
    m_window->start(); // no saved profile
    QTRY_VERIFY_WITH_TIMEOUT(m_window->welcomePage()->isVisible(), kTimeout);
    QVERIFY(!m_window->signInDialog()); // nothing pops up unasked
    QVERIFY(child<QLabel>(m_window->welcomePage(), "welcomeTitle")->text().contains(u"Welcome"_qs));
    click(m_window->welcomePage(), "welcomeSignUpButton");
    QTRY_VERIFY_WITH_TIMEOUT(m_window->signInDialog() && m_window->signInDialog()->isVisible(),
                             kTimeout);
    QCOMPARE(child<QTabWidget>(m_window->signInDialog(), "modeTabs")->currentIndex(),
             int(SignInDialog::Signup));
}

void TestForms::helpAboutAndReadme()
{
    makeWindow();
    child<QAction>(m_window.get(), "readmeAction")->trigger();
    QCOMPARE(m_desktop.opened.size(), 1);
    QVERIFY(m_desktop.opened.first().toString().endsWith(u"README.md"_qs));
    child<QAction>(m_window.get(), "aboutAction")->trigger();
    QMessageBox *about = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT((about = m_window->findChild<QMessageBox *>(u"aboutDialog"_qs))
                                     && about->isVisible(),
                             kTimeout);
    QVERIFY(about->text().contains(QStringLiteral(TAP_VERSION)));
    about->close();
}

QTEST_MAIN(TestForms)
#include "tst_console_forms.moc"
