// The HTTP/1.1 request parser (service/http/requestparser) without sockets: byte sequences in,
// events out. Every row is fed whole, byte by byte and in random splits, and must give the same
// events (consecutive body chunks merged) and the statuses the server answers with.

#include "api/errors.h"
#include "http/requestparser.h"

#include <QRandomGenerator>
#include <QTest>

using tap::http::RequestParser;

namespace {

constexpr qint64 kMaxHead = 512;
constexpr int kMaxCount = 8;
constexpr qint64 kMaxBody = 64;

QByteArray describeHead(const tap::http::RequestHead &h)
{
    QByteArray s = "head " + h.method + ' ' + h.rawPath + " 1." + QByteArray::number(h.httpMinor);
    if (!h.rawQuery.isEmpty())
        s += " ?" + h.rawQuery;
    s += h.chunked ? QByteArray(" chunked") : " cl=" + QByteArray::number(h.contentLength);
    if (!h.keepAlive)
        s += " close";
    if (h.expectContinue)
        s += " continue";
    return s + " fields=" + QByteArray::number(h.headers.size());
}

// Feeds the pieces one after another and drains the events after each; body chunks are merged
// (their sizes depend on the splits) but never cross a Done.
QList<QByteArray> run(const QByteArray &input, const QList<qsizetype> &cuts)
{
    RequestParser parser(kMaxHead, kMaxCount, kMaxBody);
    QList<QByteArray> events;
    QByteArray body;
    qsizetype from = 0;
    for (qsizetype i = 0; i <= cuts.size(); ++i) {
        const qsizetype to = i < cuts.size() ? cuts[i] : input.size();
        parser.feed(QByteArrayView(input).sliced(from, to - from));
        from = to;
        for (;;) {
            const RequestParser::Event e = parser.next();
            if (e == RequestParser::Event::NeedMore)
                break;
            if (e == RequestParser::Event::BodyChunk) {
                body += parser.bodyChunk();
                continue;
            }
            if (!body.isEmpty())
                events << "body " + std::exchange(body, {});
            if (e == RequestParser::Event::Head) {
                events << describeHead(parser.head());
            } else if (e == RequestParser::Event::Done) {
                events << "done";
            } else {
                events << "error "
                                + QByteArray::number(tap::api::httpStatus(parser.failure().code));
                return events;
            }
        }
    }
    if (!body.isEmpty())
        events << "body " + body;
    return events;
}

QList<qsizetype> randomCuts(qsizetype size, QRandomGenerator &rng)
{
    QList<qsizetype> cuts;
    for (qsizetype at = 0; size > 0;) {
        at += 1 + rng.bounded(qMax<int>(1, int(size / 3)));
        if (at >= size)
            break;
        cuts << at;
    }
    return cuts;
}

} // namespace

class tst_RequestParser : public QObject
{
    Q_OBJECT

private slots:
    void events_data();
    void events();
    void errorKeepsTheHeadRead();
    void oversizeHeadRefusedBeforeItEnds();
};

