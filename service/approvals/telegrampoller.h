#pragma once

#include "approvals/joblease.h"

#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <functional>

class QNetworkReply;

namespace tap::channels {
class TelegramClient;
}

namespace tap::approvals {

// Long-polls one Telegram bot's getUpdates while this process holds the bot's JobLease
// (Telegram cuts off a second concurrent getUpdates with 409), confirming each update by the
// next offset and backing off on failures. Owned by its bot (QObject parent); deleting it
// cuts off the poll in flight and releases the lease.
class TelegramPoller : public QObject
{
    Q_OBJECT
public:
    struct Settings
    {
        int pollTimeoutS = 25;
        int requestTimeoutMs = 15000;
        QString instanceId;
        int leaseTtlMs = 15000;
    };
    using UpdateHandler = std::function<void(const QByteArray &token, const QJsonObject &update)>;

    TelegramPoller(store::Database &db, channels::TelegramClient &client, QByteArray token,
                   QString label, const Settings &settings, UpdateHandler onUpdate,
                   QObject *parent);
    ~TelegramPoller() override;

    void start();
    // Stops polling and releases the lease (shutdown, while the database is still open).
    void stop();

private:
    void poll();
    void failed(const QString &error);

    channels::TelegramClient &m_client;
    QByteArray m_token;
    QString m_label; // for logs: "global" or "team channel"
    Settings m_settings;
    UpdateHandler m_onUpdate;
    qint64 m_offset = 0;
    int m_failures = 0;
    bool m_stopped = false;
    QPointer<QNetworkReply> m_reply;
    QTimer *m_retry;
    JobLease *m_lease; // polling only while held
};

} // namespace tap::approvals
