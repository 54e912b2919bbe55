#include "support/httpclient.h"

#include <QElapsedTimer>
#include <QJsonParseError>
#include <QTcpSocket>

using namespace Qt::Literals::StringLiterals;

namespace tap::test {

namespace {

enum class Parse { Incomplete, Complete, Invalid };

// Decodes a chunked body starting at `from`; Complete when the last chunk and the trailer
// section have arrived.
Parse parseChunked(const QByteArray &raw, qsizetype from, QByteArray *body)
{
    QByteArray out;
    qsizetype pos = from;
    for (;;) {
        const qsizetype lineEnd = raw.indexOf("\r\n", pos);
        if (lineEnd < 0)
            return Parse::Incomplete;
        QByteArray sizeText = raw.mid(pos, lineEnd - pos);
        if (const qsizetype semi = sizeText.indexOf(';'); semi >= 0)
            sizeText.truncate(semi);
        bool ok = false;
        const qlonglong size = sizeText.trimmed().toLongLong(&ok, 16);
        if (!ok || size < 0)
            return Parse::Invalid;
        pos = lineEnd + 2;
        if (size == 0) {
            // Trailer fields, then an empty line.
            for (;;) {
                const qsizetype end = raw.indexOf("\r\n", pos);
                if (end < 0)
                    return Parse::Incomplete;
                if (end == pos) {
                    *body = out;
                    return Parse::Complete;
                }
                pos = end + 2;
            }
        }
        if (raw.size() < pos + size + 2)
            return Parse::Incomplete;
        out += raw.mid(pos, size);
        if (raw.mid(pos + size, 2) != "\r\n")
            return Parse::Invalid;
        pos += size + 2;
    }
}

// Parses what has arrived so far. `closed`: the server has closed the connection (which
// completes a close-delimited body).
Parse parseResponse(const QByteArray &raw, bool closed, HttpResponse *r)
{
    const qsizetype headEnd = raw.indexOf("\r\n\r\n");
    if (headEnd < 0)
        return closed && !raw.isEmpty() ? Parse::Invalid : Parse::Incomplete;
    const QList<QByteArray> lines = raw.left(headEnd).split('\n');
    const QByteArray statusLine = lines.first().trimmed();
    // "HTTP/1.1 200 OK"
    const QList<QByteArray> parts = statusLine.split(' ');
    if (parts.size() < 2 || !parts.first().startsWith("HTTP/1."))
        return Parse::Invalid;
    bool ok = false;
    const int status = parts.at(1).toInt(&ok);
    if (!ok || status < 100 || status > 999)
        return Parse::Invalid;
    HttpHeaders headers;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        if (line.isEmpty())
            continue;
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            return Parse::Invalid;
        headers.append({ line.left(colon).trimmed(), line.mid(colon + 1).trimmed() });
    }
    r->status = status;
    r->reason = statusLine.mid(statusLine.indexOf(' ', statusLine.indexOf(' ') + 1) + 1);
    if (parts.size() < 3)
        r->reason.clear();
    r->headers = headers;
    const qsizetype bodyStart = headEnd + 4;

    QByteArray transferEncoding;
    QByteArray contentLength;
    bool hasLength = false;
    for (const auto &h : headers) {
        if (h.first.compare("transfer-encoding", Qt::CaseInsensitive) == 0)
            transferEncoding = h.second.toLower();
        if (h.first.compare("content-length", Qt::CaseInsensitive) == 0) {
            contentLength = h.second;
            hasLength = true;
        }
    }
    if (status == 204 || status == 304 || status < 200) {
        r->body.clear();
        return Parse::Complete;
    }
    if (transferEncoding.contains("chunked"))
        return parseChunked(raw, bodyStart, &r->body);
    if (hasLength) {
        const qlonglong length = contentLength.toLongLong(&ok);
        if (!ok || length < 0)
            return Parse::Invalid;
        if (raw.size() - bodyStart < length)
            return closed ? Parse::Invalid : Parse::Incomplete;
        r->body = raw.mid(bodyStart, length);
        return Parse::Complete;
    }
    if (!closed)
        return Parse::Incomplete;
    r->body = raw.mid(bodyStart);
    return Parse::Complete;
}

} // namespace

QByteArray HttpResponse::header(QByteArrayView name) const
{
    for (const auto &h : headers) {
        if (QByteArrayView(h.first).compare(name, Qt::CaseInsensitive) == 0)
            return h.second;
    }
    return {};
}

