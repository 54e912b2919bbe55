// The relay of one /forward exchange without sockets or libcurl: a fake transfer drives its
// events, a fake sink (live or stored) and a fake audit trail record what happens, in order.
#include "forward/relay.h"

#include <QTest>
#include <QTimer>

using namespace tap;
using forward::Relay;

namespace {

const QByteArray kSecret = QByteArrayLiteral("s3cr3t-value-42");
const QByteArray kRedacted = QByteArrayLiteral("[REDACTED:api]");

// One log for trail, sink and transfer, so the order of their events can be asserted.
using Log = std::shared_ptr<QStringList>;

class FakeTrail final : public forward::AuditTrail
{
public:
    explicit FakeTrail(Log log) : m_log(std::move(log)) { }
    bool fail = false;
    QList<store::AuditRecord> records;

    core::Result<qint64> write(const store::AuditRecord &r, bool final) override
    {
        m_log->append(QStringLiteral("audit %1 %2 %3 %4")
                              .arg(final ? u"final" : u"open", r.decision, r.reason)
                              .arg(r.status));
        if (fail)
            return core::Error(core::ErrorCode::Unavailable, QStringLiteral("disk full"));
        records.append(r);
        records.last().seq = records.size();
        return qint64(records.size());
    }
    void writeAsync(const store::AuditRecord &r, QObject *context,
                    std::function<void(core::Result<qint64>)> done) override
    {
        auto written = write(r, true); // committed later, as by the committer thread
        QTimer::singleShot(0, context, [done, written] { done(written); });
    }
    void complete(store::AuditRecord r) override
    {
        m_log->append(QStringLiteral("complete %1 redactions=%2").arg(r.reason).arg(r.redactions));
        records[r.seq - 1] = r;
    }

private:
    Log m_log;
};

class FakeSink final : public forward::ResponseSink
{
public:
    FakeSink(Log log, bool live, QObject *context = nullptr)
        : m_log(std::move(log)), m_live(live), m_context(context)
    {
    }
    qint64 pending = 0;
    std::function<void()> drained;
    std::function<void()> cancelled;
    http::Response response;
    QByteArray streamed;

    bool isLive() const override { return m_live; }
    void send(http::Response r, bool forwarded) override
    {
        m_log->append(QStringLiteral("send %1%2")
                              .arg(r.status)
                              .arg(forwarded ? QStringLiteral(" forwarded") : QString()));
        response = std::move(r);
    }
    void begin(int status, const http::HeaderList &headers) override
    {
        m_log->append(QStringLiteral("begin %1").arg(status));
        response.status = status;
        response.headers = headers;
    }
    void write(const QByteArray &chunk) override
    {
        if (m_log->isEmpty() || m_log->last() != u"write") // how it is cut is the scrubber's
            m_log->append(QStringLiteral("write"));
        streamed += chunk;
    }
    void end() override { m_log->append(QStringLiteral("end")); }
    void abort() override { m_log->append(QStringLiteral("abort")); }
    qint64 pendingBytes() const override { return pending; }
    void onDrained(qint64, std::function<void()> callback) override { drained = callback; }
    void onCancel(std::function<void()> callback) override { cancelled = callback; }
    QObject *threadContext() const override { return m_context; }

private:
    Log m_log;
    bool m_live;
    QObject *m_context;
};

class FakeTransfer final : public forward::Transfer
{
public:
    explicit FakeTransfer(Log log) : m_log(std::move(log)) { }
    void cancel() override { m_log->append(QStringLiteral("cancel")); }
    void resume() override { m_log->append(QStringLiteral("resume")); }
    void bodyReady() override { }

private:
    Log m_log;
};

struct Rig
{
    Log log = std::make_shared<QStringList>();
    FakeTrail trail{ log };
    std::shared_ptr<FakeSink> sink;
    std::shared_ptr<Relay> relay;

    explicit Rig(bool live, QObject *context = nullptr, Relay::Limits limits = {})
        : sink(std::make_shared<FakeSink>(log, live, context))
    {
        store::AuditRecord record;
        record.requestId = QStringLiteral("req-1");
        record.decision = QStringLiteral("auto");
        record.reason = QStringLiteral("auto_approve_methods");
        QElapsedTimer timer;
        timer.start();
        relay = std::make_shared<Relay>(
                trail, sink,
                sanitizer::Scrubber({ { QStringLiteral("api"), core::SecretBytes(kSecret) } }),
                record, timer, limits);
        relay->attach(std::make_unique<FakeTransfer>(log));
    }
};

http::HeaderList headers(const QByteArray &contentType = QByteArrayLiteral("text/plain"))
{
    return { { QByteArrayLiteral("Content-Type"), contentType } };
}

QStringList split(const char *events)
{
    return QString::fromLatin1(events).split(u'|', Qt::SkipEmptyParts);
}

} // namespace

