// The owned HTTP/1.1 layer (service/http), driven over raw sockets so that every test controls
// the exact bytes on the wire: limits, timeouts, framing, pipelining, streaming, shutdown.

#include "http/server.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QThread>
#include <QTimer>
#include <QtTest>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

using namespace tap::http;
using tap::core::Error;
using tap::core::ErrorCode;

namespace {

// Waits are generous (a loaded 2-core machine, maybe under ASan); behaviour is still asserted.
constexpr int kWaitMs = 5000;

// Limits small enough to hit quickly.
constexpr qint64 kMaxHeaderBytes = 4096;
constexpr int kMaxHeaderCount = 32;
constexpr qint64 kMaxBodyBytes = 64 * 1024;
constexpr int kHeaderTimeoutMs = 500;
constexpr int kBodyIdleTimeoutMs = 500;
constexpr int kKeepAliveTimeoutMs = 1000;

// One response as parsed from the byte stream (strictly: a framing error fails the parse).
struct Reply
{
    int status = 0;
    QByteArray version;
    HeaderList headers;
    QByteArray body;
    bool chunked = false;
    QList<QByteArray> chunks;
    QList<qint64> chunkAtMs; // client clock when each chunk was complete
    qint64 endAtMs = -1; // client clock when the whole response was read

    QByteArray header(QByteArrayView name) const { return headerValue(headers, name); }
    qsizetype headerCount(QByteArrayView name) const { return headerValues(headers, name).size(); }
    bool saysClose() const
    {
        return header("connection").compare(QByteArrayView("close"), Qt::CaseInsensitive) == 0;
    }
};

// A blocking-with-deadline HTTP client over a plain POSIX socket.
class Client
{
public:
    explicit Client(quint16 port)
    {
        m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address = {};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(m_fd, reinterpret_cast<const sockaddr *>(&address), sizeof(address)) != 0)
            m_connectError = errno;
        ::fcntl(m_fd, F_SETFL, ::fcntl(m_fd, F_GETFL) | O_NONBLOCK);
        m_clock.start();
    }
    ~Client() { closeNow(); }
    Q_DISABLE_COPY_MOVE(Client)

    bool isConnected() const { return m_connectError == 0; }
    int connectError() const { return m_connectError; }
    qint64 elapsedMs() const { return m_clock.elapsed(); }
    void restartClock() { m_clock.start(); }
    const QString &lastError() const { return m_lastError; }

    void closeNow()
    {
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = -1;
    }
    // Closes with a reset instead of a FIN.
    void resetNow()
    {
        const linger hard = { 1, 0 };
        ::setsockopt(m_fd, SOL_SOCKET, SO_LINGER, &hard, sizeof(hard));
        closeNow();
    }

