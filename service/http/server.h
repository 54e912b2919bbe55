#pragma once

#include "core/result.h"
#include "http/connection.h"
#include "http/limits.h"
#include "http/metrics.h"

#include <QHostAddress>
#include <QObject>

#include <memory>
#include <vector>

class QThread;

namespace tap::http {

class Worker;
class ClientCounter;

// The HTTP/1.1 server: `workers` threads, each with its own listening socket on the same port
// (SO_REUSEPORT, so the kernel spreads connections over both cores), each running its
// connections' event loop. The handler runs on the worker thread that owns the connection.
class Server
{
public:
    struct Options
    {
        QHostAddress address = QHostAddress::LocalHost;
        quint16 port = 0;
        int workers = 1;
        Limits limits;
        std::function<void()> onWorkerExit; // runs on each worker thread as it ends
    };

    Server(Options options, Handler handler);
    ~Server();

    // Binds and starts the workers. Returns the port (useful with port 0).
    core::Result<quint16> start();
    // Stops accepting, lets in-flight requests finish for up to `graceMs`, then closes
    // everything and joins the workers. Idempotent.
    void stop(int graceMs);

    quint16 port() const { return m_port; }
    Metrics &metrics() { return m_metrics; }

private:
    Options m_options;
    Handler m_handler;
    Metrics m_metrics;
    std::unique_ptr<ClientCounter> m_clients;
    quint16 m_port = 0;
    std::vector<std::unique_ptr<QThread>> m_threads;
    std::vector<Worker *> m_workers;
};

} // namespace tap::http
