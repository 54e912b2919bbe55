#include "app/webassets.h"

#include <QCryptographicHash>
#include <QFile>

namespace tap::app::webassets {

namespace {

constexpr QByteArrayView kCsp =
        "default-src 'none'; script-src 'self'; style-src 'self'; "
        "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

http::Response withSecurityHeaders(http::Response r)
{
    r.setHeader("Content-Security-Policy", kCsp.toByteArray());
    r.setHeader("X-Frame-Options", "DENY");
    r.setHeader("X-Content-Type-Options", "nosniff");
    r.setHeader("Referrer-Policy", "no-referrer");
    r.setHeader("Cross-Origin-Opener-Policy", "same-origin");
    return r;
}

QByteArray contentType(const QString &path)
{
    if (path.endsWith(u".js"))
        return QByteArrayLiteral("text/javascript; charset=utf-8");
    if (path.endsWith(u".css"))
        return QByteArrayLiteral("text/css; charset=utf-8");
    if (path.endsWith(u".html"))
        return QByteArrayLiteral("text/html; charset=utf-8");
    if (path.endsWith(u".svg"))
        return QByteArrayLiteral("image/svg+xml");
    return {};
}

// Whether an If-None-Match header names `etag` (a list, or "*").
bool matches(const QByteArray &ifNoneMatch, const QByteArray &etag)
{
    for (const QByteArray &candidate : ifNoneMatch.split(',')) {
        const QByteArray tag = candidate.trimmed();
        if (tag == "*" || tag == etag || tag == "W/" + etag)
            return true;
    }
    return false;
}

} // namespace

http::Response page(int status, const QByteArray &body)
{
    http::Response r =
            http::Response::text(status, body, QByteArrayLiteral("text/html; charset=utf-8"));
    r.setHeader("Cache-Control", "no-store");
    return withSecurityHeaders(std::move(r));
}

QByteArray resource(const QString &qrcPath)
{
    QFile f(qrcPath);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

http::Response asset(const http::Request &request, const QString &qrcPath)
{
    const QByteArray type = contentType(qrcPath);
    QFile f(qrcPath);
    if (type.isEmpty() || !f.open(QIODevice::ReadOnly))
        return http::Response::error(
                core::Error(core::ErrorCode::NotFound, QStringLiteral("No such file.")));
    const QByteArray body = f.readAll();
    const QByteArray etag =
            '"' + QCryptographicHash::hash(body, QCryptographicHash::Sha256).toHex().left(32) + '"';
    const bool fresh = matches(request.header("if-none-match"), etag);
    http::Response r = http::Response::text(fresh ? 304 : 200, fresh ? QByteArray() : body, type);
    r.setHeader("Cache-Control", "no-cache");
    r.setHeader("ETag", etag);
    return withSecurityHeaders(std::move(r));
}

} // namespace tap::app::webassets
