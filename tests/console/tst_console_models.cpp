// The table models of the console's pages (RowsModel behind a QSortFilterProxyModel, and the
// inbox's ApprovalsModel) under QAbstractItemModelTester while filled, refreshed, filtered and
// emptied; names sort A→Z whatever their case, times by the instant, numbers numerically.
#include "approvals/approvalsmodel.h"
#include "consoletest.h"
#include "pages/agentspage.h"
#include "pages/auditpage.h"
#include "pages/channelspage.h"
#include "pages/credentialspage.h"
#include "pages/linkspage.h"
#include "pages/rolespage.h"
#include "pages/teampage.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QLineEdit>
#include <QTableView>

using namespace tap::console;
using namespace tap::console::test;
using tap::testsupport::FakeAdminApi;

namespace {

// One row per page kind: its name (`name`), time (`time`) and number (`n`).
using RowOf = QJsonObject (*)(const QString &name, const QString &time, int n);

struct PageCase
{
    Page *(*make)(Session *, const Environment &);
    QList<QJsonObject> FakeAdminApi::*list;
    const char *table;
    RowOf row;
    int nameColumn;
    int timeColumn; // -1: none
    int numberColumn; // -1: none
    bool zeroIsUnlimited; // the number column is a limit (0 sorts last)
};

template <typename P>
Page *make(Session *s, const Environment &env)
{
    return new P(s, env);
}

const PageCase kCases[] = {
    { &make<AgentsPage>, &FakeAdminApi::agents, "agentsTable",
      [](const QString &name, const QString &, int n) {
          return QJsonObject{ { u"id"_qs, name },
                              { u"enabled"_qs, true },
                              { u"rate_limit_per_hour"_qs, n },
                              { u"credentials"_qs, QJsonArray{ u"slack"_qs } } };
      },
      0, -1, 3, true },
    { &make<CredentialsPage>, &FakeAdminApi::credentials, "credentialsTable",
      [](const QString &name, const QString &time, int) {
          return QJsonObject{ { u"name"_qs, name },
                              { u"connector"_qs, u"direct"_qs },
                              { u"has_value"_qs, true },
                              { u"updated_at"_qs, time } };
      },
      0, 7, -1, false },
    { &make<RolesPage>, &FakeAdminApi::roles, "rolesTable",
      [](const QString &name, const QString &, int n) {
          return QJsonObject{ { u"name"_qs, name }, { u"rate_limit_per_hour"_qs, n } };
      },
      0, -1, 3, true },
    { &make<LinksPage>, &FakeAdminApi::links, "linksTable",
      [](const QString &name, const QString &time, int) {
          return QJsonObject{ { u"agent_id"_qs, name },
                              { u"agent_home_team_id"_qs, u"home"_qs },
                              { u"created_by"_qs, u"admin@example.com"_qs },
                              { u"created_at"_qs, time } };
      },
      0, 4, -1, false },
    { &make<ChannelsPage>, &FakeAdminApi::channels, "channelsTable",
      [](const QString &name, const QString &time, int) {
          return QJsonObject{ { u"name"_qs, name },
                              { u"type"_qs, u"desktop"_qs },
                              { u"enabled"_qs, true },
                              { u"created_at"_qs, time } };
      },
      0, 4, -1, false },
    { &make<TeamPage>, &FakeAdminApi::members, "membersTable",
      [](const QString &name, const QString &time, int) {
          return QJsonObject{ { u"id"_qs, name },
                              { u"email"_qs, name },
                              { u"role"_qs, u"approver"_qs },
                              { u"email_verified"_qs, true },
                              { u"joined_at"_qs, time } };
      },
      0, 3, -1, false },
    { &make<AuditPage>, &FakeAdminApi::audit, "auditTable",
      [](const QString &name, const QString &time, int n) {
          return QJsonObject{ { u"ts"_qs, time },
                              { u"kind"_qs, u"request"_qs },
                              { u"agent_id"_qs, name },
                              { u"method"_qs, u"GET"_qs },
                              { u"status"_qs, n } };
      },
      2, 0, 6, false },
};

// Names whose case puts them out of order as plain text; times whose text puts them out of
// order (the first is 08:00 UTC, before the second's 09:30 UTC); numbers out of order as text.
const QStringList kNames = { u"bravo"_qs, u"Alpha"_qs, u"charlie"_qs, u"Delta"_qs };
const QStringList kTimes = { u"2026-03-01T10:00:00+02:00"_qs, u"2026-03-01T09:30:00Z"_qs,
                             u"2025-12-24T18:00:00Z"_qs, u"2026-11-05T07:00:00Z"_qs };
const QList<int> kNumbers = { 20, 0, 100, 5 };

QList<QJsonObject> rowsOf(const PageCase &c, qsizetype count)
{
    QList<QJsonObject> rows;
    for (qsizetype i = 0; i < count; ++i)
        rows << c.row(kNames.at(i), kTimes.at(i), kNumbers.at(i));
    return rows;
}

// Column `column` of the view, top to bottom.
QStringList columnTexts(QTableView *view, int column)
{
    QStringList out;
    for (int row = 0; row < view->model()->rowCount(); ++row)
        out << view->model()->index(row, column).data().toString();
    return out;
}

} // namespace

class TestModels : public QObject, public ConsoleRig
{
    Q_OBJECT

private slots:
    void init()
    {
        QVERIFY(startRig());
        QVERIFY(signIn(*m_session, *m_fake));
    }
    void cleanup() { stopRig(); }

    void fillRefreshEmpty_data() { addPages(); }
    void fillRefreshEmpty();
    void sortOrder_data() { addPages(); }
    void sortOrder();
    void approvalsModel();

private:
    static void addPages();

