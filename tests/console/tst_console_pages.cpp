// Team, credentials, policies and agents pages against the fake admin API: list, create,
// change, delete, the server's messages, client-side checks.
#include "app/errortext.h"
#include "consoletest.h"
#include "dialogs/formdialog.h"
#include "dialogs/namepicker.h"
#include "dialogs/secretdialog.h"
#include "pages/agentspage.h"
#include "pages/credentialspage.h"
#include "pages/policiespage.h"
#include "pages/teampage.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QTableView>

using namespace tap::console;
using namespace tap::console::test;
using tap::testsupport::FakeAdminApi;

namespace {

QJsonObject credential(const QString &name)
{
    return { { QStringLiteral("name"), name },
             { QStringLiteral("description"), QString(name + QStringLiteral(" token")) },
             { QStringLiteral("connector"), QStringLiteral("direct") },
             { QStringLiteral("has_value"), true } };
}

} // namespace

class TestPages : public QObject, public ConsoleRig
{
    Q_OBJECT

private slots:
    void init()
    {
        QVERIFY(startRig());
        QVERIFY(signIn(*m_session, *m_fake));
    }
    void cleanup()
    {
        stopRig();
        m_desktop = {};
    }

    void teamListInviteRoleRemove()
    {
        m_fake->addAccount(QStringLiteral("bob@example.com"), QStringLiteral("x"),
                           QStringLiteral("approver"));
        TeamPage page(m_session.get(), m_desktop.environment());
        page.show();
        page.refresh();
        QTRY_COMPARE_WITH_TIMEOUT(rows(&page, "membersTable"), 2, kTimeout);
        QTRY_VERIFY_WITH_TIMEOUT(child<QLabel>(&page, "teamLabel")->text().contains(u"my-team"_qs),
                                 kTimeout);

        click(&page, "inviteButton");
        auto *dialog = child<FormDialog>(&page, "inviteDialog");
        QVERIFY(dialog);
        child<QLineEdit>(dialog, "inviteEmail")->setText(QStringLiteral("not an email"));
        click(dialog, "okButton");
        QVERIFY(dialog->errorText().contains(QStringLiteral("valid email")));
        child<QLineEdit>(dialog, "inviteEmail")->setText(QStringLiteral("bob@example.com"));
        click(dialog, "okButton");
        QTRY_COMPARE_WITH_TIMEOUT(
                dialog->errorText(),
                TeamPage::tr("This person is already a member of the team or invited."),
                kTimeout); // the console's sentence for "conflict", dialog stays open
        child<QLineEdit>(dialog, "inviteEmail")->setText(QStringLiteral("carol@example.com"));
        click(dialog, "okButton");
        QTRY_COMPARE_WITH_TIMEOUT(rows(&page, "membersTable"), 3, kTimeout);
        QCOMPARE(m_fake->invites.size(), 1);

        selectText(&page, "membersTable", QStringLiteral("bob@example.com"));
        click(&page, "changeRoleButton");
        auto *role = child<FormDialog>(&page, "roleDialog");
        QVERIFY(role);
        child<QComboBox>(role, "memberRole")->setCurrentText(QStringLiteral("admin"));
        click(role, "okButton");
        QTRY_COMPARE_WITH_TIMEOUT(m_fake->members.at(1).value(u"role"_qs).toString(),
                                  QStringLiteral("admin"), kTimeout);

        QTRY_VERIFY_WITH_TIMEOUT(selectText(&page, "membersTable", u"bob@example.com"_qs),
                                 kTimeout);
        click(&page, "removeButton");
        QTRY_COMPARE_WITH_TIMEOUT(m_fake->members.size(), 1, kTimeout);
        QVERIFY(m_desktop.questions.last().contains(QStringLiteral("bob@example.com")));
        QTRY_VERIFY_WITH_TIMEOUT(page.statusText().contains(QStringLiteral("removed")), kTimeout);
    }

