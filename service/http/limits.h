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
    int headerTimeoutMs = 10'000; // whole head must arrive within this (408)
    int bodyIdleTimeoutMs = 30'000; // body must make progress within this (408)
    int keepAliveTimeoutMs = 60'000; // idle keep-alive connections are closed after this
    int writeStallTimeoutMs = 60'000; // a client that stops reading our response is dropped
    int maxConnectionsPerWorker = 4096; // 503 and close beyond
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
