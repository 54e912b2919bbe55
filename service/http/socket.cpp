#include "http/socket.h"

#include <QSocketNotifier>
#include <QTimer>

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace tap::http {

namespace {

constexpr qint64 kMaxReadPerEvent = 64 * 1024;
constexpr qint64 kMaxWritePerEvent = 1024 * 1024; // then the other connections get a turn

} // namespace

Socket::Socket(qintptr descriptor, QObject *parent) : QObject(parent), m_fd(int(descriptor))
{
    ::fcntl(m_fd, F_SETFL, ::fcntl(m_fd, F_GETFL) | O_NONBLOCK);
    const int one = 1;
    ::setsockopt(m_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    sockaddr_storage peer = {};
    socklen_t length = sizeof(peer);
    if (::getpeername(m_fd, reinterpret_cast<sockaddr *>(&peer), &length) == 0)
        m_peer = QHostAddress(reinterpret_cast<const sockaddr *>(&peer));
    m_readNotifier = new QSocketNotifier(m_fd, QSocketNotifier::Read, this);
    m_writeNotifier = new QSocketNotifier(m_fd, QSocketNotifier::Write, this);
    m_writeNotifier->setEnabled(false);
    connect(m_readNotifier, &QSocketNotifier::activated, this, &Socket::onReadable);
    connect(m_writeNotifier, &QSocketNotifier::activated, this, &Socket::onWritable);
}

Socket::~Socket()
{
    closeDescriptor();
}

void Socket::updateNotifiers()
{
    if (m_fd < 0)
        return;
    m_readNotifier->setEnabled(!m_readClosed && m_in.size() < m_readLimit);
    m_writeNotifier->setEnabled(m_pending > 0);
}

qint64 Socket::read(char *data, qint64 maxSize)
{
    const qint64 n = qMin<qint64>(maxSize, m_in.size());
    if (n <= 0)
        return 0;
    memcpy(data, m_in.constData(), size_t(n));
    m_in.remove(0, n);
    updateNotifiers(); // room again: resume reading from the kernel
    return n;
}

qint64 Socket::discardInput()
{
    const qint64 n = m_in.size();
    m_in.clear();
    updateNotifiers();
    return n;
}

void Socket::onReadable()
{
    if (m_fd < 0)
        return;
    const qint64 room = qMin(kMaxReadPerEvent, m_readLimit - m_in.size());
    if (room <= 0)
        return updateNotifiers();
    const qsizetype old = m_in.size();
    m_in.resize(old + room);
    const ssize_t n = ::recv(m_fd, m_in.data() + old, size_t(room), 0);
    m_in.resize(old + qMax<ssize_t>(0, n));
    if (n > 0) {
        updateNotifiers();
        emit readyRead();
        return;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return;
    if (n < 0)
        return fail();
    m_readClosed = true; // FIN: the peer sends no more, but may still read our answer
    updateNotifiers();
    emit readClosed();
}

// Nothing queued: sent at once, as far as the kernel takes it (no wait for the write notifier,
// a poll round later). The rest is queued for onWritable(), and so is everything after it, in
// order; an error is left for onWritable() to report, from the event loop.
void Socket::write(const QByteArray &bytes)
{
    if (m_fd < 0 || m_writeShut || m_shutdownWhenFlushed || bytes.isEmpty())
        return;
    qsizetype sent = 0;
    if (m_pending == 0) {
        sent = sendNow(bytes);
        if (sent == bytes.size())
            return;
        m_outOffset = sent; // m_out is empty: `bytes` becomes its first
    }
    m_out.append(bytes);
    m_pending += bytes.size() - sent;
    updateNotifiers();
}

void Socket::writeFromLoop(const QByteArray &bytes)
{
    if (m_fd < 0 || m_writeShut || m_shutdownWhenFlushed || bytes.isEmpty())
        return;
    m_out.append(bytes);
    m_pending += bytes.size();
    updateNotifiers();
}

qsizetype Socket::sendNow(const QByteArray &bytes)
{
    qsizetype sent = 0;
    while (sent < bytes.size()) {
        const ssize_t n =
                ::send(m_fd, bytes.constData() + sent, size_t(bytes.size() - sent), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        sent += n;
    }
    return sent;
}

void Socket::onWritable()
{
    if (m_fd < 0)
        return;
    qint64 sent = 0;
    while (!m_out.isEmpty() && sent < kMaxWritePerEvent) {
        const QByteArray &first = m_out.first();
        const ssize_t n = ::send(m_fd, first.constData() + m_outOffset,
                                 size_t(first.size() - m_outOffset), MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                break;
            return fail();
        }
        sent += n;
        m_pending -= n;
        m_outOffset += n;
        if (m_outOffset == first.size()) {
            m_out.removeFirst();
            m_outOffset = 0;
        }
    }
    updateNotifiers();
    if (sent > 0)
        emit bytesWritten(sent);
    if (m_fd >= 0 && m_pending == 0)
        flush();
}

// Everything is sent: carry out a close or half-close that waited for it.
void Socket::flush()
{
    if (m_closeWhenFlushed) {
        closeDescriptor();
        m_state = QAbstractSocket::UnconnectedState;
        emit disconnected();
    } else if (m_shutdownWhenFlushed && !m_writeShut) {
        ::shutdown(m_fd, SHUT_WR);
        m_writeShut = true;
    }
}

void Socket::abort()
{
    closeDescriptor();
    m_state = QAbstractSocket::UnconnectedState;
}

void Socket::disconnectFromHost()
{
    if (m_fd < 0 || m_pending == 0) {
        abort();
        return;
    }
    m_closeWhenFlushed = true;
    m_state = QAbstractSocket::ClosingState;
}

void Socket::shutdownWrite()
{
    m_shutdownWhenFlushed = true;
    if (m_fd >= 0 && m_pending == 0)
        flush();
}

bool Socket::resetPending()
{
    int error = 0;
    socklen_t length = sizeof(error);
    return m_fd >= 0 && ::getsockopt(m_fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0
            && error != 0;
}

bool Socket::watchForReset()
{
    if (m_fd < 0)
        return true;
    if (resetPending()) {
        abort();
        return true;
    }
    if (!m_resetWatch) {
        m_resetWatch = new QTimer(this);
        m_resetWatch->setInterval(50);
        connect(m_resetWatch, &QTimer::timeout, this, [this] {
            if (m_fd < 0)
                m_resetWatch->stop();
            else if (resetPending())
                fail();
        });
        m_resetWatch->start();
    }
    return false;
}

void Socket::fail()
{
    closeDescriptor();
    m_state = QAbstractSocket::UnconnectedState;
    emit disconnected();
}

void Socket::closeDescriptor()
{
    if (m_resetWatch)
        m_resetWatch->stop();
    if (m_fd < 0)
        return;
    // Notifiers may be the sender of the signal being handled: disabled now, deleted later.
    for (QSocketNotifier *n : { m_readNotifier, m_writeNotifier }) {
        n->setEnabled(false);
        n->deleteLater();
    }
    m_readNotifier = m_writeNotifier = nullptr;
    ::close(m_fd);
    m_fd = -1;
    m_out.clear();
    m_pending = 0;
}

} // namespace tap::http