    // Writes as much of `data` as the peer takes; stops early if the peer goes away.
    qint64 write(const QByteArray &data, int timeoutMs = kWaitMs)
    {
        const QDeadlineTimer deadline(timeoutMs);
        qint64 done = 0;
        while (done < data.size()) {
            const ssize_t n =
                    ::send(m_fd, data.data() + done, size_t(data.size() - done), MSG_NOSIGNAL);
            if (n > 0) {
                done += n;
                continue;
            }
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && poll(POLLOUT, deadline))
                continue;
            break;
        }
        return done;
    }
    bool writeAll(const QByteArray &data) { return write(data) == data.size(); }

    // True if bytes (or the end of the stream) are ready within the timeout.
    bool waitReadable(int timeoutMs)
    {
        return !m_buffer.isEmpty() || m_eof || poll(POLLIN, QDeadlineTimer(timeoutMs));
    }

    // Reads one response. `head`: the response to a HEAD request (never a body).
    std::optional<Reply> readReply(bool head = false, int timeoutMs = kWaitMs)
    {
        const QDeadlineTimer deadline(timeoutMs);
        Reply reply;
        const auto statusLine = readLine(deadline);
        if (!statusLine)
            return fail("no status line");
        const QList<QByteArray> parts = statusLine->split(' ');
        bool ok = false;
        reply.status = parts.value(1).toInt(&ok);
        if (parts.size() < 3 || !parts[0].startsWith("HTTP/1.") || !ok || parts[1].size() != 3)
            return fail("bad status line: " + *statusLine);
        reply.version = parts[0];
        for (;;) {
            const auto line = readLine(deadline);
            if (!line)
                return fail("headers incomplete");
            if (line->isEmpty())
                break;
            const qsizetype colon = line->indexOf(':');
            if (colon <= 0)
                return fail("bad header line: " + *line);
            reply.headers.append({ line->left(colon), line->mid(colon + 1).trimmed() });
        }
        if (head || reply.status < 200 || reply.status == 204 || reply.status == 304) {
            reply.endAtMs = elapsedMs();
            return reply;
        }
        if (reply.headerCount("transfer-encoding") > 0) {
            if (reply.header("transfer-encoding") != "chunked"
                || reply.headerCount("content-length"))
                return fail("bad transfer-encoding framing");
            reply.chunked = true;
            for (;;) {
                const auto sizeLine = readLine(deadline);
                if (!sizeLine)
                    return fail("chunk size missing");
                const bool hex = !sizeLine->isEmpty()
                        && std::all_of(sizeLine->begin(), sizeLine->end(), [](char c) {
                               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')
                                       || (c >= 'A' && c <= 'F');
                           });
                const qint64 size = hex ? sizeLine->toLongLong(&ok, 16) : -1;
                if (!hex || !ok)
                    return fail("bad chunk size line: " + *sizeLine);
                if (size == 0) {
                    for (;;) { // trailers until the empty line
                        const auto trailer = readLine(deadline);
                        if (!trailer)
                            return fail("last chunk not terminated");
                        if (trailer->isEmpty())
                            break;
                    }
                    break;
                }
                const auto data = readExact(size, deadline);
                if (!data)
                    return fail("chunk data incomplete");
                const auto crlf = readExact(2, deadline);
                if (!crlf || *crlf != "\r\n")
                    return fail("chunk data not followed by CRLF");
                reply.chunks << *data;
                reply.chunkAtMs << elapsedMs();
                reply.body += *data;
            }
        } else if (reply.headerCount("content-length") > 0) {
            const QList<QByteArray> lengths = headerValues(reply.headers, "content-length");
            const qint64 length = lengths.first().toLongLong(&ok);
            if (lengths.size() != 1 || !ok || length < 0)
                return fail("bad content-length");
            const auto data = readExact(length, deadline);
            if (!data)
                return fail("body incomplete");
            reply.body = *data;
        } else { // delimited by the end of the connection
            while (fill(deadline)) { }
            if (!m_eof)
                return fail("close-delimited body did not end");
            reply.body = std::exchange(m_buffer, {});
        }
        reply.endAtMs = elapsedMs();
        return reply;
    }

    // True if the peer ends the connection (FIN or reset) within the timeout, with no further
    // bytes before that.
    bool waitForClose(int timeoutMs = kWaitMs)
    {
        const QDeadlineTimer deadline(timeoutMs);
        while (fill(deadline)) { }
        if (!m_eof) {
            m_lastError = QStringLiteral("connection still open");
            return false;
        }
        if (!m_buffer.isEmpty()) {
            m_lastError = QStringLiteral("unexpected bytes before close: ")
                    + QString::fromLatin1(m_buffer.left(200));
            return false;
        }
        return true;
    }

private:
    bool poll(short events, const QDeadlineTimer &deadline)
    {
        for (;;) {
            pollfd p = { m_fd, events, 0 };
            const int r = ::poll(&p, 1, int(qMax<qint64>(0, deadline.remainingTime())));
            if (r < 0 && errno == EINTR)
                continue;
            return r > 0;
        }
    }

    // Appends what arrives to the buffer. False on timeout, end of stream or error.
    bool fill(const QDeadlineTimer &deadline)
    {
        if (m_eof || m_fd < 0)
            return false;
        for (;;) {
            char chunk[16384];
            const ssize_t n = ::recv(m_fd, chunk, sizeof(chunk), 0);
            if (n > 0) {
                m_buffer.append(chunk, n);
                return true;
            }
            if (n == 0) {
                m_eof = true;
                return false;
            }
            if (errno == EINTR)
                continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK) {
                m_eof = true; // a reset also ends the stream
                return false;
            }
            if (!poll(POLLIN, deadline))
                return false;
        }
    }

    std::optional<QByteArray> readLine(const QDeadlineTimer &deadline)
    {
        for (;;) {
            const qsizetype eol = m_buffer.indexOf("\r\n");
            if (eol >= 0) {
                QByteArray line = m_buffer.left(eol);
                m_buffer.remove(0, eol + 2);
                return line;
            }
            if (!fill(deadline))
                return std::nullopt;
        }
    }

    std::optional<QByteArray> readExact(qint64 size, const QDeadlineTimer &deadline)
    {
        while (m_buffer.size() < size) {
            if (!fill(deadline))
                return std::nullopt;
        }
        QByteArray data = m_buffer.left(size);
        m_buffer.remove(0, size);
        return data;
    }

    std::optional<Reply> fail(const QByteArray &why)
    {
        m_lastError = QString::fromLatin1(why)
                + (m_eof ? QStringLiteral(" (connection ended)") : QStringLiteral(" (timeout)"))
                + QStringLiteral("; unread: ") + QString::fromLatin1(m_buffer.left(200));
        return std::nullopt;
    }

    int m_fd = -1;
    int m_connectError = 0;
    bool m_eof = false;
    QByteArray m_buffer;
    QElapsedTimer m_clock;
    QString m_lastError;
};

