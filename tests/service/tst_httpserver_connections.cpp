// The owned HTTP/1.1 layer (service/http), driven over raw sockets: clients that go away,
// pipelining, streaming responses, shutdown, many connections, header injection, and the
// lifetime of cancel callbacks.

#include "support/httpserverfixture.h"

using namespace tap::test;

class tst_HttpServerConnections : public QObject, public HttpServerSuite
{
    Q_OBJECT

private slots:
    void initTestCase() { initSuite(); }
    void cleanupTestCase() { cleanupSuite(); }
    void cleanup() { cleanupTest(); }

    void clientDisconnectsMidRequest();
    void pipelinedResponsesInOrder();
    void streamingChunked();
    void streamingHttp10CloseDelimited();
    void gracefulStop();
    void manyConcurrentConnections();
    void headerInjectionDropped();
    void cancelCallbackReleasedWithTheRequest();
    void cancelCallbackCannotRespond();
};

// 1. Async responses for clients that are gone are dropped (Qt 6.4's server crashes here).
void tst_HttpServerConnections::clientDisconnectsMidRequest()
{
    Metrics &metrics = m_server->metrics();
    const quint64 abortsBefore = metrics.clientAborts.load();
    const int cancelledBefore = m_cancelled.load();
    constexpr int kClients = 50;
    for (int i = 0; i < kClients; ++i) {
        Client client(m_port);
        QVERIFY(client.isConnected());
        QVERIFY(client.writeAll(get("/slow?ms=300")));
        client.closeNow();
    }
    // Also a few that reset instead of closing cleanly (not counted: the reset may arrive
    // before the request is read).
    for (int i = 0; i < 10; ++i) {
        Client client(m_port);
        QVERIFY(client.writeAll(get("/slow?ms=300")));
        client.resetNow();
    }
    // And some that leave in the middle of a streamed response.
    constexpr int kStreamClients = 10;
    for (int i = 0; i < kStreamClients; ++i) {
        Client client(m_port);
        QVERIFY(client.writeAll(get("/stream")));
        QVERIFY(client.waitReadable(kWaitMs)); // the head and the first chunk
        client.closeNow();
    }
    QTRY_VERIFY_WITH_TIMEOUT(
            metrics.clientAborts.load() >= abortsBefore + kClients + kStreamClients, kWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(m_cancelled.load() >= cancelledBefore + kClients, kWaitMs);
    // The responses are sent (cross-thread) after the clients left.
    QTRY_COMPARE_WITH_TIMEOUT(m_pendingTimers.load(), 0, kWaitMs);

    Client client(m_port);
    QVERIFY(client.writeAll(get("/sync")));
    const auto reply = client.readReply();
    QVERIFY2(reply, qPrintable(client.lastError()));
    QCOMPARE(reply->status, 200);
    QCOMPARE(reply->body, QByteArray("sync"));
}

// 2. Pipelined requests are answered in request order, even when the first one is slow.
void tst_HttpServerConnections::pipelinedResponsesInOrder()
{
    Client client(m_port);
    const QByteArray pipeline =
            get("/slow?ms=300") + get("/sync") + post("/echo", QByteArrayLiteral("pipelined body"));
    QVERIFY(client.writeAll(pipeline));

    const auto first = client.readReply();
    QVERIFY2(first, qPrintable(client.lastError()));
    QCOMPARE(first->status, 200);
    QCOMPARE(first->body, QByteArray("slow"));
    QVERIFY(!first->saysClose());

    const auto second = client.readReply();
    QVERIFY2(second, qPrintable(client.lastError()));
    QCOMPARE(second->status, 200);
    QCOMPARE(second->body, QByteArray("sync"));

    const auto third = client.readReply();
    QVERIFY2(third, qPrintable(client.lastError()));
    QCOMPARE(third->status, 200);
    QCOMPARE(third->body, QByteArray("pipelined body"));
    QCOMPARE(third->header("x-body-length"), QByteArray("14"));

    // Nothing else was sent, and the connection is still usable.
    QVERIFY(!client.waitReadable(50));
    QVERIFY(client.writeAll(get("/sync")));
    const auto fourth = client.readReply();
    QVERIFY2(fourth, qPrintable(client.lastError()));
    QCOMPARE(fourth->body, QByteArray("sync"));
}

// 11. Streaming: chunks reach the client as they are written, with valid chunked framing.
void tst_HttpServerConnections::streamingChunked()
{
    Client client(m_port);
    QVERIFY(client.writeAll(get("/stream")));
    const auto reply = client.readReply();
    QVERIFY2(reply, qPrintable(client.lastError()));
    QCOMPARE(reply->status, 200);
    QVERIFY(reply->chunked);
    QCOMPARE(reply->headerCount("content-length"), 0);
    QCOMPARE(reply->chunks, (QList<QByteArray>{ "one", "two", "three" }));
    QCOMPARE(reply->body, QByteArray("onetwothree"));
    // The chunks are 100 ms apart: the first arrived well before the end.
    const qint64 spread = reply->endAtMs - reply->chunkAtMs.first();
    QVERIFY2(spread >= 100,
             qPrintable(QStringLiteral("first chunk only %1 ms before the end").arg(spread)));
    QVERIFY(!reply->saysClose());

    // The connection is reusable after the terminating chunk.
    QVERIFY(client.writeAll(get("/sync")));
    const auto next = client.readReply();
    QVERIFY2(next, qPrintable(client.lastError()));
    QCOMPARE(next->body, QByteArray("sync"));
}

void tst_HttpServerConnections::streamingHttp10CloseDelimited()
{
    Client client(m_port);
    QVERIFY(client.writeAll("GET /stream HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
    const auto reply = client.readReply();
    QVERIFY2(reply, qPrintable(client.lastError()));
    QCOMPARE(reply->status, 200);
    QVERIFY(!reply->chunked);
    QCOMPARE(reply->headerCount("transfer-encoding"), 0);
    QCOMPARE(reply->headerCount("content-length"), 0);
    QVERIFY(reply->saysClose());
    QCOMPARE(reply->body, QByteArray("onetwothree"));
}

// 12. stop() lets the in-flight request finish, then refuses new connections.
void tst_HttpServerConnections::gracefulStop()
{
    std::unique_ptr<Server> server = makeServer();
    const auto started = server->start();
    QVERIFY(started.ok());
    const quint16 port = started.value();

    Client idle(port);
    QVERIFY(idle.writeAll(get("/sync")));
    QVERIFY(idle.readReply());

    Client client(port);
    QVERIFY(client.writeAll(get("/slow?ms=300")));
    QTRY_COMPARE_WITH_TIMEOUT(server->metrics().inFlight.load(), qint64(1), kWaitMs);

    QElapsedTimer clock;
    clock.start();
    server->stop(2000);
    const qint64 stopMs = clock.elapsed();

    const auto reply = client.readReply();
    QVERIFY2(reply, qPrintable(client.lastError()));
    QCOMPARE(reply->status, 200);
    QCOMPARE(reply->body, QByteArray("slow"));
    QVERIFY(reply->saysClose());
    QVERIFY2(client.waitForClose(), qPrintable(client.lastError()));
    QVERIFY2(idle.waitForClose(), qPrintable(idle.lastError()));
    // Done when the work is done, not at the end of the grace period.
    QVERIFY2(stopMs < 1800, qPrintable(QString::number(stopMs)));
    QCOMPARE(server->metrics().clientAborts.load(), quint64(0));
    QCOMPARE(server->metrics().openConnections.load(), qint64(0));

    Client refused(port);
    QVERIFY(!refused.isConnected());
    QCOMPARE(refused.connectError(), ECONNREFUSED);

    server->stop(2000); // idempotent
}

// 13. Many concurrent keep-alive connections are all answered.
void tst_HttpServerConnections::manyConcurrentConnections()
{
    constexpr int kClients = 200;
    std::vector<std::unique_ptr<Client>> clients;
    for (int i = 0; i < kClients; ++i) {
        clients.push_back(std::make_unique<Client>(m_port));
        QVERIFY2(clients.back()->isConnected(), qPrintable(QString::number(i)));
    }
    for (int round = 0; round < 2; ++round) {
        for (int i = 0; i < kClients; ++i)
            QVERIFY(clients[size_t(i)]->writeAll(post("/echo", "client " + QByteArray::number(i))));
        for (int i = 0; i < kClients; ++i) {
            Client &client = *clients[size_t(i)];
            const auto reply = client.readReply();
            QVERIFY2(reply,
                     qPrintable(QStringLiteral("client %1: %2").arg(i).arg(client.lastError())));
            QCOMPARE(reply->status, 200);
            QCOMPARE(reply->body, QByteArray("client " + QByteArray::number(i)));
            QVERIFY(!reply->saysClose());
        }
    }
    QCOMPARE(m_server->metrics().openConnections.load(), qint64(kClients));
}

// 14. A handler cannot split the response with CR/LF in a header, nor override the framing.
void tst_HttpServerConnections::headerInjectionDropped()
{
    Client client(m_port);
    QVERIFY(client.writeAll(get("/split")));
    const auto reply = client.readReply();
    QVERIFY2(reply, qPrintable(client.lastError()));
    QCOMPARE(reply->status, 200);
    QCOMPARE(reply->body, QByteArray("ok"));
    QCOMPARE(reply->header("x-good"), QByteArray("kept"));
    QCOMPARE(reply->headerCount("content-length"), 1);
    QCOMPARE(reply->header("content-length"), QByteArray("2"));
    for (const auto &[name, value] : reply->headers) {
        QVERIFY2(!name.startsWith("X-Evil") && !name.startsWith("X-Nul")
                         && name.compare("set-cookie", Qt::CaseInsensitive) != 0
                         && !value.contains("injected"),
                 name.constData());
    }
    // Nothing was smuggled after the response either.
    QVERIFY(!client.waitReadable(50));
    QVERIFY(client.writeAll(get("/sync")));
    const auto next = client.readReply();
    QVERIFY2(next, qPrintable(client.lastError()));
    QCOMPARE(next->body, QByteArray("sync"));
}

// An onCancel callback that is never called (the response completed) is released with the
// request: it may hold the responder, which would otherwise keep itself alive forever.
void tst_HttpServerConnections::cancelCallbackReleasedWithTheRequest()
{
    const int cancelledBefore = m_cancelled.load();
    Client client(m_port);
    QVERIFY(client.writeAll(get("/cancel-held")));
    const auto reply = client.readReply();
    QVERIFY2(reply, qPrintable(client.lastError()));
    QCOMPARE(reply->status, 200);
    QCOMPARE(reply->body, QByteArray("held"));
    // Released while the keep-alive connection is still open.
    QTRY_VERIFY_WITH_TIMEOUT(cancelTokenReleased(), kWaitMs);
    QCOMPARE(m_cancelled.load(), cancelledBefore);
}

// Once the client is gone, a response (here: sent from the cancel callback itself) is dropped,
// and the request counts as aborted, not as answered.
void tst_HttpServerConnections::cancelCallbackCannotRespond()
{
    Metrics &metrics = m_server->metrics();
    const int cancelledBefore = m_cancelled.load();
    const quint64 abortsBefore = metrics.clientAborts.load();
    const quint64 answeredBefore = metrics.responsesByClass[2].load();
    {
        Client client(m_port);
        QVERIFY(client.writeAll(get("/cancel-responds")));
        QTRY_COMPARE_WITH_TIMEOUT(metrics.inFlight.load(), qint64(1), kWaitMs);
        client.closeNow();
    }
    QTRY_COMPARE_WITH_TIMEOUT(m_cancelled.load(), cancelledBefore + 1, kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(metrics.clientAborts.load(), abortsBefore + 1, kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(metrics.inFlight.load(), qint64(0), kWaitMs);
    QCOMPARE(metrics.responsesByClass[2].load(), answeredBefore);
    QTRY_VERIFY_WITH_TIMEOUT(cancelTokenReleased(), kWaitMs);
}

QTEST_GUILESS_MAIN(tst_HttpServerConnections)
#include "tst_httpserver_connections.moc"