class TestForwardRelay : public QObject
{
    Q_OBJECT
private slots:
    void states_data();
    void states();
    void auditBeforeAnswerWithGroupCommit();
    void scrubsHeaders();
    void auditFailureRefusesTheAnswer_data();
    void auditFailureRefusesTheAnswer();
    void storedAnswerTooLarge();
    void upstreamErrorBeforeTheBody();
    void backpressure();
};

// Buffered vs streamed × live vs stored: the record always precedes the answer; a secret split
// across chunks is redacted in both.
void TestForwardRelay::states_data()
{
    QTest::addColumn<bool>("live");
    QTest::addColumn<qint64>("contentLength");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<bool>("failMidStream");
    QTest::addColumn<QStringList>("events");
    QTest::addColumn<bool>("streamed");

    QTest::addRow("buffered, live")
            << true << qint64(40) << QByteArrayLiteral("text/plain") << false
            << split("audit final auto auto_approve_methods 200|send 200 forwarded") << false;
    QTest::addRow("buffered, stored (unknown length is never streamed)")
            << false << qint64(-1) << QByteArrayLiteral("text/plain") << false
            << split("audit final auto auto_approve_methods 200|send 200 forwarded") << false;
    QTest::addRow("stored event stream is kept whole")
            << false << qint64(-1) << QByteArrayLiteral("text/event-stream") << false
            << split("audit final auto auto_approve_methods 200|send 200 forwarded") << false;
    QTest::addRow("streamed, live: unknown length")
            << true << qint64(-1) << QByteArrayLiteral("text/plain") << false
            << split("audit open auto auto_approve_methods 200|begin 200|write|end|"
                     "complete auto_approve_methods redactions=1")
            << true;
    QTest::addRow("streamed, live: event stream")
            << true << qint64(40) << QByteArrayLiteral("text/event-stream") << false
            << split("audit open auto auto_approve_methods 200|begin 200|write|end|"
                     "complete auto_approve_methods redactions=1")
            << true;
    QTest::addRow("streamed, live: upstream error mid-stream")
            << true << qint64(-1) << QByteArrayLiteral("text/plain") << true
            << split("audit open auto auto_approve_methods 200|begin 200|write|"
                     "complete upstream_failed_mid_stream redactions=-1|abort")
            << true;
}

void TestForwardRelay::states()
{
    QFETCH(bool, live);
    QFETCH(qint64, contentLength);
    QFETCH(QByteArray, contentType);
    QFETCH(bool, failMidStream);
    QFETCH(QStringList, events);
    QFETCH(bool, streamed);

    Rig rig(live);
    rig.relay->onHead(200, headers(contentType), contentLength);
    // The secret arrives in three pieces.
    QVERIFY(rig.relay->onData(QByteArray("before " + kSecret.left(4))));
    QVERIFY(rig.relay->onData(kSecret.mid(4, 6)));
    QVERIFY(rig.relay->onData(QByteArray(kSecret.mid(10) + " after")));
    if (failMidStream)
        rig.relay->onDone(core::Error(core::ErrorCode::UpstreamError, QStringLiteral("reset")));
    else
        rig.relay->onDone({});

    QCOMPARE(*rig.log, events);
    QCOMPARE(rig.relay->isStreaming(), streamed);
    const QByteArray body = streamed ? rig.sink->streamed : rig.sink->response.body;
    QVERIFY(!body.contains(QByteArray(kSecret.left(4) + kSecret.mid(4, 6))));
    if (!failMidStream)
        QCOMPARE(body, QByteArray("before " + kRedacted + " after"));
    QCOMPARE(http::headerValue(rig.sink->response.headers, "X-TAP-Request-Id"),
             QByteArrayLiteral("req-1"));
    QCOMPARE(rig.trail.records.size(), 1);
    QCOMPARE(rig.trail.records.first().upstreamStatus, 200);
}