QByteArray get(const QByteArray &target, const QByteArray &extraHeaders = {})
{
    return "GET " + target + " HTTP/1.1\r\nHost: test\r\n" + extraHeaders + "\r\n";
}

QByteArray post(const QByteArray &target, const QByteArray &body,
                const QByteArray &extraHeaders = {})
{
    return "POST " + target + " HTTP/1.1\r\nHost: test\r\nContent-Length: "
            + QByteArray::number(body.size()) + "\r\n" + extraHeaders + "\r\n" + body;
}

// Empty when `body` has the error shape {"error":{"code":"...","message":"..."}}.
QString errorShapeProblem(const QByteArray &body)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return QStringLiteral("not a JSON object: ") + QString::fromLatin1(body);
    const QJsonObject root = document.object();
    const QJsonValue error = root.value(QStringLiteral("error"));
    if (root.size() != 1 || !error.isObject())
        return QStringLiteral("no \"error\" object: ") + QString::fromLatin1(body);
    const QJsonObject inner = error.toObject();
    if (inner.value(QStringLiteral("code")).toString().isEmpty()
        || inner.value(QStringLiteral("message")).toString().isEmpty())
        return QStringLiteral("\"code\" or \"message\" missing: ") + QString::fromLatin1(body);
    return {};
}

// Adds a data row (request, status); takes string-builder expressions.
void addRow(const char *name, const QByteArray &request, int status)
{
    QTest::newRow(name) << request << status;
}

} // namespace

// Checks that `reply` is an error response with status `expected`, the JSON error shape, and
// announces that the connection closes.
#define VERIFY_ERROR_REPLY(reply, expected)                                   \
  do {                                                                        \
    QCOMPARE((reply).status, (expected));                                     \
    QCOMPARE((reply).header("content-type"), QByteArray("application/json")); \
    const QString shapeProblem = errorShapeProblem((reply).body);             \
    QVERIFY2(shapeProblem.isEmpty(), qPrintable(shapeProblem));               \
    QVERIFY((reply).saysClose());                                             \
  } while (false)

class tst_HttpServer : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void cleanup();

    void clientDisconnectsMidRequest();
    void pipelinedResponsesInOrder();
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
    void streamingChunked();
    void streamingHttp10CloseDelimited();
    void gracefulStop();
    void manyConcurrentConnections();
    void headerInjectionDropped();
    void cancelCallbackReleasedWithTheRequest();
    void cancelCallbackCannotRespond();

private:
    bool cancelTokenReleased();
    std::unique_ptr<Server> makeServer();
    void handle(const Request &request, const Responder &responder);
    void later(int ms, std::function<void()> fn);

    QThread m_timerThread;
    QObject *m_timerContext = nullptr; // lives in m_timerThread; async responses come from there
    std::unique_ptr<Server> m_server;
    quint16 m_port = 0;
    std::atomic<int> m_cancelled = 0;
    std::atomic<int> m_pendingTimers = 0;
    std::mutex m_tokenMutex;
    std::weak_ptr<int> m_cancelToken; // captured by the last /cancel-* request's cancel callback
};

