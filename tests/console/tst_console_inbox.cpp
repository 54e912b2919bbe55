// The approvals inbox in the main window: long-poll updates, tray count and notifications,
// approve/deny, passkey approvals in the browser, notification click, 401 → log in again.
#include "app/errortext.h"
#include "app/mainwindow.h"
#include "approvals/approvalpoller.h"
#include "approvals/approvalsmodel.h"
#include "approvals/traynotifier.h"
#include "consoletest.h"
#include "dialogs/signindialog.h"
#include "pages/approvalcard.h"
#include "pages/inboxpage.h"

#include <QComboBox>
#include <QDateTime>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QTableView>

using namespace tap::console;
using namespace tap::console::test;
using tap::testsupport::FakeAdminApi;

namespace {
const QString kDevMessage = QStringLiteral("approval_state_machine: scope_kind row mismatch");
}

class TestInbox : public QObject, public ConsoleRig
{
    Q_OBJECT

private slots:
    void init()
    {
        QVERIFY(startRig());
        m_window = std::make_unique<MainWindow>(m_session.get(), m_desktop.environment());
        m_window->show();
        QVERIFY(signIn(*m_session, *m_fake));
        QTRY_VERIFY_WITH_TIMEOUT(m_fake->heldPolls() == 1, kTimeout); // the long poll waits
    }
    void cleanup()
    {
        m_window.reset();
        stopRig();
        m_desktop = {};
    }

    void longPollFillsInboxAndTray()
    {
        QCOMPARE(model()->rowCount(), 0);
        m_fake->addApproval(QStringLiteral("a1"), QStringLiteral("slack"));
        QTRY_COMPARE_WITH_TIMEOUT(model()->rowCount(), 1, kTimeout);
        QCOMPARE(tray()->notificationCount(), 1);
        QCOMPARE(tray()->lastNotifiedId(), QStringLiteral("a1"));
        QVERIFY(tray()->lastMessage().contains(QStringLiteral("slack")));
        QVERIFY(tray()->trayIcon()->toolTip().contains(QStringLiteral("1 pending")));

        m_fake->addApproval(QStringLiteral("a2"), QStringLiteral("github"), false);
        QTRY_COMPARE_WITH_TIMEOUT(model()->rowCount(), 2, kTimeout);
        // Not one this member can decide (issue #18): neither counted nor notified.
        QTRY_VERIFY_WITH_TIMEOUT(m_fake->heldPolls() == 1, kTimeout);
        QVERIFY2(tray()->trayIcon()->toolTip().contains(QStringLiteral("1 pending")),
                 qPrintable(tray()->trayIcon()->toolTip()));
        QCOMPARE(tray()->notificationCount(), 1);

        m_fake->setApprovalStatus(QStringLiteral("a2"), QStringLiteral("expired"));
        QTRY_COMPARE_WITH_TIMEOUT(model()->rowCount(), 1, kTimeout);
        QVERIFY(tray()->trayIcon()->toolTip().contains(QStringLiteral("1 pending")));
        // Every answer started the next long poll with the new cursor.
        QTRY_COMPARE_WITH_TIMEOUT(m_fake->heldPolls(), 1, kTimeout);
        QCOMPARE(m_fake->requests.last().query.queryItemValue(QStringLiteral("wait")),
                 QStringLiteral("30"));
        screenshot(m_window.get(), QStringLiteral("inbox"));
    }

    // Issue #18: going back to Approvals asks the server again but notifies nothing already
    // notified.
    void revisitingApprovalsDoesNotNotifyAgain()
    {
        m_fake->addApproval(QStringLiteral("a1"), QStringLiteral("slack"));
        QTRY_COMPARE_WITH_TIMEOUT(model()->rowCount(), 1, kTimeout);
        QCOMPARE(tray()->notificationCount(), 1);
        const int polls = m_fake->count("GET", QStringLiteral("/admin/approvals"));
        for (int visit = 0; visit < 2; ++visit) {
            m_window->showPage(m_window->page(QStringLiteral("credentialsPage")));
            m_window->showPage(inbox());
        }
        QTRY_VERIFY_WITH_TIMEOUT(
                m_fake->count("GET", QStringLiteral("/admin/approvals")) >= polls + 2, kTimeout);
        QTRY_COMPARE_WITH_TIMEOUT(m_fake->heldPolls(), 1, kTimeout);
        QCOMPARE(model()->rowCount(), 1);
        QCOMPARE(tray()->notificationCount(), 1);
    }