    void credentialsCreateRotateDelete()
    {
        m_fake->credentials << credential(QStringLiteral("github"));
        CredentialsPage page(m_session.get(), m_desktop.environment());
        page.show();
        page.refresh();
        QTRY_COMPARE_WITH_TIMEOUT(rows(&page, "credentialsTable"), 1, kTimeout);

        click(&page, "newButton");
        auto *dialog = child<FormDialog>(&page, "credentialDialog");
        QVERIFY(dialog);
        child<QLineEdit>(dialog, "name")->setText(QStringLiteral("bad name!"));
        child<QLineEdit>(dialog, "description")->setText(QStringLiteral("Slack bot"));
        click(dialog, "okButton");
        QVERIFY(dialog->errorText().startsWith(QStringLiteral("Name:")));
        child<QLineEdit>(dialog, "name")->setText(QStringLiteral("slack"));
        child<QComboBox>(dialog, "connector")->setCurrentText(QStringLiteral("sidecar"));
        click(dialog, "okButton");
        QVERIFY(dialog->errorText().contains(QStringLiteral("API base")));
        child<QComboBox>(dialog, "connector")->setCurrentText(QStringLiteral("direct"));
        child<QLineEdit>(dialog, "apiBase")->setText(QStringLiteral("https://slack.com/api"));
        child<QLineEdit>(dialog, "value")->setText(QStringLiteral("xoxb-secret"));
        click(dialog, "okButton");
        QTRY_COMPARE_WITH_TIMEOUT(rows(&page, "credentialsTable"), 2, kTimeout);
        const QJsonObject sent = lastBody("POST");
        QCOMPARE(sent.value(u"value"_qs).toString(), QStringLiteral("xoxb-secret"));
        QCOMPARE(sent.value(u"api_base"_qs).toString(), QStringLiteral("https://slack.com/api"));

        QVERIFY(selectText(&page, "credentialsTable", QStringLiteral("slack")));
        click(&page, "rotateButton");
        auto *rotate = child<FormDialog>(&page, "rotateDialog");
        QVERIFY(rotate);
        QCOMPARE(child<QLineEdit>(rotate, "newValue")->echoMode(), QLineEdit::Password);
        child<QLineEdit>(rotate, "newValue")->setText(QStringLiteral("one"));
        child<QLineEdit>(rotate, "repeatValue")->setText(QStringLiteral("two"));
        click(rotate, "okButton");
        QVERIFY(rotate->errorText().contains(QStringLiteral("differ")));
        child<QLineEdit>(rotate, "repeatValue")->setText(QStringLiteral("one"));
        click(rotate, "okButton");
        QTRY_COMPARE_WITH_TIMEOUT(m_fake->count("PUT", u"/admin/credentials/slack/value"_qs), 1,
                                  kTimeout);
        QCOMPARE(lastBody("PUT").value(u"value"_qs).toString(), QStringLiteral("one"));

        // Delete: the question and the result name the cascade.
        m_fake->roles << QJsonObject{ { u"name"_qs, u"reader"_qs },
                                      { u"credentials"_qs, QJsonArray{ u"slack"_qs } } };
        m_fake->agents << QJsonObject{ { u"id"_qs, u"bot"_qs },
                                       { u"credentials"_qs, QJsonArray{ u"slack"_qs } } };
        m_fake->policies.insert(u"slack"_qs, { { u"configured"_qs, true } });
        QTRY_VERIFY_WITH_TIMEOUT(selectText(&page, "credentialsTable", u"slack"_qs), kTimeout);
        click(&page, "deleteButton");
        QTRY_COMPARE_WITH_TIMEOUT(rows(&page, "credentialsTable"), 1, kTimeout);
        QVERIFY(m_desktop.questions.last().contains(QStringLiteral("reader")));
        QVERIFY(m_desktop.questions.last().contains(QStringLiteral("bot")));
        QVERIFY(m_desktop.questions.last().contains(QStringLiteral("policy")));
        QTRY_VERIFY_WITH_TIMEOUT(page.statusText().contains(QStringLiteral("roles: reader")),
                                 kTimeout);
        QVERIFY(page.statusText().contains(QStringLiteral("agents: bot")));
    }

    void credentialDeleteCancelled()
    {
        m_fake->credentials << credential(QStringLiteral("github"));
        m_desktop.answer = false;
        CredentialsPage page(m_session.get(), m_desktop.environment());
        page.show();
        page.refresh();
        QTRY_VERIFY_WITH_TIMEOUT(selectText(&page, "credentialsTable", u"github"_qs), kTimeout);
        click(&page, "deleteButton");
        QTRY_COMPARE_WITH_TIMEOUT(m_desktop.questions.size(), 1, kTimeout);
        QCOMPARE(m_fake->count("DELETE", u"/admin/credentials/github"_qs), 0);
    }

    void serverErrorOnList()
    {
        m_fake->failNext("GET", u"/admin/credentials"_qs, 500, u"internal"_qs,
                         u"The database is not reachable."_qs);
        CredentialsPage page(m_session.get(), m_desktop.environment());
        page.refresh();
        // An unknown code: the generic sentence, never the server's own words.
        QTRY_VERIFY_WITH_TIMEOUT(page.errorText().contains(u"500"_qs), kTimeout);
        QVERIFY(!page.errorText().contains(u"database"_qs));
    }

