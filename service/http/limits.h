#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QPair>
#include <QtGlobal>

#include <functional>

namespace tap::http {

struct Request;

// What one connection may cost. The defaults suit an internet-facing service.
struct Limits
{
    qint64 maxHeaderBytes = 32 * 1024; // request line + headers (431 beyond)
    int maxHeaderCount = 100; // (431 beyond)
    qint64 maxBodyBytes = 10 * 1024 * 1024; // 413 beyond, checked before the body is read
    int firstByteTimeoutMs = 10'000; // a new connection's first byte must come within this
    int headerTimeoutMs = 10'000; // whole head must arrive within this (408)
    // The body must make progress within bodyIdleTimeoutMs, and arrive whole within
    // bodyIdleTimeoutMs + length / minBodyBytesPerSecond of the end of the head (a chunked
    // body: of what has arrived so far), however it trickles in (408).
    int bodyIdleTimeoutMs = 30'000;
    int minBodyBytesPerSecond = 4096;
    int keepAliveTimeoutMs = 60'000; // idle keep-alive connections are closed after this
    int writeStallTimeoutMs = 60'000; // a client that stops reading our response is dropped
    int maxConnectionsPerWorker = 4096; // 503 and close beyond
    // Open connections from one client address, over all workers (503 and close beyond).
    int maxConnectionsPerClient = 128;
    // After an error from the HTTP layer (400, 408, 413, 431, ...) the answer goes out, the
    // sending side is shut down, and what the client still sends is read and dropped for up to
    // this long and this much (RFC 9112 §9.6), so that it reads the answer instead of a reset.
    int lingerTimeoutMs = 2'000;
    qint64 lingerMaxBytes = 1024 * 1024;
    // accept() failing for want of file descriptors (EMFILE, ENFILE, ...): the listener
    // pauses this long, then tries again.
    int acceptBackoffMs = 500;
    // Adds headers to the answers the HTTP layer itself gives (400/408/413/431/...), given
    // the request path when the request line got that far (e.g. /forward's request id).
    std::function<void(QByteArrayView path, QList<QPair<QByteArray, QByteArray>> &headers)>
            decorateError;
    // Requests (head parsed, a body follows) for which the handler is called at once with
    // Request::bodyStream instead of after the whole body has arrived.
    std::function<bool(const Request &request)> streamBody;
    // Paths whose answers below 500 get no access-log line (their handler keeps its own record).
    QList<QByteArray> quietPaths;
};

} // namespace tap::http
