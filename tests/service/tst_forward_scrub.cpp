// End-to-end tests of tapd's data plane (POST /forward, seed "Response Sanitization") against
// the real tapd binary and a local fake upstream, on both backends (global rows "sqlite" and
// "postgres"): response scrubbing (encodings, header names, chunk splits, compression, 32 MiB
// streams with backpressure), server-sent events, redirects and cookies, upstream failures, SSRF
// guards, and (last) no secret in any trail. The fixture is support/forwardfixture.h.
#include "support/forwardfixture.h"
#include "support/httpclient.h"
#include "support/tapdharness.h"
#include "support/testdatabases.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QUuid>

#include <atomic>
#include <csignal>
#include <map>
#include <memory>
#include <thread>
#include <vector>

using namespace Qt::Literals::StringLiterals;
using namespace tap::test;

class TestForwardScrub : public QObject, public ForwardSuite
{
    Q_OBJECT

private slots:
    void initTestCase_data() { tap::test::addBackendRows(); }
    void initTestCase() { startSuite(); }
    void cleanupTestCase() { finishSuite(TrailCheck::Skip); }

    void secretLeaks_data();
    void secretLeaks();
    void bigStream_data();
    void bigStream();
    void serverSentEvents();
    void redirectsAndCookies();
    void upstreamFailures();
    void ssrf();
    void noSecretInTrails();
};

// ---------------------------------------------------------------------------------------------
// Response scrubbing: whatever the encoding, placement, chunking or compression, the agent
// never sees a value. "{R}" in the expectations stands for "[REDACTED:<credential>]"; "*"
// means "not compared byte for byte"; a leading "!" means that refusing the answer as an
// upstream_error (502) is as good as delivering it scrubbed.

void TestForwardScrub::secretLeaks_data()
{
    QTest::addColumn<QString>("credential");
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QByteArray>("expectedBody");
    QTest::addColumn<QByteArray>("expectedHeader"); // X-Reflect; "" = absent

    const QList<QByteArray> encodings{ "raw",    "b64",        "b64nopad", "b64url", "b64urlnopad",
                                       "pct",    "pctlower",   "form",     "json",   "jsonutf8",
                                       "basic",  "pctpartial", "jsonall",  "hex",    "hexupper",
                                       "mime76", "mime64crlf" };
    for (const char *credential : { "leak-canary", "leak-tricky", "leak-utf8" }) {
        const QString name = QString::fromLatin1(credential);
        for (const QByteArray &enc : encodings) {
            // A Basic credential keeps the bits of "user:", a MIME run those of its neighbours.
            const bool wrapped = enc.startsWith("mime");
            const bool exact = enc != "basic" && !wrapped;
            QTest::addRow("%s reflect %s in body", credential, enc.constData())
                    << name << "/reflect?where=body&enc=" + enc
                    << (exact ? "reflected: <{R}> end"_ba : "*"_ba) << QByteArray();
            if (!wrapped) // no line breaks in a header value
                QTest::addRow("%s reflect %s in header", credential, enc.constData())
                        << name << "/reflect?where=header&enc=" + enc << "nothing here"_ba
                        << (exact ? "{R}"_ba : "*"_ba);
            QTest::addRow("%s gzip %s", credential, enc.constData())
                    << name << "/gzip?enc=" + enc
                    << (exact ? "compressed <{R}> end " + QByteArray(64, 'z') : "*"_ba)
                    << QByteArray();
        }
        for (const QByteArray &enc : { "raw"_ba, "b64"_ba, "pct"_ba, "form"_ba, "json"_ba,
                                       "pctpartial"_ba, "jsonall"_ba, "hex"_ba }) {
            for (const int chunk : { 1, 2, 3, 7, 64 }) {
                QByteArray expected = "begin|";
                for (int offset = 0; offset < chunk + 2; ++offset)
                    expected += QByteArray(offset, '.') + "{R}|";
                expected += "end";
                QTest::addRow("%s split %s chunk %d", credential, enc.constData(), chunk)
                        << name
                        << "/split?enc=" + enc + "&chunk=" + QByteArray::number(chunk)
                                + (chunk <= 3 ? "&delay_ms=1" : "")
                        << expected << QByteArray();
            }
        }
        const QByteArray compressed = "compressed <{R}> end " + QByteArray(64, 'z');
        QTest::addRow("%s brotli", credential)
                << name << "/br?enc=raw"_ba << compressed << QByteArray();
        QTest::addRow("%s brotli b64", credential)
                << name << "/br?enc=b64"_ba << compressed << QByteArray();
        QTest::addRow("%s gzip twice", credential)
                << name << "/gzip?enc=raw&layers=2"_ba << compressed << QByteArray();
        QTest::addRow("%s identity coding", credential)
                << name << "/encoded?ce=identity&enc=raw"_ba << compressed << QByteArray();
        // Labelled with a coding that it is not in: never passed on as if it were opaque.
        for (const char *coding : { "x-unknown", "compress", "zstd", "br", "gzip" })
            QTest::addRow("%s mislabelled %s", credential, coding)
                    << name << "/encoded?enc=raw&ce=" + QByteArray(coding) << "!" + compressed
                    << QByteArray();
        // The value as (part of) a header name.
        for (const QByteArray &enc : { "b64urlnopad"_ba, "pct"_ba, "raw"_ba }) {
            if (enc == "raw" && name != u"leak-canary"_s)
                continue; // spaces, non-ASCII: not a header name
            QTest::addRow("%s reflect %s in a header name", credential, enc.constData())
                    << name << "/reflect?where=headername&enc=" + enc << "nothing here"_ba
                    << QByteArray();
        }
    }
}