void tst_RequestParser::events_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QList<QByteArray>>("expected");
    const QByteArray host = "Host: t\r\n";
    const auto row = [](const char *name, const QByteArray &in, const QList<QByteArray> &out) {
        QTest::newRow(name) << in << out;
    };
    const QByteArray getSync = "head GET /sync 1.1 cl=0 fields=1";
    const QByteArray postEcho = "head POST /echo 1.1 chunked fields=2";

    // Valid requests, pipelined requests, bodies.
    row("get", "GET /sync HTTP/1.1\r\n" + host + "\r\n", { getSync, "done" });
    row("leading empty lines", "\r\n\r\nGET /sync HTTP/1.1\r\n" + host + "\r\n",
        { getSync, "done" });
    row("query and http/1.0", "GET /a/b%20c?x=1 HTTP/1.0\r\n\r\n",
        { "head GET /a/b%20c 1.0 ?x=1 cl=0 close fields=0", "done" });
    row("absolute form", "GET http://h/p?q HTTP/1.1\r\n" + host + "\r\n",
        { "head GET /p 1.1 ?q cl=0 fields=1", "done" });
    row("pipelined",
        "GET /sync HTTP/1.1\r\n" + host + "\r\nPOST /e HTTP/1.1\r\n" + host
                + "Content-Length: 5\r\nConnection: close\r\n\r\nhelloGET /sync HTTP/1.1\r\n" + host
                + "\r\n",
        { getSync, "done", "head POST /e 1.1 cl=5 close fields=3", "body hello", "done", getSync,
          "done" });
    row("content-length body", "POST /echo HTTP/1.1\r\n" + host + "Content-Length: 3\r\n\r\nabc",
        { "head POST /echo 1.1 cl=3 fields=2", "body abc", "done" });
    row("body incomplete", "POST /echo HTTP/1.1\r\n" + host + "Content-Length: 9\r\n\r\nabc",
        { "head POST /echo 1.1 cl=9 fields=2", "body abc" });
    row("expect 100-continue",
        "POST /echo HTTP/1.1\r\n" + host + "Expect: 100-Continue\r\nContent-Length: 1\r\n\r\nx",
        { "head POST /echo 1.1 cl=1 continue fields=3", "body x", "done" });
    const QByteArray chunkedHead =
            "POST /echo HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\n\r\n";
    row("chunked", chunkedHead + "3\r\nabc\r\nA;ext=1\r\n0123456789\r\n0\r\n\r\n",
        { postEcho, "body abc0123456789", "done" });
    row("chunked extensions and BWS", chunkedHead + "3 ;a=b;c\r\nabc\r\n0;x\r\n\r\n",
        { postEcho, "body abc", "done" });
    row("chunked trailers",
        chunkedHead + "2\r\nok\r\n0\r\nX-T: 1\r\nY: 2\r\n\r\nGET /sync HTTP/1.1\r\n" + host
                + "\r\n",
        { postEcho, "body ok", "done", getSync, "done" });

    // Malformed requests: the statuses the server gives (tst_httpserver_framing).
    const QByteArray e400 = "error 400";
    row("bad request line", "GET /sync\r\n" + host + "\r\n", { e400 });
    row("extra space in request line", "GET  /sync HTTP/1.1\r\n" + host + "\r\n", { e400 });
    row("bad method", "G(T /sync HTTP/1.1\r\n" + host + "\r\n", { e400 });
    row("not http", "GET /sync FTP/1.1\r\n" + host + "\r\n", { e400 });
    row("http/2.0", "GET /sync HTTP/2.0\r\n" + host + "\r\n", { "error 505" });
    row("http/1.2", "GET /sync HTTP/1.2\r\n" + host + "\r\n", { "error 505" });
    row("no host", "GET /sync HTTP/1.1\r\n\r\n", { e400 });
    row("two hosts", "GET /sync HTTP/1.1\r\n" + host + host + "\r\n", { e400 });
    row("obs-fold", "GET /sync HTTP/1.1\r\n" + host + "X: a\r\n b\r\n\r\n", { e400 });
    row("obs-fold tab", "GET /sync HTTP/1.1\r\n" + host + "X: a\r\n\tb\r\n\r\n", { e400 });
    row("space before colon", "GET /sync HTTP/1.1\r\n" + host + "X : a\r\n\r\n", { e400 });
    row("bad name char", "GET /sync HTTP/1.1\r\n" + host + "X(y: a\r\n\r\n", { e400 });
    row("no colon", "GET /sync HTTP/1.1\r\n" + host + "Xy\r\n\r\n", { e400 });
    row("control char in value", "GET /sync HTTP/1.1\r\n" + host + "X: a\x01z\r\n\r\n", { e400 });
    row("CR without LF", "GET /sync HTTP/1.1\r\n" + host + "X: a\rb\r\n\r\n", { e400 });
    row("bare LF", "GET /sync HTTP/1.1\nHost: t\n\n", { e400 });
    row("bare LF in head", "GET /sync HTTP/1.1\r\nHost: t\nX: b\r\n\r\n", { e400 });
    row("bad target", "GET ht!tp:// HTTP/1.1\r\n" + host + "\r\n", { e400 });
    const QByteArray post = "POST /echo HTTP/1.1\r\n" + host;
    row("two content-lengths", post + "Content-Length: 1\r\nContent-Length: 2\r\n\r\nab", { e400 });
    row("same content-length twice", post + "Content-Length: 2\r\nContent-Length: 2\r\n\r\nab",
        { "head POST /echo 1.1 cl=2 fields=3", "body ab", "done" });
    row("content-length list", post + "Content-Length: 1, 1\r\n\r\na", { e400 });
    row("signed content-length", post + "Content-Length: +1\r\n\r\na", { e400 });
    row("empty content-length", post + "Content-Length:\r\n\r\n", { e400 });
    row("huge content-length", post + "Content-Length: 9999999999999999999999\r\n\r\n", { e400 });
    row("content-length and chunked",
        post + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", { e400 });
    row("chunked http/1.0", "POST /echo HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", { e400 });
    row("gzip coding", post + "Transfer-Encoding: gzip\r\n\r\n", { "error 501" });
    row("two codings", post + "Transfer-Encoding: gzip, chunked\r\n\r\n", { "error 501" });
    row("expect other", post + "Expect: magic\r\n\r\n", { "error 417" });
    row("bad chunk size", chunkedHead + "zz\r\n", { postEcho, e400 });
    row("signed chunk size", chunkedHead + "+3\r\nabc\r\n", { postEcho, e400 });
    row("0x chunk size", chunkedHead + "0x3\r\nabc\r\n", { postEcho, e400 });
    row("empty chunk size", chunkedHead + "\r\n", { postEcho, e400 });
    row("chunk without CRLF", chunkedHead + "3\r\nabcXY0\r\n\r\n", { postEcho, "body abc", e400 });
    // Refused however it arrives (it was accepted when the whole line came in one read).
    row("long chunk extension", chunkedHead + "1;" + QByteArray(1022, 'x') + "\r\na\r\n0\r\n\r\n",
        { postEcho, e400 });
    row("chunk extension at the limit",
        chunkedHead + "1;" + QByteArray(1021, 'x') + "\r\na\r\n0\r\n\r\n",
        { postEcho, "body a", "done" });
    row("long chunk line", chunkedHead + "1;" + QByteArray(1100, 'x'), { postEcho, e400 });

    // Limits: 413 and 431.
    row("content-length over limit", post + "Content-Length: 65\r\n\r\n", { "error 413" });
    row("content-length at limit", post + "Content-Length: 64\r\n\r\n" + QByteArray(64, 'b'),
        { "head POST /echo 1.1 cl=64 fields=2", "body " + QByteArray(64, 'b'), "done" });
    row("chunks over limit", chunkedHead + "30\r\n" + QByteArray(48, 'c') + "\r\n11\r\n",
        { postEcho, "body " + QByteArray(48, 'c'), "error 413" });
    row("head too large",
        "GET /sync HTTP/1.1\r\n" + host + "X: " + QByteArray(600, 'v') + "\r\n\r\n",
        { "error 431" });
    // 431 whether or not the bytes over the limit came in the same read as the head.
    row("bare LF beyond the head limit",
        "GET /sync HTTP/1.1\r\n" + host + "X: " + QByteArray(600, 'v') + "\nY: z\r\n\r\n",
        { "error 431" });
    QByteArray many = "GET /sync HTTP/1.1\r\n" + host;
    for (int i = 0; i < kMaxCount; ++i)
        many += "X-" + QByteArray::number(i) + ": v\r\n";
    row("too many fields", many + "\r\n", { "error 431" });
    row("trailers too large", chunkedHead + "0\r\n" + QByteArray(600, 't'),
        { postEcho, "error 431" });
    QByteArray trailers;
    for (int i = 0; i < 60; ++i)
        trailers += "X-T: 123456\r\n";
    row("trailer lines too large", chunkedHead + "0\r\n" + trailers + "\r\n",
        { postEcho, "error 431" });
}