std::unique_ptr<Server> tst_HttpServer::makeServer()
{
    Server::Options options;
    options.address = QHostAddress::LocalHost;
    options.port = 0;
    options.workers = 2;
    options.limits.maxHeaderBytes = kMaxHeaderBytes;
    options.limits.maxHeaderCount = kMaxHeaderCount;
    options.limits.maxBodyBytes = kMaxBodyBytes;
    options.limits.headerTimeoutMs = kHeaderTimeoutMs;
    options.limits.bodyIdleTimeoutMs = kBodyIdleTimeoutMs;
    options.limits.keepAliveTimeoutMs = kKeepAliveTimeoutMs;
    return std::make_unique<Server>(options, [this](const Request &request, Responder responder) {
        handle(request, responder);
    });
}

// Runs `fn` after `ms` on the timer thread, i.e. not on the connection's thread.
void tst_HttpServer::later(int ms, std::function<void()> fn)
{
    ++m_pendingTimers;
    QObject *context = m_timerContext;
    QMetaObject::invokeMethod(
            context,
            [this, context, ms, fn = std::move(fn)] {
                auto *timer = new QTimer(context);
                timer->setSingleShot(true);
                timer->setTimerType(Qt::PreciseTimer);
                connect(timer, &QTimer::timeout, context, [this, timer, fn] {
                    fn();
                    --m_pendingTimers;
                    timer->deleteLater();
                });
                timer->start(ms);
            },
            Qt::QueuedConnection);
}

void tst_HttpServer::handle(const Request &request, const Responder &responder)
{
    const QByteArray &path = request.rawPath;
    if (path == "/sync") {
        responder.send(Response::text(200, QByteArrayLiteral("sync")));
    } else if (path == "/slow") {
        const int ms = request.query().queryItemValue(QStringLiteral("ms")).toInt();
        responder.onCancel([this] { ++m_cancelled; });
        later(ms, [responder] { responder.send(Response::text(200, QByteArrayLiteral("slow"))); });
    } else if (path == "/echo") {
        Response response =
                Response::text(200, request.body, QByteArrayLiteral("application/octet-stream"));
        response.setHeader(QByteArrayLiteral("X-Body-Length"),
                           QByteArray::number(request.body.size()));
        responder.send(std::move(response));
    } else if (path == "/stream") {
        responder.begin(200,
                        { { QByteArrayLiteral("Content-Type"), QByteArrayLiteral("text/plain") } });
        responder.write(QByteArrayLiteral("one"));
        later(100, [responder] { responder.write(QByteArrayLiteral("two")); });
        later(200, [responder] {
            responder.write(QByteArrayLiteral("three"));
            responder.end();
        });
    } else if (path == "/cancel-held" || path == "/cancel-responds") {
        // The cancel callback holds the responder, a natural pattern (it aborts work that would
        // answer through it), and a token whose lifetime the test watches.
        auto token = std::make_shared<int>(0);
        {
            const std::lock_guard lock(m_tokenMutex);
            m_cancelToken = token;
        }
        const bool respondOnCancel = path == "/cancel-responds";
        responder.onCancel([this, responder, token, respondOnCancel] {
            ++m_cancelled;
            if (respondOnCancel)
                responder.send(Response::text(200, QByteArrayLiteral("too late")));
        });
        if (!respondOnCancel)
            later(50,
                  [responder] { responder.send(Response::text(200, QByteArrayLiteral("held"))); });
    } else if (path == "/split") {
        Response response = Response::text(200, QByteArrayLiteral("ok"));
        response.headers.append(
                { QByteArrayLiteral("X-Evil"), QByteArrayLiteral("a\r\nSet-Cookie: injected=1") });
        response.headers.append(
                { QByteArrayLiteral("X-Evil-Lf"), QByteArrayLiteral("b\nSet-Cookie: injected=2") });
        response.headers.append(
                { QByteArrayLiteral("X-Evil-Cr"), QByteArrayLiteral("c\rSet-Cookie: injected=3") });
        response.headers.append(
                { QByteArrayLiteral("X-Evil\r\nSet-Cookie"), QByteArrayLiteral("injected=4") });
        response.headers.append({ QByteArrayLiteral("X-Nul"), QByteArray("d\0injected=5", 12) });
        response.headers.append({ QByteArrayLiteral("Content-Length"), QByteArrayLiteral("999") });
        response.headers.append({ QByteArrayLiteral("X-Good"), QByteArrayLiteral("kept") });
        responder.send(std::move(response));
    } else {
        responder.send(
                Response::error(Error(ErrorCode::NotFound, QStringLiteral("No such endpoint."))));
    }
}

