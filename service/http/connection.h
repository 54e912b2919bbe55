#pragma once

#include "core/error.h"
#include "http/bodystream.h"
#include "http/lazytimer.h"
#include "http/limits.h"
#include "http/request.h"
#include "http/requestparser.h"
#include "http/responder.h"

#include <QElapsedTimer>
#include <QObject>

#include <functional>

namespace tap::http {

class Socket;

struct Metrics;
using Handler = std::function<void(const Request &, Responder)>;

// One HTTP/1.1 server connection (RFC 9112): parses requests under the limits, hands each
// complete request to the handler, writes responses strictly in request order (a pipelined
// request is not read until the previous response is done), and enforces the timeouts.
// Lives in one worker thread; deletes itself when the socket closes.
class Connection : public QObject
{
    Q_OBJECT
public:
    Connection(qintptr socketDescriptor, const Limits &limits, const Handler &handler,
               Metrics &metrics, QObject *responderContext, QObject *parent);
    ~Connection() override;

    // Called through Responder, on this connection's thread.
    void deliver(quint64 sequence, Response response);
    void deliverBegin(quint64 sequence, int status, HeaderList headers);
    void deliverChunk(quint64 sequence, QByteArray chunk);
    void deliverEnd(quint64 sequence);
    void deliverAbort(quint64 sequence);

    qint64 pendingOutput() const;
    void setDrainCallback(quint64 sequence, qint64 lowWatermark, std::function<void()> callback);

    // Stop taking new requests: close now if idle, else after the current response.
    void drain();
    bool isBusy() const { return m_state == State::Processing; }

private:
    enum class State { Idle, Head, Body, Processing, Closing };
    enum class Step { NeedMore, Progress, Stop };

    void onReadyRead();
    void onDisconnected();
    void onReadClosed();
    void probePeer();
    bool peerDone() const;
    bool closesAfterResponse() const;
    QByteArray responseHead(int status, const HeaderList &headers, qint64 bodyLength);
    qint64 bodyTimerMs() const;
    void lingerClose();
    void discardLingering();
    void closeNow();
    void onTimeout();
    void onBytesWritten();
    void processBuffer();
    void readSome();
    Step readHead();
    void adoptHead();
    Step readBodyStep();
    void failParse();
    void dispatch();
    void pumpBody();
    void appendBody(QByteArrayView bytes);
    qint64 bodySoFar() const;
    void bodyComplete();
    void retireRequest();
    void finishResponse();
    void completeResponse();
    void failAndClose(const core::Error &error);
    void closeAfterWrite();
    void armTimer();
    void countStatus(int status);
    void logRequest(int status);

    Socket *m_socket;
    const Limits &m_limits;
    const Handler &m_handler;
    Metrics &m_metrics;
    QObject *m_responderContext;
    LazyTimer m_timer{ this, [this] { onTimeout(); } };
    QElapsedTimer m_clock;
    RequestParser m_parser; // holds the unread input
    Request m_request;
    State m_state = State::Idle;
    bool m_keepAlive = true;
    bool m_draining = false;
    bool m_isHead = false;
    bool m_haveHead = false; // the current request's head has been parsed
    bool m_bodyless = false; // the streamed response under way has no body (HEAD, 204, ...)
    bool m_lingering = false; // error sent, sending side shut: dropping what still comes
    qint64 m_lingerBytes = 0;
    // A streamed request body, and whether its response is done while the rest of the body is
    // still read (and dropped) so that the connection stays usable.
    std::shared_ptr<BodyStream> m_bodyStream;
    bool m_responseDone = false;
    bool m_streaming = false;
    quint64 m_sequence = 0;
    std::shared_ptr<Responder::State> m_responder;
    std::function<void()> m_drainCallback;
    qint64 m_drainWatermark = 0;
    QElapsedTimer m_requestTimer;
};

} // namespace tap::http