    void approveAndDeny_data()
    {
        QTest::addColumn<bool>("approve");
        QTest::addRow("approve") << true;
        QTest::addRow("deny") << false;
    }
    void approveAndDeny()
    {
        QFETCH(bool, approve);
        m_fake->addApproval(QStringLiteral("a1"), QStringLiteral("slack"));
        QTRY_COMPARE_WITH_TIMEOUT(model()->rowCount(), 1, kTimeout);
        select(QStringLiteral("a1"));
        QVERIFY(child<QLabel>(inbox(), "cardTarget")
                        ->text()
                        .contains(QStringLiteral("https://api.example.com/a1")));
        click(inbox(), approve ? "approveButton" : "denyButton");
        const QString expected = approve ? QStringLiteral("approved") : QStringLiteral("denied");
        QTRY_COMPARE_WITH_TIMEOUT(
                m_fake->approval(QStringLiteral("a1")).value(QStringLiteral("status")).toString(),
                expected, kTimeout);
        QCOMPARE(m_fake->approval(QStringLiteral("a1"))
                         .value(QStringLiteral("decided_by"))
                         .toString(),
                 QStringLiteral("admin@example.com"));
        QTRY_COMPARE_WITH_TIMEOUT(model()->rowCount(), 0, kTimeout); // no longer pending
        // The long poll's answer may come before the decision's own answer.
        QTRY_VERIFY_WITH_TIMEOUT(inbox()->statusText().contains(approve ? QStringLiteral("Approved")
                                                                        : QStringLiteral("Denied")),
                                 kTimeout);
        QVERIFY(m_desktop.opened.isEmpty());
    }

    void cannotDecideWithoutRight()
    {
        m_fake->addApproval(QStringLiteral("a1"), QStringLiteral("slack"), false);
        QTRY_COMPARE_WITH_TIMEOUT(model()->rowCount(), 1, kTimeout);
        select(QStringLiteral("a1"));
        QVERIFY(!child(inbox(), "approveButton")->isEnabled());
        QVERIFY(!child(inbox(), "denyButton")->isEnabled());
    }

    void passkeyOpensBrowser()
    {
        m_fake->addApproval(QStringLiteral("p1"), QStringLiteral("bank"), true, true);
        QTRY_COMPARE_WITH_TIMEOUT(model()->rowCount(), 1, kTimeout);
        select(QStringLiteral("p1"));
        click(inbox(), "approveButton");
        QTRY_COMPARE_WITH_TIMEOUT(m_desktop.opened.size(), 1, kTimeout);
        QCOMPARE(m_desktop.opened.first().toString(),
                 m_fake->approval(QStringLiteral("p1"))
                         .value(QStringLiteral("approval_url"))
                         .toString());
        // The server said so (passkey_required); the request stays pending for the page.
        QCOMPARE(m_fake->count("POST", QStringLiteral("/admin/approvals/p1/approve")), 1);
        QCOMPARE(m_fake->approval(QStringLiteral("p1")).value(QStringLiteral("status")).toString(),
                 QStringLiteral("pending"));
    }

    void passkeyRequestCanBeDeniedHere()
    {
        m_fake->addApproval(QStringLiteral("p1"), QStringLiteral("bank"), true, true);
        QTRY_COMPARE_WITH_TIMEOUT(model()->rowCount(), 1, kTimeout);
        select(QStringLiteral("p1"));
        click(inbox(), "denyButton");
        QTRY_COMPARE_WITH_TIMEOUT(
                m_fake->approval(QStringLiteral("p1")).value(QStringLiteral("status")).toString(),
                QStringLiteral("denied"), kTimeout);
        QVERIFY(m_desktop.opened.isEmpty());
    }

    void passkeyRequiredAnswerOpensBrowser()
    {
        m_fake->addApproval(QStringLiteral("a1"), QStringLiteral("bank"));
        QTRY_COMPARE_WITH_TIMEOUT(model()->rowCount(), 1, kTimeout);
        m_fake->failNext("POST", QStringLiteral("/admin/approvals/a1/approve"), 403,
                         QStringLiteral("passkey_required"), QStringLiteral("Use a passkey."));
        select(QStringLiteral("a1"));
        click(inbox(), "approveButton");
        QTRY_COMPARE_WITH_TIMEOUT(m_desktop.opened.size(), 1, kTimeout);
        QVERIFY(m_desktop.opened.first().path().endsWith(QStringLiteral("/approve/a1")));
        QVERIFY(inbox()->statusText().contains(QStringLiteral("browser")));
    }