void TestForwardScrub::secretLeaks()
{
    FIXTURE(f);
    QFETCH(QString, credential);
    QFETCH(QByteArray, path);
    QFETCH(QByteArray, expectedBody);
    QFETCH(QByteArray, expectedHeader);
    if (path.startsWith("/br") && !m_upstream.hasBrotli())
        QSKIP("the fake upstream has no brotli module (python3-brotli)");
    if (!f->prepared.contains(u"leaks"_s)) {
        const HttpClient admin = f->tapd.client(f->main.token);
        QVERIFY(addCredential(f->secrets, admin, u"leak-canary"_s, canary(*f)));
        // Every character of it changes under some encoding; its base64 has '+' (base64url '-').
        QVERIFY(addCredential(f->secrets, admin, u"leak-tricky"_s, R"(a+b/c=d e&f"~?>>)"));
        // Non-ASCII: percent-encoded as UTF-8 bytes, and \u-escaped by some JSON serializers.
        QVERIFY(addCredential(f->secrets, admin, u"leak-utf8"_s,
                              utf8(u"pässwörd-€-ünïcode-\U0001F511"_s)));
        const QStringList names{ u"leak-canary"_s, u"leak-tricky"_s, u"leak-utf8"_s };
        for (const QString &name : names)
            QVERIFY(autoApprove(admin, name));
        f->keys[u"leak"_s] = addAgent(admin, u"leak-agent"_s, names);
        RETURN_IF_FAILED();
        f->prepared << u"leaks"_s;
    }
    const HttpResponse r = forward(f->tapd.port(),
                                   { f->keys.value(u"leak"_s), utf8(credential), up(path), "GET" });
    const QString leak = findLeak(received(r), f->secrets);
    QVERIFY2(leak.isEmpty(), qPrintable(leak + u" in: "_s + text(received(r).left(2000))));
    if (expectedBody.startsWith('!')) {
        if (r.status == 502) {
            EXPECT_FWD(r, 502, u"upstream_error"_s);
            return;
        }
        expectedBody.remove(0, 1);
    }
    EXPECT_FWD(r, 200, QString());
    for (const auto &[name, value] : r.headers)
        QVERIFY2(!name.startsWith("X-Reflect-"), name.constData());
    QVERIFY2(r.header("Content-Encoding").isEmpty(),
             "the agent got a body it would have to decode itself");
    const QByteArray m = marker(credential);
    if (expectedBody == "*")
        QVERIFY2(r.body.contains(m), r.body.constData());
    else
        QCOMPARE(r.body, QByteArray(expectedBody).replace("{R}", m));
    if (expectedHeader.isEmpty())
        QVERIFY(r.header("X-Reflect").isEmpty());
    else if (expectedHeader == "*")
        QVERIFY2(r.header("X-Reflect").contains(m), r.header("X-Reflect").constData());
    else
        QCOMPARE(r.header("X-Reflect"), QByteArray(expectedHeader).replace("{R}", m));
}

// Large bodies streamed through the scrubber: every embedded value redacted, every other byte
// kept, also when the agent reads slower than the upstream sends (backpressure).
void TestForwardScrub::bigStream_data()
{
    QTest::addColumn<int>("blocks"); // MiB
    QTest::addColumn<QByteArray>("framing");
    QTest::addColumn<int>("readDelayMs"); // the agent sleeps this long between reads, for 2 s
    QTest::newRow("32 MiB chunked") << 32 << "chunked"_ba << 0;
    QTest::newRow("8 MiB with Content-Length, slow reader") << 8 << "length"_ba << 10;
}

void TestForwardScrub::bigStream()
{
    FIXTURE(f);
    QFETCH(int, blocks);
    QFETCH(QByteArray, framing);
    QFETCH(int, readDelayMs);
    const HttpClient admin = f->tapd.client(f->main.token);
    if (!f->prepared.contains(u"big"_s)) {
        QVERIFY(addCredential(f->secrets, admin, u"big-cred"_s, canary(*f)));
        QVERIFY(autoApprove(admin, u"big-cred"_s));
        f->keys[u"big"_s] = addAgent(admin, u"big-agent"_s, { u"big-cred"_s });
        RETURN_IF_FAILED();
        f->prepared << u"big"_s;
    }
    const QByteArray key = f->keys.value(u"big"_s);
    QByteArray value;
    for (const Secret &secret : std::as_const(f->secrets)) {
        if (secret.name == u"big-cred"_s)
            value = secret.value;
    }

    constexpr int mib = 1024 * 1024;
    StreamingReader s;
    QVERIFY(s.open(f->tapd.port(),
                   { key, "big-cred",
                     up("/big?mb=" + QByteArray::number(blocks) + "&framing=" + framing), "GET" }));
    while (s.pump(kRequestTimeoutMs)) {
        if (readDelayMs > 0 && s.elapsedMs() < 2000)
            QThread::msleep(ulong(readDelayMs));
    }
    QVERIFY2(s.done(),
             qPrintable(u"incomplete after %1 bytes: "_s.arg(s.body().size()) + text(s.head())));
    QCOMPARE(s.status(), 200);
    const QByteArray requestId = s.header("X-TAP-Request-Id");
    QVERIFY(!requestId.isEmpty());

    // The body as fake_upstream.py builds it, with each value replaced by the marker.
    static const QByteArray alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    const QByteArray m = marker(u"big-cred"_s);
    QByteArray expected;
    expected.reserve(qsizetype(blocks) * mib + blocks * m.size());
    QByteArray block(mib, '\0');
    for (int b = 0; b < blocks; ++b) {
        const qint64 start = qint64(b) * mib;
        for (int i = 0; i < mib; ++i)
            block[i] = alphabet.at((start + i) % alphabet.size());
        const int at = int((qint64(b) * 104729 + 13) % (mib - value.size()));
        expected += QByteArrayView(block).first(at);
        expected += m;
        expected += QByteArrayView(block).sliced(at + value.size());
    }
    QCOMPARE(s.body().size(), expected.size());
    if (s.body() != expected) {
        qsizetype i = 0;
        while (s.body().at(i) == expected.at(i))
            ++i;
        QFAIL(qPrintable(u"the body differs from byte %1: \"%2\" instead of \"%3\""_s.arg(i).arg(
                text(s.body().mid(i, 40)), text(expected.mid(i, 40)))));
    }
    QCOMPARE(s.body().count(m), qsizetype(blocks));
    QCOMPARE(findLeak(s.body(), f->secrets), QString());

    // The audit record is completed with the count once the stream has ended.
    QJsonObject record;
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < 20000) {
        const QList<QJsonObject> found =
                withRequestId(auditItems(admin, "kind=forward&agent_id=big-agent"), requestId);
        if (found.size() == 1 && found.first().value(u"redactions"_s).toInt() == blocks) {
            record = found.first();
            break;
        }
        QTest::qWait(100);
    }
    QVERIFY2(!record.isEmpty(), "no audit record with one redaction per MiB");
    QCOMPARE(record.value(u"status"_s).toInt(), 200);
    QCOMPARE(record.value(u"decision"_s).toString(), u"auto"_s);
}