void tst_RequestParser::events()
{
    QFETCH(QByteArray, input);
    QFETCH(QList<QByteArray>, expected);
    QCOMPARE(run(input, {}), expected);
    QList<qsizetype> bytewise;
    for (qsizetype i = 1; i < input.size(); ++i)
        bytewise << i;
    QCOMPARE(run(input, bytewise), expected);
    QRandomGenerator rng(qHash(input));
    for (int i = 0; i < 50; ++i) {
        const QList<qsizetype> cuts = randomCuts(input.size(), rng);
        QCOMPARE(run(input, cuts), expected);
    }
}

// A refusal after the head section was read keeps what was parsed of it (the server's error
// answer uses the method: no body for HEAD; and the target: Limits::decorateError).
void tst_RequestParser::errorKeepsTheHeadRead()
{
    RequestParser parser(kMaxHead, kMaxCount, kMaxBody);
    parser.feed("HEAD /forward?x HTTP/1.1\r\nHost: t\r\nContent-Length: x\r\n\r\nGET");
    QCOMPARE(parser.next(), RequestParser::Event::Error);
    QVERIFY(parser.headTaken());
    QCOMPARE(parser.head().method, "HEAD");
    QCOMPARE(parser.head().target, "/forward?x");
    QCOMPARE(parser.head().rawPath, "/forward");
    QCOMPARE(parser.next(), RequestParser::Event::Error); // stays refused
    QCOMPARE(parser.buffered(), "GET");

    RequestParser early(kMaxHead, kMaxCount, kMaxBody);
    early.feed("GET /x HTTP/1.1\nHost: t\r\n");
    QCOMPARE(early.next(), RequestParser::Event::Error);
    QVERIFY(!early.headTaken());
    QCOMPARE(early.buffered(), "GET /x HTTP/1.1\nHost: t\r\n"); // for decorateError
}

// 431 as soon as the head is over the limit, without waiting for its end.
void tst_RequestParser::oversizeHeadRefusedBeforeItEnds()
{
    RequestParser parser(kMaxHead, kMaxCount, kMaxBody);
    parser.feed(QByteArray("GET /x HTTP/1.1\r\nX: " + QByteArray(kMaxHead, 'a')));
    QCOMPARE(parser.next(), RequestParser::Event::Error);
    QCOMPARE(tap::api::httpStatus(parser.failure().code), 431);
    QVERIFY(parser.failure().limit);

    RequestParser exact(kMaxHead, kMaxCount, kMaxBody);
    const QByteArray head = "GET /x HTTP/1.1\r\nHost: t\r\nX: ";
    exact.feed(QByteArray(head + QByteArray(kMaxHead - head.size() - 4, 'a') + "\r\n\r\n"));
    QCOMPARE(exact.next(), RequestParser::Event::Head);
}

QTEST_GUILESS_MAIN(tst_RequestParser)
#include "tst_requestparser.moc"
