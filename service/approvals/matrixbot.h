#pragma once

#include "approvals/approvalservice.h"
#include "approvals/joblease.h"
#include "core/result.h"

#include <QHash>
#include <QJsonObject>
#include <QNetworkReply>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QTimer>
#include <QUrl>

#include <functional>

namespace tap::channels {
class MatrixClient;
}
namespace tap::admin {
class ChatLinkService;
}

namespace tap::approvals {

// The Matrix approval bot (client-server API v3). For every parked request it posts the request
// details to the room the credential's policy (matrix_room_id) or the team's Matrix channel
// names and records the event id. It follows /sync and takes decisions from replies to that
// event ("approve" / "deny") and from reactions on it (👍 ✅ approve, 👎 ❌ deny), by the
// sender's Matrix id; ApprovalService::decide() enforces the policy's allowed approvers. It
// answers every outcome with a notice replying to the original event. A member links their
// Matrix account by sending the bot a link code in a direct message (ChatLinkService).
//
// Lives on the main thread; the observer calls may come from any thread. The access token is
// sent in a header only and never logged.
class MatrixBot : public QObject, public ApprovalObserver
{
    Q_OBJECT
public:
    struct Settings
    {
        QUrl homeserver;
        QString accessToken;
        int syncTimeoutS = 30;
        int requestTimeoutMs = 15000;
        // Several tapd processes on one database: one of them follows /sync at a time (else
        // each would answer a refused reply with its own notice), under a JobLease held by this
        // instance id. A process taking over catches up quietly (decisions, no notices).
        QString instanceId;
        int leaseTtlMs = 15000;
    };
    MatrixBot(store::Database &db, ApprovalService &approvals, admin::ChatLinkService &links,
              Settings settings, QObject *parent = nullptr);
    ~MatrixBot() override;

    // Asks who the bot is (to ignore its own events), then follows /sync while it holds the
    // sync lease.
    void start();
    // Stops syncing and releases the lease, so that another process takes over at once.
    void stop();

    void approvalCreated(const store::ApprovalRow &row) override;
    void approvalChanged(const store::ApprovalRow &row) override;

private:
    using ApiDone = std::function<void(core::Result<QJsonObject>)>;

    QNetworkReply *call(const QByteArray &verb, const QString &path, const QUrlQuery &query,
                        const QJsonObject &body, int timeoutMs, ApiDone done);
    void link(const QString &roomId, const QString &eventId, const QString &sender,
              const QString &code);
    void whoami();
    void sync();
    void retryLater(const QString &what, const core::Error &error);
    void handleEvent(const QString &roomId, const QJsonObject &event, bool catchingUp);
    void decide(const QString &roomId, const QString &relatedEvent, const QString &replyTo,
                const QString &sender, bool approve, bool catchingUp, int attempt = 0);
    void post(const store::ApprovalRow &row);
    // `sent` gets the new event's id, or an empty one when sending failed.
    void send(const QString &roomId, const QJsonObject &content,
              std::function<void(const QString &eventId)> sent = {});
    void notice(const QString &roomId, const QString &replyTo, const QString &text);
    void showOutcome(const store::ApprovalRow &row);
    QString resolveRoom(const store::ApprovalRow &row);

    store::Database &m_db;
    ApprovalService &m_approvals;
    admin::ChatLinkService &m_links;
    Settings m_settings;
    channels::MatrixClient *m_client;
    QSet<QString> m_noticing; // txn ids with an outcome notice in flight
    QHash<QString, QList<store::ApprovalRow>> m_nextNotices; // and the states to tell after it
    QString m_userId;
    QString m_since;
    int m_failures = 0;
    quint64 m_txn = 0;
    QPointer<QNetworkReply> m_syncReply;
    QTimer m_retry;
    JobLease *m_lease = nullptr;
    bool m_started = false;
    bool m_stopped = false;
};

} // namespace tap::approvals
