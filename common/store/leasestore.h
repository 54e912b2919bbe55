#pragma once

#include "core/result.h"
#include "store/database.h"

namespace tap::store {

// Named leases shared by every tapd process on one database: at most one holder per name at a
// time. Used for jobs that must run in one process only, such as long-polling a Telegram bot
// (a second concurrent getUpdates makes Telegram cut off the first with 409 Conflict).
class LeaseStore
{
public:
    explicit LeaseStore(Database &db) : m_db(db) { }

    // Takes the lease for `holder` until now + ttlMs if it is free, expired or already held by
    // `holder` (which renews it). One statement, so two processes cannot both succeed.
    // Returns whether `holder` holds it now.
    core::Result<bool> acquire(const QString &name, const QString &holder, qint64 now,
                               qint64 ttlMs);
    // Gives the lease up (only if `holder` holds it), so another process can take it at once.
    core::Result<void> release(const QString &name, const QString &holder);
    // The current holder, empty when there is none or it expired.
    core::Result<QString> holder(const QString &name, qint64 now);

private:
    Database &m_db;
};

} // namespace tap::store