    // Issue #18: a failed decision shows the console's sentence for the error code on the page
    // and on the card, never the server's own (developer-facing, English) message.
    void decisionErrorsAreSentences_data()
    {
        QTest::addColumn<QString>("verb");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("code");
        QTest::addRow("deny conflict")
                << QStringLiteral("deny") << 409 << QStringLiteral("conflict");
        QTest::addRow("approve forbidden")
                << QStringLiteral("approve") << 403 << QStringLiteral("forbidden");
        QTest::addRow("approve not_found")
                << QStringLiteral("approve") << 404 << QStringLiteral("not_found");
    }
    void decisionErrorsAreSentences()
    {
        QFETCH(QString, verb);
        QFETCH(int, status);
        QFETCH(QString, code);
        m_fake->addApproval(QStringLiteral("a1"), QStringLiteral("slack"));
        QTRY_COMPARE_WITH_TIMEOUT(model()->rowCount(), 1, kTimeout);
        m_fake->failNext("POST", QStringLiteral("/admin/approvals/a1/") + verb, status, code,
                         kDevMessage);
        select(QStringLiteral("a1"));
        QVERIFY(inbox()->card()->errorText().isEmpty());
        click(inbox(), verb == u"deny" ? "denyButton" : "approveButton");
        QTRY_VERIFY_WITH_TIMEOUT(!inbox()->errorText().isEmpty(), kTimeout);
        QCOMPARE(inbox()->errorText(), ErrorText::ofDecision(reply(status, code)));
        QCOMPARE(inbox()->card()->errorText(), inbox()->errorText());
        QVERIFY(child<QLabel>(inbox(), "cardError")->isVisible());
        QVERIFY2(!inbox()->errorText().contains(QStringLiteral("scope_kind")),
                 qPrintable(inbox()->errorText()));
        screenshot(m_window.get(), QStringLiteral("inbox-decision-error-") + code);
        // Another request clears the card's error.
        m_fake->addApproval(QStringLiteral("a2"), QStringLiteral("github"));
        QTRY_COMPARE_WITH_TIMEOUT(model()->rowCount(), 2, kTimeout);
        select(QStringLiteral("a2"));
        QVERIFY(inbox()->card()->errorText().isEmpty());
        QVERIFY(!child<QLabel>(inbox(), "cardError")->isVisible());
    }

    // A poll the server refuses (not an outage): the sentence for its code, gone once a poll
    // works again.
    void pollErrorIsASentence()
    {
        m_window->poller()->setRetryDelayMs(200);
        m_fake->failNext("GET", QStringLiteral("/admin/approvals"), 403,
                         QStringLiteral("forbidden"), kDevMessage);
        m_fake->addApproval(QStringLiteral("a1"), QStringLiteral("slack")); // answers the held poll
        QTRY_COMPARE_WITH_TIMEOUT(inbox()->errorText(),
                                  ErrorText::forCode(QStringLiteral("forbidden")), kTimeout);
        QVERIFY(m_window->poller()->isOnline());
        QTRY_VERIFY_WITH_TIMEOUT(inbox()->errorText().isEmpty(), kTimeout);
        QCOMPARE(model()->rowCount(), 1);
    }

    void notificationClickOpensItem()
    {
        m_fake->addApproval(QStringLiteral("a1"), QStringLiteral("slack"));
        m_fake->addApproval(QStringLiteral("a2"), QStringLiteral("github"));
        QTRY_COMPARE_WITH_TIMEOUT(model()->rowCount(), 2, kTimeout);
        QTRY_COMPARE_WITH_TIMEOUT(tray()->lastNotifiedId(), QStringLiteral("a2"), kTimeout);
        m_window->showPage(m_window->page(QStringLiteral("agentsPage")));
        Q_EMIT tray()->trayIcon()->messageClicked();
        QCOMPARE(child<QListWidget>(m_window.get(), "navigation")->currentRow(), 0);
        const QModelIndexList rows =
                child<QTableView>(inbox(), "approvalsTable")->selectionModel()->selectedRows();
        QCOMPARE(rows.size(), 1);
        QCOMPARE(rows.first().data(ApprovalsModel::IdRole).toString(), QStringLiteral("a2"));
    }

    void otherStatesOnDemand()
    {
        m_fake->addApproval(QStringLiteral("a1"), QStringLiteral("slack"));
        m_fake->addApproval(QStringLiteral("a2"), QStringLiteral("slack"));
        m_fake->setApprovalStatus(QStringLiteral("a1"), QStringLiteral("denied"));
        QTRY_COMPARE_WITH_TIMEOUT(model()->rowCount(), 1, kTimeout);
        auto *filter = child<QComboBox>(inbox(), "statusFilter");
        filter->setCurrentIndex(filter->findData(QStringLiteral("denied")));
        QTRY_COMPARE_WITH_TIMEOUT(model()->rowCount(), 1, kTimeout);
        QTRY_COMPARE_WITH_TIMEOUT(model()->approvals().first().id, QStringLiteral("a1"), kTimeout);
        filter->setCurrentIndex(filter->findData(QStringLiteral("all")));
        QTRY_COMPARE_WITH_TIMEOUT(model()->rowCount(), 2, kTimeout);
    }

