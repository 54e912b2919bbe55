// CurlClient's sockets: the notifiers through which this thread's event loop watches what
// libcurl asks it to (CURLMOPT_SOCKETFUNCTION), and the connections' lifetimes.
#include "upstream/curlclient.h"

#include <QSocketNotifier>

#include <unistd.h>

namespace tap::upstream {

QSocketNotifier *CurlClient::notifier(int fd, bool read)
{
    auto *n = new QSocketNotifier(fd, read ? QSocketNotifier::Read : QSocketNotifier::Write, this);
    if (read)
        connect(n, &QSocketNotifier::activated, this, [this, fd] { onReadable(fd); });
    else
        connect(n, &QSocketNotifier::activated, this,
                [this, fd] { socketAction(fd, CURL_CSELECT_OUT); });
    return n;
}

int CurlClient::onSocket(CURL *, int fd, int what, void *client, void *)
{
    auto *self = static_cast<CurlClient *>(client);
    auto it = self->m_watches.find(fd);
    if (it == self->m_watches.end()) {
        if (what == CURL_POLL_REMOVE)
            return 0;
        it = self->m_watches.insert(fd, {});
    }
    Watch &w = it.value();
    if (what == CURL_POLL_REMOVE && !w.connection) {
        // Not a connection (the resolver's wake-up pipe): libcurl may close it without
        // onCloseSocket(), so it is forgotten now.
        delete w.reader;
        delete w.writer;
        self->m_watches.erase(it);
        return 0;
    }
    w.reading = what == CURL_POLL_IN || what == CURL_POLL_INOUT;
    const bool writing = what == CURL_POLL_OUT || what == CURL_POLL_INOUT;
    if (w.reading && !w.reader)
        w.reader = self->notifier(fd, true);
    if (w.reader) {
        bool on = w.reading;
        if (!w.reading && w.connection && w.reader->isEnabled()) // kept on while few are
            on = w.idle || self->m_idleWatched < kIdleWatched;
        self->setIdle(w, on && !w.reading);
        w.reader->setEnabled(on);
    }
    if (writing && !w.writer)
        w.writer = self->notifier(fd, false);
    if (w.writer)
        w.writer->setEnabled(writing);
    return 0;
}

void CurlClient::onReadable(int fd)
{
    const auto it = m_watches.find(fd);
    if (it == m_watches.end())
        return;
    if (!it->reading) { // a kept-alive connection between transfers (closed by the peer, say)
        setIdle(*it, false);
        return it->reader->setEnabled(false);
    }
    socketAction(fd, CURL_CSELECT_IN);
}

void CurlClient::setIdle(Watch &watch, bool idle)
{
    if (watch.idle != idle)
        m_idleWatched += idle ? 1 : -1;
    watch.idle = idle;
}

int CurlClient::onSocketOpened(void *client, curl_socket_t fd, curlsocktype)
{
    static_cast<CurlClient *>(client)->m_watches[fd].connection = true;
    return CURL_SOCKOPT_OK;
}

int CurlClient::onCloseSocket(void *client, curl_socket_t fd)
{
    auto *self = static_cast<CurlClient *>(client);
    // (Possibly the notifier being handled: QSocketNotifier allows that.)
    Watch w = self->m_watches.take(fd);
    self->setIdle(w, false);
    delete w.reader;
    delete w.writer;
    return ::close(fd);
}

} // namespace tap::upstream
