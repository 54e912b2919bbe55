#pragma once

#include "core/error.h"
#include "http/request.h"

#include <QJsonObject>

namespace tap::http {

// A complete response. Content-Length, Connection and Date are added when it is written.
struct Response
{
    int status = 200;
    HeaderList headers;
    QByteArray body;

    Response &setHeader(const QByteArray &name, const QByteArray &value);

    static Response json(int status, const QJsonObject &object);
    static Response
    text(int status, const QByteArray &body,
         const QByteArray &contentType = QByteArrayLiteral("text/plain; charset=utf-8"));
    static Response error(const core::Error &error); // JSON error shape with its HTTP status
};

QByteArray reasonPhrase(int status);

// Drops header fields whose name is not a token or whose value holds CR, LF or NUL, so no
// handler can split a response.
bool isSafeHeader(QByteArrayView name, QByteArrayView value);

// RFC 9112 §6.3: the answer to a HEAD request and every 1xx, 204 or 304 answer end with
// their header section, whatever their headers say.
bool responseHasBody(int status, bool headRequest);

// The framing header of a response: "Content-Length: N", "Transfer-Encoding: chunked" or
// empty (no body, or close-delimited for HTTP/1.0). `bodyLength` is the length of a complete
// body, -1 for a streamed one. Without a body: none on 1xx and 204 (RFC 9110 §8.6); on 304 and
// HEAD the handler's own Content-Length if it gave a valid one (the length of the GET answer),
// else for HEAD the length of the (dropped) body the handler built.
QByteArray bodyFraming(int status, bool headRequest, int httpMinor, const HeaderList &headers,
                       qint64 bodyLength);

// The status line and header block, ending with the blank line. `bodyFraming` is either
// "Content-Length: N" or "Transfer-Encoding: chunked" or empty (close-delimited).
QByteArray serializeHead(int status, const HeaderList &headers, const QByteArray &bodyFraming,
                         bool close);

} // namespace tap::http
