// The name pickers of the forms (credentials and roles of an agent, credentials of a role,
// approvers of a policy): completion from the server's lists, Enter adds, Backspace removes,
// names the server lacks are refused before sending; the request body carries the picks.
#include "consoletest.h"
#include "dialogs/formdialog.h"
#include "dialogs/namepicker.h"
#include "pages/agentspage.h"
#include "pages/policiespage.h"
#include "pages/rolespage.h"

#include <QAbstractItemView>
#include <QApplication>
#include <QComboBox>
#include <QCompleter>
#include <QJsonArray>
#include <QLineEdit>

using namespace tap::console;
using namespace tap::console::test;

namespace {

QJsonObject named(const QString &name)
{
    return { { u"name"_qs, name }, { u"connector"_qs, u"direct"_qs }, { u"has_value"_qs, true } };
}

QJsonArray array(const QStringList &names)
{
    return QJsonArray::fromStringList(names);
}

// Types `prefix` into the picker, then takes the popup's first completion with Down, Enter
// (the keys go to the popup, as the keyboard's do while it is open).
bool complete(NamePicker *picker, const QString &prefix)
{
    if (!QTest::qWaitFor([picker] { return !picker->knownNames().isEmpty(); }, kTimeout))
        return false;
    QApplication::setActiveWindow(picker->window()); // the popup opens for the focused field
    picker->lineEdit()->setFocus();
    if (!QTest::qWaitFor([picker] { return picker->lineEdit()->hasFocus(); }, kTimeout))
        return false;
    QTest::keyClicks(picker->lineEdit(), prefix);
    QAbstractItemView *popup = picker->completer()->popup();
    if (!QTest::qWaitFor([popup] { return popup->isVisible(); }, kTimeout))
        return false;
    QTest::keyClick(popup, Qt::Key_Down);
    QTest::keyClick(popup, Qt::Key_Return);
    return QTest::qWaitFor([picker] { return picker->lineEdit()->text().isEmpty(); }, kTimeout);
}

// The body of the last `method` request to `path`.
QJsonObject lastBody(const tap::testsupport::FakeAdminApi &fake, const QByteArray &method,
                     const QString &path)
{
    for (auto it = fake.requests.crbegin(); it != fake.requests.crend(); ++it) {
        if (it->method == method && it->path == path)
            return it->body;
    }
    return {};
}

} // namespace

class TestPicker : public QObject, public ConsoleRig
{
    Q_OBJECT

private slots:
    void init()
    {
        QVERIFY(startRig());
        QVERIFY(signIn(*m_session, *m_fake));
        m_fake->credentials << named(u"github"_qs) << named(u"gitlab"_qs) << named(u"slack"_qs);
        m_fake->roles << QJsonObject{ { u"name"_qs, u"reader"_qs } };
    }
    void cleanup() { stopRig(); }

    void agentCompletesCredentialsAndRoles();
    void keysAddAndRemove();
    void unknownNameRefusedBeforeSending();
    void roleCompletesCredentials();
    void policyCompletesApprovers();

private:
    FakeDesktop m_desktop;
};

void TestPicker::agentCompletesCredentialsAndRoles()
{
    AgentsPage page(m_session.get(), m_desktop.environment());
    page.show();
    click(&page, "newButton");
    auto *dialog = child<FormDialog>(&page, "agentDialog");
    QVERIFY(dialog);
    child<QLineEdit>(dialog, "agentId")->setText(u"bot"_qs);
    auto *credentials = child<NamePicker>(dialog, "credentials");
    QVERIFY(complete(credentials, u"sla"_qs));
    QVERIFY(complete(credentials, u"GIT"_qs)); // case-insensitive; github before gitlab
    QTest::keyClicks(credentials->lineEdit(), u"lab"_qs); // Enter with no row highlighted:
    QTRY_VERIFY_WITH_TIMEOUT(credentials->completer()->popup()->isVisible(), kTimeout);
    QTest::keyClick(credentials->completer()->popup(), Qt::Key_Return); // the first completion
    QVERIFY(credentials->lineEdit()->text().isEmpty());
    QCOMPARE(credentials->names(), QStringList({ u"slack"_qs, u"github"_qs, u"gitlab"_qs }));
    QVERIFY(complete(child<NamePicker>(dialog, "roles"), u"rea"_qs));
    child<NamePicker>(dialog, "roles")->lineEdit()->setText(u"nope"_qs);
    QTest::keyClick(child<NamePicker>(dialog, "roles")->lineEdit(), Qt::Key_Return);
    QTest::qWait(50); // the form's layout grows for the chips
    screenshot(dialog, u"agent-dialog-pickers"_qs); // an unknown role flagged
    QTest::keyClick(child<NamePicker>(dialog, "roles")->lineEdit(), Qt::Key_Backspace);
    click(dialog, "okButton");
    QTRY_COMPARE_WITH_TIMEOUT(m_fake->count("POST", u"/admin/agents"_qs), 1, kTimeout);
    const QJsonObject body = lastBody(*m_fake, "POST", u"/admin/agents"_qs);
    QCOMPARE(body.value(u"credentials"_qs).toArray(),
             array({ u"slack"_qs, u"github"_qs, u"gitlab"_qs }));
    QCOMPARE(body.value(u"roles"_qs).toArray(), array({ u"reader"_qs }));
}

