#pragma once

#include "approvals/approvalservice.h"
#include "approvals/chatroute.h"
#include "core/result.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QSet>
#include <QTimer>
#include <QUrl>

#include <optional>

namespace tap::store {
class Vault;
}
namespace tap::http {
class Router;
}
namespace tap::channels {
class TelegramClient;
}
namespace tap::admin {
class ChatLinkService;
}

namespace tap::approvals {

class TelegramPoller;

// The Telegram approval bot (Bot API, https://core.telegram.org/bots/api). For every parked
// request it posts the request details with [Approve] [Deny] buttons to the chat the
// credential's policy, the team's Telegram channel or TAP_TELEGRAM_CHAT_ID names; button
// clicks (callback queries, by long-polling getUpdates or through POST /telegram/webhook)
// become ApprovalService::decide() calls, which enforce the policy's allowed approvers from
// the database on every click; the message is edited to show the outcome. A member links their
// Telegram account by sending the bot "/start <code>" in a private chat (ChatLinkService).
//
// Lives on the main thread; the observer calls may come from any thread. The bot token is part
// of every Bot API URL, so no URL and no Qt network error text (which quotes the URL) is ever
// logged or shown.
class TelegramBot : public QObject, public ApprovalObserver
{
    Q_OBJECT
public:
    struct Settings
    {
        QUrl apiBase;
        QString botToken; // the global bot; teams' channels may name their own
        QString defaultChatId; // TAP_TELEGRAM_CHAT_ID
        QString webhookSecret; // set: updates arrive at POST /telegram/webhook, no polling
        QUrl publicUrl; // for setWebhook
        int pollTimeoutS = 25;
        int requestTimeoutMs = 15000;
        // Several tapd processes on one database: one of them long-polls each bot at a time
        // (Telegram cuts off a second concurrent getUpdates with 409), under a JobLease held
        // by this instance id and renewed every leaseTtlMs / 3.
        QString instanceId;
        int leaseTtlMs = 15000;
    };
    TelegramBot(store::Database &db, store::Vault &vault, ApprovalService &approvals,
                admin::ChatLinkService &links, Settings settings, QObject *parent = nullptr);
    ~TelegramBot() override;

    // Starts long-polling (or registers the webhook) for the global bot and for the teams'
    // channel bots.
    void start();
    // Stops polling and releases this process's polling leases, so that another process takes
    // over at once. Called on shutdown, while the database is still open.
    void stop();
    // POST /telegram/webhook, when a webhook secret is set.
    void addRoutes(http::Router &router);

    void approvalCreated(const store::ApprovalRow &row) override;
    void approvalChanged(const store::ApprovalRow &row) override;

private:
    struct Target
    {
        QString chatId;
        QByteArray token;
    };
    void ensurePoller(const QByteArray &token, const QString &label);
    void refreshChannels();
    void handleUpdate(const QByteArray &token, const QJsonObject &update);
    void handleMessage(const QByteArray &token, const QJsonObject &message);
    void reply(const QByteArray &token, const QString &chatId, const QString &text);
    void handleCallback(const QByteArray &token, const QJsonObject &query, int attempt = 0);
    void answer(const QByteArray &token, const QString &queryId, const QString &text, bool alert);

    void post(const store::ApprovalRow &row);
    void showOutcome(const store::ApprovalRow &row);
    std::optional<Target> resolve(const store::ApprovalRow &row);
    QByteArray tokenForMessage(const store::ApprovalRow &row);
    bool tokenServesTeam(const QByteArray &token, const QString &teamId);
    core::Result<QByteArray> channelToken(const QString &teamId, const QString &name);
    Approver approverFor(const QJsonObject &from, const QString &teamId);
    QString messageText(const store::ApprovalRow &row);

    store::Database &m_db;
    store::Vault &m_vault;
    ApprovalService &m_approvals;
    admin::ChatLinkService &m_links;
    Settings m_settings;
    channels::TelegramClient *m_client;
    QHash<QByteArray, TelegramPoller *> m_pollers; // children

    QTimer m_refresh; // refreshChannels()
    QSet<QString> m_editing; // txn ids with an edit in flight
    QHash<QString, store::ApprovalRow> m_nextEdit; // the newest state to show after it
    bool m_started = false;
    bool m_stopped = false;
};

} // namespace tap::approvals
