#include "app/app.h"

#include "app/adminapi.h"
#include "app/approvalpage.h"
#include "app/dashboardpage.h"
#include "app/oauthcallback.h"
#include "admin/oauthconnect.h"
#include "approvals/approvalservice.h"
#include "approvals/hub.h"
#include "approvals/passkeys.h"
#include "approvals/matrixbot.h"
#include "approvals/telegrambot.h"
#include "app/chattester.h"
#include "app/metricstext.h"
#include "admin/chatlinks.h"
#include "admin/context.h"
#include "channels/mailer.h"
#include "crypto/passwordhasher.h"
#include "forward/auditsink.h"
#include "forward/forwarder.h"
#include "upstream/curlclient.h"
#include "core/logging.h"
#include "crypto/keyring.h"
#include "crypto/masterkey.h"
#include "http/request.h"
#include "http/router.h"
#include "http/server.h"
#include "store/database.h"
#include "store/migrator.h"
#include "store/vault.h"

#include <QCoreApplication>
#include <QDir>
#include <QSysInfo>
#include <QTcpServer>
#include <QFileInfo>
#include <QTimer>

#include <sys/stat.h>

namespace tap::app {

using core::Error;
using core::ErrorCode;
using core::Result;

namespace {

// Creates `path` (and parents) and makes it 0700; an existing directory is tightened.
Result<void> ensurePrivateDir(const QString &path)
{
    if (!QDir().mkpath(path))
        return Error(ErrorCode::Unavailable,
                     QStringLiteral("Cannot create the directory %1.").arg(path));
    if (::chmod(QFile::encodeName(path).constData(), 0700) != 0)
        return Error(ErrorCode::Unavailable,
                     QStringLiteral("Cannot set mode 0700 on %1.").arg(path));
    return {};
}

} // namespace

App::App(Config config) : m_config(std::move(config)) { }

App::~App()
{
    stop(0);
}

quint16 App::port() const
{
    return m_server ? m_server->port() : 0;
}

Result<void> App::check(const Config &config)
{
    if (!config.masterKeyHex.isEmpty()) {
        if (auto k = crypto::MasterKey::fromHex(config.masterKeyHex); !k)
            return Error(ErrorCode::InvalidRequest,
                         QStringLiteral("TAP_MASTER_KEY: %1").arg(k.error().message()));
    } else if (QFileInfo::exists(config.masterKeyFile)) {
        core::SystemRandom random;
        if (auto k = crypto::MasterKey::fromFile(config.masterKeyFile, false, random); !k)
            return k.error();
    }
    const QFileInfo dir(config.dataDir);
    if (dir.exists() && !dir.isDir())
        return Error(ErrorCode::InvalidRequest,
                     QStringLiteral("--data-dir %1 is not a directory.").arg(config.dataDir));
    return {};
}

Result<void> App::prepareDirectories()
{
    if (auto r = ensurePrivateDir(m_config.dataDir); !r)
        return r;
    if (m_config.smtpUrl.isEmpty())
        return ensurePrivateDir(m_config.mailOutbox);
    return {};
}

Result<void> App::openDatabase()
{
    auto db = store::Database::open(m_config.database);
    if (!db)
        return db.error();
    m_db = db.value();
    store::Migrator migrator(*m_db, m_clock);
    auto version = migrator.migrate();
    if (!version)
        return Error(
                version.error().code(),
                QStringLiteral("Database migration failed: %1").arg(version.error().message()));
    core::logEvent(core::lcStore(), QtInfoMsg, QStringLiteral("database ready"),
                   { { QStringLiteral("database"), m_config.database.redacted() },
                     { QStringLiteral("schema_version"), version.value() } });
    return {};
}

Result<void> App::loadKeys()
{
    Result<core::SecretBytes> key = Error(ErrorCode::Internal, QString());
    if (!m_config.masterKeyHex.isEmpty()) {
        key = crypto::MasterKey::fromHex(m_config.masterKeyHex);
        if (!key)
            return Error(ErrorCode::InvalidRequest,
                         QStringLiteral("TAP_MASTER_KEY: %1").arg(key.error().message()));
    } else {
        // Create a key only for a database that has never had one: a missing key file next to
        // an existing database is an operator error, not a reason to start afresh.
        auto existing = store::Vault::hasKeyCheck(*m_db);
        if (!existing)
            return existing.error();
        key = crypto::MasterKey::fromFile(m_config.masterKeyFile, !existing.value(), m_random);
        if (!key)
            return key.error();
    }
    m_keys = std::make_unique<crypto::KeyRing>(std::move(key.value()));
    m_vault = std::make_unique<store::Vault>(*m_db, *m_keys, m_random);
    return m_vault->checkMasterKey();
}

Result<void> App::start()
{
    m_startedAtMs = m_clock.nowMs();
    upstream::CurlClient::globalInit();
    upstream::CurlClient::setProxy(m_config.upstreamProxy);
    upstream::CurlClient::setTestRedirect(m_config.testUpstreamRedirect);
    if (auto r = prepareDirectories(); !r)
        return r;
    if (auto r = openDatabase(); !r)
        return r;
    if (auto r = loadKeys(); !r)
        return r;

    // "--listen host:0" with the default public URL: approval links and the WebAuthn origin
    // must name the port actually served, so pick it before anything copies the URL.
    if (m_config.listenPort == 0 && m_config.publicUrl.port() == 0) {
        QTcpServer probe;
        if (probe.listen(m_config.listenAddress, 0)) {
            m_config.listenPort = probe.serverPort();
            probe.close();
            m_config.publicUrl.setPort(m_config.listenPort);
        }
    }
    createServices();
    // Before serving: what a killed tapd left in its audit journal goes to the database first.
    if (auto journal = m_auditSink->openJournal(m_config.dataDir, m_random, m_clock); !journal)
        return Error(journal.error().code(),
                     QStringLiteral("Audit journal: %1").arg(journal.error().message()));
    m_context->auditCaughtUp = [sink = m_auditSink.get()] {
        return sink->waitCaughtUp(std::chrono::seconds(5));
    };
    m_router = std::make_unique<http::Router>();
    addRoutes(*m_router);
    m_admin->addRoutes(*m_router);
    addApprovalPageRoutes(*m_router, *m_admin, *m_approvals, *m_passkeys);
    addDashboardRoutes(*m_router);
    addOAuthConnectRoutes(*m_router, *m_admin, *m_oauthConnect,
                          { m_config.allowPrivateTargets, m_config.forwardTimeoutS * 1000 });
    if (m_telegramBot)
        m_telegramBot->addRoutes(*m_router);
    http::Server::Options options;
    options.address = m_config.listenAddress;
    options.port = m_config.listenPort;
    options.workers = m_config.workers;
    options.limits.maxBodyBytes = m_config.maxBodyBytes;
    options.limits.maxConnectionsPerClient = m_config.maxConnectionsPerClient;
    // README "The data plane": every /forward answer carries X-TAP-Request-Id, also the HTTP
    // layer's 413/431.
    // Large /forward bodies (named credential, no placeholders to substitute) go on to the
    // upstream as they arrive instead of being buffered whole.
    options.limits.streamBody = [](const http::Request &r) {
        if (r.rawPath != "/forward" || r.header("x-tap-credential").isEmpty())
            return false;
        const QByteArray length = r.header("content-length");
        return length.isEmpty() || length.toLongLong() > 256 * 1024;
    };
    // Every /forward answer has its audit record (request id, status, latency, outcome): an
    // access-log line would repeat it on the hot path. Server errors are still logged.
    options.limits.quietPaths = { QByteArrayLiteral("/forward") };
    options.limits.decorateError = [random = &m_random](QByteArrayView path,
                                                        http::HeaderList &headers) {
        if (path == "/forward")
            headers.append({ QByteArrayLiteral("X-TAP-Request-Id"), random->uuid().toLatin1() });
    };
    options.onWorkerExit = [db = m_db] { db->closeThreadConnection(); };
    m_server = std::make_unique<http::Server>(
            options,
            [router = m_router.get()](const http::Request &request, http::Responder responder) {
                router->handle(request, responder);
            });
    auto port = m_server->start();
    if (!port)
        return port.error();
    core::logEvent(core::lcApp(), QtInfoMsg, QStringLiteral("listening"),
                   { { QStringLiteral("address"), m_config.listenAddress.toString() },
                     { QStringLiteral("port"), int(port.value()) },
                     { QStringLiteral("workers"), m_config.workers },
                     { QStringLiteral("version"), QStringLiteral(TAP_VERSION) } });
    return {};
}

void App::stop(int graceMs)
{
    // The bots first: their polling leases go to the other processes at once, not after the
    // server's grace period.
    if (m_telegramBot)
        m_telegramBot->stop();
    if (m_matrixBot)
        m_matrixBot->stop();
    if (m_server) {
        m_server->stop(graceMs);
        m_server.reset();
    }
    if (m_db)
        m_db->closeThreadConnection();
}

void App::createServices()
{
    m_hasher = std::make_unique<crypto::PasswordHasher>();
    channels::MailerConfig mail;
    mail.smtpUrl = m_config.smtpUrl;
    mail.from = m_config.mailFrom;
    mail.outboxDir = m_config.mailOutbox;
    m_mailer = std::make_unique<channels::Mailer>(mail);
    m_chat = std::make_unique<ChatTester>(
            ChatTester::Settings{ m_config.telegramApiBase, m_config.telegramBotToken,
                                  m_config.matrixHomeserver, m_config.matrixAccessToken });
    m_context = std::make_unique<admin::Context>(*m_db, *m_vault, *m_keys, *m_hasher, *m_mailer,
                                                 m_clock, m_random, m_config.publicUrl);
    m_context->signupsPerHour = m_config.signupsPerHour;
    m_auditSink = std::make_unique<forward::AuditSink>(*m_db, m_config.auditFile);
    // Names this process in approval claims: whoever claims an approved request sends it.
    m_instanceId = QStringLiteral("%1/%2/%3")
                           .arg(QSysInfo::machineHostName())
                           .arg(QCoreApplication::applicationPid())
                           .arg(m_random.uuid().left(8));
    const QString &instanceId = m_instanceId;
    forward::Settings settings;
    settings.allowPrivateTargets = m_config.allowPrivateTargets;
    settings.forwardTimeoutMs = m_config.forwardTimeoutS * 1000;
    settings.maxResponseBufferBytes = m_config.maxResponseBufferBytes;
    settings.instanceId = instanceId;
    m_forwarder = std::make_unique<forward::Forwarder>(*m_db, *m_vault, *m_keys, m_clock, m_random,
                                                       *m_auditSink, m_context->configGeneration,
                                                       settings);
    m_hub = std::make_unique<approvals::ApprovalHub>(*m_db, m_clock);
    approvals::ApprovalService::Settings approvalSettings;
    approvalSettings.publicUrl = m_config.publicUrl;
    approvalSettings.instanceId = instanceId;
    approvalSettings.approvalTimeoutS = m_config.approvalTimeoutS;
    approvalSettings.staleClaimMs = qint64(m_config.forwardTimeoutS) * 1000 + 5 * 60 * 1000;
    // The two seams between forwarding and approval: the forwarder parks requests through the
    // approval service (its ApprovalGate), which sends approved ones back through the
    // forwarder (its ApprovedSender).
    m_approvals = std::make_unique<approvals::ApprovalService>(*m_db, *m_vault, m_clock, m_random,
                                                               *m_forwarder, *m_auditSink, *m_hub,
                                                               approvalSettings);
    m_forwarder->setApprovalGate(m_approvals.get());
    m_context->agentRetired = [this](const admin::Actor &actor, const QString &agentId,
                                     const QString &reason) {
        m_approvals->agentRetired(actor.teamId, agentId, reason, actor.email);
    };
    m_approvals->configChanged = [this](const admin::Actor &actor, const QString &action,
                                        const QString &target, const QJsonObject &detail) {
        m_context->recordChange(actor, action, target, detail);
    };
    m_passkeys = std::make_unique<approvals::PasskeyService>(*m_context, *m_approvals);
    m_admin = std::make_unique<AdminApi>(*m_context, *m_chat, *m_approvals, *m_passkeys);
    m_oauthConnect = std::make_unique<admin::OAuthConnectService>(*m_context);
    createChatBots();
    // Housekeeping on the main thread: expiry, stale claims, purge of approval payloads.
    m_cleanup = std::make_unique<QTimer>();
    QObject::connect(m_cleanup.get(), &QTimer::timeout, [this] { m_approvals->housekeeping(); });
    m_cleanup->start(m_config.housekeepingMs);
}

// Telegram and Matrix approval bots (README "Human approval"), when their tokens are configured.
// A Telegram bot also runs without a global token: teams' channels may bring their own.
void App::createChatBots()
{
    approvals::TelegramBot::Settings telegram;
    telegram.apiBase = m_config.telegramApiBase;
    telegram.botToken = m_config.telegramBotToken;
    telegram.defaultChatId = m_config.telegramChatId;
    telegram.webhookSecret = m_config.telegramWebhookSecret;
    telegram.publicUrl = m_config.publicUrl;
    telegram.pollTimeoutS = m_config.telegramPollTimeoutS;
    telegram.instanceId = m_instanceId;
    telegram.leaseTtlMs = m_config.chatLeaseS * 1000;
    m_chatLinks = std::make_unique<admin::ChatLinkService>(*m_context);
    m_telegramBot = std::make_unique<approvals::TelegramBot>(*m_db, *m_vault, *m_approvals,
                                                             *m_chatLinks, telegram);
    m_approvals->addObserver(m_telegramBot.get());
    m_telegramBot->start();
    if (m_config.matrixHomeserver.isEmpty() || m_config.matrixAccessToken.isEmpty())
        return;
    approvals::MatrixBot::Settings matrix;
    matrix.homeserver = m_config.matrixHomeserver;
    matrix.accessToken = m_config.matrixAccessToken;
    matrix.syncTimeoutS = m_config.matrixSyncTimeoutS;
    matrix.instanceId = m_instanceId;
    matrix.leaseTtlMs = m_config.chatLeaseS * 1000;
    m_matrixBot = std::make_unique<approvals::MatrixBot>(*m_db, *m_approvals, *m_chatLinks, matrix);
    m_approvals->addObserver(m_matrixBot.get());
    m_matrixBot->start();
}

void App::addRoutes(http::Router &router)
{
    router.add("GET", QStringLiteral("/healthz"), [](const http::Call &call) {
        call.responder.send(
                http::Response::json(200, { { QStringLiteral("status"), QStringLiteral("ok") } }));
    });
    router.add("GET", QStringLiteral("/readyz"), [db = m_db](const http::Call &call) {
        if (db->ping()) {
            call.responder.send(http::Response::json(
                    200, { { QStringLiteral("status"), QStringLiteral("ready") } }));
            return;
        }
        call.responder.send(http::Response::error(
                Error(ErrorCode::Unavailable, QStringLiteral("The database is not reachable."))));
    });
    forward::Forwarder *forwarder = m_forwarder.get();
    router.add("POST", QStringLiteral("/forward"), [forwarder](const http::Call &call) {
        forwarder->forward(call.request, call.responder);
    });
    router.add("GET", QStringLiteral("/agent/services"), [forwarder](const http::Call &call) {
        forwarder->services(call.request, call.responder);
    });
    router.add("GET", QStringLiteral("/agent/approvals/<arg>"),
               [forwarder](const http::Call &call) {
                   forwarder->approvalStatus(call.request, call.arg(0), call.responder);
               });
    router.add("GET", QStringLiteral("/metrics"), [this](const http::Call &call) {
        call.responder.send(http::Response::text(
                200, metricsText(m_server->metrics(), m_startedAtMs),
                QByteArrayLiteral("text/plain; version=0.0.4; charset=utf-8")));
    });
}

} // namespace tap::app