void TestPicker::keysAddAndRemove()
{
    NamePicker picker(u"credentials"_qs);
    picker.setKnownNames({ u"github"_qs, u"slack"_qs });
    picker.show();
    QLineEdit *edit = picker.lineEdit();
    QTest::keyClicks(edit, u"slack"_qs);
    picker.completer()->popup()->hide();
    QTest::keyClick(edit, Qt::Key_Return); // Enter adds what was typed
    QCOMPARE(picker.names(), QStringList({ u"slack"_qs }));
    QVERIFY(edit->text().isEmpty());
    edit->setText(u"github, nope"_qs); // a pasted list
    QTest::keyClick(edit, Qt::Key_Enter);
    QCOMPARE(picker.names(), QStringList({ u"slack"_qs, u"github"_qs, u"nope"_qs }));
    QCOMPARE(picker.unknownNames(), QStringList({ u"nope"_qs }));
    QTest::keyClick(edit, Qt::Key_Backspace); // in the empty field: removes the last
    QCOMPARE(picker.names(), QStringList({ u"slack"_qs, u"github"_qs }));
    QVERIFY(picker.unknownNames().isEmpty());
    QTest::keyClick(edit, Qt::Key_Backspace);
    QTest::keyClick(edit, Qt::Key_Backspace);
    QVERIFY(picker.names().isEmpty());
    QTest::keyClick(edit, Qt::Key_Backspace); // nothing left: nothing happens
    QVERIFY(picker.names().isEmpty());
}

void TestPicker::unknownNameRefusedBeforeSending()
{
    AgentsPage page(m_session.get(), m_desktop.environment());
    page.show();
    click(&page, "newButton");
    auto *dialog = child<FormDialog>(&page, "agentDialog");
    QVERIFY(dialog);
    child<QLineEdit>(dialog, "agentId")->setText(u"bot"_qs);
    auto *credentials = child<NamePicker>(dialog, "credentials");
    QTRY_VERIFY_WITH_TIMEOUT(!credentials->knownNames().isEmpty(), kTimeout);
    QTest::keyClicks(credentials->lineEdit(), u"slak"_qs); // a typo, not added with Enter
    click(dialog, "okButton");
    QCOMPARE(dialog->errorText(),
             AgentsPage::tr("The team has no credential \"%1\".").arg(u"slak"_qs));
    QCOMPARE(m_fake->count("POST", u"/admin/agents"_qs), 0);
    auto *roles = child<NamePicker>(dialog, "roles");
    QTRY_VERIFY_WITH_TIMEOUT(!roles->knownNames().isEmpty(), kTimeout);
    credentials->setNames({ u"slack"_qs });
    roles->setNames({ u"writer"_qs });
    click(dialog, "okButton");
    QCOMPARE(dialog->errorText(), AgentsPage::tr("The team has no role \"%1\".").arg(u"writer"_qs));
    QCOMPARE(m_fake->count("POST", u"/admin/agents"_qs), 0);
    roles->setNames({});
    click(dialog, "okButton");
    QTRY_COMPARE_WITH_TIMEOUT(m_fake->count("POST", u"/admin/agents"_qs), 1, kTimeout);
}

void TestPicker::roleCompletesCredentials()
{
    RolesPage page(m_session.get(), m_desktop.environment());
    page.show();
    click(&page, "newButton");
    auto *dialog = child<FormDialog>(&page, "roleDialog");
    QVERIFY(dialog);
    child<QLineEdit>(dialog, "roleName")->setText(u"writer"_qs);
    auto *credentials = child<NamePicker>(dialog, "credentials");
    QVERIFY(complete(credentials, u"lab"_qs)); // contains, not only starts with
    QTest::keyClicks(credentials->lineEdit(), u"nope"_qs);
    QTest::keyClick(credentials->lineEdit(), Qt::Key_Return);
    click(dialog, "okButton");
    QVERIFY(dialog->errorText().contains(u"nope"_qs));
    QTest::keyClick(credentials->lineEdit(), Qt::Key_Backspace);
    click(dialog, "okButton");
    QTRY_COMPARE_WITH_TIMEOUT(m_fake->count("POST", u"/admin/roles"_qs), 1, kTimeout);
    QCOMPARE(lastBody(*m_fake, "POST", u"/admin/roles"_qs).value(u"credentials"_qs).toArray(),
             array({ u"gitlab"_qs }));
}

void TestPicker::policyCompletesApprovers()
{
    m_fake->addAccount(u"bob@example.com"_qs, u"x"_qs, u"approver"_qs);
    PoliciesPage page(m_session.get(), m_desktop.environment());
    page.show();
    page.refresh();
    QTRY_COMPARE_WITH_TIMEOUT(child<QComboBox>(&page, "credentialCombo")->count(), 3, kTimeout);
    auto *approvers = child<NamePicker>(&page, "allowedApprovers");
    QVERIFY(complete(approvers, u"bo"_qs));
    QTest::keyClicks(approvers->lineEdit(), u"eve@example.com"_qs);
    QTest::keyClick(approvers->lineEdit(), Qt::Key_Return);
    click(&page, "saveButton");
    QTest::qWait(50); // the form lays the chips out
    screenshot(&page, u"policy-approvers-picker"_qs);
    QCOMPARE(page.errorText(),
             PoliciesPage::tr("%1 is not a member of the team.").arg(u"eve@example.com"_qs));
    QCOMPARE(m_fake->count("PUT", u"/admin/policies/github"_qs), 0);
    QTest::keyClick(approvers->lineEdit(), Qt::Key_Backspace);
    click(&page, "saveButton");
    QTRY_COMPARE_WITH_TIMEOUT(m_fake->count("PUT", u"/admin/policies/github"_qs), 1, kTimeout);
    QCOMPARE(lastBody(*m_fake, "PUT", u"/admin/policies/github"_qs)
                     .value(u"allowed_approvers"_qs)
                     .toArray(),
             array({ u"bob@example.com"_qs }));
}

QTEST_MAIN(TestPicker)
#include "tst_console_picker.moc"
