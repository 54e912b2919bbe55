// The approval card in the inbox (issue #18) against the fake admin API: every field in one
// place, the host highlighted when new, the expiry countdown, who may decide, deny with a
// reason, and keyboard-only triage (A, D + Enter, J/K) with the next request selected after
// each decision.
#include "app/mainwindow.h"
#include "approvals/approvalsmodel.h"
#include "consoletest.h"
#include "pages/approvalcard.h"
#include "pages/inboxpage.h"

#include <QApplication>
#include <QFontDatabase>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QTableView>

using namespace Qt::Literals::StringLiterals;
using namespace tap::console;
using namespace tap::console::test;

class TestCard : public QObject, public ConsoleRig
{
    Q_OBJECT

private slots:
    void init()
    {
        QVERIFY(startRig());
        m_window = std::make_unique<MainWindow>(m_session.get(), m_desktop.environment());
        m_window->resize(1100, 760);
        m_window->show();
        m_window->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
        QVERIFY(signIn(*m_session, *m_fake));
        m_window->showPage(inbox());
        QTRY_VERIFY_WITH_TIMEOUT(m_fake->heldPolls() == 1, kTimeout);
    }
    void cleanup()
    {
        m_window.reset();
        stopRig();
        m_desktop = {};
    }

    void countdownText_data()
    {
        QTest::addColumn<qint64>("seconds");
        QTest::addColumn<QString>("text");
        QTest::newRow("hour") << qint64(3723) << u"1:02:03 left"_s;
        QTest::newRow("minutes") << qint64(299) << u"4:59 left"_s;
        QTest::newRow("seconds") << qint64(7) << u"0:07 left"_s;
        QTest::newRow("zero") << qint64(0) << u"expired"_s;
        QTest::newRow("past") << qint64(-30) << u"expired"_s;
    }
    void countdownText()
    {
        QFETCH(qint64, seconds);
        QFETCH(QString, text);
        QCOMPARE(ApprovalCard::countdownText(seconds), text);
    }

    void cardShowsEverything()
    {
        m_fake->addApproval(u"a1"_s, u"github"_s);
        m_fake->editApproval(u"a1"_s, [](tap::api::Approval &a) {
            a.target = u"https://evil.example.net/repos/x?y=<b>"_s;
            a.newHosts = QStringList{ u"github evil.example.net"_s };
            a.deciders = QStringList{ u"admin@example.com"_s, u"carol@example.com"_s };
            a.bodyPreview = u"{\"token\":\"[REDACTED:github]\",\"a\":1}"_s;
        });
        QTRY_COMPARE_WITH_TIMEOUT(model()->rowCount(), 1, kTimeout);
        QTRY_COMPARE_WITH_TIMEOUT(model()->find(u"a1"_s)->deciders.size(), 2, kTimeout); // edited
        select(u"a1"_s);
        QVERIFY(card()->isVisible());
        QCOMPARE(label("cardAgent"), u"Agent a1 (agent-a1, team %1)"_s.arg(teamId()));
        QCOMPARE(label("cardCredential"), u"github"_s);
        // The full target, escaped, with the new host in bold.
        const QString target = label("cardTarget");
        QVERIFY2(target.contains(u"<b>POST</b>"_s), qPrintable(target));
        QVERIFY2(target.contains(u"https://<b style=\"color:#b00020\">evil.example.net</b>"
                                 u"/repos/x?y=&lt;b&gt;"_s),
                 qPrintable(target));
        QCOMPARE(label("newHostNotice"),
                 u"First use of host evil.example.net with credential github."_s);
        QVERIFY(label("cardWhy").contains(u"first use of a host"_s));
        QCOMPARE(label("cardDeciders"), u"admin@example.com (you), carol@example.com"_s);
        auto *preview = child<QPlainTextEdit>(inbox(), "bodyPreview");
        QCOMPARE(preview->toPlainText(), u"{\"token\":\"[REDACTED:github]\",\"a\":1}"_s);
        QCOMPARE(preview->font().family(),
                 QFontDatabase::systemFont(QFontDatabase::FixedFont).family());
        QVERIFY(label("cardCountdown").endsWith(u" left"_s));
        QVERIFY(child<QLineEdit>(inbox(), "denyReason")->isVisible());
        screenshot(m_window.get(), u"inbox-card"_s);

        // A host that is not new is not highlighted; no approvers named: anyone.
        m_fake->addApproval(u"a2"_s, u"slack"_s);
        QTRY_COMPARE_WITH_TIMEOUT(model()->rowCount(), 2, kTimeout);
        select(u"a2"_s);
        QVERIFY(!label("cardTarget").contains(u"color:"_s));
        QVERIFY(!child<QLabel>(inbox(), "newHostNotice")->isVisible());
        QCOMPARE(label("cardDeciders"), u"any member of the team"_s);
        QVERIFY(label("cardWhy").contains(u"policy asks a human to approve POST"_s));
    }

    // One timer moves the countdown every second; the clock is the test's.
    void countdownTicks()
    {
        m_fake->addApproval(u"a1"_s, u"slack"_s);
        QTRY_COMPARE_WITH_TIMEOUT(model()->rowCount(), 1, kTimeout);
        select(u"a1"_s);
        const QDateTime expires = model()->find(u"a1"_s)->expiresAt.toUTC();
        QDateTime now = expires.addSecs(-125);
        card()->setClock([&now] { return now; });
        QCOMPARE(label("cardCountdown"), u"2:05 left"_s);
        now = now.addSecs(1);
        QTRY_COMPARE_WITH_TIMEOUT(label("cardCountdown"), u"2:04 left"_s, kTimeout); // the timer
        now = expires.addSecs(1);
        QTRY_COMPARE_WITH_TIMEOUT(label("cardCountdown"), u"expired"_s, kTimeout);
        card()->setClock([] { return QDateTime::currentDateTimeUtc(); });
    }

