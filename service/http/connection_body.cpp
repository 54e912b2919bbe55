// The request body of a Connection: Content-Length and chunked framing (RFC 9112 §6, §7.1),
// buffered into the request or streamed to the handler with backpressure. The head, dispatch
// and the response side are in connection.cpp.
#include "http/connection.h"

#include "http/metrics.h"

#include "http/socket.h"

#include <algorithm>

namespace tap::http {

using core::Error;
using core::ErrorCode;

namespace {

constexpr qint64 kMaxChunkSizeLine = 1024;

bool isHexDigit(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

Error badRequest(const QString &why)
{
    return Error(ErrorCode::InvalidRequest, why);
}

} // namespace

Connection::Step Connection::readBody()
{
    const qint64 take = qMin<qint64>(m_bodyRemaining, m_buffer.size());
    if (take > 0) {
        appendBody(QByteArrayView(m_buffer).first(take));
        m_buffer.remove(0, take);
        m_bodyRemaining -= take;
    }
    if (m_bodyRemaining > 0)
        return Step::NeedMore;
    if (m_bodyStream)
        bodyComplete();
    else
        dispatch();
    return Step::Stop;
}

Connection::Step Connection::readChunked()
{
    // Trailer fields are a header section too: bounded like the head, or an endless trailer
    // section would keep the connection busy for as long as the client likes.
    const auto trailersTooLarge = [this] {
        ++m_metrics.limitRejections;
        failAndClose(Error(ErrorCode::HeadersTooLarge,
                           QStringLiteral("The request trailers are too large.")));
        return Step::Stop;
    };
    for (;;) {
        if (m_chunkRemaining >= 0) { // inside chunk data (+ its CRLF)
            if (m_chunkRemaining > 0) {
                const qint64 take = qMin<qint64>(m_chunkRemaining, m_buffer.size());
                appendBody(QByteArrayView(m_buffer).first(take));
                m_buffer.remove(0, take);
                m_chunkRemaining -= take;
                if (m_chunkRemaining > 0)
                    return Step::NeedMore;
            }
            if (m_buffer.size() < 2)
                return Step::NeedMore;
            if (!m_buffer.startsWith("\r\n")) {
                failAndClose(badRequest(QStringLiteral("A chunk is not followed by CRLF.")));
                return Step::Stop;
            }
            m_buffer.remove(0, 2);
            m_chunkRemaining = -1;
            continue;
        }
        const qsizetype eol = m_buffer.indexOf("\r\n");
        if (eol < 0) {
            if (m_chunkRemaining == -2) {
                if (m_trailerBytes + m_buffer.size() > m_limits.maxHeaderBytes)
                    return trailersTooLarge();
            } else if (m_buffer.size() > kMaxChunkSizeLine) {
                failAndClose(badRequest(QStringLiteral("A chunk header is too long.")));
                return Step::Stop;
            }
            return Step::NeedMore;
        }
        const QByteArray line = m_buffer.left(eol);
        m_buffer.remove(0, eol + 2);
        if (m_chunkRemaining == -2) { // trailers, ignored, until the empty line
            m_trailerBytes += eol + 2;
            if (m_trailerBytes > m_limits.maxHeaderBytes)
                return trailersTooLarge();
            if (line.isEmpty()) {
                if (m_bodyStream)
                    bodyComplete();
                else
                    dispatch();
                return Step::Stop;
            }
            continue;
        }
        QByteArray sizeText = line;
        if (const qsizetype semi = sizeText.indexOf(';'); semi >= 0)
            sizeText.truncate(semi);
        while (sizeText.endsWith(' ') || sizeText.endsWith('\t')) // BWS before a chunk-ext
            sizeText.chop(1);
        // chunk-size is 1*HEXDIG (RFC 9112 §7.1). toLongLong() alone also takes a sign, "0x"
        // and leading blanks, which a proxy in front of us may frame differently (smuggling).
        bool ok = !sizeText.isEmpty() && sizeText.size() <= 15
                && std::all_of(sizeText.begin(), sizeText.end(), isHexDigit);
        const qint64 size = ok ? sizeText.toLongLong(&ok, 16) : -1;
        if (!ok || size < 0) {
            failAndClose(badRequest(QStringLiteral("A chunk size is malformed.")));
            return Step::Stop;
        }
        if (bodySoFar() + size > m_limits.maxBodyBytes) {
            ++m_metrics.limitRejections;
            failAndClose(Error(ErrorCode::PayloadTooLarge,
                               QStringLiteral("The request body is larger than %1 bytes.")
                                       .arg(m_limits.maxBodyBytes)));
            return Step::Stop;
        }
        m_chunkRemaining = size == 0 ? -2 : size;
        m_trailerBytes = 0;
        if (size == 0)
            continue;
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
        const Step step = m_chunkedRequest ? readChunked() : readBody();
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
