#include "store/leasestore.h"

namespace tap::store {

using core::Result;

Result<bool> LeaseStore::acquire(const QString &name, const QString &holder, qint64 now,
                                 qint64 ttlMs)
{
    // The upsert's WHERE decides: a row held by someone else and not yet expired stays as it
    // is, and then nothing is returned.
    auto q = m_db.exec(
            QStringLiteral("INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?) "
                           "ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, "
                           "expires_at = excluded.expires_at WHERE leases.holder = "
                           "excluded.holder OR leases.expires_at <= ? RETURNING holder"),
            { name, holder, now + ttlMs, now });
    if (!q)
        return q.error();
    return q->next() && q->value(0).toString() == holder;
}

Result<void> LeaseStore::release(const QString &name, const QString &holder)
{
    auto q = m_db.exec(QStringLiteral("DELETE FROM leases WHERE name = ? AND holder = ?"),
                       { name, holder });
    if (!q)
        return q.error();
    return {};
}

Result<QString> LeaseStore::holder(const QString &name, qint64 now)
{
    auto q =
            m_db.exec(QStringLiteral("SELECT holder FROM leases WHERE name = ? AND expires_at > ?"),
                      { name, now });
    if (!q)
        return q.error();
    return q->next() ? q->value(0).toString() : QString();
}

} // namespace tap::store
