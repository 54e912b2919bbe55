#include "http/server.h"

#include "core/logging.h"

#include "http/response.h"

#include <QElapsedTimer>
#include <QHash>
#include <QMutex>
#include <QSocketNotifier>
#include <QThread>
#include <QTimer>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace tap::http {

using core::Error;
using core::ErrorCode;
using core::Result;

namespace {

// A listening socket, accepted from directly (not QTcpServer: in Qt 6.4 accept() failing with
// EMFILE/ENFILE is a "temporary" error, on which the still readable listener is polled again
// at once: a busy loop for as long as descriptors are short). Out of descriptors (or kernel
// memory) it stops watching the socket for `backoffMs`, then tries again.
class Listener : public QObject
{
public:
    Listener(int fd, int backoffMs, QObject *parent)
        : QObject(parent), m_fd(fd), m_notifier(fd, QSocketNotifier::Read), m_backoffMs(backoffMs)
    {
        QObject::connect(&m_notifier, &QSocketNotifier::activated, this, [this] { acceptAll(); });
        m_backoff.setSingleShot(true);
        QObject::connect(&m_backoff, &QTimer::timeout, this, [this] {
            if (m_fd >= 0)
                m_notifier.setEnabled(true);
        });
    }
    ~Listener() override { close(); }

    std::function<void(qintptr)> onIncoming;

    void close()
    {
        if (m_fd < 0)
            return;
        m_notifier.setEnabled(false);
        m_backoff.stop();
        ::close(m_fd);
        m_fd = -1;
    }

private:
    void acceptAll()
    {
        for (int i = 0; i < 64 && m_fd >= 0; ++i) { // then the connections get a turn
            const int fd = ::accept4(m_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (fd >= 0) {
                m_failureLogged = false;
                onIncoming(fd);
                continue;
            }
            if (errno == EINTR || errno == ECONNABORTED || errno == EPROTO)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return;
            pause(errno);
            return;
        }
    }

    void pause(int error)
    {
        if (!m_failureLogged) { // once per spell of failures
            m_failureLogged = true;
            qCWarning(core::lcHttp).noquote()
                    << QStringLiteral("accept() failed (%1): not accepting for %2 ms at a time")
                               .arg(QString::fromLocal8Bit(strerror(error)))
                               .arg(m_backoffMs);
        }
        m_notifier.setEnabled(false);
        m_backoff.start(m_backoffMs);
    }

    int m_fd;
    QSocketNotifier m_notifier;
    QTimer m_backoff;
    int m_backoffMs;
    bool m_failureLogged = false;
};

// Creates a listening socket. With reusePort, several sockets (one per worker) share the port.
Result<int> listenSocket(const QHostAddress &address, quint16 port, bool reusePort)
{
    const bool v6 = address.protocol() == QAbstractSocket::IPv6Protocol;
    sockaddr_storage storage = {};
    socklen_t length = 0;
    if (v6) {
        auto *a = reinterpret_cast<sockaddr_in6 *>(&storage);
        a->sin6_family = AF_INET6;
        a->sin6_port = htons(port);
        const Q_IPV6ADDR ip = address.toIPv6Address();
        std::memcpy(&a->sin6_addr, &ip, sizeof(ip));
        length = sizeof(sockaddr_in6);
    } else {
        auto *a = reinterpret_cast<sockaddr_in *>(&storage);
        a->sin_family = AF_INET;
        a->sin_port = htons(port);
        a->sin_addr.s_addr = htonl(address.toIPv4Address());
        length = sizeof(sockaddr_in);
    }
    const int fd = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return Error(ErrorCode::Unavailable,
                     QStringLiteral("socket(): %1").arg(QString::fromLocal8Bit(strerror(errno))));
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (reusePort)
        ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
    if (::bind(fd, reinterpret_cast<sockaddr *>(&storage), length) != 0
        || ::listen(fd, 1024) != 0) {
        const QString why = QString::fromLocal8Bit(strerror(errno));
        ::close(fd);
        return Error(ErrorCode::Unavailable,
                     QStringLiteral("Cannot listen on %1:%2: %3")
                             .arg(address.toString())
                             .arg(port)
                             .arg(why));
    }
    return fd;
}

// The client address of an accepted socket, as a key (IPv4-mapped IPv6 as plain IPv4).
QByteArray clientKey(int fd)
{
    sockaddr_storage storage = {};
    socklen_t length = sizeof(storage);
    if (::getpeername(fd, reinterpret_cast<sockaddr *>(&storage), &length) != 0)
        return {};
    QHostAddress address(reinterpret_cast<const sockaddr *>(&storage));
    bool mapped = false;
    const quint32 v4 = address.toIPv4Address(&mapped);
    if (mapped)
        address = QHostAddress(v4);
    return address.toString().toLatin1();
}

// Refuses an accepted socket politely: 503 with the JSON error shape, then close.
void refuse(int fd, const QString &why)
{
    const Response response =
            Response::error(Error(ErrorCode::Unavailable, why).setRetryAfterSeconds(1));
    const QByteArray out =
            serializeHead(response.status, response.headers,
                          "Content-Length: " + QByteArray::number(response.body.size()), true)
            + response.body;
    (void)!::send(fd, out.constData(), size_t(out.size()), MSG_NOSIGNAL | MSG_DONTWAIT);
    ::shutdown(fd, SHUT_WR);
    ::close(fd);
}

quint16 boundPort(int fd)
{
    sockaddr_storage storage = {};
    socklen_t length = sizeof(storage);
    ::getsockname(fd, reinterpret_cast<sockaddr *>(&storage), &length);
    if (storage.ss_family == AF_INET6)
        return ntohs(reinterpret_cast<sockaddr_in6 *>(&storage)->sin6_port);
    return ntohs(reinterpret_cast<sockaddr_in *>(&storage)->sin_port);
}

} // namespace

// Open connections per client address, over all workers.
class ClientCounter
{
public:
    bool tryAdd(const QByteArray &key, int limit)
    {
        const QMutexLocker lock(&m_mutex);
        int &n = m_open[key];
        if (n >= limit)
            return false;
        ++n;
        return true;
    }
    void remove(const QByteArray &key)
    {
        const QMutexLocker lock(&m_mutex);
        const auto it = m_open.find(key);
        if (it != m_open.end() && --it.value() <= 0)
            m_open.erase(it);
    }

private:
    QMutex m_mutex;
    QHash<QByteArray, int> m_open;
};

// One worker: a listener and its connections, all living in one thread.
class Worker : public QObject
{
public:
    Worker(const Server::Options &options, const Handler &handler, Metrics &metrics,
           ClientCounter &clients)
        : m_options(options), m_handler(handler), m_metrics(metrics), m_clients(clients)
    {
    }

