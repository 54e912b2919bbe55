#pragma once

#include "http/metrics.h"

#include <QByteArray>

namespace tap::app {

// Prometheus text exposition format 0.0.4 for the service's counters.
QByteArray metricsText(const http::Metrics &metrics, qint64 startedAtMs);

} // namespace tap::app
