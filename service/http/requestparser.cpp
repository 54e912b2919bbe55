#include "http/requestparser.h"

#include <QScopeGuard>
#include <QUrl>

#include <algorithm>
#include <array>
#include <string_view>

namespace tap::http {

using core::ErrorCode;

namespace {

constexpr qint64 kMaxChunkSizeLine = 1024;

// RFC 9110 §5.6.2 tchar: visible ASCII except the separators. A table: read for every byte of
// every header name.
constexpr std::array<bool, 256> kTokenChars = [] {
    std::array<bool, 256> t{};
    for (int c = 33; c < 127; ++c)
        t[size_t(c)] = true;
    for (const char c : std::string_view("()<>@,;:\\\"/[]?={}"))
        t[uchar(c)] = false;
    return t;
}();

bool isTokenChar(char c)
{
    return kTokenChars[uchar(c)];
}

bool isToken(QByteArrayView s)
{
    return !s.isEmpty() && std::all_of(s.begin(), s.end(), isTokenChar);
}

bool hasBadFieldChar(QByteArrayView s)
{
    for (char c : s) {
        const auto u = uchar(c);
        if ((u < 32 && c != '\t') || u == 127)
            return true;
    }
    return false;
}

bool isHexDigit(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

QList<QByteArray> values(const QList<QPair<QByteArray, QByteArray>> &headers, QByteArrayView name)
{
    QList<QByteArray> found;
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            found << value;
    }
    return found;
}

qsizetype countValues(const QList<QPair<QByteArray, QByteArray>> &headers, QByteArrayView name)
{
    return std::count_if(headers.begin(), headers.end(), [name](const auto &header) {
        return header.first.compare(name, Qt::CaseInsensitive) == 0;
    });
}

bool listHasToken(const QList<QByteArray> &list, QByteArrayView token)
{
    for (const QByteArray &v : list) {
        for (const QByteArray &part : v.split(',')) {
            if (part.trimmed().compare(token, Qt::CaseInsensitive) == 0)
                return true;
        }
    }
    return false;
}

} // namespace

RequestParser::RequestParser(qint64 maxHeaderBytes, int maxHeaderCount, qint64 maxBodyBytes)
    : m_maxHeaderBytes(maxHeaderBytes),
      m_maxHeaderCount(maxHeaderCount),
      m_maxBodyBytes(maxBodyBytes)
{
}

RequestParser::Event RequestParser::next()
{
    switch (m_state) {
    case State::Head:
        return parseHead();
    case State::Body:
        return readBody();
    case State::Chunked:
        return readChunked();
    case State::Failed:
        break;
    }
    return Event::Error;
}

RequestParser::Event RequestParser::fail(ErrorCode code, const QString &message, bool limit)
{
    m_state = State::Failed;
    m_failure = Failure{ code, message, limit };
    return Event::Error;
}

RequestParser::Event RequestParser::done()
{
    m_state = State::Head;
    m_headTaken = false;
    return Event::Done;
}

RequestParser::Event RequestParser::parseHead()
{
    // RFC 9112 §2.2: ignore empty lines before the request line.
    while (m_buffer.startsWith("\r\n"))
        m_buffer.remove(0, 2);
    const qsizetype end = m_buffer.indexOf("\r\n\r\n");
    // Lines end with CRLF. A head with bare LF line endings never holds CRLFCRLF: refuse it as
    // soon as a bare LF shows up, not at the header timeout. Only within the size limit: what
    // lies beyond it is refused as too large (431) however the bytes were split into reads.
    const qsizetype headEnd = qMin<qint64>(end < 0 ? m_buffer.size() : end, m_maxHeaderBytes + 1);
    for (qsizetype lf = m_buffer.indexOf('\n'); lf >= 0 && lf < headEnd;
         lf = m_buffer.indexOf('\n', lf + 1)) {
        if (lf == 0 || m_buffer.at(lf - 1) != '\r')
            return bad(QStringLiteral("Header lines must end with CRLF."));
    }
    if ((end < 0 && m_buffer.size() > m_maxHeaderBytes) || (end >= 0 && end + 4 > m_maxHeaderBytes))
        return fail(ErrorCode::HeadersTooLarge,
                    QStringLiteral("The request headers are too large."), true);
    if (end < 0)
        return Event::NeedMore;
    // Parsed in place; the head leaves the input however parsing ends.
    const auto consume = qScopeGuard([this, end] { m_buffer.remove(0, end + 4); });
    const QByteArrayView head(m_buffer.constData(), end);

    m_head = RequestHead();
    m_headTaken = true;
    // Each line but the last ends with '\r' (above).
    const qsizetype firstEnd = head.indexOf('\n');
    const QByteArrayView requestLine = firstEnd < 0 ? head : head.first(firstEnd);
    const QByteArrayView fields = firstEnd < 0 ? QByteArrayView() : head.sliced(firstEnd + 1);
    if (!parseRequestLine(requestLine.trimmed()) || (firstEnd >= 0 && !parseFields(fields))
        || !parseTarget() || !parseFraming())
        return Event::Error;
    m_received = 0;
    m_state = m_head.chunked ? State::Chunked : State::Body;
    return Event::Head;
}

bool RequestParser::parseRequestLine(QByteArrayView line)
{
    // Exactly three parts separated by single spaces.
    const qsizetype first = line.indexOf(' ');
    const qsizetype second = first < 0 ? -1 : line.indexOf(' ', first + 1);
    const bool three = second >= 0 && line.indexOf(' ', second + 1) < 0;
    const QByteArrayView method = three ? line.first(first) : QByteArrayView();
    const QByteArrayView target =
            three ? line.sliced(first + 1, second - first - 1) : QByteArrayView();
    const QByteArrayView version = three ? line.sliced(second + 1) : QByteArrayView();
    if (!three || !isToken(method) || target.isEmpty() || hasBadFieldChar(target)) {
        bad(QStringLiteral("The request line is malformed."));
        return false;
    }
    if (version == "HTTP/1.1") {
        m_head.httpMinor = 1;
    } else if (version == "HTTP/1.0") {
        m_head.httpMinor = 0;
    } else {
        if (version.startsWith("HTTP/"))
            fail(ErrorCode::VersionNotSupported,
                 QStringLiteral("Only HTTP/1.0 and HTTP/1.1 are supported."));
        else
            bad(QStringLiteral("The request line is malformed."));
        return false;
    }
    m_head.method = method.toByteArray();
    m_head.target = target.toByteArray();
    return true;
}

// The header lines, separated by '\n' (each but the last ends with '\r').
bool RequestParser::parseFields(QByteArrayView fields)
{
    m_head.headers.reserve(fields.count('\n') + 1);
    for (qsizetype from = 0; from <= fields.size();) {
        const qsizetype lf = fields.indexOf('\n', from);
        QByteArrayView line = fields.sliced(from, (lf < 0 ? fields.size() : lf) - from);
        from = lf < 0 ? fields.size() + 1 : lf + 1;
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.startsWith(' ') || line.startsWith('\t')) {
            bad(QStringLiteral("Folded header lines are not accepted."));
            return false;
        }
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0 || !isToken(line.first(colon))) {
            bad(QStringLiteral("A header line is malformed."));
            return false;
        }
        const QByteArrayView value = line.sliced(colon + 1).trimmed();
        if (hasBadFieldChar(value)) {
            bad(QStringLiteral("A header value holds control characters."));
            return false;
        }
        m_head.headers.append({ line.first(colon).toByteArray(), value.toByteArray() });
    }
    if (m_head.headers.size() > m_maxHeaderCount) {
        fail(ErrorCode::HeadersTooLarge, QStringLiteral("The request has too many header fields."),
             true);
        return false;
    }
    return true;
}

