#pragma once

#include <QtGlobal>

#include <atomic>

namespace tap::http {

// Counters shared by all workers (relaxed atomics: exact totals, no ordering needed).
struct Metrics
{
    std::atomic<quint64> responsesByClass[6] = {}; // index = status / 100
    std::atomic<qint64> openConnections{ 0 };
    std::atomic<qint64> inFlight{ 0 };
    std::atomic<quint64> connectionsAccepted{ 0 };
    std::atomic<quint64> limitRejections{ 0 }; // 408, 413, 431, 503 from the HTTP layer itself
    std::atomic<quint64> clientAborts{ 0 }; // client gone before its response was written
    // Connections refused because their client address had maxConnectionsPerClient open
    // (also counted in limitRejections).
    std::atomic<quint64> clientLimitRejections{ 0 };
};

} // namespace tap::http
