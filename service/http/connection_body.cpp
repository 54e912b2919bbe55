// The request body of a Connection: Content-Length and chunked framing (RFC 9112 §6, §7.1),
// buffered into the request or streamed to the handler with backpressure. The head, dispatch
// and the response side are in connection.cpp.
#include "http/connection.h"

#include "http/socket.h"

namespace tap::http {

// The body of the current request, from the parser: appended to the request or its stream,
// until the parser has it whole (Done), wants more input, or refuses it.
Connection::Step Connection::readBodyStep()
{
    for (;;) {
        switch (m_parser.next()) {
        case RequestParser::Event::BodyChunk:
            appendBody(m_parser.bodyChunk());
            continue;
        case RequestParser::Event::NeedMore:
            return Step::NeedMore;
        case RequestParser::Event::Done:
            if (m_bodyStream)
                bodyComplete();
            else
                dispatch();
            return Step::Stop;
        case RequestParser::Event::Head: // not in a body
        case RequestParser::Event::Error:
            break;
        }
        failParse();
        return Step::Stop;
    }
}

void Connection::pumpBody()
{
    if (!m_bodyStream || m_bodyStream->finished() || m_bodyStream->failed()
        || m_state != State::Processing)
        return;
    for (;;) {
        if (!m_bodyStream->wantsMore())
            return; // resumed when the handler has read some (onConsumed)
        const Step step = readBodyStep();
        if (step == Step::Stop || !m_bodyStream || m_state != State::Processing)
            return;
        if (m_socket->bytesAvailable() > 0
            && m_socket->state() == QAbstractSocket::ConnectedState) {
            readSome();
            continue;
        }
        if (peerDone()) // the client sends no more: the body stays incomplete
            return m_responseDone ? closeAfterWrite() : closeNow();
        return; // onReadyRead brings more
    }
}

void Connection::appendBody(QByteArrayView bytes)
{
    if (m_bodyStream)
        m_bodyStream->append(bytes);
    else
        m_request.body += bytes;
}

qint64 Connection::bodySoFar() const
{
    return m_bodyStream ? m_bodyStream->received() : m_request.body.size();
}

void Connection::bodyComplete()
{
    m_bodyStream->finish();
    if (m_responseDone)
        completeResponse();
}

} // namespace tap::http