    void policiesLoadSaveRemove()
    {
        m_fake->credentials << credential(QStringLiteral("github"))
                            << credential(QStringLiteral("slack"));
        PoliciesPage page(m_session.get(), m_desktop.environment());
        page.show();
        page.refresh();
        auto *combo = child<QComboBox>(&page, "credentialCombo");
        QTRY_COMPARE_WITH_TIMEOUT(combo->count(), 2, kTimeout);
        QTRY_VERIFY_WITH_TIMEOUT(page.statusText().contains(QStringLiteral("No policy")), kTimeout);

        child<QLineEdit>(&page, "autoApproveMethods")->setText(QStringLiteral("get, POST"));
        child<QLineEdit>(&page, "requireApprovalMethods")->setText(QStringLiteral("post"));
        click(&page, "saveButton");
        QVERIFY(page.errorText().contains(QStringLiteral("POST")));
        child<QLineEdit>(&page, "requireApprovalMethods")->setText(QStringLiteral("DELETE"));
        child<QLineEdit>(&page, "telegramChatId")->setText(QStringLiteral("chat"));
        click(&page, "saveButton");
        QVERIFY(page.errorText().contains(QStringLiteral("Telegram")));
        child<QLineEdit>(&page, "telegramChatId")->setText(QStringLiteral("-100123"));
        child<QCheckBox>(&page, "requirePasskey")->setChecked(true);
        click(&page, "saveButton");
        QTRY_VERIFY_WITH_TIMEOUT(m_fake->policies.contains(combo->currentText()), kTimeout);
        const QJsonObject saved = m_fake->policies.value(combo->currentText());
        QCOMPARE(saved.value(u"auto_approve_methods"_qs).toArray(),
                 (QJsonArray{ u"GET"_qs, u"POST"_qs }));
        QCOMPARE(saved.value(u"require_passkey"_qs).toBool(), true);
        QTRY_VERIFY_WITH_TIMEOUT(page.statusText().contains(QStringLiteral("saved")), kTimeout);

        m_fake->failNext("DELETE", u"/admin/policies/"_qs + combo->currentText(), 403,
                         u"forbidden"_qs, u"Only owners and admins can change it."_qs);
        click(&page, "removePolicyButton");
        QTRY_COMPARE_WITH_TIMEOUT(page.errorText(), ErrorText::forCode(u"forbidden"_qs), kTimeout);
        click(&page, "removePolicyButton");
        QTRY_VERIFY_WITH_TIMEOUT(m_fake->policies.isEmpty(), kTimeout);
    }

    void agentsCreateToggleRotateDelete()
    {
        m_fake->credentials << credential(QStringLiteral("slack"))
                            << credential(QStringLiteral("twitter"));
        AgentsPage page(m_session.get(), m_desktop.environment());
        page.show();
        page.refresh();
        QTRY_COMPARE_WITH_TIMEOUT(m_fake->count("GET", u"/admin/agents"_qs), 1, kTimeout);

        click(&page, "newButton");
        auto *dialog = child<FormDialog>(&page, "agentDialog");
        QVERIFY(dialog);
        child<QLineEdit>(dialog, "agentId")->setText(QStringLiteral("social-agent"));
        auto *credentials = child<NamePicker>(dialog, "credentials");
        credentials->setNames({ QStringLiteral("slack"), QStringLiteral("bad name") });
        click(dialog, "okButton");
        QVERIFY(dialog->errorText().contains(QStringLiteral("bad name")));
        QTRY_COMPARE_WITH_TIMEOUT(credentials->knownNames().size(), 2, kTimeout);
        credentials->setNames({ QStringLiteral("slack"), QStringLiteral("twitter") });
        click(dialog, "okButton");
        QTRY_VERIFY_WITH_TIMEOUT(child<SecretDialog>(&page, "apiKeyDialog"), kTimeout);
        auto *key = child<SecretDialog>(&page, "apiKeyDialog");
        QVERIFY(key->secret().startsWith(QStringLiteral("tap_")));
        click(key, "copyButton");
        QCOMPARE(QGuiApplication::clipboard()->text(), key->secret());
        key->accept();
        QTRY_COMPARE_WITH_TIMEOUT(rows(&page, "agentsTable"), 1, kTimeout);
        QCOMPARE(m_fake->agents.first().value(u"credentials"_qs).toArray().size(), 2);

        QVERIFY(selectText(&page, "agentsTable", QStringLiteral("social-agent")));
        QTRY_VERIFY_WITH_TIMEOUT(
                child<QLabel>(&page, "effectiveLabel")->text().contains(u"slack, twitter"_qs),
                kTimeout);
        click(&page, "toggleButton");
        QTRY_COMPARE_WITH_TIMEOUT(m_fake->agents.first().value(u"enabled"_qs).toBool(), false,
                                  kTimeout);
        QTRY_VERIFY_WITH_TIMEOUT(page.statusText().contains(QStringLiteral("disabled")), kTimeout);

        QTRY_VERIFY_WITH_TIMEOUT(selectText(&page, "agentsTable", u"social-agent"_qs), kTimeout);
        click(&page, "rotateKeyButton");
        QTRY_COMPARE_WITH_TIMEOUT(
                m_fake->count("POST", u"/admin/agents/social-agent/rotate-key"_qs), 1, kTimeout);
        QTRY_VERIFY_WITH_TIMEOUT(child<SecretDialog>(&page, "apiKeyDialog"), kTimeout);
        child<SecretDialog>(&page, "apiKeyDialog")->accept();

        click(&page, "deleteButton");
        QTRY_VERIFY_WITH_TIMEOUT(m_fake->agents.isEmpty(), kTimeout);
        QTRY_COMPARE_WITH_TIMEOUT(rows(&page, "agentsTable"), 0, kTimeout);
    }

private:
    QJsonObject lastBody(const QByteArray &method) const
    {
        for (qsizetype i = m_fake->requests.size() - 1; i >= 0; --i) {
            if (m_fake->requests.at(i).method == method)
                return m_fake->requests.at(i).body;
        }
        return {};
    }

    FakeDesktop m_desktop;
};

QTEST_MAIN(TestPages)
#include "tst_console_pages.moc"
