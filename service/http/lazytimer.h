#pragma once

#include <QTimer>

#include <algorithm>
#include <chrono>
#include <functional>
#include <limits>

namespace tap::http {

// A single-shot timeout whose deadline moves far more often than it fires (a connection's, with
// every request). start() and stop() only note the deadline; the QTimer underneath is restarted
// only when the new deadline comes before it fires, and when it fires before the deadline.
// Restarting a QTimer unregisters and registers it with the event dispatcher: that, twice per
// request, cost more than these checks. Never fires before the deadline.
class LazyTimer
{
public:
    // The QTimer is a child of `owner` (for the tests to find).
    LazyTimer(QObject *owner, std::function<void()> onTimeout)
        : m_timer(new QTimer(owner)), m_onTimeout(std::move(onTimeout))
    {
        m_timer->setSingleShot(true);
        m_timer->setTimerType(Qt::PreciseTimer); // a coarse one may fire early (and re-arm)
        QObject::connect(m_timer, &QTimer::timeout, [this] { fired(); });
    }
    ~LazyTimer() { delete m_timer; }
    Q_DISABLE_COPY_MOVE(LazyTimer)

    void start(qint64 ms)
    {
        const qint64 now = nowMs();
        m_deadline = now + ms;
        if (!m_timer->isActive() || m_due > m_deadline)
            arm(now, ms);
    }
    void stop() { m_deadline = -1; } // what fires then is ignored
    bool isActive() const { return m_deadline >= 0; }

private:
    static qint64 nowMs()
    {
        using namespace std::chrono;
        return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
    }
    void arm(qint64 now, qint64 ms)
    {
        m_due = now + ms;
        m_timer->start(int(std::clamp<qint64>(ms, 0, std::numeric_limits<int>::max())));
    }
    void fired()
    {
        if (m_deadline < 0)
            return;
        const qint64 now = nowMs();
        if (now < m_deadline) // moved out meanwhile (or a coarse timer a little early)
            return arm(now, m_deadline - now);
        m_deadline = -1;
        m_onTimeout();
    }

    QTimer *m_timer;
    qint64 m_deadline = -1; // on the steady clock, ms; -1: none
    qint64 m_due = 0; // when m_timer fires
    std::function<void()> m_onTimeout;
};

} // namespace tap::http