// text/event-stream arrives event by event, not once the upstream is done.
void TestForwardScrub::serverSentEvents()
{
    FIXTURE(f);
    const HttpClient admin = f->tapd.client(f->main.token);
    QVERIFY(addCredential(f->secrets, admin, u"sse-cred"_s, canary(*f)));
    QVERIFY(autoApprove(admin, u"sse-cred"_s));
    const QByteArray key = addAgent(admin, u"sse-agent"_s, { u"sse-cred"_s });
    RETURN_IF_FAILED();
    f->keys[u"sse"_s] = key;

    constexpr int events = 5;
    constexpr int gapMs = 300;
    StreamingReader s;
    QVERIFY(s.open(f->tapd.port(), { key, "sse-cred", up("/sse?n=5&gap_ms=300"), "GET" }));
    QList<qint64> arrival(events, -1);
    while (s.pump(kRequestTimeoutMs)) {
        for (int i = 0; i < events; ++i) {
            if (arrival[i] < 0
                && s.body().contains(QByteArray("data: event " + QByteArray::number(i) + " sent")))
                arrival[i] = s.elapsedMs();
        }
    }
    QVERIFY2(s.done(), s.body().constData());
    QCOMPARE(s.status(), 200);
    QVERIFY(s.header("Content-Type").startsWith("text/event-stream"));
    QVERIFY(!s.header("X-TAP-Request-Id").isEmpty());
    for (int i = 0; i < events; ++i)
        QVERIFY2(arrival[i] >= 0, qPrintable(u"event %1 missing: "_s.arg(i) + text(s.body())));
    // The upstream sends the last event (events - 1) * gapMs after the first: the first must
    // have reached the agent well before that.
    const qint64 spread = arrival.last() - arrival.first();
    QVERIFY2(spread >= (events - 1) * gapMs / 2, qPrintable(u"events arrived at %1 ms"_s.arg([&] {
                 QStringList l;
                 for (qint64 a : arrival)
                     l << QString::number(a);
                 return l.join(u", "_s);
             }())));
    for (int i = 1; i < events; ++i)
        QVERIFY(arrival[i] >= arrival[i - 1]);
}