    bool listen(int fd)
    {
        m_listener = new Listener(fd, m_options.limits.acceptBackoffMs, this);
        m_listener->onIncoming = [this](qintptr socket) { accept(socket); };
        return true;
    }

    void stopAccepting()
    {
        if (m_listener)
            m_listener->close();
        m_draining = true;
        const auto connections = findChildren<Connection *>(Qt::FindDirectChildrenOnly);
        for (Connection *c : connections)
            c->drain();
    }

    void closeAll()
    {
        const auto connections = findChildren<Connection *>(Qt::FindDirectChildrenOnly);
        for (Connection *c : connections)
            delete c;
        if (m_options.onWorkerExit)
            m_options.onWorkerExit();
    }

private:
    void accept(qintptr socket)
    {
        const auto open = findChildren<Connection *>(Qt::FindDirectChildrenOnly).size();
        if (m_draining || open >= m_options.limits.maxConnectionsPerWorker) {
            static const char busy[] = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n"
                                       "Connection: close\r\nRetry-After: 1\r\n\r\n";
            ++m_metrics.limitRejections;
            (void)!::send(int(socket), busy, sizeof(busy) - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
            ::close(int(socket));
            return;
        }
        const QByteArray client = clientKey(int(socket));
        if (!m_clients.tryAdd(client, m_options.limits.maxConnectionsPerClient)) {
            ++m_metrics.limitRejections;
            ++m_metrics.clientLimitRejections;
            refuse(int(socket), QStringLiteral("Too many open connections from this address."));
            return;
        }
        auto *c = new Connection(socket, m_options.limits, m_handler, m_metrics, this, this);
        QObject::connect(c, &QObject::destroyed,
                         [clients = &m_clients, client] { clients->remove(client); });
    }

    const Server::Options &m_options;
    const Handler &m_handler;
    Metrics &m_metrics;
    ClientCounter &m_clients;
    Listener *m_listener = nullptr;
    bool m_draining = false;
};

Server::Server(Options options, Handler handler)
    : m_options(std::move(options)),
      m_handler(std::move(handler)),
      m_clients(std::make_unique<ClientCounter>())
{
}

Server::~Server()
{
    stop(0);
}

Result<quint16> Server::start()
{
    // Probe without SO_REUSEPORT first: if another process already serves the port, fail
    // instead of silently sharing its traffic.
    auto probe = listenSocket(m_options.address, m_options.port, false);
    if (!probe)
        return probe.error();
    m_port = boundPort(probe.value());
    ::close(probe.value());

    const int workers = qMax(1, m_options.workers);
    for (int i = 0; i < workers; ++i) {
        auto fd = listenSocket(m_options.address, m_port, true);
        if (!fd) {
            stop(0);
            return fd.error();
        }
        auto thread = std::make_unique<QThread>();
        thread->setObjectName(QStringLiteral("http-%1").arg(i));
        auto *worker = new Worker(m_options, m_handler, m_metrics, *m_clients);
        worker->moveToThread(thread.get());
        QObject::connect(thread.get(), &QThread::finished, worker, &QObject::deleteLater);
        thread->start();
        bool ok = false;
        QMetaObject::invokeMethod(
                worker, [worker, &ok, f = fd.value()] { ok = worker->listen(f); },
                Qt::BlockingQueuedConnection);
        m_workers.push_back(worker);
        m_threads.push_back(std::move(thread));
        if (!ok) {
            stop(0);
            return Error(ErrorCode::Unavailable,
                         QStringLiteral("Cannot take over the listening socket."));
        }
    }
    return m_port;
}

void Server::stop(int graceMs)
{
    if (m_threads.empty())
        return;
    for (Worker *w : m_workers)
        QMetaObject::invokeMethod(
                w, [w] { w->stopAccepting(); }, Qt::BlockingQueuedConnection);
    QElapsedTimer timer;
    timer.start();
    while (m_metrics.inFlight.load() > 0 && timer.elapsed() < graceMs)
        QThread::msleep(5);
    // Responses written just now still need their worker's event loop to reach the socket.
    while (m_metrics.openConnections.load() > 0 && timer.elapsed() < graceMs)
        QThread::msleep(5);
    for (Worker *w : m_workers)
        QMetaObject::invokeMethod(
                w, [w] { w->closeAll(); }, Qt::BlockingQueuedConnection);
    for (auto &t : m_threads) {
        t->quit();
        t->wait();
    }
    m_threads.clear();
    m_workers.clear();
}

} // namespace tap::http
