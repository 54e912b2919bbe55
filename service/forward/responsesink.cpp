#include "forward/responsesink.h"

namespace tap::forward {

void LiveSink::send(http::Response response, bool)
{
    m_responder.send(std::move(response));
}

void LiveSink::begin(int status, const http::HeaderList &headers)
{
    m_responder.begin(status, headers);
}

void LiveSink::write(const QByteArray &chunk)
{
    m_responder.write(chunk);
}

void LiveSink::end()
{
    m_responder.end();
}

void LiveSink::abort()
{
    m_responder.abort();
}

qint64 LiveSink::pendingBytes() const
{
    return m_responder.bufferedBytes();
}

void LiveSink::onDrained(qint64 lowWatermark, std::function<void()> callback)
{
    m_responder.onDrained(lowWatermark, std::move(callback));
}

void LiveSink::onCancel(std::function<void()> callback)
{
    m_responder.onCancel(std::move(callback));
}

QObject *LiveSink::threadContext() const
{
    return m_responder.threadContext();
}

void StoredSink::send(http::Response response, bool forwarded)
{
    if (m_deliver)
        m_deliver(response, forwarded);
}

} // namespace tap::forward
