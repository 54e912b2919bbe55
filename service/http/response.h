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

// The status line and header block, ending with the blank line. `bodyFraming` is either
// "Content-Length: N" or "Transfer-Encoding: chunked" or empty (close-delimited).
QByteArray serializeHead(int status, const HeaderList &headers, const QByteArray &bodyFraming,
                         bool close);

} // namespace tap::http
