#pragma once

#include "core/error.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QPair>
#include <QStringList>

namespace tap::http {

// A request head as the parser reads it (RFC 9112 §2-§6), before a Connection adds what only
// a socket knows (peer address, body).
struct RequestHead
{
    QByteArray method;
    QByteArray target; // request-target as sent
    QByteArray rawPath; // target without the query, still percent-encoded
    QByteArray rawQuery; // after '?', without it
    QStringList segments; // rawPath split on '/', each segment percent-decoded
    QList<QPair<QByteArray, QByteArray>> headers; // in arrival order, names as sent
    int httpMinor = 1; // HTTP/1.<minor>
    bool chunked = false; // Transfer-Encoding: chunked
    qint64 contentLength = 0; // when not chunked
    bool keepAlive = true; // what the request asks for (Connection, version)
    bool expectContinue = false; // "Expect: 100-continue"
};

// The HTTP/1.1 request parser, without a socket: bytes go in with feed() (or input()), events
// come out of next(), one at a time. A head, then its body in chunks, then Done; then the next
// (pipelined) request's head. Refusals (400, 413, 417, 431, 501, 505) are an Error, after which
// the parser stays in error. The limits are those of Limits: head size and field count, body
// size, chunk-size line, trailer section size.
class RequestParser
{
public:
    enum class Event { NeedMore, Head, BodyChunk, Done, Error };
    struct Failure
    {
        core::ErrorCode code = core::ErrorCode::InvalidRequest;
        QString message;
        bool limit = false; // a limit was hit (counted as a limit rejection)
    };

    RequestParser(qint64 maxHeaderBytes, int maxHeaderCount, qint64 maxBodyBytes);

    void feed(QByteArrayView bytes) { m_buffer.append(bytes); }
    // The unread input, for a caller that reads straight into it (appending only).
    QByteArray &input() { return m_buffer; }
    QByteArrayView buffered() const { return m_buffer; }
    void clearInput() { m_buffer.clear(); }

    Event next();

    // The head of the current request; after Error, what of it was read before the refusal.
    const RequestHead &head() const { return m_head; }
    // The current request's head section has been taken from the input (it may still have
    // been refused): head() is that request's, not the previous one's.
    bool headTaken() const { return m_headTaken; }
    const QByteArray &bodyChunk() const { return m_chunk; }
    const Failure &failure() const { return m_failure; }

    bool inBody() const { return m_state == State::Body || m_state == State::Chunked; }
    qint64 bodyRemaining() const { return m_bodyRemaining; } // Content-Length bodies
    qint64 bodyReceived() const { return m_received; }

private:
    enum class State { Head, Body, Chunked, Failed };

    Event parseHead();
    Event readBody();
    Event readChunked();
    Event fail(core::ErrorCode code, const QString &message, bool limit = false);
    Event bad(const QString &message) { return fail(core::ErrorCode::InvalidRequest, message); }
    bool parseRequestLine(QByteArrayView line);
    bool parseFields(QByteArrayView fields);
    bool parseTarget();
    bool parseFraming();
    Event done();

    qint64 m_maxHeaderBytes;
    int m_maxHeaderCount;
    qint64 m_maxBodyBytes;
    QByteArray m_buffer;
    State m_state = State::Head;
    RequestHead m_head;
    bool m_headTaken = false;
    QByteArray m_chunk;
    Failure m_failure;
    qint64 m_bodyRemaining = 0;
    qint64 m_received = 0;
    qint64 m_chunkRemaining = -1; // -1: expecting a chunk-size line; -2: expecting trailers
    qint64 m_trailerBytes = 0; // of the trailer section so far (bounded by maxHeaderBytes)
};

} // namespace tap::http
