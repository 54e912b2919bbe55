#pragma once

#include <QAbstractSocket>
#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QObject>

class QSocketNotifier;
class QTimer;

namespace tap::http {

// A connected TCP socket of the server, with the half of QTcpSocket the connection needs plus
// what QTcpSocket cannot do: a peer's half-close (FIN) is only the end of what it sends, not
// the end of the connection (QTcpSocket closes both directions at once, dropping the answer
// still to be written), and our own half-close (shutdownWrite(): RFC 9112 §9.6 lingering).
//
// Never emits a signal from inside one of its own methods: only from the event loop.
class Socket : public QObject
{
    Q_OBJECT
public:
    Socket(qintptr descriptor, QObject *parent);
    ~Socket() override;

    QHostAddress peerAddress() const { return m_peer; }
    // ConnectedState until abort(), a completed disconnectFromHost() or an error.
    QAbstractSocket::SocketState state() const { return m_state; }
    // The peer has sent FIN: what is buffered is all that will ever come.
    bool isReadClosed() const { return m_readClosed; }

    // Input buffered (at most the read buffer size; the kernel holds the rest).
    qint64 bytesAvailable() const { return m_in.size(); }
    qint64 read(char *data, qint64 maxSize);
    qint64 discardInput(); // drops what is buffered; returns how much
    void setReadBufferSize(qint64 size) { m_readLimit = size; }

    // Sends at once what the kernel takes when nothing is queued; queues the rest. Only bytes
    // sent from the queue (by the event loop) are reported by bytesWritten().
    void write(const QByteArray &bytes);
    // Queues `bytes` for the event loop to send, even when nothing else is queued.
    void writeFromLoop(const QByteArray &bytes);
    qint64 bytesToWrite() const { return m_pending; }

    // Closes at once; unsent output is dropped. No signal.
    void abort();
    // Sends what is buffered, then closes (emits disconnected() then). Closes at once, with
    // no signal, when nothing is buffered.
    void disconnectFromHost();
    // Sends what is buffered, then shuts the sending direction down (FIN); reading goes on.
    void shutdownWrite();
    // After the peer's FIN: a peer that closed its socket (rather than only its sending side)
    // answers what we send with a reset. Checks for that reset now and then from here on,
    // emitting disconnected() when it comes; true if it has come already.
    bool watchForReset();

signals:
    void readyRead();
    void readClosed(); // FIN from the peer (after the readyRead() for the last bytes)
    void bytesWritten(qint64 bytes);
    void disconnected(); // reset or error, or disconnectFromHost() done

private:
    void onReadable();
    void onWritable();
    qsizetype sendNow(const QByteArray &bytes);
    void flush();
    void updateNotifiers();
    void closeDescriptor();
    void fail();
    bool resetPending();

    int m_fd;
    QSocketNotifier *m_readNotifier = nullptr;
    QSocketNotifier *m_writeNotifier = nullptr;
    QHostAddress m_peer;
    QAbstractSocket::SocketState m_state = QAbstractSocket::ConnectedState;
    QByteArray m_in;
    qint64 m_readLimit = 64 * 1024;
    bool m_readClosed = false;
    QList<QByteArray> m_out;
    qsizetype m_outOffset = 0; // of m_out.first() already sent
    qint64 m_pending = 0;
    bool m_closeWhenFlushed = false;
    bool m_shutdownWhenFlushed = false;
    bool m_writeShut = false;
    QTimer *m_resetWatch = nullptr;
};

} // namespace tap::http
