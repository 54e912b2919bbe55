// approvals::JobLease on SQLite and PostgreSQL: one holder among contenders, hand-over on
// stop(), lost() when another process took the lease, and held() turning false on its own when
// the event loop stalled past the renewal margin (so a late callback does not poll), with
// acquired() again on the next successful renewal.
#include "approvals/joblease.h"
#include "store/leasestore.h"
#include "support/databasefixture.h"

#include <QDateTime>
#include <QSignalSpy>
#include <QTest>
#include <QThread>

using namespace tap::test;
using tap::approvals::JobLease;

namespace {
constexpr int kTtlMs = 600; // renewed every 200 ms; held() counts for 500 ms after a renewal
}

class TestJobLease : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase_data() { tap::test::addBackendRows(); }

    void oneHolderAndHandOver();
    void lostToAnotherProcess();
    void stalledLoopIsNotHolding();
};

void TestJobLease::oneHolderAndHandOver()
{
    MIGRATED_DB(db);
    JobLease a(*db, QStringLiteral("job"), QStringLiteral("a"), kTtlMs);
    JobLease b(*db, QStringLiteral("job"), QStringLiteral("b"), kTtlMs);
    QSignalSpy aTaken(&a, &JobLease::acquired);
    QSignalSpy bTaken(&b, &JobLease::acquired);
    QSignalSpy aLost(&a, &JobLease::lost);
    a.start();
    b.start();
    QVERIFY(a.held());
    QVERIFY(!b.held());
    QTest::qWait(3 * kTtlMs); // several renewals: nothing changes hands
    QVERIFY(a.held());
    QVERIFY(!b.held());
    QCOMPARE(aTaken.count(), 1);
    QCOMPARE(bTaken.count(), 0);

    a.stop(); // released: b takes it at its next try, long before the expiry
    QVERIFY(!a.held());
    QCOMPARE(count(*db, "leases"), qint64(0));
    QTRY_VERIFY_WITH_TIMEOUT(b.held(), 5000);
    QCOMPARE(bTaken.count(), 1);
    QCOMPARE(aLost.count(), 0); // stop() is not a loss
}

void TestJobLease::lostToAnotherProcess()
{
    MIGRATED_DB(db);
    JobLease a(*db, QStringLiteral("job"), QStringLiteral("a"), kTtlMs);
    QSignalSpy aLost(&a, &JobLease::lost);
    a.start();
    QVERIFY(a.held());
    // This process stalls past the expiry and another one takes the lease meanwhile.
    QThread::msleep(kTtlMs + 100);
    QVERIFY(!a.held());
    const auto taken =
            tap::store::LeaseStore(*db).acquire(QStringLiteral("job"), QStringLiteral("other"),
                                                QDateTime::currentMSecsSinceEpoch(), 60000);
    QVERIFY(taken.ok() && taken.value());
    QTRY_COMPARE_WITH_TIMEOUT(aLost.count(), 1, 5000);
    QVERIFY(!a.held());
    QTest::qWait(2 * kTtlMs);
    QVERIFY(!a.held());
    QCOMPARE(aLost.count(), 1);
}

void TestJobLease::stalledLoopIsNotHolding()
{
    MIGRATED_DB(db);
    JobLease a(*db, QStringLiteral("job"), QStringLiteral("a"), kTtlMs);
    QSignalSpy aTaken(&a, &JobLease::acquired);
    QSignalSpy aLost(&a, &JobLease::lost);
    a.start();
    QVERIFY(a.held());
    QThread::msleep(kTtlMs - kTtlMs / 6 + 50); // no renewal ran: held() says no on its own
    QVERIFY(!a.held());
    // Nobody else took it: the next renewal succeeds, and the job is told to go on.
    QTRY_COMPARE_WITH_TIMEOUT(aTaken.count(), 2, 5000);
    QVERIFY(a.held());
    QCOMPARE(aLost.count(), 0);
}

QTEST_GUILESS_MAIN(TestJobLease)
#include "tst_joblease.moc"
