#pragma once

#include "admin/channels.h"
#include "channels/matrixclient.h"
#include "channels/telegramclient.h"

#include <QObject>
#include <QUrl>

namespace tap::app {

// Sends channel test messages: Telegram Bot API sendMessage, Matrix client-server API
// m.room.message, through the channels/ clients. Lives in the main thread (its clients do);
// callable from any.
// Error messages never include the request URL, which holds the Telegram bot token.
class ChatTester : public QObject, public admin::ChannelTester
{
    Q_OBJECT
public:
    struct Settings
    {
        QUrl telegramApiBase;
        QString telegramBotToken;
        QUrl matrixHomeserver;
        QString matrixAccessToken;
        int timeoutMs = 15000;
    };
    explicit ChatTester(Settings settings, QObject *parent = nullptr);

    void sendTest(const QString &type, const QJsonObject &config, const core::SecretBytes &secret,
                  const QString &text, std::function<void(core::Result<void>)> done) override;

private:
    void send(const QString &type, const QJsonObject &config, const QByteArray &token,
              const QString &text, const std::function<void(core::Result<void>)> &done);

    Settings m_settings;
    channels::TelegramClient *m_telegram;
    channels::MatrixClient *m_matrix;
};

} // namespace tap::app
