#pragma once

#include "app/config.h"
#include "core/clock.h"
#include "core/random.h"

#include <memory>

class QTimer;

namespace tap::crypto {
class KeyRing;
class PasswordHasher;
} // namespace tap::crypto
namespace tap::channels {
class Mailer;
}
namespace tap::admin {
struct Context;
class ChatLinkService;
class OAuthConnectService;
} // namespace tap::admin
namespace tap::forward {
class AuditSink;
class Forwarder;
} // namespace tap::forward
namespace tap::store {
class Database;
class Vault;
} // namespace tap::store
namespace tap::approvals {
class PasskeyService;
class ApprovalHub;
class ApprovalService;
class MatrixBot;
class TelegramBot;
} // namespace tap::approvals
namespace tap::http {
class Router;
class Server;
} // namespace tap::http

namespace tap::app {

class AdminApi;
class ChatTester;

// tapd's composition root: owns the database, the keys and the HTTP server, wires routes.
class App
{
public:
    explicit App(Config config);
    ~App();

    // Data directory, database + migrations, master key check, HTTP server. Any failure is
    // returned with a message meant for the operator; nothing is served in that case.
    core::Result<void> start();
    // Finishes in-flight requests (up to graceMs), then closes everything.
    void stop(int graceMs);

    quint16 port() const;

    // Validation beyond parsing, without changing anything (for --check-config).
    static core::Result<void> check(const Config &config);

private:
    core::Result<void> prepareDirectories();
    core::Result<void> openDatabase();
    core::Result<void> loadKeys();
    void createServices();
    void createChatBots();
    void addRoutes(http::Router &router);

    Config m_config;
    core::SystemClock m_clock;
    core::SystemRandom m_random;
    std::shared_ptr<store::Database> m_db;
    std::unique_ptr<crypto::KeyRing> m_keys;
    std::unique_ptr<store::Vault> m_vault;
    std::unique_ptr<crypto::PasswordHasher> m_hasher;
    std::unique_ptr<channels::Mailer> m_mailer;
    std::unique_ptr<ChatTester> m_chat;
    std::unique_ptr<admin::Context> m_context;
    std::unique_ptr<forward::AuditSink> m_auditSink;
    std::unique_ptr<forward::Forwarder> m_forwarder;
    std::unique_ptr<approvals::ApprovalHub> m_hub;
    std::unique_ptr<admin::ChatLinkService> m_chatLinks; // used by the bots
    // Chat approval bots; declared before m_approvals so they outlive its observer list.
    std::unique_ptr<approvals::TelegramBot> m_telegramBot;
    std::unique_ptr<approvals::MatrixBot> m_matrixBot;
    std::unique_ptr<approvals::ApprovalService> m_approvals;
    std::unique_ptr<approvals::PasskeyService> m_passkeys;
    std::unique_ptr<AdminApi> m_admin;
    std::unique_ptr<admin::OAuthConnectService> m_oauthConnect;
    std::unique_ptr<QTimer> m_cleanup;
    std::unique_ptr<http::Router> m_router;
    std::unique_ptr<http::Server> m_server;
    qint64 m_startedAtMs = 0;
    QString m_instanceId; // names this process in approval claims and job leases
};

} // namespace tap::app