// Redirects are the agent's to follow (or not); cookies stay with nobody.
void TestForwardScrub::redirectsAndCookies()
{
    FIXTURE(f);
    const HttpClient admin = f->tapd.client(f->main.token);
    QVERIFY(addCredential(f->secrets, admin, u"rc-cred"_s, canary(*f)));
    QVERIFY(autoApprove(admin, u"rc-cred"_s));
    const QByteArray a = addAgent(admin, u"rc-agent-a"_s, { u"rc-cred"_s });
    const QByteArray b = addAgent(admin, u"rc-agent-b"_s, { u"rc-cred"_s });
    RETURN_IF_FAILED();
    f->keys[u"rc-a"_s] = a;
    f->keys[u"rc-b"_s] = b;
    const quint16 port = f->tapd.port();

    int before = m_upstream.count();
    const HttpResponse moved = forward(port, { a, "rc-cred", up("/redirect"), "GET" });
    EXPECT_FWD(moved, 302, QString());
    QCOMPARE(moved.header("Location"), QByteArray("/echo"));
    QTest::qWait(200); // a followed redirect would show up now
    const QJsonArray seen = upstreamSince(before, 1);
    RETURN_IF_FAILED();
    QCOMPARE(seen.first().toObject().value(u"path"_s).toString(), u"/redirect"_s);

    EXPECT_FWD(forward(port, { a, "rc-cred", up("/setcookie"), "GET" }), 200, QString());
    for (const QByteArray &key : { b, a }) {
        before = m_upstream.count();
        const HttpResponse r = forward(port, { key, "rc-cred", up("/cookie"), "GET" });
        EXPECT_FWD(r, 200, QString());
        const QJsonArray cookieSeen = upstreamSince(before, 1);
        RETURN_IF_FAILED();
        QVERIFY2(headerValues(cookieSeen.first().toObject(), "Cookie").isEmpty(),
                 QJsonDocument(cookieSeen.first().toObject()).toJson().constData());
        QVERIFY(r.json().value(u"cookie"_s).isNull());
    }
}

