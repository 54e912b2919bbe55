// upstream::CurlClient on this thread's event loop, against local sockets:
//  - a transfer's handlers never run inside start() (nor inside a handler that starts another
//    transfer), even when it fails at once: the caller always has its TransferPtr first;
//  - libcurl's "run me now" (a new transfer) is done before the thread next waits, not one
//    event-loop iteration (and poll) later;
//  - the status line and header fields as the handlers get them.
#include "upstream/curlclient.h"

#include <QAbstractEventDispatcher>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QHostInfo>
#include <QPointer>
#include <QSocketNotifier>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <functional>

using namespace tap;
using upstream::CurlClient;

namespace {

// A loopback port nobody listens on (bound, then closed): connecting is refused at once.
quint16 closedPort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost))
        return 0;
    return probe.serverPort();
}

struct Outcome
{
    bool returned = false; // start() has returned to its caller
    bool handlerInsideStart = false;
    int done = 0;
    bool ok = false;
    int status = 0;
    upstream::HeaderList headers;
    qint64 contentLength = -2;
};

upstream::Handlers recordInto(const std::shared_ptr<Outcome> &o)
{
    upstream::Handlers h;
    h.onHead = [o](int status, const upstream::HeaderList &headers, qint64 contentLength) {
        o->handlerInsideStart = o->handlerInsideStart || !o->returned;
        o->status = status;
        o->headers = headers;
        o->contentLength = contentLength;
    };
    h.onData = [o](const QByteArray &) {
        o->handlerInsideStart = o->handlerInsideStart || !o->returned;
        return true;
    };
    h.onDone = [o](core::Result<void> outcome) {
        o->handlerInsideStart = o->handlerInsideStart || !o->returned;
        o->ok = outcome.ok();
        ++o->done;
    };
    return h;
}

// Answers every request on a connection with 200 "ok", keeping the connection.
void answerKeepingAlive(QTcpServer &origin)
{
    QObject::connect(&origin, &QTcpServer::newConnection, &origin, [&origin] {
        QTcpSocket *s = origin.nextPendingConnection();
        QObject::connect(s, &QTcpSocket::readyRead, s, [s, seen = QByteArray()]() mutable {
            seen += s->readAll();
            while (seen.contains("\r\n\r\n")) {
                seen.remove(0, seen.indexOf("\r\n\r\n") + 4);
                s->write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            }
        });
    });
}

upstream::Request requestTo(const QByteArray &url)
{
    upstream::Request r;
    r.url = QUrl(QString::fromLatin1(url));
    r.timeoutMs = 5000;
    return r;
}

// A transfer to `url` run to its end: true if it succeeded.
bool runTransfer(CurlClient &client, const QByteArray &url)
{
    auto outcome = std::make_shared<Outcome>();
    auto transfer = client.start(requestTo(url), recordInto(outcome));
    QElapsedTimer clock;
    clock.start();
    while (outcome->done == 0 && clock.elapsed() < 5000)
        QTest::qWait(5);
    return outcome->done == 1 && outcome->ok;
}

// The client's read notifiers that are not in `before`.
QList<QSocketNotifier *> newReaders(const CurlClient &client,
                                    const QList<QSocketNotifier *> &before)
{
    QList<QSocketNotifier *> readers;
    for (QSocketNotifier *n : client.findChildren<QSocketNotifier *>()) {
        if (n->type() == QSocketNotifier::Read && !before.contains(n))
            readers.append(n);
    }
    return readers;
}

} // namespace

