#include "http/response.h"

#include "api/errors.h"

#include <QDateTime>
#include <QJsonDocument>

#include <algorithm>
#include <charconv>
#include <iterator>

namespace tap::http {

Response &Response::setHeader(const QByteArray &name, const QByteArray &value)
{
    for (auto &h : headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0) {
            h.second = value;
            return *this;
        }
    }
    headers.append({ name, value });
    return *this;
}

Response Response::json(int status, const QJsonObject &object)
{
    Response r;
    r.status = status;
    r.body = QJsonDocument(object).toJson(QJsonDocument::Compact);
    r.headers.append({ QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json") });
    return r;
}

Response Response::text(int status, const QByteArray &body, const QByteArray &contentType)
{
    Response r;
    r.status = status;
    r.body = body;
    r.headers.append({ QByteArrayLiteral("Content-Type"), contentType });
    return r;
}

Response Response::error(const core::Error &error)
{
    Response r;
    r.status = api::httpStatus(error.code());
    r.body = api::errorBody(error);
    r.headers.append({ QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json") });
    if (error.retryAfterSeconds() > 0)
        r.headers.append({ QByteArrayLiteral("Retry-After"),
                           QByteArray::number(error.retryAfterSeconds()) });
    return r;
}

namespace {

QByteArrayView reasonText(int status)
{
    switch (status) {
    case 100:
        return "Continue";
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 202:
        return "Accepted";
    case 204:
        return "No Content";
    case 301:
        return "Moved Permanently";
    case 302:
        return "Found";
    case 304:
        return "Not Modified";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 409:
        return "Conflict";
    case 410:
        return "Gone";
    case 413:
        return "Content Too Large";
    case 417:
        return "Expectation Failed";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return "Status";
    }
}

} // namespace

QByteArray reasonPhrase(int status)
{
    return reasonText(status).toByteArray();
}

bool isSafeHeader(QByteArrayView name, QByteArrayView value)
{
    if (name.isEmpty())
        return false;
    for (char c : name) {
        const auto u = uchar(c);
        if (u <= 32 || u >= 127 || c == ':')
            return false;
    }
    for (char c : value) {
        if (c == '\r' || c == '\n' || c == '\0')
            return false;
    }
    return true;
}

bool responseHasBody(int status, bool headRequest)
{
    return !headRequest && status >= 200 && status != 204 && status != 304;
}

QByteArray bodyFraming(int status, bool headRequest, int httpMinor, const HeaderList &headers,
                       qint64 bodyLength)
{
    if (responseHasBody(status, headRequest)) {
        if (bodyLength >= 0)
            return "Content-Length: " + QByteArray::number(bodyLength);
        return httpMinor == 1 ? QByteArrayLiteral("Transfer-Encoding: chunked") : QByteArray();
    }
    if (status < 200 || status == 204)
        return {};
    const QList<QByteArray> given = headerValues(headers, "content-length");
    const QByteArray value = given.size() == 1 ? given.first().trimmed() : QByteArray();
    const bool valid = !value.isEmpty() && value.size() <= 18
            && std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (valid)
        return "Content-Length: " + value;
    if (headRequest && bodyLength >= 0)
        return "Content-Length: " + QByteArray::number(bodyLength);
    return {};
}

namespace {

// "Date" changes once a second; formatting it per response would be wasted work.
QByteArray httpDate()
{
    thread_local qint64 cachedSecond = -1;
    thread_local QByteArray cached;
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    if (now != cachedSecond) {
        cachedSecond = now;
        cached = QDateTime::fromSecsSinceEpoch(now, Qt::UTC)
                         .toString(QStringLiteral("ddd, dd MMM yyyy hh:mm:ss 'GMT'"))
                         .toLatin1();
    }
    return cached;
}

bool isFramingHeader(QByteArrayView name)
{
    return name.compare("content-length", Qt::CaseInsensitive) == 0
            || name.compare("transfer-encoding", Qt::CaseInsensitive) == 0
            || name.compare("connection", Qt::CaseInsensitive) == 0;
}

} // namespace

QByteArray serializeHead(int status, const HeaderList &headers, const QByteArray &bodyFraming,
                         bool close)
{
    const QByteArrayView reason = reasonText(status);
    char number[16];
    const auto [numberEnd, ec] = std::to_chars(std::begin(number), std::end(number), status);
    Q_UNUSED(ec); // an int always fits
    const QByteArrayView statusText(number, numberEnd - number);
    const QByteArray date = headerValue(headers, "date").isEmpty() // a forwarded response
            ? httpDate() // keeps the upstream's
            : QByteArray();
    // One allocation: an upper bound of what is written below.
    qsizetype size = 9 + statusText.size() + 1 + reason.size() + 2 + bodyFraming.size() + 2
            + (date.isEmpty() ? 0 : 6 + date.size() + 2) + 19 + 2;
    for (const auto &[name, value] : headers)
        size += name.size() + 2 + value.size() + 2;
    QByteArray out;
    out.reserve(size);
    out.append("HTTP/1.1 ").append(statusText).append(' ').append(reason).append("\r\n");
    for (const auto &[name, value] : headers) {
        if (!isSafeHeader(name, value) || isFramingHeader(name))
            continue; // framing is ours to decide
        out.append(name).append(": ").append(value).append("\r\n");
    }
    if (!bodyFraming.isEmpty())
        out.append(bodyFraming).append("\r\n");
    if (!date.isEmpty())
        out.append("Date: ").append(date).append("\r\n");
    if (close)
        out.append("Connection: close\r\n");
    out.append("\r\n");
    return out;
}

} // namespace tap::http