    FakeDesktop m_desktop;
};

void TestModels::addPages()
{
    QTest::addColumn<int>("index");
    const char *names[] = {
        "agents", "credentials", "roles", "links", "channels", "team", "audit"
    };
    for (int i = 0; i < int(std::size(kCases)); ++i)
        QTest::addRow("%s", names[i]) << i;
}

void TestModels::fillRefreshEmpty()
{
    QFETCH(int, index);
    const PageCase &c = kCases[index];
    std::unique_ptr<Page> page(c.make(m_session.get(), m_desktop.environment()));
    auto *view = child<QTableView>(page.get(), c.table);
    QVERIFY(view && page->rowsModel());
    using Mode = QAbstractItemModelTester::FailureReportingMode;
    QAbstractItemModelTester source(page->rowsModel(), Mode::QtTest);
    QAbstractItemModelTester proxy(view->model(), Mode::QtTest);
    page->show();

    m_fake.get()->*c.list = rowsOf(c, 3);
    page->refresh();
    QTRY_COMPARE_WITH_TIMEOUT(rows(page.get(), c.table), 3, kTimeout);
    QVERIFY(!QTest::currentTestFailed());

    // Refreshed with the selection kept, sorted both ways, filtered.
    view->selectRow(1);
    const QString selected = view->model()->index(1, 0).data().toString();
    m_fake.get()->*c.list = rowsOf(c, 4);
    page->refresh();
    QTRY_COMPARE_WITH_TIMEOUT(rows(page.get(), c.table), 4, kTimeout);
    QCOMPARE(view->selectionModel()->selectedRows().value(0).data().toString(), selected);
    for (int column = 0; column < view->model()->columnCount(); ++column) {
        view->sortByColumn(column, Qt::DescendingOrder);
        view->sortByColumn(column, Qt::AscendingOrder);
    }
    page->filterEdit()->setText(u"delta"_qs);
    QCOMPARE(rows(page.get(), c.table), 1);
    page->filterEdit()->clear();
    QCOMPARE(rows(page.get(), c.table), 4);

    // Emptied by the server, filled again, forgotten on sign-out.
    (m_fake.get()->*c.list).clear();
    page->refresh();
    QTRY_COMPARE_WITH_TIMEOUT(rows(page.get(), c.table), 0, kTimeout);
    m_fake.get()->*c.list = rowsOf(c, 2);
    page->refresh();
    QTRY_COMPARE_WITH_TIMEOUT(rows(page.get(), c.table), 2, kTimeout);
    page->clear();
    QCOMPARE(rows(page.get(), c.table), 0);
}

void TestModels::sortOrder()
{
    QFETCH(int, index);
    const PageCase &c = kCases[index];
    std::unique_ptr<Page> page(c.make(m_session.get(), m_desktop.environment()));
    auto *view = child<QTableView>(page.get(), c.table);
    m_fake.get()->*c.list = rowsOf(c, 4);
    page->refresh();
    QTRY_COMPARE_WITH_TIMEOUT(rows(page.get(), c.table), 4, kTimeout);

    // Names: A→Z under an ascending arrow, whatever their case.
    view->sortByColumn(c.nameColumn, Qt::AscendingOrder);
    QCOMPARE(columnTexts(view, c.nameColumn),
             QStringList({ u"Alpha"_qs, u"bravo"_qs, u"charlie"_qs, u"Delta"_qs }));
    view->sortByColumn(c.nameColumn, Qt::DescendingOrder);
    QCOMPARE(columnTexts(view, c.nameColumn),
             QStringList({ u"Delta"_qs, u"charlie"_qs, u"bravo"_qs, u"Alpha"_qs }));
    if (c.timeColumn >= 0) { // by the instant, whatever the text or the offset
        view->sortByColumn(c.timeColumn, Qt::AscendingOrder);
        QCOMPARE(columnTexts(view, c.nameColumn),
                 QStringList({ u"charlie"_qs, u"bravo"_qs, u"Alpha"_qs, u"Delta"_qs }));
    }
    if (c.numberColumn >= 0) { // 5 < 20 < 100; a limit of 0 is unlimited (last)
        view->sortByColumn(c.numberColumn, Qt::AscendingOrder);
        QCOMPARE(columnTexts(view, c.nameColumn),
                 c.zeroIsUnlimited
                         ? QStringList({ u"Delta"_qs, u"bravo"_qs, u"charlie"_qs, u"Alpha"_qs })
                         : QStringList({ u"Alpha"_qs, u"Delta"_qs, u"bravo"_qs, u"charlie"_qs }));
    }
}

// The inbox's model: replaced wholesale, one row updated, emptied.
void TestModels::approvalsModel()
{
    ApprovalsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QList<Approval> items;
    for (const QString &id : { u"a1"_qs, u"a2"_qs, u"a3"_qs }) {
        items << Approval::fromJson({ { u"id"_qs, id },
                                      { u"status"_qs, u"pending"_qs },
                                      { u"agent_id"_qs, u"bot"_qs },
                                      { u"created_at"_qs, kTimes.first() } });
    }
    model.setApprovals(items);
    QCOMPARE(model.rowCount(), 3);
    Approval decided = items.at(1);
    decided.status = u"approved"_qs;
    model.update(decided);
    QCOMPARE(model.index(1, ApprovalsModel::Status).data().toString(),
             ApprovalsModel::statusText(u"approved"_qs));
    model.setApprovals(items.mid(0, 1));
    model.setApprovals({});
    QCOMPARE(model.rowCount(), 0);
}

QTEST_MAIN(TestModels)
#include "tst_console_models.moc"
