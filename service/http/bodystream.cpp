#include "http/bodystream.h"

namespace tap::http {

QByteArray BodyStream::read(qint64 max)
{
    const bool wasFull = !wantsMore();
    QByteArray out;
    if (max >= m_buffer.size()) {
        out = std::exchange(m_buffer, QByteArray());
    } else {
        out = m_buffer.left(max);
        m_buffer.remove(0, max);
    }
    if (wasFull && wantsMore() && m_consumed)
        m_consumed();
    return out;
}

void BodyStream::append(QByteArrayView bytes)
{
    m_received += bytes.size();
    if (m_discard || bytes.isEmpty())
        return;
    m_buffer.append(bytes);
    notify();
}

void BodyStream::finish()
{
    m_finished = true;
    notify();
}

void BodyStream::fail()
{
    if (m_finished)
        return;
    m_failed = true;
    notify();
}

void BodyStream::discard()
{
    m_discard = true;
    m_buffer.clear();
    m_ready = nullptr;
    if (m_consumed)
        m_consumed();
}

void BodyStream::notify()
{
    if (m_ready) {
        auto keep = m_ready; // the callback may replace itself
        keep();
    }
}

} // namespace tap::http