// Upstream failures: nothing listening, too slow, and dying in the middle of a streamed body.
// The agent gets a clear error, or a stream it can tell is cut short; the trail has them all.
void TestForwardScrub::upstreamFailures()
{
    FIXTURE(f);
    QProcessEnvironment env;
    env.insert(u"TAP_FORWARD_TIMEOUT_S"_s, u"2"_s);
    Tapd tapd(true, env);
    if (!tapd.start())
        return;
    const Account owner = signUp(tapd, u"failures"_s, u"failures@example.test"_s);
    RETURN_IF_FAILED();
    const HttpClient admin = tapd.client(owner.token);
    QList<Secret> secrets;
    QVERIFY(addCredential(secrets, admin, u"fail-cred"_s, canary(*f)));
    QVERIFY(autoApprove(admin, u"fail-cred"_s));
    const QByteArray key = addAgent(admin, u"fail-agent"_s, { u"fail-cred"_s });
    RETURN_IF_FAILED();
    const quint16 port = tapd.port();

    quint16 closedPort = 0;
    {
        QTcpServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        closedPort = server.serverPort();
    }
    const HttpResponse refused =
            forward(port,
                    { key, "fail-cred", "http://127.0.0.1:" + QByteArray::number(closedPort) + "/x",
                      "GET" });
    EXPECT_FWD(refused, 502, u"upstream_error"_s);

    QElapsedTimer timer;
    timer.start();
    const HttpResponse slow = forward(port, { key, "fail-cred", up("/slow?ms=8000"), "GET" });
    EXPECT_FWD(slow, 504, u"upstream_timeout"_s);
    QVERIFY2(timer.elapsed() < 7000,
             qPrintable(u"the 2 s timeout took %1 ms"_s.arg(timer.elapsed())));

    StreamingReader cut;
    QVERIFY(cut.open(port, { key, "fail-cred", up("/big?mb=8&abort_kib=2048"), "GET" }));
    while (cut.pump(kRequestTimeoutMs)) { }
    QCOMPARE(findLeak(cut.body(), secrets), QString());
    if (cut.status() != 502) { // the failure may come before the first byte: then an error
        QCOMPARE(cut.status(), 200);
        QVERIFY2(!cut.done(),
                 qPrintable(u"a body cut at %1 of 8 MiB was passed on as complete"_s.arg(
                         cut.body().size())));
        QVERIFY(cut.body().size() < 8 * 1024 * 1024);
    }

    const QList<QJsonObject> trail = auditItems(admin);
    RETURN_IF_FAILED();
    const QList<std::pair<QByteArray, int>> expected{ { refused.header("X-TAP-Request-Id"), 502 },
                                                      { slow.header("X-TAP-Request-Id"), 504 },
                                                      { cut.header("X-TAP-Request-Id"),
                                                        cut.status() } };
    for (const auto &[id, status] : expected) {
        const QList<QJsonObject> found = withRequestId(trail, id);
        QVERIFY2(found.size() == 1, id.constData());
        QCOMPARE(found.first().value(u"status"_s).toInt(), status);
        QVERIFY2(found.first().value(u"reason"_s).isString(),
                 QJsonDocument(found.first()).toJson(QJsonDocument::Compact).constData());
    }
    QCOMPARE(findLeak(tapd.log() + tapd.auditFile(), secrets), QString());
    EXPECT_CLEAN_STOP(tapd);
}

// ---------------------------------------------------------------------------------------------
// SSRF: without TAP_ALLOW_PRIVATE_TARGETS loopback is refused before any connection; cloud
// metadata and "this host" stay refused with it. A listening trap counts connections.

