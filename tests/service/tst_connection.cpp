// http::Connection on this thread, on a real loopback TCP connection, with a handler that
// answers at once: what it costs the event loop between requests. A response with nothing more
// buffered posts nothing (the socket's readyRead() brings the next request); a pipelined request
// already buffered is taken up from the event loop, and answered in order.
#include "http/connection.h"
#include "http/metrics.h"
#include "http/request.h"
#include "support/tcppair.h"

#include <QPointer>
#include <QTest>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace tap::http;

namespace {

// Counts the queued calls (posted QMetaCallEvents) delivered to an object.
class PostedCalls : public QObject
{
public:
    int count = 0;
    bool eventFilter(QObject *, QEvent *event) override
    {
        if (event->type() == QEvent::MetaCall)
            ++count;
        return false;
    }
};

// What the client has received, until `responses` answers have come (or 5 s passed).
QByteArray readResponses(int fd, int responses)
{
    QByteArray all;
    QElapsedTimer clock;
    clock.start();
    while (all.count("\r\n\r\nok") < responses && clock.elapsed() < 5000) {
        char buffer[4096];
        const ssize_t n = ::recv(fd, buffer, sizeof(buffer), MSG_DONTWAIT);
        if (n > 0)
            all.append(buffer, n);
        QCoreApplication::processEvents();
    }
    return all;
}

// Destroyed with the cancel callback that holds it: notes whether the client could read the
// answer by then, and the requests in flight then.
struct ReleaseProbe
{
    int peer = -1;
    const Metrics *metrics = nullptr;
    bool *answerSeen = nullptr;
    qint64 *inFlight = nullptr;
    ~ReleaseProbe()
    {
        char byte;
        *answerSeen = ::recv(peer, &byte, 1, MSG_PEEK | MSG_DONTWAIT) > 0;
        *inFlight = metrics->inFlight.load();
    }
};

} // namespace

class TestConnection : public QObject
{
    Q_OBJECT

    Limits m_limits;
    Metrics m_metrics;
    QObject m_context;
    QByteArrayList m_paths; // of the requests handled, in order
    Handler m_answerAtOnce = [this](const Request &request, Responder responder) {
        m_paths.append(request.rawPath);
        responder.send(Response::text(200, "ok"));
    };
    Handler m_handler;

private slots:
    void init()
    {
        m_paths.clear();
        m_handler = m_answerAtOnce;
    }

    // The request is done with (in-flight count, the handler's callbacks released) before its
    // answer is written: the answer may reach the client inside write(), and a client that
    // has it sees the server as after its request (Server::stop() waits on these counts).
    void requestRetiredBeforeTheAnswerIsWritten()
    {
        tap::test::TcpPair pair;
        QVERIFY(tap::test::connectPair(pair));
        bool answerSeen = true;
        qint64 inFlight = -1;
        m_handler = [&](const Request &, Responder responder) {
            auto probe = std::make_shared<ReleaseProbe>(
                    ReleaseProbe{ pair.peer, &m_metrics, &answerSeen, &inFlight });
            responder.onCancel([probe] {});
            probe.reset(); // the callback holds the only reference
            responder.send(Response::text(200, "ok"));
        };
        const qint64 before = m_metrics.inFlight.load();
        QPointer<Connection> connection =
                new Connection(pair.server, m_limits, m_handler, m_metrics, &m_context, nullptr);
        const QByteArray request = "GET /x HTTP/1.1\r\nHost: x\r\n\r\n";
        QVERIFY(tap::test::sendAll(pair.peer, request));
        QCOMPARE(readResponses(pair.peer, 1).count("HTTP/1.1 200"), 1);
        QVERIFY(!answerSeen);
        QCOMPARE(inFlight, before);
        delete connection.data();
    }

