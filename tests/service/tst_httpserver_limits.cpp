// The owned HTTP/1.1 layer (service/http), driven over raw sockets: the header and body limits,
// Expect: 100-continue, and the header, body and keep-alive timeouts.

#include "support/httpserverfixture.h"

using namespace tap::test;

class tst_HttpServerLimits : public QObject, public HttpServerSuite
{
    Q_OBJECT

private slots:
    void initTestCase() { initSuite(); }
    void cleanupTestCase() { cleanupSuite(); }
    void cleanup() { cleanupTest(); }

    void headerLimits_data();
    void headerLimits();
    void endlessHeaderBlock();
    void bodyLimits_data();
    void bodyLimits();
    void expectContinue();
    void expectContinueRefused_data();
    void expectContinueRefused();
    void slowHeaders();
    void stalledBody();
    void idleKeepAliveClosed();
};

// 3. Header block limits: 431 and the connection closes.
void tst_HttpServerLimits::headerLimits_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("status");

    const QByteArray big(int(kMaxHeaderBytes), 'a');
    addRow("one huge header", get("/sync", "X-Big: " + big + "\r\n"), 431);
    addRow("huge request target", get("/sync?q=" + big), 431);

    QByteArray many;
    for (int i = 0; i <= kMaxHeaderCount; ++i)
        many += "X-H" + QByteArray::number(i) + ": v\r\n";
    addRow("too many header fields", get("/sync", many), 431);

    // Control rows: just inside the limits is fine.
    QByteArray allowed;
    for (int i = 0; i < kMaxHeaderCount - 1; ++i) // Host is the other one
        allowed += "X-H" + QByteArray::number(i) + ": v\r\n";
    addRow("header count at the limit", get("/sync", allowed), 200);
    const QByteArray skeleton = get("/sync", "X-Fill: \r\n");
    const QByteArray fill(int(kMaxHeaderBytes - skeleton.size()), 'f');
    addRow("header bytes at the limit", get("/sync", "X-Fill: " + fill + "\r\n"), 200);
    addRow("header bytes one over the limit", get("/sync", "X-Fill: " + fill + "f\r\n"), 431);
}

void tst_HttpServerLimits::headerLimits()
{
    QFETCH(QByteArray, request);
    QFETCH(int, status);

    Client client(m_port);
    QVERIFY(client.writeAll(request));
    const auto reply = client.readReply();
    QVERIFY2(reply, qPrintable(client.lastError()));
    if (status == 200) {
        QCOMPARE(reply->status, 200);
        QCOMPARE(reply->body, QByteArray("sync"));
        return;
    }
    VERIFY_ERROR_REPLY(*reply, status);
    QVERIFY2(client.waitForClose(), qPrintable(client.lastError()));
}

// 3. A header block that never ends is refused as soon as it passes the limit, not after
// the server has swallowed everything the client sends.
void tst_HttpServerLimits::endlessHeaderBlock()
{
    Client client(m_port);
    QElapsedTimer clock;
    clock.start();
    QByteArray flood = "GET /sync HTTP/1.1\r\nHost: test\r\nX-Endless: ";
    flood += QByteArray(1024 * 1024, 'x');
    client.write(flood, 2000); // the server may hang up before taking it all
    const auto reply = client.readReply();
    QVERIFY2(reply, qPrintable(client.lastError()));
    VERIFY_ERROR_REPLY(*reply, 431);
    QVERIFY2(clock.elapsed() < 3000, qPrintable(QString::number(clock.elapsed())));
    QVERIFY2(client.waitForClose(), qPrintable(client.lastError()));
}

// 4. Body limits: 413 from Content-Length before the body is sent, 413 for a chunked body
// that grows beyond the limit; a body of exactly the limit is accepted.
void tst_HttpServerLimits::bodyLimits_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("status");
    QTest::addColumn<qint64>("echoedLength");
    const auto row = [](const char *name, const QByteArray &request, int status, qint64 length) {
        QTest::newRow(name) << request << status << length;
    };

    const QByteArray head = "POST /echo HTTP/1.1\r\nHost: test\r\n";
    // Only the head: the server must answer without waiting for the body.
    row("content-length over the limit, head only",
        head + "Content-Length: " + QByteArray::number(kMaxBodyBytes + 1) + "\r\n\r\n", 413, -1);
    row("huge content-length, head only", head + "Content-Length: 999999999999\r\n\r\n", 413, -1);
    // Clients that do not wait for 100 Continue send the body at once: they must still be able
    // to read the 413 (no reset for the unread body destroying it).
    row("content-length over the limit, body sent too",
        post("/echo", QByteArray(int(kMaxBodyBytes) * 4, 'b')), 413, -1);

    const QByteArray half(int(kMaxBodyBytes / 2), 'h');
    const QByteArray halfSize = QByteArray::number(half.size(), 16);
    // The second chunk's size line already crosses the limit: 413 before its data.
    row("chunked over the limit",
        head + "Transfer-Encoding: chunked\r\n\r\n" + halfSize + "\r\n" + half + "\r\n"
                + QByteArray::number(half.size() + 1, 16) + "\r\n",
        413, -1);
    QByteArray smallChunks = head + "Transfer-Encoding: chunked\r\n\r\n";
    const QByteArray piece(1024, 'p');
    for (qint64 sent = 0; sent <= kMaxBodyBytes; sent += piece.size())
        smallChunks += "400\r\n" + piece + "\r\n";
    row("chunked over the limit by many small chunks", smallChunks, 413, -1);

    row("content-length exactly at the limit", post("/echo", QByteArray(int(kMaxBodyBytes), 'e')),
        200, kMaxBodyBytes);
    row("chunked exactly at the limit",
        head + "Transfer-Encoding: chunked\r\n\r\n" + halfSize + "\r\n" + half + "\r\n" + halfSize
                + "\r\n" + half + "\r\n0\r\n\r\n",
        200, kMaxBodyBytes);
}

