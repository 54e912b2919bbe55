#include "app/metricstext.h"

#include <QString>

namespace tap::app {

namespace {

void family(QByteArray &out, const char *name, const char *type, const char *help)
{
    out += QByteArray("# HELP ") + name + ' ' + help + "\n# TYPE " + name + ' ' + type + '\n';
}

} // namespace

QByteArray metricsText(const http::Metrics &m, qint64 startedAtMs)
{
    QByteArray out;
    family(out, "tap_build_info", "gauge", "Version of tapd.");
    out += "tap_build_info{version=\"" TAP_VERSION "\"} 1\n";
    family(out, "tap_process_start_time_seconds", "gauge",
           "Start time of tapd since the Unix epoch.");
    out += "tap_process_start_time_seconds " + QByteArray::number(startedAtMs / 1000) + '\n';
    family(out, "tap_http_responses_total", "counter", "HTTP responses by status class.");
    for (int cls = 1; cls <= 5; ++cls)
        out += "tap_http_responses_total{class=\"" + QByteArray::number(cls) + "xx\"} "
                + QByteArray::number(m.responsesByClass[cls].load()) + '\n';
    family(out, "tap_http_connections_open", "gauge", "Open client connections.");
    out += "tap_http_connections_open " + QByteArray::number(m.openConnections.load()) + '\n';
    family(out, "tap_http_connections_accepted_total", "counter", "Client connections accepted.");
    out += "tap_http_connections_accepted_total " + QByteArray::number(m.connectionsAccepted.load())
            + '\n';
    family(out, "tap_http_requests_in_flight", "gauge", "Requests being processed.");
    out += "tap_http_requests_in_flight " + QByteArray::number(m.inFlight.load()) + '\n';
    family(out, "tap_http_limit_rejections_total", "counter",
           "Requests refused by size, time or connection limits.");
    out += "tap_http_limit_rejections_total " + QByteArray::number(m.limitRejections.load()) + '\n';
    family(out, "tap_http_client_aborts_total", "counter",
           "Clients that left before their response was complete.");
    out += "tap_http_client_aborts_total " + QByteArray::number(m.clientAborts.load()) + '\n';
    family(out, "tap_http_client_limit_rejections_total", "counter",
           "Connections refused: their client address had too many open.");
    out += "tap_http_client_limit_rejections_total "
            + QByteArray::number(m.clientLimitRejections.load()) + '\n';
    return out;
}

} // namespace tap::app
