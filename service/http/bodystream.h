#pragma once

#include <QByteArray>

#include <functional>

namespace tap::http {

// A request body handed to the handler while it is still arriving (Limits::streamBody). Lives
// on the connection's thread and is used only there (the upstream client of a worker runs on
// the same thread). The connection stops reading from the socket while kHighWatermark bytes
// wait here, so a slow consumer holds the client back instead of buffering its body.
class BodyStream
{
public:
    static constexpr qint64 kHighWatermark = 1024 * 1024;

    explicit BodyStream(qint64 length) : m_length(length) { }

    // Content-Length, or -1 for a chunked body.
    qint64 length() const { return m_length; }
    qint64 available() const { return m_buffer.size(); }
    qint64 received() const { return m_received; }
    // All bytes have arrived (some may still wait to be read).
    bool finished() const { return m_finished; }
    bool atEnd() const { return m_finished && m_buffer.isEmpty(); }
    // The client went away or sent a malformed body: no more bytes will come.
    bool failed() const { return m_failed; }

    // Takes up to `max` waiting bytes (possibly none).
    QByteArray read(qint64 max);
    // Called whenever bytes arrive, the body ends or fails. Replaces any earlier callback.
    void onReady(std::function<void()> callback) { m_ready = std::move(callback); }

    // The connection's side.
    void append(QByteArrayView bytes);
    void finish();
    void fail();
    void onConsumed(std::function<void()> callback) { m_consumed = std::move(callback); }
    bool wantsMore() const { return m_buffer.size() < kHighWatermark; }
    // The handler is done (its response went out): what else arrives is dropped.
    void discard();

private:
    void notify();

    qint64 m_length;
    qint64 m_received = 0;
    QByteArray m_buffer;
    bool m_finished = false;
    bool m_failed = false;
    bool m_discard = false;
    std::function<void()> m_ready;
    std::function<void()> m_consumed;
};

} // namespace tap::http
