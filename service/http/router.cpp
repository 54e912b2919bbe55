#include "http/router.h"

namespace tap::http {

using core::Error;
using core::ErrorCode;

void Router::add(QByteArrayView method, const QString &pattern, RouteHandler handler)
{
    m_routes.append(
            { method.toByteArray(), pattern.split(u'/', Qt::SkipEmptyParts), std::move(handler) });
}

bool Router::match(const Route &route, const QStringList &segments, QStringList *args)
{
    if (route.segments.size() != segments.size())
        return false;
    args->clear();
    for (qsizetype i = 0; i < segments.size(); ++i) {
        if (route.segments[i] == u"<arg>")
            args->append(segments[i]);
        else if (route.segments[i] != segments[i])
            return false;
    }
    return true;
}

void Router::handle(const Request &request, const Responder &responder) const
{
    QStringList args;
    QList<QByteArray> allowed;
    // HEAD is served by GET routes (the connection drops the body).
    const QByteArray method = request.method == "HEAD" ? QByteArrayLiteral("GET") : request.method;
    for (const Route &route : m_routes) {
        if (!match(route, request.segments, &args))
            continue;
        if (route.method == method) {
            route.handler(Call{ request, args, responder });
            return;
        }
        allowed << route.method;
    }
    if (allowed.isEmpty()) {
        responder.send(
                Response::error(Error(ErrorCode::NotFound, QStringLiteral("No such endpoint."))));
        return;
    }
    Response r = Response::error(Error(ErrorCode::MethodNotAllowed,
                                       QStringLiteral("This endpoint does not accept %1.")
                                               .arg(QString::fromLatin1(request.method))));
    r.setHeader("Allow", allowed.join(", "));
    responder.send(std::move(r));
}

} // namespace tap::http