    // Keyboard only: A approves, the next request is selected; D moves to the reason, Enter
    // denies with it; J/K move.
    void keyboardTriage()
    {
        for (const char *id : { "k1", "k2", "k3" })
            m_fake->addApproval(QString::fromLatin1(id), u"slack"_s);
        QTRY_COMPARE_WITH_TIMEOUT(model()->rowCount(), 3, kTimeout);
        auto *view = child<QTableView>(inbox(), "approvalsTable");
        view->setFocus();
        QTest::keyClick(view, Qt::Key_J);
        const QString first = selectedId();
        QVERIFY(!first.isEmpty());
        QTest::keyClick(view, Qt::Key_J);
        const QString second = selectedId();
        QVERIFY(second != first);
        QTest::keyClick(view, Qt::Key_K);
        QCOMPARE(selectedId(), first);

        QTest::keyClick(view, Qt::Key_A); // approve the first: the second is selected
        QTRY_COMPARE_WITH_TIMEOUT(m_fake->approval(first).value(u"status"_s).toString(),
                                  u"approved"_s, kTimeout);
        QTRY_COMPARE_WITH_TIMEOUT(selectedId(), second, kTimeout);

        auto *reason = child<QLineEdit>(inbox(), "denyReason");
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_D);
        QTRY_VERIFY_WITH_TIMEOUT(reason->hasFocus(), kTimeout);
        QTest::keyClicks(reason, u"Ask again tomorrow"_s); // "a"s and "d"s: typed, not shortcuts
        QCOMPARE(m_fake->approval(second).value(u"status"_s).toString(), u"pending"_s);
        QTest::keyClick(reason, Qt::Key_Return);
        QTRY_COMPARE_WITH_TIMEOUT(m_fake->approval(second).value(u"status"_s).toString(),
                                  u"denied"_s, kTimeout);
        QCOMPARE(m_fake->approval(second).value(u"decision_reason"_s).toString(),
                 u"Ask again tomorrow"_s);
        // The last one left is selected, its reason field empty, the table has the keys.
        QTRY_VERIFY_WITH_TIMEOUT(!selectedId().isEmpty() && selectedId() != second, kTimeout);
        const QString third = selectedId();
        QVERIFY(third != first);
        QVERIFY(reason->text().isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(view->hasFocus(), kTimeout);
        QTest::keyClick(view, Qt::Key_D);
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Return); // D, Enter: no reason
        QTRY_COMPARE_WITH_TIMEOUT(m_fake->approval(third).value(u"status"_s).toString(),
                                  u"denied"_s, kTimeout);
        QVERIFY(m_fake->approval(third).value(u"decision_reason"_s).isNull());
        QTRY_COMPARE_WITH_TIMEOUT(model()->rowCount(), 0, kTimeout);
    }

    // The Deny button sends what was typed; the decided request's card shows the reason.
    void denyButtonSendsReason()
    {
        m_fake->addApproval(u"a1"_s, u"slack"_s);
        QTRY_COMPARE_WITH_TIMEOUT(model()->rowCount(), 1, kTimeout);
        select(u"a1"_s);
        child<QLineEdit>(inbox(), "denyReason")->setText(u"  wrong channel  "_s);
        click(inbox(), "denyButton");
        QTRY_COMPARE_WITH_TIMEOUT(m_fake->approval(u"a1"_s).value(u"decision_reason"_s).toString(),
                                  u"wrong channel"_s, kTimeout);
        inbox()->showApproval(u"a1"_s);
        QTRY_VERIFY_WITH_TIMEOUT(label("cardOutcome").contains(u"“wrong channel”"_s), kTimeout);
        QVERIFY(!child<QLineEdit>(inbox(), "denyReason")->isVisible());
    }

    // Not this member's to decide: A and D do nothing.
    void keysIgnoredWithoutRight()
    {
        m_fake->addApproval(u"a1"_s, u"slack"_s, false);
        QTRY_COMPARE_WITH_TIMEOUT(model()->rowCount(), 1, kTimeout);
        select(u"a1"_s);
        auto *view = child<QTableView>(inbox(), "approvalsTable");
        view->setFocus();
        QTest::keyClick(view, Qt::Key_A);
        QTest::keyClick(view, Qt::Key_D);
        QTest::qWait(200);
        QCOMPARE(m_fake->count("POST", u"/admin/approvals/a1/approve"_s), 0);
        QVERIFY(!child<QLineEdit>(inbox(), "denyReason")->hasFocus());
        QVERIFY(label("cardWhy").contains(u"not an allowed approver"_s));
    }

private:
    InboxPage *inbox() const { return m_window->inbox(); }
    ApprovalsModel *model() const { return inbox()->model(); }
    ApprovalCard *card() const { return inbox()->card(); }
    QString teamId() const { return m_fake->team.value(u"id"_s).toString(); }
    QString label(const char *name) const
    {
        auto *l = child<QLabel>(inbox(), name);
        return l ? l->text() : u"<no label>"_s;
    }
    void select(const QString &id)
    {
        const int row = model()->rowOf(id);
        QVERIFY(row >= 0);
        child<QTableView>(inbox(), "approvalsTable")->selectRow(row);
    }
    QString selectedId() const
    {
        const QModelIndexList rows =
                child<QTableView>(inbox(), "approvalsTable")->selectionModel()->selectedRows();
        return rows.isEmpty() ? QString() : rows.first().data(ApprovalsModel::IdRole).toString();
    }

    FakeDesktop m_desktop;
    std::unique_ptr<MainWindow> m_window;
};

QTEST_MAIN(TestCard)
#include "tst_console_card.moc"