class TestCurlClient : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { CurlClient::globalInit(); }

    void handlersRunOnlyAfterStartReturns_data()
    {
        QTest::addColumn<QByteArray>("url");
        QTest::addColumn<bool>("blockAddress");
        QTest::addColumn<bool>("fromHandler"); // started from another transfer's onDone
        const QByteArray refused = "http://127.0.0.1:" + QByteArray::number(closedPort()) + "/";
        for (const bool fromHandler : { false, true }) {
            const char *how = fromHandler ? "from a handler" : "from the test";
            QTest::addRow("refused, %s", how) << refused << false << fromHandler;
            QTest::addRow("blocked address, %s", how) << refused << true << fromHandler;
            QTest::addRow("not http, %s", how)
                    << QByteArray("ftp://127.0.0.1/x") << false << fromHandler;
        }
    }

    // A failure known at once (connection refused, address refused by the check, a scheme not
    // spoken) still reaches the handlers only from the event loop.
    void handlersRunOnlyAfterStartReturns()
    {
        QFETCH(QByteArray, url);
        QFETCH(bool, blockAddress);
        QFETCH(bool, fromHandler);
        CurlClient &client = CurlClient::forThisThread();
        auto outcome = std::make_shared<Outcome>();
        CurlClient::TransferPtr transfer;
        auto startIt = [&client, outcome, url, blockAddress, &transfer] {
            upstream::Request r = requestTo(url);
            if (blockAddress)
                r.addressAllowed = [](const QHostAddress &) { return false; };
            transfer = client.start(std::move(r), recordInto(outcome));
            outcome->returned = true;
        };
        CurlClient::TransferPtr first;
        auto firstOutcome = std::make_shared<Outcome>();
        if (fromHandler) {
            upstream::Handlers h = recordInto(firstOutcome);
            h.onDone = [startIt, firstOutcome](core::Result<void>) {
                ++firstOutcome->done;
                startIt();
            };
            first = client.start(
                    requestTo("http://127.0.0.1:" + QByteArray::number(closedPort()) + "/first"),
                    std::move(h));
            firstOutcome->returned = true;
        } else {
            startIt();
        }
        QVERIFY(transfer || fromHandler);
        QTRY_COMPARE_WITH_TIMEOUT(outcome->done, 1, 5000);
        QVERIFY(transfer);
        QVERIFY(!outcome->handlerInsideStart);
        QVERIFY(!firstOutcome->handlerInsideStart);
        QVERIFY(!outcome->ok);
        QCOMPARE(outcome->status, 0); // no head for a transfer that failed
    }

    // A transfer started by a handler that ran in the kick itself (a failure known at once) is
    // kicked before the loop waits: in a blocking QEventLoop nothing else would wake the thread
    // for it, and it would sit until some unrelated event (here: the 5 s guard).
    void transferStartedFromAKickedHandlerRuns()
    {
        CurlClient &client = CurlClient::forThisThread();
        QTcpServer origin;
        QVERIFY(origin.listen(QHostAddress::LocalHost));
        answerKeepingAlive(origin);
        // Shared with the handlers, which may outlive this function if it fails: they hold it
        // weakly and do nothing once it is gone.
        struct State
        {
            QByteArray url;
            QEventLoop loop;
            int chained = 0;
            int done = 0;
            bool ok = false;
            CurlClient::TransferPtr last;
            std::function<void(core::Result<void>)> next;
        };
        auto state = std::make_shared<State>();
        state->url = "http://127.0.0.1:" + QByteArray::number(origin.serverPort()) + "/b";
        // A chain of transfers refused at once (address check), each started from the previous
        // one's onDone, then one to the origin: more rounds than the kick runs by itself.
        const auto refusedRequest = [url = state->url] {
            upstream::Request r = requestTo(url);
            r.addressAllowed = [](const QHostAddress &) { return false; };
            return r;
        };
        state->next = [weak = std::weak_ptr<State>(state), refusedRequest](core::Result<void>) {
            auto st = weak.lock();
            if (!st)
                return;
            CurlClient &c = CurlClient::forThisThread();
            if (++st->chained < 12) {
                upstream::Handlers again;
                again.onDone = st->next;
                c.start(refusedRequest(), std::move(again));
                return;
            }
            upstream::Handlers last;
            last.onDone = [weak](core::Result<void> outcome) {
                if (auto s = weak.lock()) {
                    s->ok = outcome.ok();
                    ++s->done;
                    s->loop.quit();
                }
            };
            st->last = c.start(requestTo(st->url), std::move(last));
        };
        upstream::Handlers first;
        first.onDone = state->next;
        auto a = client.start(refusedRequest(), std::move(first));
        QElapsedTimer clock;
        clock.start();
        QTimer::singleShot(5000, &state->loop, &QEventLoop::quit); // the guard
        state->loop.exec(); // blocks in poll when nothing is due: no QTest::qWait polling
        const qint64 elapsed = clock.elapsed();
        if (state->last && state->done == 0)
            client.cancel(state->last);
        state->next = nullptr;
        QCOMPARE(state->chained, 12);
        QCOMPARE(state->done, 1);
        QVERIFY(state->ok);
        QVERIFY2(elapsed < 2500, qPrintable(QStringLiteral("finished after %1 ms").arg(elapsed)));
    }

    void requestLeavesBeforeTheLoopWaits_data()
    {
        QTest::addColumn<bool>("reuse");
        QTest::addRow("new connection") << false;
        QTest::addRow("kept-alive connection") << true;
    }

    // The transfer is on its way before the thread first waits after start(): connecting (a
    // new connection), or the request sent (a kept-alive one); no 0 ms timer and extra loop
    // iteration in between.
    void requestLeavesBeforeTheLoopWaits()
    {
        QFETCH(bool, reuse);
        CurlClient &client = CurlClient::forThisThread();
        QTcpServer origin;
        QVERIFY(origin.listen(QHostAddress::LocalHost));
        const QByteArray url = "http://127.0.0.1:" + QByteArray::number(origin.serverPort()) + "/x";
        int originSide = -1; // the origin's end of the connection
        if (reuse) {
            answerKeepingAlive(origin);
            auto first = std::make_shared<Outcome>();
            auto t = client.start(requestTo(url), recordInto(first));
            QTRY_COMPARE_WITH_TIMEOUT(first->done, 1, 5000);
            QVERIFY(first->ok);
            const auto sockets = origin.findChildren<QTcpSocket *>();
            QCOMPARE(sockets.size(), 1);
            originSide = int(sockets.first()->socketDescriptor());
        } else {
            origin.pauseAccepting(); // the connection waits in the kernel's queue
        }
        auto outcome = std::make_shared<Outcome>();
        CurlClient::TransferPtr transfer = client.start(requestTo(url), recordInto(outcome));
        outcome->returned = true;

        int waits = 0;
        bool connected = false;
        qint64 requestBytes = -1;
        QEventLoop loop;
        // Connected after the client's own slot, so it runs after the client's.
        auto watch = connect(QAbstractEventDispatcher::instance(),
                             &QAbstractEventDispatcher::aboutToBlock, this, [&] {
                                 if (waits++ > 0)
                                     return;
                                 if (!reuse) {
                                     originSide = ::accept4(int(origin.socketDescriptor()), nullptr,
                                                            nullptr, SOCK_NONBLOCK);
                                     connected = originSide >= 0;
                                 }
                                 char buffer[4096];
                                 requestBytes = ::recv(originSide, buffer, sizeof(buffer),
                                                       MSG_PEEK | MSG_DONTWAIT);
                                 loop.quit();
                             });
        QTimer::singleShot(5000, &loop, &QEventLoop::quit);
        loop.exec();
        disconnect(watch);
        client.cancel(transfer);
        QCoreApplication::processEvents();
        if (!reuse && connected)
            ::close(originSide);
        QCOMPARE(waits, 1);
        if (reuse)
            QVERIFY2(requestBytes > 0, "the request was not sent when the thread first waited");
        else
            QVERIFY2(connected, "not connected when the thread first waited");
        QCOMPARE(outcome->done, 0); // cancelled: no handler
    }

    // Between the transfers of a kept-alive connection its read notifier stays (switching it off
    // and on changed the loop's poll set, a wake-up each time); one that fires unwanted (the
    // origin closed the idle connection) is switched off, once, and it goes when libcurl drops
    // the connection.
    void keptAliveConnectionKeepsItsReader()
    {
        CurlClient &client = CurlClient::forThisThread();
        const QList<QSocketNotifier *> before = client.findChildren<QSocketNotifier *>();
        QTcpServer origin;
        QVERIFY(origin.listen(QHostAddress::LocalHost));
        answerKeepingAlive(origin);
        const QByteArray url = "http://127.0.0.1:" + QByteArray::number(origin.serverPort()) + "/";
        QVERIFY(runTransfer(client, url));
        QCOMPARE(newReaders(client, before).size(), 1);
        const QPointer<QSocketNotifier> reader = newReaders(client, before).first();
        QVERIFY(reader->isEnabled());
        QVERIFY(runTransfer(client, url));
        QCOMPARE(newReaders(client, before), QList<QSocketNotifier *>({ reader.data() }));
        QVERIFY(reader->isEnabled());

        QSignalSpy fired(reader.data(), &QSocketNotifier::activated);
        const auto sockets = origin.findChildren<QTcpSocket *>();
        QCOMPARE(sockets.size(), 1);
        sockets.first()->close(); // FIN to the idle connection
        QTRY_VERIFY(!reader->isEnabled());
        QTest::qWait(100);
        QCOMPARE(fired.size(), 1); // switched off, not spinning

        QVERIFY(runTransfer(client, url)); // the dead connection is dropped, a new one made
        QVERIFY(reader.isNull());
        QCOMPARE(newReaders(client, before).size(), 1);
    }

    // Idle connections stay in the poll set only up to a bound (each is polled on every
    // iteration): the readers of those beyond it are switched off.
    void idleReadersAreBounded()
    {
        CurlClient &client = CurlClient::forThisThread();
        std::vector<std::unique_ptr<QTcpServer>> origins;
        for (int i = 0; i < 18; ++i) {
            origins.push_back(std::make_unique<QTcpServer>());
            QVERIFY(origins.back()->listen(QHostAddress::LocalHost));
            answerKeepingAlive(*origins.back());
            QVERIFY(runTransfer(
                    client,
                    "http://127.0.0.1:" + QByteArray::number(origins.back()->serverPort()) + "/"));
        }
        int enabled = 0;
        for (QSocketNotifier *n : client.findChildren<QSocketNotifier *>())
            enabled += n->type() == QSocketNotifier::Read && n->isEnabled();
        QCOMPARE(enabled, 16); // no transfer runs: all of them idle
    }

    // A name to resolve (not "localhost", which libcurl answers itself): libcurl also watches
    // its resolver's wake-up pipe, which it closes itself. No notifier is left on it (it would
    // watch a closed or reused descriptor).
    void noReaderLeftOnAResolverPipe()
    {
        const QString name = QHostInfo::localHostName();
        if (QHostInfo::fromName(name).addresses().isEmpty())
            QSKIP("this host's name does not resolve");
        CurlClient &client = CurlClient::forThisThread();
        const QList<QSocketNotifier *> before = client.findChildren<QSocketNotifier *>();
        QTcpServer origin;
        QVERIFY(origin.listen(QHostAddress::Any));
        answerKeepingAlive(origin);
        QVERIFY(runTransfer(client,
                            "http://" + name.toUtf8() + ':'
                                    + QByteArray::number(origin.serverPort()) + "/"));
        QTest::qWait(50);
        const QList<QSocketNotifier *> readers = newReaders(client, before);
        QCOMPARE(readers.size(), 1); // the connection's
        sockaddr_storage local = {};
        socklen_t length = sizeof(local);
        QCOMPARE(::getsockname(int(readers.first()->socket()), reinterpret_cast<sockaddr *>(&local),
                               &length),
                 0);
        QVERIFY(local.ss_family == AF_INET || local.ss_family == AF_INET6);
    }

    void head_data()
    {
        QTest::addColumn<QByteArray>("response");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("headers"); // name=value|...
        QTest::addColumn<qint64>("contentLength");
        QTest::addRow("plain") << QByteArray("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                                             "Content-Length: 2\r\nX-A:  spaced value  \r\n\r\nok")
                               << 200 << QByteArray("Content-Type=text/plain|X-A=spaced value")
                               << qint64(2);
        QTest::addRow("hop-by-hop dropped")
                << QByteArray("HTTP/1.1 201 Created\r\nConnection: keep-alive\r\nKeep-Alive: "
                              "timeout=5\r\nTRANSFER-encoding: chunked\r\nX-B: 1\r\n\r\n"
                              "2\r\nok\r\n0\r\n\r\n")
                << 201 << QByteArray("X-B=1") << qint64(-1);
        QTest::addRow("interim 100 replaced") << QByteArray(
                "HTTP/1.1 100 Continue\r\nX-Early: 1\r\n\r\nHTTP/1.1 404 Not Found\r\n"
                "content-length: 0\r\nX-Late: 2\r\n\r\n")
                                              << 404 << QByteArray("X-Late=2") << qint64(0);
        QTest::addRow("no reason phrase") << QByteArray("HTTP/1.1 204\r\nX-C: a:b\r\n\r\n") << 204
                                          << QByteArray("X-C=a:b") << qint64(-1);
        QTest::addRow("empty value, odd name spacing")
                << QByteArray("HTTP/1.1 200 OK\r\nX-Empty:\r\nX-D :v\r\nContent-Length: 0\r\n\r\n")
                << 200 << QByteArray("X-Empty=|X-D=v") << qint64(0);
    }

    void head()
    {
        QFETCH(QByteArray, response);
        QFETCH(int, status);
        QFETCH(QByteArray, headers);
        QFETCH(qint64, contentLength);
        QTcpServer origin;
        QVERIFY(origin.listen(QHostAddress::LocalHost));
        connect(&origin, &QTcpServer::newConnection, this, [&origin, response] {
            QTcpSocket *s = origin.nextPendingConnection();
            connect(s, &QTcpSocket::readyRead, s, [s, response, seen = QByteArray()]() mutable {
                seen += s->readAll();
                if (!seen.contains("\r\n\r\n"))
                    return;
                s->write(response);
                s->disconnectFromHost();
            });
        });
        auto outcome = std::make_shared<Outcome>();
        const QByteArray url = "http://127.0.0.1:" + QByteArray::number(origin.serverPort()) + "/";
        auto transfer = CurlClient::forThisThread().start(requestTo(url), recordInto(outcome));
        outcome->returned = true;
        QTRY_COMPARE_WITH_TIMEOUT(outcome->done, 1, 5000);
        QVERIFY(outcome->ok);
        QCOMPARE(outcome->status, status);
        QByteArrayList got;
        for (const auto &[name, value] : std::as_const(outcome->headers))
            got.append(name + '=' + value);
        QCOMPARE(got.join('|'), headers);
        QCOMPARE(outcome->contentLength, contentLength);
    }
};

QTEST_GUILESS_MAIN(TestCurlClient)
#include "tst_curlclient.moc"
