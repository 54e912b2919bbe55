#include "approvals/joblease.h"

#include "core/logging.h"
#include "crypto/hmac.h"
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

QString JobLease::nameFor(const QString &kind, const QByteArray &secret)
{
    return kind + u':' + QString::fromLatin1(crypto::sha256(secret).toHex().left(32));
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
    const bool before = held();
    const bool wasHeld = m_held;
    // Counted from before the statement: others see the expiry from when it ran, or later.
    const QDeadlineTimer until(m_ttlMs - m_ttlMs / 6);
    // Wall-clock time: the expiry is compared by other processes, on their clocks.
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    auto r = store::LeaseStore(m_db).acquire(m_name, m_holder, now, m_ttlMs);
    m_held = r && r.value();
    m_heldUntil = until;
    if (m_held && !before) {
        core::logEvent(core::lcApp(), QtInfoMsg, QStringLiteral("job lease taken"),
                       { { QStringLiteral("lease"), m_name } });
        emit acquired();
    } else if (!m_held && wasHeld) {
        core::logEvent(core::lcApp(), QtInfoMsg, QStringLiteral("job lease lost"),
                       { { QStringLiteral("lease"), m_name } });
        emit lost();
    }
}

} // namespace tap::approvals