void tst_HttpServer::initTestCase()
{
    QLoggingCategory::setFilterRules(QStringLiteral("tap.http.info=false"));
    m_timerContext = new QObject;
    m_timerContext->moveToThread(&m_timerThread);
    m_timerThread.start();
    m_server = makeServer();
    const auto port = m_server->start();
    QVERIFY2(port.ok(), port.ok() ? "" : qPrintable(port.error().message()));
    m_port = port.value();
    QVERIFY(m_port != 0);
}

void tst_HttpServer::cleanupTestCase()
{
    if (m_server)
        m_server->stop(kWaitMs);
    m_server.reset();
    m_timerThread.quit();
    m_timerThread.wait();
    delete m_timerContext; // with any timer that never fired
    m_timerContext = nullptr;
}

// Every test leaves nothing behind: all connections closed, no request in flight.
void tst_HttpServer::cleanup()
{
    QTRY_COMPARE_WITH_TIMEOUT(m_pendingTimers.load(), 0, kWaitMs);
    if (!m_server)
        return;
    QTRY_COMPARE_WITH_TIMEOUT(m_server->metrics().inFlight.load(), qint64(0), kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(m_server->metrics().openConnections.load(), qint64(0), kWaitMs);
}

// 1. Async responses for clients that are gone are dropped (Qt 6.4's server crashes here).
void tst_HttpServer::clientDisconnectsMidRequest()
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
void tst_HttpServer::pipelinedResponsesInOrder()
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

// 3. Header block limits: 431 and the connection closes.
void tst_HttpServer::headerLimits_data()
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

void tst_HttpServer::headerLimits()
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
void tst_HttpServer::endlessHeaderBlock()
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
void tst_HttpServer::bodyLimits_data()
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

void tst_HttpServer::bodyLimits()
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
void tst_HttpServer::expectContinue()
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

void tst_HttpServer::expectContinueRefused_data()
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

void tst_HttpServer::expectContinueRefused()
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
void tst_HttpServer::slowHeaders()
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

void tst_HttpServer::stalledBody()
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

void tst_HttpServer::idleKeepAliveClosed()
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

// 7. Malformed and ambiguous requests (request smuggling) are refused, and the connection
// closes: after a framing error the rest of the byte stream cannot be trusted.
void tst_HttpServer::malformedRequests_data()
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

void tst_HttpServer::malformedRequests()
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
void tst_HttpServer::chunkedRequestBodies_data()
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

void tst_HttpServer::chunkedRequestBodies()
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
void tst_HttpServer::chunkedTrailersAreLimited()
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
void tst_HttpServer::leadingEmptyLinesIgnored()
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
void tst_HttpServer::keepAlive()
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

void tst_HttpServer::connectionCloses_data()
{
    QTest::addColumn<QByteArray>("request");

    QTest::newRow("http/1.0 without keep-alive") << QByteArray("GET /sync HTTP/1.0\r\n\r\n");
    QTest::newRow("http/1.0 with host") << QByteArray("GET /sync HTTP/1.0\r\nHost: test\r\n\r\n");
    QTest::newRow("http/1.1 connection: close") << get("/sync", "Connection: close\r\n");
    QTest::newRow("http/1.1 connection: Close, token list")
            << get("/sync", "Connection: foo, Close\r\n");
}

void tst_HttpServer::connectionCloses()
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
void tst_HttpServer::headHasNoBody()
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

// 11. Streaming: chunks reach the client as they are written, with valid chunked framing.
void tst_HttpServer::streamingChunked()
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

void tst_HttpServer::streamingHttp10CloseDelimited()
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
void tst_HttpServer::gracefulStop()
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
void tst_HttpServer::manyConcurrentConnections()
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
void tst_HttpServer::headerInjectionDropped()
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

bool tst_HttpServer::cancelTokenReleased()
{
    const std::lock_guard lock(m_tokenMutex);
    return m_cancelToken.expired();
}

// An onCancel callback that is never called (the response completed) is released with the
// request: it may hold the responder, which would otherwise keep itself alive forever.
void tst_HttpServer::cancelCallbackReleasedWithTheRequest()
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
void tst_HttpServer::cancelCallbackCannotRespond()
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

QTEST_GUILESS_MAIN(tst_HttpServer)
#include "tst_httpserver.moc"