    // Sorted by a header click: names case-insensitively, times by the instant; J/K and the
    // request selected after a decision follow the rows as shown.
    void sortsByNameAndTime()
    {
        const QString credentials[] = { u"slack"_qs, u"Bank"_qs, u"github"_qs };
        const QString times[] = { u"2026-03-01T10:00:00+02:00"_qs, u"2026-03-01T09:30:00Z"_qs,
                                  u"2025-12-24T18:00:00Z"_qs };
        for (int i = 0; i < 3; ++i) {
            const QString id = u"a"_qs + QString::number(i + 1);
            m_fake->addApproval(id, credentials[i]);
            m_fake->editApproval(id, [&](tap::api::Approval &a) { a.createdAt = times[i]; });
        }
        QTRY_VERIFY_WITH_TIMEOUT(model()->find(u"a3"_qs)
                                         && model()->find(u"a3"_qs)->createdAt
                                                 == QDateTime::fromString(times[2], Qt::ISODate),
                                 kTimeout);
        auto *view = child<QTableView>(inbox(), "approvalsTable");
        const auto ids = [view] {
            QStringList out;
            for (int row = 0; row < view->model()->rowCount(); ++row)
                out << view->model()->index(row, 0).data(ApprovalsModel::IdRole).toString();
            return out;
        };
        const auto selectedId = [view] {
            return view->selectionModel()->selectedRows().value(0).data(ApprovalsModel::IdRole);
        };
        view->sortByColumn(ApprovalsModel::Credential, Qt::AscendingOrder);
        QCOMPARE(ids(), QStringList({ u"a2"_qs, u"a3"_qs, u"a1"_qs })); // Bank, github, slack
        view->sortByColumn(ApprovalsModel::Requested, Qt::AscendingOrder);
        QCOMPARE(ids(), QStringList({ u"a3"_qs, u"a1"_qs, u"a2"_qs })); // 2025, 08:00Z, 09:30Z
        view->selectRow(0);
        inbox()->move(1);
        QCOMPARE(selectedId(), u"a1"_qs);
        inbox()->move(-1);
        QCOMPARE(selectedId(), u"a3"_qs);
        inbox()->approve();
        QTRY_COMPARE_WITH_TIMEOUT(m_fake->approval(u"a3"_qs).value(u"status"_qs).toString(),
                                  u"approved"_qs, kTimeout);
        QTRY_COMPARE_WITH_TIMEOUT(selectedId(), u"a1"_qs, kTimeout);
    }

    void expiryAsksToLogInAgain()
    {
        m_fake->expireSessions();
        m_window->showPage(m_window->page(QStringLiteral("teamPage"))); // refreshes → 401
        QTRY_VERIFY_WITH_TIMEOUT(m_window->signInDialog() && m_window->signInDialog()->isVisible(),
                                 kTimeout);
        SignInDialog *dialog = m_window->signInDialog();
        QVERIFY(child<QLabel>(dialog, "noticeLabel")->text().contains(QStringLiteral("expired")));
        QVERIFY(!m_window->poller()->isRunning());
        QCOMPARE(child<QLineEdit>(dialog, "email")->text(), QStringLiteral("admin@example.com"));
        child<QLineEdit>(dialog, "password")->setText(QStringLiteral("correct horse"));
        click(dialog, "loginButton");
        QTRY_VERIFY_WITH_TIMEOUT(m_session->isSignedIn(), kTimeout);
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->signInDialog(), kTimeout); // closed and deleted
        QVERIFY(m_window->poller()->isRunning());
        m_fake->addApproval(QStringLiteral("a9"), QStringLiteral("slack"));
        QTRY_COMPARE_WITH_TIMEOUT(model()->rowCount(), 1, kTimeout);
    }

private:
    InboxPage *inbox() const { return m_window->inbox(); }
    ApprovalsModel *model() const { return inbox()->model(); }
    TrayNotifier *tray() const { return m_window->tray(); }
    void select(const QString &id)
    {
        auto *view = child<QTableView>(inbox(), "approvalsTable");
        QVERIFY(view);
        const int row = model()->rowOf(id);
        QVERIFY(row >= 0);
        view->selectRow(row);
    }

    static tap::apiclient::ApiClient::Reply reply(int status, const QString &code)
    {
        tap::apiclient::ApiClient::Reply r;
        r.status = status;
        r.error.code = code;
        return r;
    }

    FakeDesktop m_desktop;
    std::unique_ptr<MainWindow> m_window;
};

QTEST_MAIN(TestInbox)
#include "tst_console_inbox.moc"
