#pragma once

#include "admin/accounts.h"
#include "admin/agents.h"
#include "admin/audit.h"
#include "admin/channels.h"
#include "admin/chatlinks.h"
#include "admin/credentials.h"
#include "admin/members.h"
#include "api/server.h"
#include "http/response.h"

namespace tap::approvals {
class ApprovalService;
class PasskeyService;
} // namespace tap::approvals

namespace tap::http {
class Router;
struct Call;
} // namespace tap::http

namespace tap::app {

// The admin API's routes (wire types: common/api): each handler parses the call, resolves the
// session and hands over to an admin service; the services decide.
class AdminApi
{
public:
    AdminApi(admin::Context &context, admin::ChannelTester &tester,
             approvals::ApprovalService &approvals, approvals::PasskeyService &passkeys);
    void addRoutes(http::Router &router);
    // The one prologue of every route behind a session (also the approval page's): the
    // session's member, else its error answered; with a body, the body parsed by jsonBody(),
    // else its error answered. A synchronous handler returns the response; an asynchronous one
    // answers through call.responder itself.
    using Handler = std::function<void(const http::Call &)>;
    using AuthedHandler = std::function<http::Response(const http::Call &, const admin::Actor &)>;
    using AuthedBodyHandler = std::function<http::Response(const http::Call &, const admin::Actor &,
                                                           const QJsonObject &)>;
    using AsyncHandler = std::function<void(const http::Call &, const admin::Actor &)>;
    using AsyncBodyHandler =
            std::function<void(const http::Call &, const admin::Actor &, const QJsonObject &)>;
    Handler authed(AuthedHandler handler);
    Handler authedBody(AuthedBodyHandler handler);
    Handler authedAsync(AsyncHandler handler);
    Handler authedBodyAsync(AsyncBodyHandler handler);

private:
    // The session's member, from an Authorization: Bearer header.
    core::Result<admin::Actor> authenticate(const http::Call &call);
    void addAccountRoutes(http::Router &router);
    void addTeamRoutes(http::Router &router);
    core::Result<api::ServerInfo> serverInfo();
    void addCredentialRoutes(http::Router &router);
    void addAgentRoutes(http::Router &router);
    void addChannelRoutes(http::Router &router);
    void addAuditRoutes(http::Router &router);
    void exportAudit(const http::Call &call, const admin::Actor &actor);
    void addApprovalRoutes(http::Router &router); // adminapi_approvals.cpp

    admin::Context &m_ctx;
    admin::AccountService m_accounts;
    admin::MemberService m_members;
    admin::CredentialService m_credentials;
    admin::AgentService m_agents;
    admin::ChannelService m_channels;
    admin::AuditService m_audit;
    admin::ChatLinkService m_chatLinks;
    approvals::ApprovalService &m_approvals;
    approvals::PasskeyService &m_passkeys;
};

} // namespace tap::app
