#pragma once

#include "http/response.h"

#include <QPointer>

#include <atomic>
#include <functional>
#include <memory>

namespace tap::http {

class Connection;

// The way back to the client for one request. Copyable; every copy refers to the same request.
//
// Safe to use from any thread and at any time: calls are carried to the connection's thread,
// and are dropped when the client has gone away (Qt 6.4's QHttpServerResponder is a
// use-after-free in that case; this is the fix). Only the first send()/begin() counts.
class Responder
{
public:
    struct State;
    Responder(); // goes nowhere: every call is dropped
    explicit Responder(std::shared_ptr<State> state) : d(std::move(state)) { }

    void send(Response response) const;

    // Streaming: a status and headers, then chunks, then end(). HTTP/1.1 clients get chunked
    // transfer coding; HTTP/1.0 clients get a body delimited by closing the connection.
    void begin(int status, HeaderList headers) const;
    void write(QByteArray chunk) const;
    void end() const;
    // Ends a streamed response abnormally: what was written is delivered, then the connection
    // closes without the final chunk, so the client sees a truncated body, never a
    // complete-looking one.
    void abort() const;

    // An object living in the connection's thread, for continuations that must come back to it
    // (e.g. after work on another thread). Null once the server is gone.
    QObject *threadContext() const;

    // Flow control for streamed bodies, on the connection's thread only: bytes written but
    // not yet sent to the client, and a callback for when that falls below `lowWatermark`.
    qint64 bufferedBytes() const;
    void onDrained(qint64 lowWatermark, std::function<void()> callback) const;

    // True until the response is complete or the client disconnects.
    bool isActive() const;
    // Called (on the connection's thread) if the client disconnects before the response ends.
    void onCancel(std::function<void()> callback) const;

private:
    std::shared_ptr<State> d;
};

struct Responder::State
{
    QPointer<Connection> connection;
    QPointer<QObject> context; // lives in the connection's thread for as long as the worker does
    quint64 sequence = 0;
    std::atomic<bool> started{ false };
    std::atomic<bool> finished{ false };
    std::function<void()> cancel;
};

inline QObject *Responder::threadContext() const
{
    return d->context.data();
}

} // namespace tap::http
