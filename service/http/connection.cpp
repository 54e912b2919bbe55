#include "http/connection.h"

#include "core/logging.h"
#include "http/metrics.h"
#include "http/socket.h"

#include <QPointer>

namespace tap::http {

using core::Error;
using core::ErrorCode;

namespace {

constexpr qint64 kReadChunk = 64 * 1024;

} // namespace

Connection::Connection(qintptr socketDescriptor, const Limits &limits, const Handler &handler,
                       Metrics &metrics, QObject *responderContext, QObject *parent)
    : QObject(parent),
      m_socket(new Socket(socketDescriptor, this)),
      m_limits(limits),
      m_handler(handler),
      m_metrics(metrics),
      m_responderContext(responderContext),
      m_parser(limits.maxHeaderBytes, limits.maxHeaderCount, limits.maxBodyBytes)
{
    m_socket->setReadBufferSize(kReadChunk); // backpressure: the kernel holds the rest
    m_request.peerAddress = m_socket->peerAddress();
    connect(m_socket, &Socket::readyRead, this, &Connection::onReadyRead);
    connect(m_socket, &Socket::readClosed, this, &Connection::onReadClosed);
    connect(m_socket, &Socket::disconnected, this, &Connection::onDisconnected);
    connect(m_socket, &Socket::bytesWritten, this, &Connection::onBytesWritten);
    ++m_metrics.openConnections;
    ++m_metrics.connectionsAccepted;
    armTimer();
}

Connection::~Connection()
{
    --m_metrics.openConnections;
    if (m_state == State::Processing) { // deleted by Server::stop() with a request in flight
        --m_metrics.inFlight;
        ++m_metrics.clientAborts;
    }
    if (m_responder) {
        // Not called from here (it could reach back into this half-destroyed object), but
        // released: it may hold the responder, and so its own State (a leak otherwise).
        m_responder->finished = true;
        m_responder->cancel = nullptr;
    }
}

void Connection::armTimer()
{
    switch (m_state) {
    case State::Idle: // a new connection gets less time for its first byte than a kept-alive one
        m_timer.start(m_sequence == 0 ? m_limits.firstByteTimeoutMs : m_limits.keepAliveTimeoutMs);
        break;
    case State::Head:
        m_timer.start(qMax<qint64>(1, m_limits.headerTimeoutMs - m_clock.elapsed()));
        break;
    case State::Body:
        m_timer.start(bodyTimerMs());
        break;
    case State::Processing:
    case State::Closing:
        if (m_lingering) // its own deadline, set once
            break;
        if (m_responseDone) // answered; the rest of a streamed body must keep coming
            m_timer.start(bodyTimerMs());
        else if (m_socket->bytesToWrite() > 0)
            m_timer.start(m_limits.writeStallTimeoutMs);
        else
            m_timer.stop();
        break;
    }
}

// The body must keep moving, and come whole at a minimum average rate: a client trickling a
// byte now and then cannot hold the connection for long.
qint64 Connection::bodyTimerMs() const
{
    const qint64 budget =
            m_parser.head().chunked ? bodySoFar() : bodySoFar() + m_parser.bodyRemaining();
    const qint64 overall = m_limits.bodyIdleTimeoutMs
            + budget * 1000 / qMax(1, m_limits.minBodyBytesPerSecond) - m_clock.elapsed();
    return qMax<qint64>(1, qMin<qint64>(m_limits.bodyIdleTimeoutMs, overall));
}

void Connection::onTimeout()
{
    switch (m_state) {
    case State::Idle:
        m_socket->abort();
        onDisconnected();
        break;
    case State::Head:
    case State::Body:
        ++m_metrics.limitRejections;
        failAndClose(Error(ErrorCode::RequestTimeout,
                           QStringLiteral("The request was not received in time.")));
        break;
    case State::Processing:
    case State::Closing:
        if (m_lingering || m_responseDone || m_socket->bytesToWrite() > 0) { // stalled, or done
            m_socket->abort();
            onDisconnected();
        }
        break;
    }
}

void Connection::onBytesWritten()
{
    if (m_state == State::Processing || m_state == State::Closing)
        armTimer();
    if (m_drainCallback && m_socket->bytesToWrite() <= m_drainWatermark)
        std::exchange(m_drainCallback, nullptr)();
}

qint64 Connection::pendingOutput() const
{
    return m_socket->bytesToWrite();
}

void Connection::setDrainCallback(quint64 sequence, qint64 lowWatermark,
                                  std::function<void()> callback)
{
    if (sequence != m_sequence || m_state != State::Processing)
        return;
    m_drainWatermark = lowWatermark;
    m_drainCallback = std::move(callback);
    if (m_socket->bytesToWrite() <= lowWatermark) // already drained
        QMetaObject::invokeMethod(this, &Connection::onBytesWritten, Qt::QueuedConnection);
}

void Connection::onDisconnected()
{
    // Leave Processing before calling back: a response sent from the cancel callback, or one
    // queued before the deferred delete, is then dropped instead of being written to the
    // closed socket and counted as delivered.
    const bool aborted = m_state == State::Processing && !m_responseDone;
    m_state = State::Closing;
    if (m_bodyStream)
        m_bodyStream->fail();
    if (aborted) {
        --m_metrics.inFlight;
        ++m_metrics.clientAborts;
        if (m_responder) {
            m_responder->finished = true;
            if (auto cancel = std::exchange(m_responder->cancel, nullptr))
                cancel();
        }
    }
    m_timer.stop();
    disconnect(m_socket, nullptr, this, nullptr);
    deleteLater();
}

void Connection::onReadyRead()
{
    if (m_lingering)
        return discardLingering();
    if (m_state == State::Processing && m_bodyStream && !m_bodyStream->finished())
        return pumpBody(); // the handler (or the discarding after its answer) takes the body
    if (m_state == State::Processing || m_state == State::Closing)
        return; // pipelined data waits until the current response is complete
    if (m_state == State::Idle && m_parser.buffered().isEmpty() && m_socket->bytesAvailable() > 0) {
        m_state = State::Head;
        m_haveHead = false;
        m_isHead = false;
        m_clock.start();
    }
    readSome();
    processBuffer();
}

void Connection::readSome()
{
    // Straight into the buffer, sized by what is there: read(kReadChunk) would allocate (and
    // free) 64 KiB per call, which costs more than a small request itself.
    const qint64 n = qMin<qint64>(kReadChunk, m_socket->bytesAvailable());
    if (n <= 0)
        return;
    QByteArray &buffer = m_parser.input();
    const qsizetype old = buffer.size();
    buffer.resize(old + n);
    const qint64 got = m_socket->read(buffer.data() + old, n);
    buffer.resize(old + qMax<qint64>(0, got));
}

void Connection::processBuffer()
{
    for (;;) {
        Step step = Step::Stop;
        switch (m_state) {
        case State::Idle:
            if (m_parser.buffered().isEmpty())
                return peerDone() ? closeAfterWrite() : armTimer(); // the client left
            m_state = State::Head;
            m_haveHead = false;
            m_isHead = false;
            m_clock.start();
            step = Step::Progress;
            break;
        case State::Head:
            step = readHead();
            break;
        case State::Body:
            step = readBodyStep();
            break;
        case State::Processing:
        case State::Closing:
            return;
        }
        if (step == Step::Stop)
            return;
        if (step == Step::NeedMore) {
            if (m_socket->bytesAvailable() > 0
                && m_socket->state() == QAbstractSocket::ConnectedState) {
                readSome();
                continue;
            }
            if (peerDone()) // the client sends no more: its request stays incomplete
                return closeAfterWrite();
            return armTimer();
        }
    }
}

// The head of a request, from the parser; then what only a connection does with it: the interim
// 100 (Continue), and a streamed body handed to the handler at once.
Connection::Step Connection::readHead()
{
    switch (m_parser.next()) {
    case RequestParser::Event::NeedMore:
        return Step::NeedMore;
    case RequestParser::Event::Head:
        break;
    case RequestParser::Event::BodyChunk: // not before a head
    case RequestParser::Event::Done:
    case RequestParser::Event::Error:
        failParse();
        return Step::Stop;
    }
    adoptHead();
    const RequestHead &head = m_parser.head();
    m_keepAlive = head.keepAlive;
    const bool bodyFollows = head.chunked || head.contentLength > 0;
    if (head.expectContinue && head.httpMinor == 1 && bodyFollows && m_parser.buffered().isEmpty())
        m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
    m_state = State::Body;
    m_clock.start();
    if (bodyFollows && m_limits.streamBody && m_limits.streamBody(m_request)) {
        m_bodyStream = std::make_shared<BodyStream>(head.chunked ? -1 : head.contentLength);
        m_request.bodyStream = m_bodyStream;
        m_bodyStream->onConsumed([self = QPointer<Connection>(this)] {
            if (self)
                QMetaObject::invokeMethod(self, &Connection::pumpBody, Qt::QueuedConnection);
        });
        dispatch();
        pumpBody();
        return Step::Stop;
    }
    return Step::Progress;
}

// The current request becomes the parsed head (what of it was read, when it was refused).
void Connection::adoptHead()
{
    const RequestHead &head = m_parser.head();
    Request &r = m_request;
    const QHostAddress peer = r.peerAddress;
    r = Request();
    m_haveHead = true;
    r.peerAddress = peer;
    r.method = head.method;
    r.target = head.target;
    r.rawPath = head.rawPath;
    r.rawQuery = head.rawQuery;
    r.segments = head.segments;
    r.headers = head.headers;
    r.httpMinor = head.httpMinor;
    m_isHead = r.method == "HEAD";
}

// The parser refused the request: answer with its status and close.
void Connection::failParse()
{
    if (m_state == State::Head && m_parser.headTaken())
        adoptHead();
    const RequestParser::Failure &failure = m_parser.failure();
    if (failure.limit)
        ++m_metrics.limitRejections;
    failAndClose(Error(failure.code, failure.message));
}

void Connection::dispatch()
{
    m_state = State::Processing;
    ++m_metrics.inFlight;
    armTimer();
    m_requestTimer.start();
    auto state = std::make_shared<Responder::State>();
    state->connection = this;
    state->context = m_responderContext;
    state->sequence = ++m_sequence;
    m_responder = state;
    m_handler(m_request, Responder(state));
}

void Connection::countStatus(int status)
{
    const int cls = qBound(0, status / 100, 5);
    ++m_metrics.responsesByClass[cls];
}

void Connection::logRequest(int status)
{
    if (status < 500 && !m_limits.quietPaths.isEmpty()
        && m_limits.quietPaths.contains(m_request.rawPath))
        return;
    // One line per request: built directly, no QJsonObject (this runs on every request).
    QByteArray fields;
    fields.reserve(160);
    fields += "\x1e{\"msg\":\"request\",\"method\":";
    core::appendJsonString(fields, m_request.method);
    fields += ",\"path\":";
    core::appendJsonString(fields,
                           QByteArrayView(m_request.rawPath)
                                   .first(qMin<qsizetype>(512, m_request.rawPath.size())));
    fields += ",\"status\":" + QByteArray::number(status) + ",\"duration_ms\":"
            + QByteArray::number(double(m_requestTimer.nsecsElapsed()) / 1e6, 'f', 3)
            + ",\"peer\":\"" + m_request.peerAddress.toString().toLatin1() + "\"}";
    qCInfo(core::lcHttp).noquote() << QString::fromUtf8(fields);
}

void Connection::deliver(quint64 sequence, Response response)
{
    if (m_state != State::Processing || sequence != m_sequence || m_streaming)
        return;
    if (m_socket->isReadClosed() && m_socket->watchForReset())
        return onDisconnected(); // the client closed its socket, not only its sending side
    countStatus(response.status);
    logRequest(response.status);
    QByteArray out = responseHead(response.status, response.headers, response.body.size());
    if (responseHasBody(response.status, m_isHead))
        out += response.body;
    retireRequest(); // before the write, which may reach the client at once
    m_socket->write(out);
    finishResponse();
}

// The head of the current request's response, framed by the one rule for all routes
// (bodyFraming()): no body, chunk or Content-Length where RFC 9112 §6.3 allows none.
QByteArray Connection::responseHead(int status, const HeaderList &headers, qint64 bodyLength)
{
    const bool close = closesAfterResponse();
    QByteArray framing = bodyFraming(status, m_isHead, m_request.httpMinor, headers, bodyLength);
    // An HTTP/1.0 client keeps the connection only when told so.
    if (!close && m_request.httpMinor == 0)
        framing += framing.isEmpty() ? "Connection: keep-alive" : "\r\nConnection: keep-alive";
    return serializeHead(status, headers, framing, close);
}

bool Connection::peerDone() const
{
    return m_socket->isReadClosed() && m_socket->bytesAvailable() == 0;
}

// Closes after this response: asked to, or the client has sent all it will (FIN) and no
// request of it is left to answer.
bool Connection::closesAfterResponse() const
{
    return !m_keepAlive || m_draining || (peerDone() && m_parser.buffered().isEmpty());
}

void Connection::deliverBegin(quint64 sequence, int status, HeaderList headers)
{
    if (m_state != State::Processing || sequence != m_sequence || m_streaming)
        return;
    if (m_socket->isReadClosed() && m_socket->watchForReset())
        return onDisconnected();
    countStatus(status);
    logRequest(status);
    m_streaming = true;
    m_bodyless = !responseHasBody(status, m_isHead);
    if (m_request.httpMinor == 0 && !m_bodyless)
        m_keepAlive = false; // close-delimited body
    m_socket->write(responseHead(status, headers, -1));
}

void Connection::deliverChunk(quint64 sequence, QByteArray chunk)
{
    if (m_state != State::Processing || sequence != m_sequence || !m_streaming || chunk.isEmpty()
        || m_bodyless)
        return;
    if (m_request.httpMinor == 1) {
        m_socket->write(QByteArray::number(chunk.size(), 16) + "\r\n");
        m_socket->write(chunk);
        m_socket->write("\r\n");
    } else {
        m_socket->write(chunk);
    }
    armTimer();
}

void Connection::deliverEnd(quint64 sequence)
{
    if (m_state != State::Processing || sequence != m_sequence || !m_streaming)
        return;
    m_streaming = false;
    retireRequest(); // before the write, which may reach the client at once
    // The last chunk goes out from the event loop, not at once: what the handler does right
    // after end() (/forward completes the stream's audit record) is done before the client has
    // the whole answer.
    if (m_request.httpMinor == 1 && !m_bodyless)
        m_socket->writeFromLoop("0\r\n\r\n");
    finishResponse();
}

void Connection::deliverAbort(quint64 sequence)
{
    if (m_state != State::Processing || sequence != m_sequence)
        return;
    // What was written still goes out, then the connection closes without the terminating
    // chunk: an incomplete chunked message (RFC 9112 §8), which no client takes as complete.
    m_keepAlive = false;
    m_streaming = false;
    --m_metrics.inFlight;
    if (m_responder) {
        m_responder->finished = true;
        m_responder->cancel = nullptr;
    }
    m_responder.reset();
    m_drainCallback = nullptr;
    closeAfterWrite();
}

// The response is complete (its last bytes are being written): the request is no longer in
// flight. Done before that write, since the client may have the answer as soon as write()
// returns (Socket sends at once), and then sees the metrics as they are after its request.
void Connection::retireRequest()
{
    m_drainCallback = nullptr;
    --m_metrics.inFlight;
    if (m_responder) {
        m_responder->finished = true;
        // The callback may hold the responder, and so its own State: release it with the request.
        m_responder->cancel = nullptr;
    }
    m_responder.reset();
}

void Connection::finishResponse()
{
    if (m_bodyStream && !m_bodyStream->finished()) {
        // Answered before the whole body came: read the rest and drop it, then go on.
        m_responseDone = true;
        m_bodyStream->discard();
        armTimer();
        QMetaObject::invokeMethod(this, &Connection::pumpBody, Qt::QueuedConnection);
        return;
    }
    completeResponse();
}

void Connection::completeResponse()
{
    m_responseDone = false;
    m_bodyStream.reset();
    m_request.bodyStream.reset();
    if (closesAfterResponse()) {
        closeAfterWrite();
        return;
    }
    m_state = State::Idle;
    m_request.body.clear();
    armTimer();
    // Next pipelined request (or bytes that arrived meanwhile), from the event loop so that a
    // long pipeline does not recurse. Nothing there: the socket's readyRead() brings the next
    // one (a posted call would cost a wake-up per request).
    if (!m_parser.buffered().isEmpty() || m_socket->bytesAvailable() > 0)
        QMetaObject::invokeMethod(this, &Connection::onReadyRead, Qt::QueuedConnection);
}

void Connection::closeNow()
{
    m_socket->abort();
    onDisconnected();
}

// A FIN while the handler works: the client closed its sending side and waits for the answer
// (answered, then closed), or closed its socket and is gone. A closed socket answers what is
// sent to it with a reset: an HTTP/1.1 client takes an interim 100 (Continue) in its stride
// (RFC 9110 §15.2), and the socket reports the reset as a disconnect (the handler's cancel).
void Connection::probePeer()
{
    if (!m_streaming && m_request.httpMinor == 1)
        m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
    if (m_socket->watchForReset())
        onDisconnected();
}

void Connection::onReadClosed()
{
    switch (m_state) {
    case State::Idle:
    case State::Head:
    case State::Body:
        return processBuffer(); // answers what is complete; closes when nothing more can come
    case State::Processing:
        if (m_bodyStream && !m_bodyStream->finished())
            return pumpBody(); // the body stays incomplete: that ends the request
        return probePeer();
    case State::Closing:
        if (m_lingering) // the client has read the error and is done
            closeAfterWrite();
        return;
    }
}

// RFC 9112 §9.6: the error is sent and the sending side shut down; what the client still
// sends (the rest of a body it was writing) is read and dropped for a while, so that closing
// does not reset the connection before the client has read the answer.
void Connection::lingerClose()
{
    m_state = State::Closing;
    if (m_socket->isReadClosed()) // nothing more will come
        return closeAfterWrite();
    m_lingering = true;
    m_lingerBytes = 0;
    m_socket->shutdownWrite();
    m_timer.start(m_limits.lingerTimeoutMs);
    discardLingering();
}

void Connection::discardLingering()
{
    m_lingerBytes += m_socket->discardInput();
    if (m_lingerBytes > m_limits.lingerMaxBytes)
        closeNow();
}

void Connection::closeAfterWrite()
{
    m_state = State::Closing;
    armTimer();
    m_socket->disconnectFromHost(); // flushes what is buffered, then closes
    if (m_socket->state() == QAbstractSocket::UnconnectedState)
        onDisconnected();
}

void Connection::failAndClose(const Error &error)
{
    if (m_state == State::Processing && m_bodyStream) {
        // A streamed body turned out malformed or too large while its handler runs: the
        // handler learns it from the stream, and nothing more is read from this client.
        m_bodyStream->fail();
        const bool answered = m_responseDone || (m_responder && m_responder->started);
        if (!m_responseDone) {
            --m_metrics.inFlight;
            if (m_responder) {
                m_responder->finished = true;
                if (auto cancel = std::exchange(m_responder->cancel, nullptr))
                    cancel();
            }
        }
        m_responseDone = false;
        m_state = State::Closing;
        if (answered) { // the status line is gone already: a reset is all that is left
            m_socket->abort();
            onDisconnected();
            return;
        }
    }
    Response response = Response::error(error);
    if (m_limits.decorateError) {
        // The path of the refused request: from its parsed head, or from the request line
        // still in the buffer (431 before the head was complete).
        QByteArrayView line = m_haveHead ? QByteArrayView(m_request.target) : QByteArrayView();
        if (!m_haveHead) {
            const QByteArrayView buffer = m_parser.buffered();
            const qsizetype first = buffer.indexOf(' ');
            const qsizetype second = first < 0 ? -1 : buffer.indexOf(' ', first + 1);
            if (second > first)
                line = buffer.sliced(first + 1, second - first - 1);
        }
        if (const qsizetype q = line.indexOf('?'); q >= 0)
            line = line.first(q);
        m_limits.decorateError(line, response.headers);
    }
    countStatus(response.status);
    logRequest(response.status);
    m_keepAlive = false;
    QByteArray out = responseHead(response.status, response.headers, response.body.size());
    if (responseHasBody(response.status, m_isHead))
        out += response.body;
    m_socket->write(out);
    m_parser.clearInput();
    lingerClose();
}

void Connection::drain()
{
    m_draining = true;
    if (m_state == State::Idle && m_parser.buffered().isEmpty())
        closeAfterWrite();
}

} // namespace tap::http