void TestForwardScrub::ssrf()
{
    FIXTURE(f);
    QTcpServer trap;
    QVERIFY(trap.listen(QHostAddress::Any, 0));
    const QByteArray trapPort = QByteArray::number(trap.serverPort());
    const auto noConnection = [&trap] {
        return !trap.waitForNewConnection(300) && !trap.hasPendingConnections();
    };

    // The shared tapd allows private targets: metadata and 0.0.0.0 are still refused.
    {
        const HttpClient admin = f->tapd.client(f->main.token);
        QVERIFY(addCredential(
                f->secrets, admin, u"ssrf-meta"_s, canary(*f),
                { { u"allowed_hosts"_s, strings({ u"169.254.169.254"_s, u"0.0.0.0"_s }) } }));
        QVERIFY(autoApprove(admin, u"ssrf-meta"_s));
        const QByteArray key = addAgent(admin, u"ssrf-agent"_s, { u"ssrf-meta"_s });
        RETURN_IF_FAILED();
        f->keys[u"ssrf"_s] = key;
        for (const QByteArray &target : { "http://169.254.169.254/latest/meta-data/"_ba,
                                          QByteArray("http://0.0.0.0:" + trapPort + "/echo") }) {
            const HttpResponse r = forward(f->tapd.port(), { key, "ssrf-meta", target, "GET" });
            if (!verifyForward(r, 403, u"target_not_allowed"_s, target.constData(), __FILE__,
                               __LINE__))
                return;
        }
        QVERIFY(noConnection());
    }

    // A second tapd with the default (no private targets).
    Tapd strict(false);
    if (!strict.start())
        return;
    const Account owner = signUp(strict, u"ssrf-team"_s, u"ssrf@example.test"_s);
    RETURN_IF_FAILED();
    const HttpClient admin = strict.client(owner.token);
    QList<Secret> secrets;
    QVERIFY(addCredential(secrets, admin, u"loop"_s, canary(*f),
                          { { u"allowed_hosts"_s,
                              strings({ u"127.0.0.1"_s, u"localhost"_s, u"[::1]"_s, u"127.1.2.3"_s,
                                        u"[::ffff:127.0.0.1]"_s, u"[::ffff:7f00:1]"_s }) } }));
    QVERIFY(autoApprove(admin, u"loop"_s));
    const QByteArray key = addAgent(admin, u"loop-agent"_s, { u"loop"_s });
    RETURN_IF_FAILED();
    const int before = m_upstream.count();
    // Other spellings of loopback: IPv4-mapped IPv6, and the decimal, hex and short forms
    // that URL parsers turn into 127.0.0.1.
    for (const QByteArray &host :
         { "127.0.0.1"_ba, "localhost"_ba, "[::1]"_ba, "127.1.2.3"_ba, "[::ffff:127.0.0.1]"_ba,
           "[::ffff:7f00:1]"_ba, "2130706433"_ba, "0x7f000001"_ba, "127.1"_ba }) {
        const QByteArray target = "http://" + host + ':' + trapPort + "/echo";
        const HttpResponse r = forward(strict.port(), { key, "loop", target, "GET" });
        if (!verifyForward(r, 403, u"target_not_allowed"_s, target.constData(), __FILE__, __LINE__))
            return;
        QVERIFY2(noConnection(), target.constData());
    }
    // The fake upstream (also loopback) is just as unreachable.
    EXPECT_FWD(forward(strict.port(), { key, "loop", up("/echo"), "GET" }), 403,
               u"target_not_allowed"_s);
    QCOMPARE(m_upstream.count(), before);
    QCOMPARE(findLeak(strict.log() + strict.auditFile(), secrets), QString());
    EXPECT_CLEAN_STOP(strict);
}

// Last: no value, API key or session token in any trail or log of the shared tapd.
void TestForwardScrub::noSecretInTrails()
{
    FIXTURE(f);
    verifyNoSecretInTrails(*f, 50);
}

QTEST_GUILESS_MAIN(TestForwardScrub)
#include "tst_forward_scrub.moc"
