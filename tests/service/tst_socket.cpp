// http::Socket on a real loopback TCP connection: what write() sends at once (nothing queued),
// what it queues (the kernel took part), in order, and that every signal still comes from the
// event loop, never from inside write().
#include "http/socket.h"
#include "support/tcppair.h"

#include <QSignalSpy>
#include <QTest>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

using tap::http::Socket;

namespace {

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
        tap::test::TcpPair pair;
        QVERIFY(tap::test::connectPair(pair));
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
        tap::test::TcpPair pair;
        QVERIFY(tap::test::connectPair(pair));
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
        tap::test::TcpPair pair;
        QVERIFY(tap::test::connectPair(pair));
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
        tap::test::TcpPair pair;
        QVERIFY(tap::test::connectPair(pair));
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