void tst_HttpServerLimits::bodyLimits()
{
    QFETCH(QByteArray, request);
    QFETCH(int, status);
    QFETCH(qint64, echoedLength);

    const quint64 rejectionsBefore = m_server->metrics().limitRejections.load();
    Client client(m_port);
    QVERIFY(client.writeAll(request));
    const auto reply = client.readReply();
    QVERIFY2(reply, qPrintable(client.lastError()));
    if (status == 200) {
        QCOMPARE(reply->status, 200);
        QCOMPARE(reply->header("x-body-length").toLongLong(), echoedLength);
        QCOMPARE(reply->body.size(), echoedLength);
        return;
    }
    VERIFY_ERROR_REPLY(*reply, status);
    QVERIFY2(client.waitForClose(), qPrintable(client.lastError()));
    QCOMPARE(m_server->metrics().limitRejections.load(), rejectionsBefore + 1);
}

// 5. Expect: 100-continue: the interim response comes before the body is sent.
void tst_HttpServerLimits::expectContinue()
{
    Client client(m_port);
    const QByteArray body = "body after continue";
    QVERIFY(client.writeAll("POST /echo HTTP/1.1\r\nHost: test\r\nExpect: 100-continue\r\n"
                            "Content-Length: "
                            + QByteArray::number(body.size()) + "\r\n\r\n"));
    const auto interim = client.readReply();
    QVERIFY2(interim, qPrintable(client.lastError()));
    QCOMPARE(interim->status, 100);
    QCOMPARE(interim->version, QByteArray("HTTP/1.1"));
    QVERIFY(!client.waitReadable(100)); // nothing more until the body is sent

    QVERIFY(client.writeAll(body));
    const auto reply = client.readReply();
    QVERIFY2(reply, qPrintable(client.lastError()));
    QCOMPARE(reply->status, 200);
    QCOMPARE(reply->body, body);
}

void tst_HttpServerLimits::expectContinueRefused_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("status");

    addRow("too large",
           QByteArray("POST /echo HTTP/1.1\r\nHost: test\r\nExpect: 100-continue\r\n"
                      "Content-Length: ")
                   + QByteArray::number(kMaxBodyBytes + 1) + "\r\n\r\n",
           413);
    addRow("unknown expectation",
           QByteArray("POST /echo HTTP/1.1\r\nHost: test\r\nExpect: 200-ok\r\n"
                      "Content-Length: 4\r\n\r\n"),
           417);
}

void tst_HttpServerLimits::expectContinueRefused()
{
    QFETCH(QByteArray, request);
    QFETCH(int, status);

    Client client(m_port);
    QVERIFY(client.writeAll(request));
    const auto reply = client.readReply(); // the final response first: no 100 Continue
    QVERIFY2(reply, qPrintable(client.lastError()));
    VERIFY_ERROR_REPLY(*reply, status);
    QVERIFY2(client.waitForClose(), qPrintable(client.lastError()));
}

// 6. Slowloris: a head that trickles in line by line is cut off at headerTimeoutMs in total.
void tst_HttpServerLimits::slowHeaders()
{
    Client client(m_port);
    QVERIFY(client.writeAll("GET /sync HTTP/1.1\r\n"));
    client.restartClock();
    for (int i = 0; i < 40 && !client.waitReadable(100); ++i)
        client.write("X-Slow-" + QByteArray::number(i) + ": still coming\r\n");
    const auto reply = client.readReply();
    QVERIFY2(reply, qPrintable(client.lastError()));
    VERIFY_ERROR_REPLY(*reply, 408);
    // Qt's coarse timers may fire up to 5 % early.
    QVERIFY2(reply->endAtMs >= kHeaderTimeoutMs * 9 / 10,
             qPrintable(QString::number(reply->endAtMs)));
    QVERIFY2(reply->endAtMs < kHeaderTimeoutMs + 2000, qPrintable(QString::number(reply->endAtMs)));
    QVERIFY2(client.waitForClose(), qPrintable(client.lastError()));
}

void tst_HttpServerLimits::stalledBody()
{
    Client client(m_port);
    QVERIFY(client.writeAll("POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 10\r\n\r\nabc"));
    client.restartClock();
    const auto reply = client.readReply();
    QVERIFY2(reply, qPrintable(client.lastError()));
    VERIFY_ERROR_REPLY(*reply, 408);
    QVERIFY2(reply->endAtMs >= kBodyIdleTimeoutMs * 9 / 10,
             qPrintable(QString::number(reply->endAtMs)));
    QVERIFY2(client.waitForClose(), qPrintable(client.lastError()));
}

void tst_HttpServerLimits::idleKeepAliveClosed()
{
    Client client(m_port);
    QVERIFY(client.writeAll(get("/sync")));
    const auto reply = client.readReply();
    QVERIFY2(reply, qPrintable(client.lastError()));
    QCOMPARE(reply->status, 200);
    client.restartClock();
    QVERIFY2(client.waitForClose(kKeepAliveTimeoutMs + 3000), qPrintable(client.lastError()));
    const qint64 idleMs = client.elapsedMs();
    // Not at once (the client's clock starts late, after reading the response: a loose bound).
    QVERIFY2(idleMs >= kKeepAliveTimeoutMs / 2, qPrintable(QString::number(idleMs)));
}

QTEST_GUILESS_MAIN(tst_HttpServerLimits)
#include "tst_httpserver_limits.moc"
