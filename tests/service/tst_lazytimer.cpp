// http::LazyTimer: fires once, never before its deadline, wherever the deadline was moved; a
// deadline moved out does not restart the timer underneath (it re-arms when it fires early).
#include "http/lazytimer.h"

#include <QElapsedTimer>
#include <QTest>

using tap::http::LazyTimer;

class TestLazyTimer : public QObject
{
    Q_OBJECT

    QTimer *underlying(QObject &owner) { return owner.findChild<QTimer *>(); }

private slots:
    void firesAtTheDeadline_data()
    {
        QTest::addColumn<int>("first"); // ms
        QTest::addColumn<int>("moveAfter"); // ms after the first start; -1: not moved
        QTest::addColumn<int>("second"); // ms, from the move
        QTest::addRow("once") << 60 << -1 << 0;
        QTest::addRow("moved out") << 60 << 20 << 150;
        QTest::addRow("moved in") << 2000 << 20 << 60;
        QTest::addRow("zero") << 0 << -1 << 0;
    }

    void firesAtTheDeadline()
    {
        QFETCH(int, first);
        QFETCH(int, moveAfter);
        QFETCH(int, second);
        QObject owner;
        QElapsedTimer clock;
        qint64 firedAt = -1;
        int fired = 0;
        LazyTimer timer(&owner, [&] {
            firedAt = clock.elapsed();
            ++fired;
        });
        clock.start();
        timer.start(first);
        qint64 due = first;
        if (moveAfter >= 0) {
            QTest::qWait(moveAfter);
            const qint64 movedAt = clock.elapsed();
            timer.start(second);
            due = movedAt + second;
        }
        QVERIFY(timer.isActive());
        QTRY_COMPARE_WITH_TIMEOUT(fired, 1, 5000);
        QVERIFY2(firedAt >= due, qPrintable(QStringLiteral("%1 < %2").arg(firedAt).arg(due)));
        QVERIFY(!timer.isActive());
        QTest::qWait(qMax(first, second) + 50);
        QCOMPARE(fired, 1);
    }

    void stopped()
    {
        QObject owner;
        int fired = 0;
        LazyTimer timer(&owner, [&] { ++fired; });
        timer.start(30);
        timer.stop();
        QVERIFY(!timer.isActive());
        QTest::qWait(100);
        QCOMPARE(fired, 0);
        timer.start(10); // usable again
        QTRY_COMPARE(fired, 1);
    }

    // Moving the deadline out leaves the timer underneath running to its earlier time.
    void movingOutDoesNotRestart()
    {
        QObject owner;
        LazyTimer timer(&owner, [] {});
        timer.start(10000);
        QTimer *t = underlying(owner);
        QVERIFY(t && t->isActive());
        QTest::qWait(30);
        const int before = t->remainingTime();
        timer.start(20000);
        QVERIFY(t->remainingTime() <= before);
        timer.start(500); // sooner: restarted
        QVERIFY(t->remainingTime() <= 500);
    }
};

QTEST_GUILESS_MAIN(TestLazyTimer)
#include "tst_lazytimer.moc"
