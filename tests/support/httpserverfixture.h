// The shared fixture of the HTTP/1.1 layer tests (tests/service/tst_httpserver*.cpp): a
// blocking raw-socket client that parses replies strictly, request builders, the error-shape
// check, and one server per test class with the handlers the tests drive (synchronous, delayed,
// echo, streaming, cancellable, header-splitting).
#pragma once

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

namespace tap::test {

using namespace tap::http;
using tap::core::Error;
using tap::core::ErrorCode;

// Waits are generous (a loaded 2-core machine, maybe under ASan); behaviour is still asserted.
inline constexpr int kWaitMs = 5000;

// Limits small enough to hit quickly.
inline constexpr qint64 kMaxHeaderBytes = 4096;
inline constexpr int kMaxHeaderCount = 32;
inline constexpr qint64 kMaxBodyBytes = 64 * 1024;
inline constexpr int kHeaderTimeoutMs = 500;
inline constexpr int kBodyIdleTimeoutMs = 500;
inline constexpr int kKeepAliveTimeoutMs = 1000;

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

    QByteArray header(QByteArrayView name) const { return tap::http::headerValue(headers, name); }
    qsizetype headerCount(QByteArrayView name) const
    {
        return tap::http::headerValues(headers, name).size();
    }
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
    // Half-close: a FIN, and the socket still reads.
    void shutdownWrite() { ::shutdown(m_fd, SHUT_WR); }
    // How the peer ended the stream: 0 for a FIN, else the errno (ECONNRESET for a reset).
    int endErrno() const { return m_endErrno; }
    // The error that ended a write (EPIPE, ECONNRESET), 0 if none.
    int writeErrno() const { return m_writeErrno; }
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
            if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
                m_writeErrno = errno;
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
            const QList<QByteArray> lengths =
                    tap::http::headerValues(reply.headers, "content-length");
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
                m_endErrno = errno;
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
    int m_endErrno = 0;
    int m_writeErrno = 0;
    bool m_eof = false;
    QByteArray m_buffer;
    QElapsedTimer m_clock;
    QString m_lastError;
};

inline QByteArray get(const QByteArray &target, const QByteArray &extraHeaders = {})
{
    return "GET " + target + " HTTP/1.1\r\nHost: test\r\n" + extraHeaders + "\r\n";
}

inline QByteArray post(const QByteArray &target, const QByteArray &body,
                       const QByteArray &extraHeaders = {})
{
    return "POST " + target + " HTTP/1.1\r\nHost: test\r\nContent-Length: "
            + QByteArray::number(body.size()) + "\r\n" + extraHeaders + "\r\n" + body;
}

// Empty when `body` has the error shape {"error":{"code":"...","message":"..."}}.
inline QString errorShapeProblem(const QByteArray &body)
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
inline void addRow(const char *name, const QByteArray &request, int status)
{
    QTest::newRow(name) << request << status;
}

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

// The shared state of an HTTP server test class (which derives from QObject and this): the
// server under test with small limits, and a timer thread for asynchronous responses. The test
// class calls initSuite() from initTestCase(), cleanupSuite() from cleanupTestCase() and
// cleanupTest() from cleanup().
class HttpServerSuite
{
protected:
    void initSuite();
    void cleanupSuite();
    void cleanupTest();
    bool cancelTokenReleased();
    // The server under test; `tweak` may change its limits.
    std::unique_ptr<Server> makeServer(const std::function<void(Limits &)> &tweak = {});
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

inline std::unique_ptr<Server>
HttpServerSuite::makeServer(const std::function<void(Limits &)> &tweak)
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
    options.limits.maxConnectionsPerClient = 100000; // every test client is 127.0.0.1
    if (tweak)
        tweak(options.limits);
    return std::make_unique<Server>(options, [this](const Request &request, Responder responder) {
        handle(request, responder);
    });
}

// Runs `fn` after `ms` on the timer thread, i.e. not on the connection's thread.
inline void HttpServerSuite::later(int ms, std::function<void()> fn)
{
    ++m_pendingTimers;
    QObject *context = m_timerContext;
    QMetaObject::invokeMethod(
            context,
            [this, context, ms, fn = std::move(fn)] {
                auto *timer = new QTimer(context);
                timer->setSingleShot(true);
                timer->setTimerType(Qt::PreciseTimer);
                QObject::connect(timer, &QTimer::timeout, context, [this, timer, fn] {
                    fn();
                    --m_pendingTimers;
                    timer->deleteLater();
                });
                timer->start(ms);
            },
            Qt::QueuedConnection);
}

inline void HttpServerSuite::handle(const Request &request, const Responder &responder)
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
    } else if (path == "/status") {
        // ?code=N&mode=send|stream[&length=L]: status N, the body "body" (which the framing
        // must drop where none is allowed), and the handler's own Content-Length if given.
        const QUrlQuery query = request.query();
        const int code = query.queryItemValue(QStringLiteral("code")).toInt();
        HeaderList headers{ { QByteArrayLiteral("Content-Type"),
                              QByteArrayLiteral("text/plain") } };
        if (query.hasQueryItem(QStringLiteral("length")))
            headers.append({ QByteArrayLiteral("Content-Length"),
                             query.queryItemValue(QStringLiteral("length")).toLatin1() });
        if (query.queryItemValue(QStringLiteral("mode")) == QStringLiteral("stream")) {
            responder.begin(code, headers);
            responder.write(QByteArrayLiteral("body"));
            responder.end();
        } else {
            Response response;
            response.status = code;
            response.headers = headers;
            response.body = QByteArrayLiteral("body");
            responder.send(std::move(response));
        }
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

inline void HttpServerSuite::initSuite()
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

inline void HttpServerSuite::cleanupSuite()
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
inline void HttpServerSuite::cleanupTest()
{
    QTRY_COMPARE_WITH_TIMEOUT(m_pendingTimers.load(), 0, kWaitMs);
    if (!m_server)
        return;
    QTRY_COMPARE_WITH_TIMEOUT(m_server->metrics().inFlight.load(), qint64(0), kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(m_server->metrics().openConnections.load(), qint64(0), kWaitMs);
}

inline bool HttpServerSuite::cancelTokenReleased()
{
    const std::lock_guard lock(m_tokenMutex);
    return m_cancelToken.expired();
}

} // namespace tap::test