// With group commit the record is queued first; the answer goes out only when it committed.
void TestForwardRelay::auditBeforeAnswerWithGroupCommit()
{
    QObject context;
    Rig rig(true, &context);
    rig.relay->onHead(201, headers(), 5);
    QVERIFY(rig.relay->onData("hello"));
    rig.relay->onDone({});
    QCOMPARE(*rig.log, split("audit final auto auto_approve_methods 201"));
    QTRY_COMPARE(rig.log->size(), 2);
    QCOMPARE(rig.log->last(), QStringLiteral("send 201 forwarded"));
    QCOMPARE(rig.sink->response.body, QByteArrayLiteral("hello"));
}

void TestForwardRelay::scrubsHeaders()
{
    Rig rig(true);
    rig.relay->onHead(
            200,
            { { QByteArrayLiteral("X-Echo"), QByteArray("Bearer " + kSecret) },
              { QByteArray("X-" + kSecret), QByteArrayLiteral("name holds the secret") } },
            0);
    rig.relay->onDone({});
    const http::HeaderList &h = rig.sink->response.headers;
    QCOMPARE(http::headerValue(h, "X-Echo"), QByteArray("Bearer " + kRedacted));
    QCOMPARE(h.size(), 2); // the field whose name held the secret is gone
    QCOMPARE(rig.trail.records.first().redactions, 2); // the dropped name counts too
}

void TestForwardRelay::auditFailureRefusesTheAnswer_data()
{
    QTest::addColumn<qint64>("contentLength");
    QTest::addColumn<QStringList>("events");
    QTest::addRow("buffered") << qint64(4)
                              << split("audit final auto auto_approve_methods 200|send 503");
    QTest::addRow("streamed") << qint64(-1)
                              << split("audit open auto auto_approve_methods 200|cancel|send 503");
}

void TestForwardRelay::auditFailureRefusesTheAnswer()
{
    QFETCH(qint64, contentLength);
    QFETCH(QStringList, events);
    Rig rig(true);
    rig.trail.fail = true;
    rig.relay->onHead(200, headers(), contentLength);
    if (contentLength >= 0) {
        QVERIFY(rig.relay->onData(kSecret));
        rig.relay->onDone({});
    }
    QCOMPARE(*rig.log, events);
    QVERIFY(!rig.sink->response.body.contains(kSecret));
    QCOMPARE(http::headerValue(rig.sink->response.headers, "X-TAP-Request-Id"),
             QByteArrayLiteral("req-1"));
}

void TestForwardRelay::storedAnswerTooLarge()
{
    Relay::Limits limits;
    limits.storedBytes = 8;
    Rig rig(false, nullptr, limits);
    rig.relay->onHead(200, headers(), -1);
    QVERIFY(rig.relay->onData("12345"));
    QVERIFY(rig.relay->onData("67890"));
    QCOMPARE(*rig.log, split("cancel|audit final rejected response_too_large 502|send 502"));
    QVERIFY(rig.sink->response.body.contains("TAP_MAX_RESPONSE_BUFFER_BYTES"));
}

void TestForwardRelay::upstreamErrorBeforeTheBody()
{
    Rig rig(true);
    rig.relay->onDone(core::Error(core::ErrorCode::UpstreamTimeout, QStringLiteral("slow")));
    QCOMPARE(*rig.log, split("audit final rejected upstream_timeout 504|send 504"));
}

// A live answer larger than the buffer limit (decoded, whatever Content-Length said) is
// streamed; an agent reading slowly pauses the upstream until it drained.
void TestForwardRelay::backpressure()
{
    Relay::Limits limits;
    limits.bufferBytes = 4;
    limits.highWatermark = 10;
    Rig rig(true, nullptr, limits);
    rig.relay->onHead(200, headers(), 3); // announced small
    QVERIFY(rig.relay->onData("abc"));
    QVERIFY(!rig.relay->isStreaming());
    rig.sink->pending = 11;
    QVERIFY(!rig.relay->onData("def")); // switched to streaming, and full
    QVERIFY(rig.relay->isStreaming());
    QVERIFY(rig.sink->drained);
    rig.sink->drained();
    QCOMPARE(*rig.log, split("audit open auto auto_approve_methods 200|begin 200|write|resume"));
    QCOMPARE(rig.sink->streamed, QByteArrayLiteral("abcdef"));
}

QTEST_GUILESS_MAIN(TestForwardRelay)
#include "tst_forward_relay.moc"
