// http::Socket on a real loopback TCP connection: what write() sends at once (nothing queued),
// what it queues (the kernel took part), in order, and that every signal still comes from the
// event loop, never from inside write().
#include "http/socket.h"

#include <QSignalSpy>
#include <QTest>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

using tap::http::Socket;

namespace {

// A connected pair: `server` for the Socket, `peer` read (and closed) by the test directly.
struct Pair
{
    int server = -1;
    int peer = -1;
    ~Pair()
    {
        if (peer >= 0)
            ::close(peer);
    }
};

bool connectPair(Pair &pair)
{
    const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address = {};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(address);
    auto *any = reinterpret_cast<sockaddr *>(&address);
    if (listener < 0 || ::bind(listener, any, length) != 0 || ::listen(listener, 1) != 0
        || ::getsockname(listener, any, &length) != 0)
        return false;
    pair.peer = ::socket(AF_INET, SOCK_STREAM, 0);
    const bool connected = ::connect(pair.peer, any, length) == 0;
    pair.server = connected ? ::accept(listener, nullptr, nullptr) : -1;
    ::close(listener);
    return pair.server >= 0;
}

// What the peer can read now, without waiting.
QByteArray readNow(int fd)
{
    QByteArray all;
    char buffer[65536];
    for (;;) {
        const ssize_t n = ::recv(fd, buffer, sizeof(buffer), MSG_DONTWAIT);
        if (n <= 0)
            return all;
        all.append(buffer, n);
    }
}

QByteArray pattern(qsizetype size, char seed)
{
    QByteArray bytes(size, Qt::Uninitialized);
    for (qsizetype i = 0; i < size; ++i)
        bytes[i] = char(seed + i % 61);
    return bytes;
}

} // namespace

class TestSocket : public QObject
{
    Q_OBJECT

private slots:
    // Nothing queued: the bytes go to the kernel inside write(), with no wait for the write
    // notifier, and nothing is left to report.
    void writeSendsAtOnce()
    {
        Pair pair;
        QVERIFY(connectPair(pair));
        Socket socket(pair.server, nullptr);
        QSignalSpy written(&socket, &Socket::bytesWritten);
        socket.write("HTTP/1.1 200 OK\r\n\r\n");
        QCOMPARE(socket.bytesToWrite(), 0);
        QCOMPARE(readNow(pair.peer), QByteArray("HTTP/1.1 200 OK\r\n\r\n"));
        socket.write("second");
        QCOMPARE(readNow(pair.peer), QByteArray("second"));
        QCoreApplication::processEvents();
        QCOMPARE(written.size(), 0);
    }

    // The kernel takes part: the rest, and everything written after it, is queued and sent by
    // the event loop in order; bytesWritten() reports exactly what was queued.
    void restIsQueuedInOrder()
    {
        Pair pair;
        QVERIFY(connectPair(pair));
        const int small = 4096;
        ::setsockopt(pair.server, SOL_SOCKET, SO_SNDBUF, &small, sizeof(small));
        Socket socket(pair.server, nullptr);
        qint64 reported = 0;
        connect(&socket, &Socket::bytesWritten, this, [&](qint64 n) { reported += n; });
        const QByteArray first = pattern(16 * 1024 * 1024, 'a'); // more than the kernel holds
        const QByteArray second = pattern(1000, 'A');
        socket.write(first);
        const qint64 queuedFirst = socket.bytesToWrite();
        QVERIFY(queuedFirst > 0);
        QVERIFY(queuedFirst < first.size()); // some went at once
        socket.write(second);
        QCOMPARE(socket.bytesToWrite(), queuedFirst + second.size()); // all of it queued
        QCOMPARE(reported, 0); // no signal from inside write()
        QByteArray got;
        QElapsedTimer clock;
        clock.start();
        while (got.size() < first.size() + second.size() && clock.elapsed() < 20000) {
            got += readNow(pair.peer);
            QCoreApplication::processEvents();
        }
        QCOMPARE(got.size(), first.size() + second.size());
        QVERIFY(got == first + second);
        QCOMPARE(socket.bytesToWrite(), 0);
        QCOMPARE(reported, queuedFirst + second.size());
    }

    // Sent at once, a close does not wait for the write notifier either.
    void disconnectAfterImmediateWriteClosesAtOnce()
    {
        Pair pair;
        QVERIFY(connectPair(pair));
        Socket socket(pair.server, nullptr);
        QSignalSpy disconnected(&socket, &Socket::disconnected);
        socket.write("bye");
        socket.disconnectFromHost();
        QCOMPARE(socket.state(), QAbstractSocket::UnconnectedState);
        QCOMPARE(readNow(pair.peer), QByteArray("bye"));
        char byte;
        QCOMPARE(::recv(pair.peer, &byte, 1, MSG_DONTWAIT), 0); // FIN
        QCOMPARE(disconnected.size(), 0); // closed at once: no signal (as before)
    }

    // A peer that reset the connection: write() does not report it (no signal from inside a
    // method); the event loop does.
    void sendErrorReportedFromTheEventLoop()
    {
        Pair pair;
        QVERIFY(connectPair(pair));
        const linger reset = { 1, 0 };
        ::setsockopt(pair.peer, SOL_SOCKET, SO_LINGER, &reset, sizeof(reset));
        ::close(std::exchange(pair.peer, -1)); // RST
        Socket socket(pair.server, nullptr);
        QSignalSpy disconnected(&socket, &Socket::disconnected);
        socket.write("late answer");
        QCOMPARE(disconnected.size(), 0);
        QVERIFY(socket.bytesToWrite() > 0); // left for the event loop to fail on
        QTRY_COMPARE(disconnected.size(), 1);
        QCOMPARE(socket.state(), QAbstractSocket::UnconnectedState);
    }
};

QTEST_GUILESS_MAIN(TestSocket)
#include "tst_socket.moc"