bool RequestParser::parseTarget()
{
    QByteArray target = m_head.target;
    if (!target.startsWith('/') && target != "*") {
        const QUrl url = QUrl::fromEncoded(target, QUrl::StrictMode);
        if (!url.isValid() || url.scheme().isEmpty()) {
            bad(QStringLiteral("The request target is malformed."));
            return false;
        }
        target = url.path(QUrl::FullyEncoded).toLatin1();
        if (url.hasQuery())
            target += '?' + url.query(QUrl::FullyEncoded).toLatin1();
        if (target.isEmpty() || target.startsWith('?'))
            target.prepend('/');
    }
    const qsizetype q = target.indexOf('?');
    m_head.rawPath = q < 0 ? target : target.left(q);
    m_head.rawQuery = q < 0 ? QByteArray() : target.mid(q + 1);
    const QByteArrayView path = m_head.rawPath;
    for (qsizetype from = 0; from < path.size();) {
        const qsizetype slash = path.indexOf('/', from);
        const QByteArrayView seg = path.sliced(from, (slash < 0 ? path.size() : slash) - from);
        from = slash < 0 ? path.size() : slash + 1;
        if (seg.isEmpty())
            continue;
        m_head.segments << (seg.contains('%') ? QUrl::fromPercentEncoding(seg.toByteArray())
                                              : QString::fromUtf8(seg));
    }
    return true;
}

