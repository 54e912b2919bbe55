// AuditStore on SQLite and PostgreSQL: a record appended before its outcome was known (a
// streamed answer) is completed in place; nothing else of it changes.
#include "store/auditstore.h"
#include "support/databasefixture.h"

#include <QTest>

using tap::store::AuditQuery;
using tap::store::AuditRecord;
using tap::store::AuditStore;

class TestAuditStore : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase_data() { tap::test::addBackendRows(); }
    void completeFillsInTheOutcome_data();
    void completeFillsInTheOutcome();
};

void TestAuditStore::completeFillsInTheOutcome_data()
{
    QTest::addColumn<QString>("reason");
    QTest::addColumn<int>("redactions");
    QTest::addRow("ended") << QStringLiteral("auto") << 2;
    QTest::addRow("failed mid-stream") << QStringLiteral("upstream_failed_mid_stream") << 0;
}

void TestAuditStore::completeFillsInTheOutcome()
{
    QFETCH(QString, reason);
    QFETCH(int, redactions);
    auto db = tap::test::migratedDatabase();
    if (!db)
        return;
    AuditStore store(*db);
    AuditRecord r;
    r.ts = 1000;
    r.teamId = QStringLiteral("team-a");
    r.kind = QStringLiteral("forward");
    r.requestId = QStringLiteral("req-1");
    r.agentId = QStringLiteral("agent-1");
    r.decision = QStringLiteral("auto");
    r.reason = QStringLiteral("auto");
    r.status = 200;
    r.upstreamStatus = 200;
    auto seq = store.append(r);
    QVERIFY2(seq, qPrintable(tap::test::errorText(seq)));
    AuditRecord other = r;
    other.requestId = QStringLiteral("req-2");
    auto otherSeq = store.append(other);
    QVERIFY2(otherSeq, qPrintable(tap::test::errorText(otherSeq)));

    r.seq = seq.value();
    r.latencyMs = 1234;
    r.upstreamLatencyMs = 56;
    r.redactions = redactions;
    r.reason = reason;
    r.status = 599; // not the store's to change on completion
    auto completed = store.complete(r);
    QVERIFY2(completed, qPrintable(tap::test::errorText(completed)));

    AuditQuery query;
    query.teamId = QStringLiteral("team-a");
    auto rows = store.query(query);
    QVERIFY2(rows, qPrintable(tap::test::errorText(rows)));
    QCOMPARE(rows->size(), 2);
    for (const AuditRecord &row : rows.value()) {
        if (row.requestId == u"req-2") {
            QCOMPARE(row.latencyMs, -1);
            QCOMPARE(row.reason, QStringLiteral("auto"));
            continue;
        }
        QCOMPARE(row.seq, seq.value());
        QCOMPARE(row.latencyMs, 1234);
        QCOMPARE(row.upstreamLatencyMs, 56);
        QCOMPARE(row.redactions, redactions);
        QCOMPARE(row.reason, reason);
        QCOMPARE(row.status, 200);
        QCOMPARE(row.decision, QStringLiteral("auto"));
    }
}

QTEST_GUILESS_MAIN(TestAuditStore)
#include "tst_auditstore.moc"
