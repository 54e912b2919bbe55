#include "approvals/hub.h"

#include "store/approvalstore.h"

namespace tap::approvals {

ApprovalHub::ApprovalHub(store::Database &db, const core::Clock &clock, QObject *parent)
    : QObject(parent), m_db(db), m_clock(clock)
{
    m_timer.setInterval(kPollMs);
    connect(&m_timer, &QTimer::timeout, this, [this] { check(QString()); });
}

void ApprovalHub::wait(const QString &teamId, qint64 cursor, int waitMs, std::function<void()> wake)
{
    Waiter w{ teamId, cursor, m_clock.nowMs() + waitMs, std::move(wake) };
    QMetaObject::invokeMethod(this, [this, w = std::move(w)]() mutable {
        {
            QMutexLocker lock(&m_mutex);
            m_waiters.append(std::move(w));
        }
        if (!m_timer.isActive())
            m_timer.start();
        check(QString());
    });
}

void ApprovalHub::notify(const QString &teamId)
{
    QMetaObject::invokeMethod(this, [this, teamId] { check(teamId); });
}

int ApprovalHub::waiting() const
{
    QMutexLocker lock(&m_mutex);
    return int(m_waiters.size());
}

void ApprovalHub::check(const QString &onlyTeam)
{
    QList<Waiter> due;
    {
        QMutexLocker lock(&m_mutex);
        const qint64 now = m_clock.nowMs();
        QHash<QString, qint64> latest;
        for (qsizetype i = 0; i < m_waiters.size();) {
            Waiter &w = m_waiters[i];
            bool ready = w.deadline <= now || w.teamId == onlyTeam;
            if (!ready) {
                auto it = latest.find(w.teamId);
                if (it == latest.end()) {
                    auto last = store::ApprovalStore(m_db).lastChange(w.teamId);
                    it = latest.insert(w.teamId, last ? last.value() : 0);
                }
                ready = it.value() > w.cursor;
            }
            if (ready)
                due.append(m_waiters.takeAt(i));
            else
                ++i;
        }
        if (m_waiters.isEmpty())
            m_timer.stop();
    }
    for (Waiter &w : due)
        w.wake();
}

} // namespace tap::approvals
