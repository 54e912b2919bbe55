#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>
#include <QUrlQuery>

#include <memory>

namespace tap::http {

class BodyStream;

using HeaderList = QList<QPair<QByteArray, QByteArray>>;

// Case-insensitive header lookups over a HeaderList (field names are ASCII tokens).
QByteArray headerValue(const HeaderList &headers, QByteArrayView name);
QList<QByteArray> headerValues(const HeaderList &headers, QByteArrayView name);

// One parsed HTTP/1.x request with its whole body. Handlers get it by reference for the
// duration of the call only: copy what an asynchronous handler needs later.
struct Request
{
    QByteArray method;
    QByteArray target; // request-target as sent
    QByteArray rawPath; // target without the query, still percent-encoded
    QByteArray rawQuery; // after '?', without it
    QStringList segments; // rawPath split on '/', each segment percent-decoded
    HeaderList headers; // in arrival order, names as sent
    QByteArray body; // the whole body, unless it is streamed:
    std::shared_ptr<BodyStream> bodyStream; // set when Limits::streamBody chose to stream it
    QHostAddress peerAddress;
    int httpMinor = 1; // HTTP/1.<minor>

    QByteArray header(QByteArrayView name) const { return headerValue(headers, name); }
    QUrlQuery query() const;
    QString path() const; // decoded, for logs and messages
};

} // namespace tap::http