// Framing (RFC 9112 §6): refuse the ambiguous forms that enable request smuggling.
bool RequestParser::parseFraming()
{
    RequestHead &r = m_head;
    const QList<QByteArray> te = values(r.headers, "transfer-encoding");
    const QList<QByteArray> cl = values(r.headers, "content-length");
    if (r.httpMinor == 1 && countValues(r.headers, "host") != 1) {
        bad(QStringLiteral("An HTTP/1.1 request needs exactly one Host header."));
        return false;
    }
    m_bodyRemaining = 0;
    m_chunkRemaining = -1;
    if (!te.isEmpty()) {
        if (!cl.isEmpty() || r.httpMinor == 0) {
            bad(QStringLiteral("Transfer-Encoding cannot be combined with Content-Length or "
                               "HTTP/1.0."));
            return false;
        }
        if (te.size() != 1 || te.first().trimmed().compare("chunked", Qt::CaseInsensitive) != 0) {
            fail(ErrorCode::NotImplemented,
                 QStringLiteral("Only the chunked transfer coding is supported."));
            return false;
        }
        r.chunked = true;
    } else if (!cl.isEmpty()) {
        bool ok = true;
        for (const QByteArray &v : cl)
            ok = ok && v == cl.first() && !v.isEmpty() && std::all_of(v.begin(), v.end(), isDigit);
        const qint64 length = ok && cl.first().size() <= 18 ? cl.first().toLongLong(&ok) : -1;
        if (!ok || length < 0) {
            bad(QStringLiteral("The Content-Length header is invalid."));
            return false;
        }
        if (length > m_maxBodyBytes) {
            fail(ErrorCode::PayloadTooLarge,
                 QStringLiteral("The request body is larger than %1 bytes.").arg(m_maxBodyBytes),
                 true);
            return false;
        }
        r.contentLength = m_bodyRemaining = length;
    }

    const QList<QByteArray> connection = values(r.headers, "connection");
    r.keepAlive = r.httpMinor == 1 ? !listHasToken(connection, "close")
                                   : listHasToken(connection, "keep-alive");
    const QList<QByteArray> expect = values(r.headers, "expect");
    if (!expect.isEmpty() && !expect.first().isEmpty()) {
        if (expect.first().compare("100-continue", Qt::CaseInsensitive) != 0) {
            fail(ErrorCode::ExpectationFailed,
                 QStringLiteral("Only \"Expect: 100-continue\" is supported."));
            return false;
        }
        r.expectContinue = true;
    }
    return true;
}

RequestParser::Event RequestParser::readBody()
{
    const qint64 take = qMin<qint64>(m_bodyRemaining, m_buffer.size());
    if (take > 0) {
        m_chunk = m_buffer.left(take);
        m_buffer.remove(0, take);
        m_bodyRemaining -= take;
        m_received += take;
        return Event::BodyChunk;
    }
    return m_bodyRemaining > 0 ? Event::NeedMore : done();
}

RequestParser::Event RequestParser::readChunked()
{
    // Trailer fields are a header section too: bounded like the head, or an endless trailer
    // section would keep the connection busy for as long as the client likes.
    const auto trailersTooLarge = [this] {
        return fail(ErrorCode::HeadersTooLarge,
                    QStringLiteral("The request trailers are too large."), true);
    };
    for (;;) {
        if (m_chunkRemaining >= 0) { // inside chunk data (+ its CRLF)
            if (m_chunkRemaining > 0) {
                const qint64 take = qMin<qint64>(m_chunkRemaining, m_buffer.size());
                if (take == 0)
                    return Event::NeedMore;
                m_chunk = m_buffer.left(take);
                m_buffer.remove(0, take);
                m_chunkRemaining -= take;
                m_received += take;
                return Event::BodyChunk;
            }
            if (m_buffer.size() < 2)
                return Event::NeedMore;
            if (!m_buffer.startsWith("\r\n"))
                return bad(QStringLiteral("A chunk is not followed by CRLF."));
            m_buffer.remove(0, 2);
            m_chunkRemaining = -1;
            continue;
        }
        const qsizetype eol = m_buffer.indexOf("\r\n");
        if (eol < 0) {
            if (m_chunkRemaining == -2) {
                if (m_trailerBytes + m_buffer.size() > m_maxHeaderBytes)
                    return trailersTooLarge();
            } else if (m_buffer.size() > kMaxChunkSizeLine) {
                return bad(QStringLiteral("A chunk header is too long."));
            }
            return Event::NeedMore;
        }
        // The same limit whether the line came in one piece or trickled in (above): a line
        // whose first kMaxChunkSizeLine + 1 bytes hold no CRLF is too long either way.
        if (m_chunkRemaining != -2 && eol >= kMaxChunkSizeLine)
            return bad(QStringLiteral("A chunk header is too long."));
        const QByteArray line = m_buffer.left(eol);
        m_buffer.remove(0, eol + 2);
        if (m_chunkRemaining == -2) { // trailers, ignored, until the empty line
            m_trailerBytes += eol + 2;
            if (m_trailerBytes > m_maxHeaderBytes)
                return trailersTooLarge();
            if (line.isEmpty())
                return done();
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
        if (!ok || size < 0)
            return bad(QStringLiteral("A chunk size is malformed."));
        if (m_received + size > m_maxBodyBytes)
            return fail(
                    ErrorCode::PayloadTooLarge,
                    QStringLiteral("The request body is larger than %1 bytes.").arg(m_maxBodyBytes),
                    true);
        m_chunkRemaining = size == 0 ? -2 : size;
        m_trailerBytes = 0;
    }
}

} // namespace tap::http
