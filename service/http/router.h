#pragma once

#include "http/connection.h"

namespace tap::http {

// A call as a route handler sees it: the request, the path arguments and the way back.
struct Call
{
    const Request &request;
    QStringList args; // decoded path segments matched by <arg>
    Responder responder;

    QString arg(int i) const { return args.value(i); }
};

using RouteHandler = std::function<void(const Call &)>;

// Method + path pattern → handler. Patterns are literal segments and `<arg>` (one segment).
// Unknown paths get 404, known paths with another method 405 with Allow.
class Router
{
public:
    void add(QByteArrayView method, const QString &pattern, RouteHandler handler);
    void handle(const Request &request, const Responder &responder) const;

private:
    struct Route
    {
        QByteArray method;
        QStringList segments;
        RouteHandler handler;
    };
    static bool match(const Route &route, const QStringList &segments, QStringList *args);

    QList<Route> m_routes;
};

} // namespace tap::http
