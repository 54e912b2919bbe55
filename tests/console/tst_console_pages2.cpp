// Roles, notification channels, agent links and audit pages against the fake admin API; what
// an approver may not change.
#include "app/errortext.h"
#include "consoletest.h"
#include "dialogs/formdialog.h"
#include "dialogs/namepicker.h"
#include "pages/auditpage.h"
#include "pages/channelspage.h"
#include "pages/credentialspage.h"
#include "pages/linkspage.h"
#include "pages/rolespage.h"

#include <QComboBox>
#include <QFile>
#include <QJsonArray>
#include <QLineEdit>
#include <QSpinBox>
#include <QTableView>

using namespace tap::console;
using namespace tap::console::test;
using tap::testsupport::FakeAdminApi;

namespace {

// Every cell of `table` on `page`, row by row.
QStringList cellTexts(QWidget *page, const char *table)
{
    QStringList out;
    auto *view = child<QTableView>(page, table);
    for (int row = 0; view && row < view->model()->rowCount(); ++row) {
        for (int col = 0; col < view->model()->columnCount(); ++col)
            out << view->model()->index(row, col).data().toString();
    }
    return out;
}

} // namespace

class TestPages2 : public QObject, public ConsoleRig
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

    void rolesCreateEditDelete()
    {
        m_fake->credentials << QJsonObject{ { u"name"_qs, u"slack"_qs } }
                            << QJsonObject{ { u"name"_qs, u"github"_qs } };
        RolesPage page(m_session.get(), m_desktop.environment());
        page.show();
        page.refresh();
        click(&page, "newButton");
        auto *dialog = child<FormDialog>(&page, "roleDialog");
        QVERIFY(dialog);
        child<QLineEdit>(dialog, "roleName")->setText(QStringLiteral("reader"));
        child<QLineEdit>(dialog, "credentialsEdit")->setText(QStringLiteral("slack,github"));
        child<QSpinBox>(dialog, "rateLimit")->setValue(50);
        click(dialog, "okButton");
        QTRY_COMPARE_WITH_TIMEOUT(rows(&page, "rolesTable"), 1, kTimeout);
        QCOMPARE(m_fake->roles.first().value(u"rate_limit_per_hour"_qs).toInt(), 50);
        QTRY_VERIFY_WITH_TIMEOUT(!child<FormDialog>(&page, "roleDialog"), kTimeout);

        click(&page, "newButton");
        dialog = child<FormDialog>(&page, "roleDialog");
        child<QLineEdit>(dialog, "roleName")->setText(QStringLiteral("reader"));
        click(dialog, "okButton");
        QTRY_COMPARE_WITH_TIMEOUT(dialog->errorText(), ErrorText::forCode(u"conflict"_qs),
                                  kTimeout);
        dialog->reject();
        QTRY_VERIFY_WITH_TIMEOUT(!child<FormDialog>(&page, "roleDialog"), kTimeout);

        QTRY_VERIFY_WITH_TIMEOUT(selectText(&page, "rolesTable", u"reader"_qs), kTimeout);
        click(&page, "editButton");
        dialog = child<FormDialog>(&page, "roleDialog");
        QTRY_VERIFY_WITH_TIMEOUT(dialog && dialog->isVisible(), kTimeout);
        QCOMPARE(child<NamePicker>(dialog, "credentials")->names(),
                 QStringList({ u"slack"_qs, u"github"_qs }));
        child<NamePicker>(dialog, "credentials")->setNames({ u"slack"_qs });
        click(dialog, "okButton");
        QTRY_COMPARE_WITH_TIMEOUT(m_fake->roles.first().value(u"credentials"_qs).toArray().size(),
                                  1, kTimeout);
        QCOMPARE(m_fake->count("PUT", u"/admin/roles/reader"_qs), 1);

        QTRY_VERIFY_WITH_TIMEOUT(selectText(&page, "rolesTable", u"reader"_qs), kTimeout);
        click(&page, "deleteButton");
        QTRY_COMPARE_WITH_TIMEOUT(rows(&page, "rolesTable"), 0, kTimeout);
    }

    void channelsCreateTestDelete()
    {
        ChannelsPage page(m_session.get(), m_desktop.environment());
        page.show();
        page.refresh();
        click(&page, "newButton");
        auto *dialog = child<FormDialog>(&page, "channelDialog");
        QVERIFY(dialog);
        child<QLineEdit>(dialog, "channelName")->setText(QStringLiteral("ops"));
        child<QLineEdit>(dialog, "chatId")->setText(QStringLiteral("not a chat"));
        click(dialog, "okButton");
        QVERIFY(dialog->errorText().contains(QStringLiteral("Telegram")));
        child<QComboBox>(dialog, "channelType")->setCurrentText(QStringLiteral("matrix"));
        child<QLineEdit>(dialog, "roomId")->setText(QStringLiteral("!abc:example.org"));
        click(dialog, "okButton");
        QTRY_COMPARE_WITH_TIMEOUT(rows(&page, "channelsTable"), 1, kTimeout);
        QCOMPARE(m_fake->channels.first()
                         .value(u"config"_qs)
                         .toObject()
                         .value(u"room_id"_qs)
                         .toString(),
                 QStringLiteral("!abc:example.org"));

        QVERIFY(selectText(&page, "channelsTable", u"ops"_qs));
        click(&page, "testButton");
        QTRY_VERIFY_WITH_TIMEOUT(page.statusText().contains(QStringLiteral("was sent")), kTimeout);
        m_fake->failNext("POST", u"/admin/notification-channels/ops/test"_qs, 502,
                         u"upstream_error"_qs, u"Matrix answered 403."_qs);
        click(&page, "testButton");
        QTRY_COMPARE_WITH_TIMEOUT(page.errorText(), ErrorText::forCode(u"upstream_error"_qs),
                                  kTimeout);
        click(&page, "deleteButton");
        QTRY_COMPARE_WITH_TIMEOUT(rows(&page, "channelsTable"), 0, kTimeout);
    }

    void linksCreateListRemove()
    {
        m_fake->roles << QJsonObject{ { u"name"_qs, u"reader"_qs } };
        LinksPage page(m_session.get(), m_desktop.environment());
        page.show();
        page.refresh();
        click(&page, "newButton");
        auto *dialog = child<FormDialog>(&page, "linkDialog");
        QVERIFY(dialog);
        auto *role = child<QComboBox>(dialog, "linkRole");
        QTRY_COMPARE_WITH_TIMEOUT(role->count(), 2, kTimeout); // none + reader
        child<QLineEdit>(dialog, "homeTeamId")->setText(m_session->teamId());
        child<QLineEdit>(dialog, "agentId")->setText(QStringLiteral("helper"));
        click(dialog, "okButton");
        QVERIFY(dialog->errorText().contains(QStringLiteral("already belongs")));
        child<QLineEdit>(dialog, "homeTeamId")->setText(QStringLiteral("team-2"));
        role->setCurrentText(QStringLiteral("reader"));
        click(dialog, "okButton");
        QTRY_COMPARE_WITH_TIMEOUT(rows(&page, "linksTable"), 1, kTimeout);
        QCOMPARE(m_fake->links.first().value(u"role"_qs).toString(), QStringLiteral("reader"));
        QTRY_VERIFY_WITH_TIMEOUT(!child<FormDialog>(&page, "linkDialog"), kTimeout);

        click(&page, "newButton");
        dialog = child<FormDialog>(&page, "linkDialog");
        child<QLineEdit>(dialog, "homeTeamId")->setText(QStringLiteral("team-3"));
        child<QLineEdit>(dialog, "agentId")->setText(QStringLiteral("other"));
        click(dialog, "okButton");
        QTRY_VERIFY_WITH_TIMEOUT(page.statusText().contains(QStringLiteral("no role")), kTimeout);

        QTRY_VERIFY_WITH_TIMEOUT(selectText(&page, "linksTable", u"helper"_qs), kTimeout);
        click(&page, "deleteButton");
        // The table may show one row before and after the removal: wait for the call itself.
        QTRY_COMPARE_WITH_TIMEOUT(m_fake->count("DELETE", u"/admin/agent-links/team-2/helper"_qs),
                                  1, kTimeout);
        QTRY_COMPARE_WITH_TIMEOUT(rows(&page, "linksTable"), 1, kTimeout);
    }

    void auditFilterPageExport()
    {
        for (int i = 0; i < 150; ++i)
            m_fake->audit << QJsonObject{ { u"ts"_qs, u"2026-04-03T12:00:00Z"_qs },
                                          { u"kind"_qs, i % 2 ? u"admin"_qs : u"forward"_qs },
                                          { u"action"_qs, QString::number(i) },
                                          { u"actor"_qs, u"admin@example.com"_qs } };
        AuditPage page(m_session.get(), m_desktop.environment());
        page.show();
        page.refresh();
        QTRY_COMPARE_WITH_TIMEOUT(rows(&page, "auditTable"), 100, kTimeout);
        QVERIFY(child(&page, "moreButton")->isVisible());
        click(&page, "moreButton");
        QTRY_COMPARE_WITH_TIMEOUT(rows(&page, "auditTable"), 150, kTimeout);
        QVERIFY(!child(&page, "moreButton")->isVisible());

        auto *kind = child<QComboBox>(&page, "kindFilter");
        kind->setCurrentIndex(kind->findData(u"admin"_qs));
        click(&page, "searchButton");
        QTRY_COMPARE_WITH_TIMEOUT(rows(&page, "auditTable"), 75, kTimeout);
        QCOMPARE(m_fake->requests.last().query.queryItemValue(u"kind"_qs), QStringLiteral("admin"));

        child<QLineEdit>(&page, "sinceFilter")->setText(QStringLiteral("yesterday"));
        click(&page, "searchButton");
        QVERIFY(page.errorText().contains(QStringLiteral("RFC 3339")));
        child<QLineEdit>(&page, "sinceFilter")->clear();

        m_desktop.saveAs = m_dir.filePath(QStringLiteral("audit.jsonl"));
        click(&page, "exportButton");
        QTRY_VERIFY_WITH_TIMEOUT(page.statusText().contains(QStringLiteral("Exported 75")),
                                 kTimeout);
        QFile file(m_desktop.saveAs);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll().count('\n'), 75);
    }

    // "Connect…" (README "Connecting an OAuth 2.0 credential"): the authorization URL opens in
    // the browser, the page watches the row and says when the refresh token is there.
    void credentialConnectOpensBrowserAndReports()
    {
        QJsonObject github{ { u"name"_qs, u"gmail"_qs },
                            { u"description"_qs, u"mail"_qs },
                            { u"connector"_qs, u"direct"_qs },
                            { u"has_value"_qs, true },
                            { u"kind"_qs, u"oauth2"_qs },
                            { u"parts_set"_qs, QJsonArray{ u"client_id"_qs, u"client_secret"_qs } },
                            { u"updated_at"_qs, u"2026-01-01T00:00:00Z"_qs } };
        m_fake->credentials << github;
        CredentialsPage page(m_session.get(), m_desktop.environment());
        page.show();
        page.refresh();
        QTRY_VERIFY_WITH_TIMEOUT(selectText(&page, "credentialsTable", u"gmail"_qs), kTimeout);
        QVERIFY(cellTexts(&page, "credentialsTable").join(u' ').contains(u"client_secret"_qs));
        click(&page, "connectButton");
        auto *dialog = child<FormDialog>(&page, "connectDialog");
        QVERIFY(dialog);
        QCOMPARE(child<QComboBox>(dialog, "scopeKind")->currentData().toString(), u"team"_qs);
        click(dialog, "okButton");
        QTRY_COMPARE_WITH_TIMEOUT(m_desktop.opened.size(), 1, kTimeout);
        QCOMPARE(m_desktop.opened.first().host(), u"auth.example.test"_qs);
        QCOMPARE(m_fake->count("POST", u"/admin/credentials/gmail/connect"_qs), 1);
        QTRY_VERIFY_WITH_TIMEOUT(page.statusText().contains(u"browser"_qs), kTimeout);
        // The browser step completes at tapd: the row now has its refresh token.
        github.insert(u"parts_set"_qs,
                      QJsonArray{ u"client_id"_qs, u"client_secret"_qs, u"refresh_token"_qs });
        github.insert(u"updated_at"_qs,
                      QDateTime::currentDateTimeUtc().addSecs(5).toString(Qt::ISODateWithMs));
        m_fake->credentials[0] = github;
        QTRY_VERIFY_WITH_TIMEOUT(page.statusText().contains(u"gmail (team) is connected"_qs),
                                 kTimeout);
        QTRY_VERIFY_WITH_TIMEOUT(
                cellTexts(&page, "credentialsTable").join(u' ').contains(u"refresh_token"_qs),
                kTimeout);
    }

    void credentialConnectRefusesStatic()
    {
        m_fake->credentials << QJsonObject{ { u"name"_qs, u"slack"_qs },
                                            { u"description"_qs, u"chat"_qs },
                                            { u"connector"_qs, u"direct"_qs },
                                            { u"has_value"_qs, true } };
        CredentialsPage page(m_session.get(), m_desktop.environment());
        page.show();
        page.refresh();
        QTRY_VERIFY_WITH_TIMEOUT(selectText(&page, "credentialsTable", u"slack"_qs), kTimeout);
        click(&page, "connectButton");
        QTRY_VERIFY_WITH_TIMEOUT(page.errorText().contains(u"oauth2"_qs), kTimeout);
        QCOMPARE(m_fake->count("POST", u"/admin/credentials/slack/connect"_qs), 0);
        QVERIFY(m_desktop.opened.isEmpty());
        QVERIFY(!child<FormDialog>(&page, "connectDialog"));
    }

    void approverCannotChange()
    {
        m_fake->addAccount(QStringLiteral("ann@example.com"), QStringLiteral("correct horse"),
                           QStringLiteral("approver"));
        Session approver(m_secrets.get());
        QVERIFY(signIn(approver, *m_fake, QStringLiteral("ann@example.com")));
        QVERIFY(!approver.canConfigure());
        m_fake->credentials << QJsonObject{ { u"name"_qs, u"github"_qs } };
        CredentialsPage page(&approver, m_desktop.environment());
        page.show();
        page.refresh();
        QTRY_VERIFY_WITH_TIMEOUT(selectText(&page, "credentialsTable", u"github"_qs), kTimeout);
        QVERIFY(!child(&page, "newButton")->isEnabled());
        QVERIFY(!child(&page, "deleteButton")->isEnabled());
        QVERIFY(child(&page, "deleteButton")->toolTip().contains(QStringLiteral("owners")));
    }

    // README "OAuth 2.0 credentials": an oauth2 credential whose refresh token was refused
    // reads "Reconnect required" in the Value column; one without a refresh token "Not
    // connected"; a connected one and a static one "set".
    void credentialsOAuthState()
    {
        const auto oauth2 = [](const QString &name, const QString &state) {
            return QJsonObject{ { u"name"_qs, name },
                                { u"kind"_qs, u"oauth2"_qs },
                                { u"token_url"_qs, u"https://auth.example.com/token"_qs },
                                { u"has_value"_qs, true },
                                { u"parts_set"_qs, QJsonArray{ u"client_id"_qs } },
                                { u"oauth_state"_qs, state } };
        };
        m_fake->credentials << oauth2(u"gmail"_qs, u"reauth_required"_qs)
                            << oauth2(u"drive"_qs, u"not_connected"_qs)
                            << oauth2(u"cal"_qs, u"connected"_qs)
                            << QJsonObject{ { u"name"_qs, u"github"_qs },
                                            { u"has_value"_qs, true } };
        CredentialsPage page(m_session.get(), m_desktop.environment());
        page.show();
        page.refresh();
        QTRY_COMPARE_WITH_TIMEOUT(rows(&page, "credentialsTable"), 4, kTimeout);
        auto *model = child<QTableView>(&page, "credentialsTable")->model();
        int valueColumn = -1;
        for (int c = 0; c < model->columnCount(); ++c) {
            if (model->headerData(c, Qt::Horizontal).toString() == u"Value"_qs)
                valueColumn = c;
        }
        QVERIFY(valueColumn >= 0);
        QHash<QString, QString> values;
        for (int r = 0; r < model->rowCount(); ++r)
            values.insert(model->index(r, 0).data().toString(),
                          model->index(r, valueColumn).data().toString());
        QCOMPARE(values.value(u"gmail"_qs), u"Reconnect required"_qs);
        QCOMPARE(values.value(u"drive"_qs), u"Not connected"_qs);
        QCOMPARE(values.value(u"cal"_qs), u"parts: client_id"_qs); // connected: its parts
        QCOMPARE(values.value(u"github"_qs), u"set"_qs);
    }

private:
    FakeDesktop m_desktop;
};

QTEST_MAIN(TestPages2)
#include "tst_console_pages2.moc"
