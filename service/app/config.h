#pragma once

#include "core/result.h"
#include "store/databaseurl.h"

#include <QHostAddress>
#include <QProcessEnvironment>
#include <QUrl>

namespace tap::app {

// tapd's configuration (option table in config.cpp; `tapd --help`): every option is a flag and an
// environment variable, and flags win. Secrets (the master key, bot tokens) are taken from the
// environment or a file only, never from flags, which any local user can read in /proc.
struct Config
{
    QHostAddress listenAddress = QHostAddress::LocalHost;
    quint16 listenPort = 8080;
    QString dataDir;
    store::DatabaseUrl database;
    QString masterKeyFile;
    QByteArray masterKeyHex; // from TAP_MASTER_KEY; wins over the file when set
    QUrl publicUrl;
    QUrl smtpUrl;
    QString mailFrom;
    QString mailOutbox;
    bool allowPrivateTargets = false;
    int forwardTimeoutS = 30;
    int approvalTimeoutS = 3600;
    // How often expiry and clean-up run (TAP_HOUSEKEEPING_INTERVAL_MS; tests shorten it).
    int housekeepingMs = 30000;
    qint64 maxBodyBytes = 10 * 1024 * 1024;
    // Decoded answers kept whole (an approved request's answer, for the agent's poll).
    qint64 maxResponseBufferBytes = 10 * 1024 * 1024;
    // An http:// forward proxy for upstream requests (empty: direct; proxy environment
    // variables are never used).
    QUrl upstreamProxy;
    // Tests only (TAP_TEST_UPSTREAM_REDIRECT, with TAP_ALLOW_PRIVATE_TARGETS=1): every upstream
    // request goes over plain http to <this URL>/<host>[:port]<path>?<query> on loopback, so
    // that the seed walk-throughs run as written (https://slack.com/...) against a local fake.
    QUrl testUpstreamRedirect;
    // Sign-ups admitted per client address in any sliding hour (TAP_SIGNUPS_PER_HOUR).
    int signupsPerHour = 10;
    int workers = 1;
    // Open connections one client address may hold (TAP_MAX_CONNECTIONS_PER_CLIENT).
    int maxConnectionsPerClient = 128;
    QString telegramBotToken;
    QUrl telegramApiBase;
    QString telegramChatId;
    // Approval bots (service/approvals): a webhook secret switches Telegram from long-polling
    // getUpdates to POST /telegram/webhook; the long-poll timeouts are shortened by tests.
    QString telegramWebhookSecret;
    int telegramPollTimeoutS = 25;
    int chatLeaseS = 15; // several processes: one polls each bot, under a lease this long
    QUrl matrixHomeserver;
    QString matrixAccessToken;
    int matrixSyncTimeoutS = 30;
    QString auditFile;
    bool checkOnly = false;

    enum class Action { Run, Help, Version, CheckConfig };
    struct Parsed;
    // Parses arguments (argv without the program name) and the environment. For Help and
    // Version, `text` holds what to print.
    static core::Result<Parsed> parse(const QStringList &arguments, const QProcessEnvironment &env);
};

struct Config::Parsed
{
    Action action = Action::Run;
    QString text;
    Config config;
};

} // namespace tap::app
