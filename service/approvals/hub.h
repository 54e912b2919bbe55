#pragma once

#include "core/clock.h"
#include "store/database.h"

#include <QHash>
#include <QMutex>
#include <QObject>
#include <QTimer>

#include <functional>

namespace tap::approvals {

// Long-poll waiters of the approver inbox (GET /admin/approvals?wait=…). A waiter is woken
// at once when this process changes an approval of its team (notify()), within kPollMs when
// another tapd process on the same database does (the team's newest updated_at moves past
// the waiter's cursor), or at its deadline. Lives on the main thread; callable from any.
class ApprovalHub : public QObject
{
    Q_OBJECT
public:
    static constexpr int kPollMs = 250;

    ApprovalHub(store::Database &db, const core::Clock &clock, QObject *parent = nullptr);

    // `wake` runs once, on the hub's thread.
    void wait(const QString &teamId, qint64 cursor, int waitMs, std::function<void()> wake);
    void notify(const QString &teamId);
    int waiting() const;

private:
    struct Waiter
    {
        QString teamId;
        qint64 cursor;
        qint64 deadline;
        std::function<void()> wake;
    };
    void check(const QString &onlyTeam);

    store::Database &m_db;
    const core::Clock &m_clock;
    mutable QMutex m_mutex;
    QList<Waiter> m_waiters;
    QTimer m_timer;
};

} // namespace tap::approvals
