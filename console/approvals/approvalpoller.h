#pragma once

#include "approvals/approval.h"

#include <QList>
#include <QNetworkReply>
#include <QObject>
#include <QPointer>
#include <QTimer>

namespace tap::apiclient {
class ApiClient;
}

namespace tap::console {

// Keeps the pending approvals current with the long poll: GET /admin/approvals?status=pending
// answers at once, then ?wait=S&cursor=C is asked again and again; each answer carries the
// whole pending list and the cursor for the next call. After a network failure it tries again
// after retryDelayMs(); a 401 stops it (the session is over).
class ApprovalPoller : public QObject
{
    Q_OBJECT
public:
    explicit ApprovalPoller(apiclient::ApiClient *api, QObject *parent = nullptr);

    void start();
    void stop();
    // Asks again at once (not a new start: the first-answer flag stays as it is).
    void refreshNow();
    bool isRunning() const { return m_running; }
    const QList<Approval> &pending() const { return m_pending; }
    // False from a failure to reach the server until the next answer.
    bool isOnline() const { return m_online; }
    void setRetryDelayMs(int ms) { m_retry.setInterval(ms); }
    // How long the server may hold each poll (1-60 s; default 30).
    void setWaitSeconds(int seconds) { m_waitSeconds = qBound(1, seconds, 60); }

signals:
    // `first` is true for the first answer after start().
    void updated(const QList<Approval> &pending, bool first);
    // A poll failed: the translated sentence for the server's error code (app/errortext.h).
    void failed(const QString &message);
    // The server could not be reached (false; the poller keeps trying) or answered again.
    void onlineChanged(bool online);

private:
    void poll();
    void setOnline(bool online);

    apiclient::ApiClient *m_api;
    QPointer<QNetworkReply> m_reply;
    QTimer m_retry;
    QString m_cursor;
    QList<Approval> m_pending;
    int m_waitSeconds = 30;
    int m_generation = 0;
    bool m_running = false;
    bool m_first = true;
    bool m_online = true;
};

} // namespace tap::console
