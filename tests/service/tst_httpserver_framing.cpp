// The owned HTTP/1.1 layer (service/http), driven over raw sockets: malformed requests, chunked
// request bodies and trailers, keep-alive, Connection: close, and HEAD.

#include "support/httpserverfixture.h"

using namespace tap::test;

class tst_HttpServerFraming : public QObject, public HttpServerSuite
{
    Q_OBJECT

private slots:
    void initTestCase() { initSuite(); }
    void cleanupTestCase() { cleanupSuite(); }
    void cleanup() { cleanupTest(); }

    void malformedRequests_data();
    void malformedRequests();
    void chunkedRequestBodies_data();
    void chunkedRequestBodies();
    void chunkedTrailersAreLimited();
    void leadingEmptyLinesIgnored();
    void keepAlive();
    void connectionCloses_data();
    void connectionCloses();
    void headHasNoBody();
};

// 7. Malformed and ambiguous requests (request smuggling) are refused, and the connection
// closes: after a framing error the rest of the byte stream cannot be trusted.
void tst_HttpServerFraming::malformedRequests_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("status");

    const QByteArray postHead = "POST /echo HTTP/1.1\r\nHost: test\r\n";
    addRow("content-length and transfer-encoding",
           postHead + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400);
    addRow("transfer-encoding and content-length",
           postHead + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n", 400);
    addRow("two different content-lengths",
           postHead + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", 400);
    addRow("content-length list", postHead + "Content-Length: 5, 6\r\n\r\nhello!", 400);
    addRow("non-numeric content-length", postHead + "Content-Length: abc\r\n\r\n", 400);
    addRow("negative content-length", postHead + "Content-Length: -1\r\n\r\n", 400);
    addRow("signed content-length", postHead + "Content-Length: +5\r\n\r\nhello", 400);
    addRow("hex content-length", postHead + "Content-Length: 0x5\r\n\r\nhello", 400);
    addRow("overflowing content-length",
           postHead + "Content-Length: 99999999999999999999999999\r\n\r\n", 400);
    addRow("http/1.1 without host", QByteArray("GET /sync HTTP/1.1\r\n\r\n"), 400);
    addRow("two hosts", get("/sync", "Host: other\r\n"), 400);
    addRow("obs-fold", get("/sync", "X-Folded: a\r\n  b\r\n"), 400);
    addRow("obs-fold with tab", get("/sync", "X-Folded: a\r\n\tb\r\n"), 400);
    addRow("bare LF line endings", QByteArray("GET /sync HTTP/1.1\nHost: test\n\n"), 400);
    addRow("bare LF inside CRLF head",
           QByteArray("GET /sync HTTP/1.1\r\nHost: test\nX-A: b\r\n\r\n"), 400);
    addRow("space before colon", get("/sync", "X-Space : v\r\n"), 400);
    addRow("control character in value", get("/sync", "X-Ctl: a\x01z\r\n"), 400);
    addRow("bare CR in value", get("/sync", "X-Cr: a\rb\r\n"), 400);
    addRow("http/2.0", QByteArray("GET /sync HTTP/2.0\r\nHost: test\r\n\r\n"), 505);
    addRow("http/2 preface", QByteArray("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), 505);
    addRow("garbage request line", QByteArray("hello there\r\n\r\n"), 400);
    addRow("binary request line", QByteArray("\x16\x03\x01\x02\x00\r\n\r\n", 10), 400);
    addRow("http/0.9 request line", QByteArray("GET /sync\r\n\r\n"), 400);
    addRow("lowercase version", QByteArray("GET /sync http/1.1\r\nHost: test\r\n\r\n"), 400);
    addRow("double space in request line", QByteArray("GET  /sync HTTP/1.1\r\nHost: test\r\n\r\n"),
           400);
    addRow("transfer-encoding gzip", postHead + "Transfer-Encoding: gzip\r\n\r\n", 501);
    addRow("transfer-encoding gzip, chunked", postHead + "Transfer-Encoding: gzip, chunked\r\n\r\n",
           501);
    addRow("transfer-encoding on http/1.0",
           QByteArray("POST /echo HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"), 400);
    addRow("chunk size not hex",
           postHead + "Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n", 400);
    addRow("chunk size with 0x prefix",
           postHead + "Transfer-Encoding: chunked\r\n\r\n0x5\r\nhello\r\n0\r\n\r\n", 400);
    addRow("chunk size with sign",
           postHead + "Transfer-Encoding: chunked\r\n\r\n+5\r\nhello\r\n0\r\n\r\n", 400);
    addRow("chunk size with leading space",
           postHead + "Transfer-Encoding: chunked\r\n\r\n 5\r\nhello\r\n0\r\n\r\n", 400);
    addRow("chunk data too long",
           postHead + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello!\r\n0\r\n\r\n", 400);
    addRow("chunk size line endless",
           postHead + "Transfer-Encoding: chunked\r\n\r\n5;" + QByteArray(4000, 'e'), 400);
}

void tst_HttpServerFraming::malformedRequests()
{
    QFETCH(QByteArray, request);
    QFETCH(int, status);

    Client client(m_port);
    QVERIFY(client.writeAll(request));
    const auto reply = client.readReply();
    QVERIFY2(reply, qPrintable(client.lastError()));
    VERIFY_ERROR_REPLY(*reply, status);
    QVERIFY2(client.waitForClose(), qPrintable(client.lastError()));
}

// 8. Chunked request bodies decode correctly, also when they arrive in small pieces.
void tst_HttpServerFraming::chunkedRequestBodies_data()
{
    QTest::addColumn<QByteArray>("chunkedBody");
    QTest::addColumn<QByteArray>("decoded");
    QTest::addColumn<int>("pieceSize"); // 0: all at once

    QTest::newRow("one chunk") << QByteArray("5\r\nhello\r\n0\r\n\r\n") << QByteArray("hello") << 0;
    QTest::newRow("several chunks") << QByteArray("5\r\nhello\r\n1\r\n \r\n5\r\nworld\r\n0\r\n\r\n")
                                    << QByteArray("hello world") << 0;
    QTest::newRow("hex sizes, both cases")
            << QByteArray("a\r\n0123456789\r\nA\r\nabcdefghij\r\n0\r\n\r\n")
            << QByteArray("0123456789abcdefghij") << 0;
    QTest::newRow("leading zeros")
            << QByteArray("0005\r\nhello\r\n000\r\n\r\n") << QByteArray("hello") << 0;
    QTest::newRow("chunk extensions") << QByteArray(
            "5;name=value\r\nhello\r\n6;a;b=\"quoted;value\"\r\n world\r\n0;last\r\n\r\n")
                                      << QByteArray("hello world") << 0;
    QTest::newRow("trailers") << QByteArray(
            "5\r\nhello\r\n0\r\nX-Checksum: abc\r\nX-Other: def\r\n\r\n")
                              << QByteArray("hello") << 0;
    QTest::newRow("empty body") << QByteArray("0\r\n\r\n") << QByteArray() << 0;
    QTest::newRow("CRLF in the data")
            << QByteArray("4\r\n\r\n\r\n\r\n0\r\n\r\n") << QByteArray("\r\n\r\n") << 0;
    QTest::newRow("byte by byte, with extensions and trailers")
            << QByteArray("5;x=y\r\nhello\r\n6\r\n world\r\n0\r\nX-T: 1\r\n\r\n")
            << QByteArray("hello world") << 1;
    QTest::newRow("in 3-byte pieces")
            << QByteArray("a\r\n0123456789\r\n0\r\n\r\n") << QByteArray("0123456789") << 3;
}

void tst_HttpServerFraming::chunkedRequestBodies()
{
    QFETCH(QByteArray, chunkedBody);
    QFETCH(QByteArray, decoded);
    QFETCH(int, pieceSize);

    Client client(m_port);
    QVERIFY(client.writeAll(
            "POST /echo HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n"));
    if (pieceSize == 0) {
        QVERIFY(client.writeAll(chunkedBody));
    } else {
        for (qsizetype i = 0; i < chunkedBody.size(); i += pieceSize) {
            QVERIFY(client.writeAll(chunkedBody.mid(i, pieceSize)));
            QThread::msleep(2);
        }
    }
    const auto reply = client.readReply();
    QVERIFY2(reply, qPrintable(client.lastError()));
    QCOMPARE(reply->status, 200);
    QCOMPARE(reply->body, decoded);
    QCOMPARE(reply->header("x-body-length").toLongLong(), qint64(decoded.size()));

    // The connection is in sync for the next request.
    QVERIFY(client.writeAll(get("/sync")));
    const auto next = client.readReply();
    QVERIFY2(next, qPrintable(client.lastError()));
    QCOMPARE(next->body, QByteArray("sync"));
}

// Trailer fields are a header block too: an endless trailer section is refused like an
// endless header block, instead of being read for as long as the client keeps sending.
void tst_HttpServerFraming::chunkedTrailersAreLimited()
{
    Client client(m_port);
    QByteArray request = "POST /echo HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n"
                         "5\r\nhello\r\n0\r\n";
    for (int i = 0; request.size() < 4 * kMaxHeaderBytes; ++i)
        request += "X-Trailer-" + QByteArray::number(i) + ": v\r\n";
    client.write(request, 2000);
    const auto reply = client.readReply(false, 2000);
    QVERIFY2(reply, qPrintable(client.lastError()));
    VERIFY_ERROR_REPLY(*reply, 431);
    QVERIFY2(client.waitForClose(), qPrintable(client.lastError()));
}

// RFC 9112 §2.2: empty lines before the request line are skipped (the header timeout still
// bounds how long they may keep coming), even many of them.
void tst_HttpServerFraming::leadingEmptyLinesIgnored()
{
    Client client(m_port);
    QByteArray request;
    for (int i = 0; i < 128 * 1024; ++i)
        request += "\r\n";
    request += get("/sync");
    QVERIFY(client.writeAll(request));
    const auto reply = client.readReply(false, 2000);
    QVERIFY2(reply, qPrintable(client.lastError()));
    QCOMPARE(reply->status, 200);
    QCOMPARE(reply->body, QByteArray("sync"));
}

// 9. Keep-alive: several requests on one connection.
void tst_HttpServerFraming::keepAlive()
{
    const quint64 acceptedBefore = m_server->metrics().connectionsAccepted.load();
    Client client(m_port);
    for (int i = 0; i < 5; ++i) {
        const QByteArray body = "request " + QByteArray::number(i);
        QVERIFY(client.writeAll(i % 2 ? get("/sync") : post("/echo", body)));
        const auto reply = client.readReply();
        QVERIFY2(reply, qPrintable(client.lastError()));
        QCOMPARE(reply->status, 200);
        QCOMPARE(reply->body, i % 2 ? QByteArray("sync") : body);
        QVERIFY(!reply->saysClose());
    }
    // HTTP/1.0 with an explicit keep-alive stays open too.
    QVERIFY(client.writeAll("GET /sync HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
    const auto reply = client.readReply();
    QVERIFY2(reply, qPrintable(client.lastError()));
    QCOMPARE(reply->body, QByteArray("sync"));
    QVERIFY(!reply->saysClose());
    QVERIFY(client.writeAll(get("/sync")));
    QVERIFY(client.readReply());
    QCOMPARE(m_server->metrics().connectionsAccepted.load(), acceptedBefore + 1);
}

void tst_HttpServerFraming::connectionCloses_data()
{
    QTest::addColumn<QByteArray>("request");

    QTest::newRow("http/1.0 without keep-alive") << QByteArray("GET /sync HTTP/1.0\r\n\r\n");
    QTest::newRow("http/1.0 with host") << QByteArray("GET /sync HTTP/1.0\r\nHost: test\r\n\r\n");
    QTest::newRow("http/1.1 connection: close") << get("/sync", "Connection: close\r\n");
    QTest::newRow("http/1.1 connection: Close, token list")
            << get("/sync", "Connection: foo, Close\r\n");
}

void tst_HttpServerFraming::connectionCloses()
{
    QFETCH(QByteArray, request);

    Client client(m_port);
    // A pipelined request after the closing one must not be answered.
    QVERIFY(client.writeAll(request + get("/sync")));
    const auto reply = client.readReply();
    QVERIFY2(reply, qPrintable(client.lastError()));
    QCOMPARE(reply->status, 200);
    QCOMPARE(reply->body, QByteArray("sync"));
    QVERIFY(reply->saysClose());
    QVERIFY2(client.waitForClose(), qPrintable(client.lastError()));
}

// 10. HEAD: the headers of the GET, including its Content-Length, but no body.
void tst_HttpServerFraming::headHasNoBody()
{
    Client client(m_port);
    QVERIFY(client.writeAll("HEAD /sync HTTP/1.1\r\nHost: test\r\n\r\n" + get("/echo")));
    const auto head = client.readReply(true);
    QVERIFY2(head, qPrintable(client.lastError()));
    QCOMPARE(head->status, 200);
    QCOMPARE(head->header("content-length"), QByteArray("4"));
    QVERIFY(!head->saysClose());
    // Had a body been sent, it would now be parsed as the next status line.
    const auto next = client.readReply();
    QVERIFY2(next, qPrintable(client.lastError()));
    QCOMPARE(next->status, 200);
    QCOMPARE(next->header("x-body-length"), QByteArray("0"));

    // The same for a streamed response: no chunks after the head.
    QVERIFY(client.writeAll("HEAD /stream HTTP/1.1\r\nHost: test\r\n\r\n"));
    const auto streamHead = client.readReply(true);
    QVERIFY2(streamHead, qPrintable(client.lastError()));
    QCOMPARE(streamHead->status, 200);
    QVERIFY(client.writeAll(get("/sync")));
    const auto after = client.readReply();
    QVERIFY2(after, qPrintable(client.lastError()));
    QCOMPARE(after->body, QByteArray("sync"));
}

QTEST_GUILESS_MAIN(tst_HttpServerFraming)
#include "tst_httpserver_framing.moc"
