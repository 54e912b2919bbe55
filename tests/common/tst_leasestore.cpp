// store::LeaseStore on SQLite and PostgreSQL (one global data row each): at most one holder
// per name; renewal, expiry, release; and a race of many connections for one free lease,
// which exactly one wins.
#include "store/leasestore.h"
#include "support/databasefixture.h"

#include <QTest>
#include <QThread>

#include <atomic>
#include <memory>
#include <vector>

using namespace tap::test;
using tap::store::LeaseStore;

class TestLeaseStore : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase_data() { tap::test::addBackendRows(); }

    void holdRenewExpire();
    void release();
    void namesAreIndependent();
    void raceHasOneWinner();
};

#define ACQUIRE(db, name, holder, now, ttl, expected)                                       \
  do {                                                                                      \
    const auto r_ =                                                                         \
            LeaseStore(db).acquire(QStringLiteral(name), QStringLiteral(holder), now, ttl); \
    QVERIFY2(r_.ok(), qPrintable(errorText(r_)));                                           \
    QCOMPARE(r_.value(), expected);                                                         \
  } while (false)

void TestLeaseStore::holdRenewExpire()
{
    MIGRATED_DB(db);
    ACQUIRE(*db, "poll", "a", 1000, 500, true); // free: taken until 1500
    ACQUIRE(*db, "poll", "b", 1200, 500, false); // held by a
    ACQUIRE(*db, "poll", "a", 1400, 500, true); // a renews: until 1900
    ACQUIRE(*db, "poll", "b", 1600, 500, false); // would have expired without the renewal
    QCOMPARE(LeaseStore(*db).holder(QStringLiteral("poll"), 1600).value(), QStringLiteral("a"));
    ACQUIRE(*db, "poll", "b", 1900, 500, true); // expired: b takes it
    ACQUIRE(*db, "poll", "a", 1950, 500, false); // a's renewal comes too late: it lost it
    QCOMPARE(LeaseStore(*db).holder(QStringLiteral("poll"), 2000).value(), QStringLiteral("b"));
    QCOMPARE(LeaseStore(*db).holder(QStringLiteral("poll"), 2400).value(), QString());
    QCOMPARE(count(*db, "leases"), qint64(1));
}

void TestLeaseStore::release()
{
    MIGRATED_DB(db);
    ACQUIRE(*db, "poll", "a", 1000, 60000, true);
    // Only the holder can give it up.
    QVERIFY(LeaseStore(*db).release(QStringLiteral("poll"), QStringLiteral("b")).ok());
    ACQUIRE(*db, "poll", "b", 1001, 60000, false);
    QVERIFY(LeaseStore(*db).release(QStringLiteral("poll"), QStringLiteral("a")).ok());
    QCOMPARE(count(*db, "leases"), qint64(0));
    ACQUIRE(*db, "poll", "b", 1002, 60000, true); // at once, long before a's expiry
}

void TestLeaseStore::namesAreIndependent()
{
    MIGRATED_DB(db);
    ACQUIRE(*db, "bot-1", "a", 1000, 60000, true);
    ACQUIRE(*db, "bot-2", "b", 1000, 60000, true);
    ACQUIRE(*db, "bot-1", "b", 1000, 60000, false);
    ACQUIRE(*db, "bot-2", "a", 1000, 60000, false);
    QCOMPARE(count(*db, "leases"), qint64(2));
}

// Eight threads (eight connections) try to take one free lease at the same moment, for
// several rounds: each round has exactly one winner, and a later try by a loser still fails.
void TestLeaseStore::raceHasOneWinner()
{
    MIGRATED_DB(db);
    constexpr int kThreads = 8;
    constexpr int kRounds = 10;
    for (int round = 0; round < kRounds; ++round) {
        const QString name = QStringLiteral("race-%1").arg(round);
        std::atomic<int> winners{ 0 };
        std::atomic<int> errors{ 0 };
        std::atomic<int> ready{ 0 };
        std::vector<std::unique_ptr<QThread>> threads;
        for (int t = 0; t < kThreads; ++t) {
            threads.emplace_back(QThread::create([&, t] {
                ready.fetch_add(1);
                while (ready.load() < kThreads) // start together
                    QThread::yieldCurrentThread();
                auto r = LeaseStore(*db).acquire(name, QStringLiteral("holder-%1").arg(t), 1000,
                                                 60000);
                if (!r)
                    errors.fetch_add(1);
                else if (r.value())
                    winners.fetch_add(1);
                db->closeThreadConnection();
            }));
        }
        for (auto &thread : threads)
            thread->start();
        for (auto &thread : threads)
            QVERIFY(thread->wait(60000));
        // A failed statement (e.g. SQLite busy beyond its timeout) must not count as holding.
        QCOMPARE(errors.load(), 0);
        QCOMPARE(winners.load(), 1);
        const QString holder = LeaseStore(*db).holder(name, 1001).value();
        QVERIFY(holder.startsWith(QStringLiteral("holder-")));
        const QString loser =
                holder == u"holder-0" ? QStringLiteral("holder-1") : QStringLiteral("holder-0");
        const auto again = LeaseStore(*db).acquire(name, loser, 1002, 60000);
        QVERIFY(again.ok() && !again.value());
    }
}

QTEST_GUILESS_MAIN(TestLeaseStore)
#include "tst_leasestore.moc"
