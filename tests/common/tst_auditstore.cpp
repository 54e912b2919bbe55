// AuditStore on SQLite and PostgreSQL: a record appended before its outcome was known (a
// streamed answer) is completed in place; nothing else of it changes. A batch of records goes
// in with few INSERTs and each record gets its own seq back.
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
    void appendManyKeepsTheOrder_data();
    void appendManyKeepsTheOrder();
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
// The audit committer's batch (service/forward/auditsink.cpp) is one multi-row INSERT per 32
// records: every record is stored with everything it held, and the seq answered for it is the
// row holding it, in the records' order, also across INSERTs and after other rows.
void TestAuditStore::appendManyKeepsTheOrder_data()
{
    QTest::addColumn<int>("records");
    QTest::addRow("one") << 1;
    QTest::addRow("one INSERT") << 32;
    QTest::addRow("three INSERTs") << 70;
}

void TestAuditStore::appendManyKeepsTheOrder()
{
    QFETCH(int, records);
    auto db = tap::test::migratedDatabase();
    if (!db)
        return;
    AuditStore store(*db);
    AuditRecord before;
    before.ts = 1;
    before.teamId = QStringLiteral("team-a");
    before.kind = QStringLiteral("forward");
    before.requestId = QStringLiteral("before");
    QVERIFY(store.append(before));
    QList<AuditRecord> batch;
    for (int i = 0; i < records; ++i) {
        AuditRecord r;
        r.ts = 1000 + i;
        r.teamId = QStringLiteral("team-a");
        r.kind = QStringLiteral("forward");
        r.requestId = QStringLiteral("req-%1").arg(i);
        r.agentId = i % 2 ? QStringLiteral("agent-%1").arg(i) : QString();
        r.status = 200 + i;
        r.latencyMs = i % 3 ? i : -1;
        if (i % 5 == 0)
            r.detail = QJsonObject{ { QStringLiteral("i"), i } };
        batch.append(r);
    }
    auto seqs = store.appendMany(batch);
    QVERIFY2(seqs, qPrintable(tap::test::errorText(seqs)));
    QCOMPARE(seqs->size(), records);
    AuditQuery all;
    all.teamId = QStringLiteral("team-a");
    all.limit = 1000;
    auto stored = store.query(all);
    QVERIFY2(stored, qPrintable(tap::test::errorText(stored)));
    QHash<qint64, AuditRecord> bySeq;
    for (const AuditRecord &r : std::as_const(*stored))
        bySeq.insert(r.seq, r);
    QCOMPARE(bySeq.size(), records + 1);
    for (int i = 0; i < records; ++i) {
        const AuditRecord &want = batch.at(i);
        QVERIFY2(bySeq.contains(seqs->at(i)), qPrintable(QString::number(i)));
        const AuditRecord &got = bySeq.value(seqs->at(i));
        QCOMPARE(got.requestId, want.requestId);
        QCOMPARE(got.ts, want.ts);
        QCOMPARE(got.agentId, want.agentId);
        QCOMPARE(got.status, want.status);
        QCOMPARE(got.latencyMs, want.latencyMs);
        QCOMPARE(got.detail, want.detail);
    }
}

#include "tst_auditstore.moc"
