#pragma once

#include "store/database.h"

#include <QDeadlineTimer>
#include <QObject>
#include <QTimer>

namespace tap::approvals {

// Keeps a named lease (store::LeaseStore) for a job only one tapd process may run at a time,
// e.g. long-polling one Telegram bot: with several processes on one database, one holds it and
// runs the job; the others stand by and take over when it stops renewing (crashed, stopped,
// cut off from the database) — at most ttlMs after its last renewal, at once after a clean
// stop, which releases the lease.
//
// The holder renews every ttlMs / 3; a renewal that fails (database error, or the lease went to
// someone else) ends the holding: lost() is emitted and the job must stop. held() also turns
// false on its own when no renewal succeeded for 5/6 of ttlMs (a stalled event loop), before
// another process may take the lease; the next successful renewal emits acquired() again.
// Lives on the thread that owns the database connection it uses (the main thread).
class JobLease : public QObject
{
    Q_OBJECT
public:
    JobLease(store::Database &db, QString name, QString holder, int ttlMs,
             QObject *parent = nullptr);
    ~JobLease() override; // releases the lease when held

    // A lease name for a job keyed by a secret (a bot token): `kind` + ':' + a SHA-256 prefix of
    // the secret, so that the database never holds the secret itself.
    static QString nameFor(const QString &kind, const QByteArray &secret);

    void start(); // tries at once, then every ttlMs / 3
    void stop(); // stops trying and releases the lease when held (no lost() signal)
    bool held() const { return m_held && !m_heldUntil.hasExpired(); }
    const QString &name() const { return m_name; }

signals:
    void acquired();
    void lost();

private:
    void tick();

    store::Database &m_db;
    QString m_name;
    QString m_holder;
    int m_ttlMs;
    bool m_held = false; // the last renewal succeeded
    QDeadlineTimer m_heldUntil; // and counts until then (monotonic, with a margin)
    QTimer m_timer;
};

} // namespace tap::approvals