bool HttpResponse::isJsonObject() const
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    return error.error == QJsonParseError::NoError && doc.isObject();
}

QJsonObject HttpResponse::json() const
{
    return QJsonDocument::fromJson(body).object();
}

QString HttpResponse::errorCode() const
{
    return json().value(u"error"_s).toObject().value(u"code"_s).toString();
}

QString HttpResponse::errorMessage() const
{
    return json().value(u"error"_s).toObject().value(u"message"_s).toString();
}

QString HttpResponse::describe() const
{
    if (status == 0)
        return u"no HTTP answer ("_s + transportError + u")"_s;
    return u"HTTP %1 %2"_s.arg(status).arg(QString::fromUtf8(body.left(600)));
}

HttpResponse HttpClient::exchange(const QHostAddress &host, quint16 port, const QByteArray &request,
                                  int timeoutMs)
{
    HttpResponse r;
    QTcpSocket socket;
    socket.connectToHost(host, port);
    if (!socket.waitForConnected(timeoutMs)) {
        r.transportError = u"connect: "_s + socket.errorString();
        return r;
    }
    socket.write(request);
    QElapsedTimer timer;
    timer.start();
    QByteArray raw;
    for (;;) {
        raw += socket.readAll();
        const bool closed = socket.state() != QAbstractSocket::ConnectedState;
        HttpResponse parsed;
        const Parse state = parseResponse(raw, closed, &parsed);
        if (state == Parse::Complete) {
            parsed.raw = raw;
            return parsed;
        }
        if (state == Parse::Invalid) {
            r.raw = raw;
            r.transportError = u"malformed or truncated response"_s;
            return r;
        }
        if (closed) {
            r.raw = raw;
            r.transportError = u"connection closed before a complete response"_s;
            return r;
        }
        const qint64 left = timeoutMs - timer.elapsed();
        if (left <= 0) {
            r.raw = raw;
            r.transportError = u"timed out"_s;
            return r;
        }
        socket.waitForReadyRead(int(left)); // false on timeout or close: both handled above
    }
}

HttpResponse HttpClient::request(const QByteArray &method, const QByteArray &path,
                                 const QByteArray &body, const HttpHeaders &headers) const
{
    QByteArray out = method + ' ' + path + " HTTP/1.1\r\n";
    out += "Host: " + m_host.toString().toLatin1() + ':' + QByteArray::number(m_port) + "\r\n";
    out += "Connection: close\r\n";
    bool hasAuthorization = false;
    for (const auto &h : headers) {
        if (h.first.compare("authorization", Qt::CaseInsensitive) == 0)
            hasAuthorization = true;
        out += h.first + ": " + h.second + "\r\n";
    }
    if (!hasAuthorization && !m_bearer.isEmpty())
        out += "Authorization: Bearer " + m_bearer + "\r\n";
    if (!body.isEmpty() || method == "POST" || method == "PUT" || method == "PATCH")
        out += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    out += "\r\n";
    out += body;
    HttpResponse r = exchange(m_host, m_port, out, m_timeoutMs);
    if (m_observer)
        m_observer(r);
    return r;
}

HttpResponse HttpClient::sendJson(const QByteArray &method, const QByteArray &path,
                                  const QJsonObject &body, const HttpHeaders &headers) const
{
    HttpHeaders all = headers;
    all.append({ QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json") });
    return request(method, path, QJsonDocument(body).toJson(QJsonDocument::Compact), all);
}

HttpResponse HttpClient::get(const QByteArray &path, const HttpHeaders &headers) const
{
    return request(QByteArrayLiteral("GET"), path, {}, headers);
}

HttpResponse HttpClient::del(const QByteArray &path, const HttpHeaders &headers) const
{
    return request(QByteArrayLiteral("DELETE"), path, {}, headers);
}

HttpResponse HttpClient::post(const QByteArray &path, const QJsonObject &body,
                              const HttpHeaders &headers) const
{
    return sendJson(QByteArrayLiteral("POST"), path, body, headers);
}

HttpResponse HttpClient::put(const QByteArray &path, const QJsonObject &body,
                             const HttpHeaders &headers) const
{
    return sendJson(QByteArrayLiteral("PUT"), path, body, headers);
}

HttpResponse HttpClient::patch(const QByteArray &path, const QJsonObject &body,
                               const HttpHeaders &headers) const
{
    return sendJson(QByteArrayLiteral("PATCH"), path, body, headers);
}

} // namespace tap::test
