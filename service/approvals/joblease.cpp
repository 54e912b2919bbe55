#include "approvals/joblease.h"

#include "core/logging.h"
#include "store/leasestore.h"

#include <QDateTime>

namespace tap::approvals {

JobLease::JobLease(store::Database &db, QString name, QString holder, int ttlMs, QObject *parent)
    : QObject(parent),
      m_db(db),
      m_name(std::move(name)),
      m_holder(std::move(holder)),
      m_ttlMs(qMax(ttlMs, 300))
{
    m_timer.setInterval(m_ttlMs / 3);
    connect(&m_timer, &QTimer::timeout, this, &JobLease::tick);
}

JobLease::~JobLease()
{
    stop();
}

void JobLease::stop()
{
    m_timer.stop();
    if (!m_held)
        return;
    m_held = false;
    (void)store::LeaseStore(m_db).release(m_name, m_holder);
    core::logEvent(core::lcApp(), QtInfoMsg, QStringLiteral("job lease released"),
                   { { QStringLiteral("lease"), m_name } });
}

void JobLease::start()
{
    m_timer.start();
    tick();
}

void JobLease::tick()
{
    // Wall-clock time: the expiry is compared by other processes, on their clocks.
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    auto r = store::LeaseStore(m_db).acquire(m_name, m_holder, now, m_ttlMs);
    const bool held = r && r.value();
    if (held == m_held)
        return;
    m_held = held;
    core::logEvent(core::lcApp(), QtInfoMsg,
                   held ? QStringLiteral("job lease taken") : QStringLiteral("job lease lost"),
                   { { QStringLiteral("lease"), m_name } });
    if (held)
        emit acquired();
    else
        emit lost();
}

} // namespace tap::approvals
