// A connected loopback TCP pair for tests of the HTTP layer's sockets: `server` is handed to the
// code under test (which owns and closes it), `peer` is read and written by the test directly.
#pragma once

#include <QByteArray>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace tap::test {

struct TcpPair
{
    int server = -1;
    int peer = -1;
    TcpPair() = default;
    TcpPair(const TcpPair &) = delete;
    TcpPair &operator=(const TcpPair &) = delete;
    ~TcpPair()
    {
        if (peer >= 0)
            ::close(peer);
    }
};

inline bool connectPair(TcpPair &pair)
{
    const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address = {};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(address);
    auto *any = reinterpret_cast<sockaddr *>(&address);
    if (listener < 0 || ::bind(listener, any, length) != 0 || ::listen(listener, 1) != 0
        || ::getsockname(listener, any, &length) != 0) {
        if (listener >= 0)
            ::close(listener);
        return false;
    }
    pair.peer = ::socket(AF_INET, SOCK_STREAM, 0);
    const bool connected = ::connect(pair.peer, any, length) == 0;
    pair.server = connected ? ::accept(listener, nullptr, nullptr) : -1;
    ::close(listener);
    return pair.server >= 0;
}

// Sends all of `bytes` on a blocking socket (the test's peer end).
inline bool sendAll(int fd, const QByteArray &bytes)
{
    return ::send(fd, bytes.constData(), size_t(bytes.size()), 0) == ssize_t(bytes.size());
}

} // namespace tap::test