    // A streamed answer's chunks go out at once, its last chunk from the event loop: what the
    // handler does right after end() comes before the client has the whole answer.
    void lastChunkFromTheEventLoop()
    {
        tap::test::TcpPair pair;
        QVERIFY(tap::test::connectPair(pair));
        QByteArray seenAfterEnd;
        m_handler = [&](const Request &, Responder responder) {
            responder.begin(200, {});
            responder.write("part");
            responder.end();
            char buffer[4096];
            const ssize_t n = ::recv(pair.peer, buffer, sizeof(buffer), MSG_PEEK | MSG_DONTWAIT);
            seenAfterEnd = QByteArray(buffer, qMax<ssize_t>(0, n));
        };
        QPointer<Connection> connection =
                new Connection(pair.server, m_limits, m_handler, m_metrics, &m_context, nullptr);
        const QByteArray request = "GET /s HTTP/1.1\r\nHost: x\r\n\r\n";
        QVERIFY(tap::test::sendAll(pair.peer, request));
        QTRY_VERIFY(!seenAfterEnd.isEmpty());
        QVERIFY2(seenAfterEnd.endsWith("4\r\npart\r\n"), seenAfterEnd.constData());
        QByteArray all;
        QElapsedTimer clock;
        clock.start();
        while (!all.endsWith("0\r\n\r\n") && clock.elapsed() < 5000) {
            char buffer[4096];
            const ssize_t n = ::recv(pair.peer, buffer, sizeof(buffer), MSG_DONTWAIT);
            if (n > 0)
                all.append(buffer, n);
            QCoreApplication::processEvents();
        }
        QVERIFY2(all.endsWith("4\r\npart\r\n0\r\n\r\n"), all.constData());
        delete connection.data();
    }

    void noPostedCallWhenNothingIsBuffered()
    {
        tap::test::TcpPair pair;
        QVERIFY(tap::test::connectPair(pair));
        QPointer<Connection> connection =
                new Connection(pair.server, m_limits, m_handler, m_metrics, &m_context, nullptr);
        PostedCalls posted;
        connection->installEventFilter(&posted);
        for (int i = 1; i <= 3; ++i) {
            const QByteArray request =
                    "GET /r" + QByteArray::number(i) + " HTTP/1.1\r\nHost: x\r\n\r\n";
            QVERIFY(tap::test::sendAll(pair.peer, request));
            QCOMPARE(readResponses(pair.peer, 1).count("HTTP/1.1 200"), 1);
        }
        for (int i = 0; i < 5; ++i)
            QCoreApplication::processEvents();
        QCOMPARE(m_paths, QByteArrayList({ "/r1", "/r2", "/r3" }));
        QCOMPARE(posted.count, 0);
        delete connection.data();
    }

    // The connection's timeout moves with every request without restarting its timer.
    void timerNotRestartedPerRequest()
    {
        tap::test::TcpPair pair;
        QVERIFY(tap::test::connectPair(pair));
        QPointer<Connection> connection =
                new Connection(pair.server, m_limits, m_handler, m_metrics, &m_context, nullptr);
        auto *timer = connection->findChild<QTimer *>(QString(), Qt::FindDirectChildrenOnly);
        QVERIFY(timer);
        int last = -1;
        for (int i = 1; i <= 3; ++i) {
            const QByteArray request = "GET /t HTTP/1.1\r\nHost: x\r\n\r\n";
            QVERIFY(tap::test::sendAll(pair.peer, request));
            QCOMPARE(readResponses(pair.peer, 1).count("HTTP/1.1 200"), 1);
            QVERIFY(timer->isActive());
            const int remaining = timer->remainingTime();
            if (last >= 0)
                QVERIFY2(remaining <= last - 15,
                         qPrintable(QStringLiteral("%1 after %2").arg(remaining).arg(last)));
            last = remaining;
            QTest::qWait(20);
        }
        delete connection.data();
    }

    void pipelinedRequestsAreAnsweredInOrder()
    {
        tap::test::TcpPair pair;
        QVERIFY(tap::test::connectPair(pair));
        QPointer<Connection> connection =
                new Connection(pair.server, m_limits, m_handler, m_metrics, &m_context, nullptr);
        PostedCalls posted;
        connection->installEventFilter(&posted);
        const QByteArray requests = "GET /p1 HTTP/1.1\r\nHost: x\r\n\r\n"
                                    "GET /p2 HTTP/1.1\r\nHost: x\r\n\r\n"
                                    "GET /p3 HTTP/1.1\r\nHost: x\r\n\r\n";
        QVERIFY(tap::test::sendAll(pair.peer, requests));
        QCOMPARE(readResponses(pair.peer, 3).count("HTTP/1.1 200"), 3);
        QCOMPARE(m_paths, QByteArrayList({ "/p1", "/p2", "/p3" }));
        QCOMPARE(posted.count, 2); // the second and the third, each from the event loop
        delete connection.data();
    }
};

QTEST_GUILESS_MAIN(TestConnection)
#include "tst_connection.moc"
