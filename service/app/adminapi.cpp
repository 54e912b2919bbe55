#include "app/adminapi.h"

#include "api/errors.h"
#include "api/server.h"
#include "app/adminresponse.h"
#include "api/validation.h"
#include "crypto/keyring.h"
#include "http/router.h"
#include "store/migrator.h"

#include <QJsonDocument>

namespace tap::app {

using admin::Actor;
using core::Error;
using core::ErrorCode;
using core::Result;
using http::Call;

namespace {

QString remoteAddr(const Call &call)
{
    return call.request.peerAddress.toString();
}

} // namespace

AdminApi::AdminApi(admin::Context &context, admin::ChannelTester &tester,
                   approvals::ApprovalService &approvals, approvals::PasskeyService &passkeys)
    : m_ctx(context),
      m_accounts(context),
      m_members(context),
      m_credentials(context),
      m_agents(context),
      m_channels(context, tester),
      m_audit(context),
      m_chatLinks(context),
      m_approvals(approvals),
      m_passkeys(passkeys)
{
}

Result<Actor> AdminApi::authenticate(const Call &call)
{
    return m_accounts.authenticate(call.request.header("authorization"), remoteAddr(call));
}

AdminApi::Handler AdminApi::authedAsync(AsyncHandler handler)
{
    return [this, handler = std::move(handler)](const Call &call) {
        auto actor = authenticate(call);
        if (!actor)
            return respond(call.responder, actor.error());
        handler(call, actor.value());
    };
}

AdminApi::Handler AdminApi::authedBodyAsync(AsyncBodyHandler handler)
{
    return authedAsync([handler = std::move(handler)](const Call &call, const Actor &actor) {
        auto body = jsonBody(call.request);
        if (!body)
            return respond(call.responder, body.error());
        handler(call, actor, body.value());
    });
}

AdminApi::Handler AdminApi::authed(AuthedHandler handler)
{
    return authedAsync([handler = std::move(handler)](const Call &call, const Actor &actor) {
        call.responder.send(handler(call, actor));
    });
}

AdminApi::Handler AdminApi::authedBody(AuthedBodyHandler handler)
{
    return authedBodyAsync([handler = std::move(handler)](const Call &call, const Actor &actor,
                                                          const QJsonObject &body) {
        call.responder.send(handler(call, actor, body));
    });
}

void AdminApi::addRoutes(http::Router &router)
{
    addAccountRoutes(router);
    addTeamRoutes(router);
    addCredentialRoutes(router);
    addAgentRoutes(router);
    addChannelRoutes(router);
    addAuditRoutes(router);
    addApprovalRoutes(router);
}

namespace {

// An unauthenticated route of the account service: the body decoded as `In`, else its error.
template <typename In, typename F>
AdminApi::Handler withBody(F handle)
{
    return [handle = std::move(handle)](const Call &call) {
        auto body = jsonBody(call.request);
        if (!body)
            return respond(call.responder, body.error());
        auto in = In::decode(body.value());
        if (!in)
            return respond(call.responder, in.error());
        handle(call, in.value());
    };
}

} // namespace

void AdminApi::addAccountRoutes(http::Router &router)
{
    auto &accounts = m_accounts;
    router.add("POST", QStringLiteral("/signup"),
               withBody<api::SignupInput>([&accounts](const Call &c, const api::SignupInput &in) {
                   accounts.signup(in, remoteAddr(c), c.responder.threadContext(),
                                   [responder = c.responder](Result<api::SignedUp> r) {
                                       responder.send(toResponse(r, Success::Created));
                                   });
               }));
    router.add("POST", QStringLiteral("/verify-email"),
               withBody<api::VerifyEmailInput>(
                       [&accounts](const Call &c, const api::VerifyEmailInput &in) {
                           respond(c.responder, accounts.verifyEmail(in));
                       }));
    router.add("POST", QStringLiteral("/resend-verification"),
               withBody<api::ResendVerificationInput>(
                       [&accounts](const Call &c, const api::ResendVerificationInput &in) {
                           respond(c.responder, accounts.resendVerification(in));
                       }));
    router.add("POST", QStringLiteral("/login"),
               withBody<api::LoginInput>([&accounts](const Call &c, const api::LoginInput &in) {
                   accounts.login(in, remoteAddr(c), c.responder.threadContext(),
                                  [responder = c.responder](Result<api::Session> r) {
                                      respond(responder, r);
                                  });
               }));
    router.add("POST", QStringLiteral("/logout"), [this](const Call &call) {
        respond(call.responder, m_accounts.logout(call.request.header("authorization")));
    });
}

void AdminApi::addTeamRoutes(http::Router &router)
{
    router.add("GET", QStringLiteral("/admin/team"), authed([this](const Call &, const Actor &a) {
                   return toResponse(m_members.team(a));
               }));
    // Any member may see which server answers: version, backend, schema, key fingerprint.
    router.add("GET", QStringLiteral("/admin/server"),
               authed([this](const Call &, const Actor &) { return toResponse(serverInfo()); }));
    router.add(
            "GET", QStringLiteral("/admin/members"),
            authed([this](const Call &, const Actor &a) { return toResponse(m_members.list(a)); }));
    router.add("POST", QStringLiteral("/admin/members/invite"),
               authedBody([this](const Call &, const Actor &a, const QJsonObject &b) {
                   return withInput(api::InviteInput::decode(b), [&](const api::InviteInput &in) {
                       return toResponse(m_members.invite(a, in), Success::Created);
                   });
               }));
    router.add("PATCH", QStringLiteral("/admin/members/<arg>"),
               authedBody([this](const Call &c, const Actor &a, const QJsonObject &b) {
                   return withInput(api::MemberRoleInput::decode(b),
                                    [&](const api::MemberRoleInput &in) {
                                        return toResponse(m_members.update(a, c.arg(0), in));
                                    });
               }));
    router.add("DELETE", QStringLiteral("/admin/members/<arg>"),
               authed([this](const Call &c, const Actor &a) {
                   return toResponse(m_members.remove(a, c.arg(0)));
               }));
    router.add("POST", QStringLiteral("/admin/members/<arg>/chat-link"),
               authed([this](const Call &c, const Actor &a) {
                   return toResponse(m_chatLinks.create(a, c.arg(0)), Success::Created);
               }));
}

core::Result<api::ServerInfo> AdminApi::serverInfo()
{
    auto schema = store::Migrator(m_ctx.db, m_ctx.clock).currentVersion();
    if (!schema)
        return schema.error();
    return api::ServerInfo{ QStringLiteral(TAP_VERSION),
                            m_ctx.db.backend() == store::Backend::Postgres
                                    ? QStringLiteral("postgres")
                                    : QStringLiteral("sqlite"),
                            schema.value(), m_ctx.keys.fingerprint() };
}

void AdminApi::addCredentialRoutes(http::Router &router)
{
    using Mode = api::CredentialInput::Mode;
    auto &creds = m_credentials;
    // A non-team row is addressed with ?scope_kind=&scope_id= (README "Credential scopes").
    using Scope = api::CredentialScope;
    router.add("GET", QStringLiteral("/admin/credentials"),
               authed([&creds](const Call &c, const Actor &a) {
                   return withInput(api::CredentialFilter::fromQuery(c.request.query()),
                                    [&](const api::CredentialFilter &filter) {
                                        return toResponse(creds.list(a, filter));
                                    });
               }));
    router.add("POST", QStringLiteral("/admin/credentials"),
               authedBody([&creds](const Call &, const Actor &a, const QJsonObject &b) {
                   return withInput(api::CredentialInput::decode(b, Mode::Create),
                                    [&](const api::CredentialInput &in) {
                                        return toResponse(creds.create(a, in), Success::Created);
                                    });
               }));
    router.add("GET", QStringLiteral("/admin/credentials/<arg>"),
               authed([&creds](const Call &c, const Actor &a) {
                   return withInput(Scope::fromQuery(c.request.query()), [&](const Scope &scope) {
                       return toResponse(creds.get(a, c.arg(0), scope));
                   });
               }));
    router.add("PATCH", QStringLiteral("/admin/credentials/<arg>"),
               authedBody([&creds](const Call &c, const Actor &a, const QJsonObject &b) {
                   return withInput(Scope::fromQuery(c.request.query()), [&](const Scope &scope) {
                       return withInput(
                               api::CredentialInput::decode(b, Mode::Update, c.arg(0), scope),
                               [&](const api::CredentialInput &in) {
                                   return toResponse(creds.update(a, c.arg(0), scope, in));
                               });
                   });
               }));
    router.add("DELETE", QStringLiteral("/admin/credentials/<arg>"),
               authed([&creds](const Call &c, const Actor &a) {
                   return withInput(Scope::fromQuery(c.request.query()), [&](const Scope &scope) {
                       return toResponse(creds.remove(a, c.arg(0), scope));
                   });
               }));
    router.add("PUT", QStringLiteral("/admin/credentials/<arg>/value"),
               authedBody([&creds](const Call &c, const Actor &a, const QJsonObject &b) {
                   return withInput(Scope::fromQuery(c.request.query()), [&](const Scope &scope) {
                       return withInput(api::CredentialValueInput::decode(b),
                                        [&](const api::CredentialValueInput &in) {
                                            return toResponse(
                                                    creds.rotateValue(a, c.arg(0), scope, in));
                                        });
                   });
               }));
    router.add("GET", QStringLiteral("/admin/policies/<arg>"),
               authed([&creds](const Call &c, const Actor &a) {
                   return toResponse(creds.getPolicy(a, c.arg(0)));
               }));
    router.add("PUT", QStringLiteral("/admin/policies/<arg>"),
               authedBody([&creds](const Call &c, const Actor &a, const QJsonObject &b) {
                   return withInput(api::Policy::decodeInput(b), [&](const api::Policy &in) {
                       return toResponse(creds.putPolicy(a, c.arg(0), in));
                   });
               }));
    router.add("DELETE", QStringLiteral("/admin/policies/<arg>"),
               authed([&creds](const Call &c, const Actor &a) {
                   return toResponse(creds.removePolicy(a, c.arg(0)));
               }));
}

void AdminApi::addAgentRoutes(http::Router &router)
{
    using AgentMode = api::AgentInput::Mode;
    using RoleMode = api::RoleInput::Mode;
    auto &agents = m_agents;
    router.add("GET", QStringLiteral("/admin/agents"),
               authed([&agents](const Call &, const Actor &a) {
                   return toResponse(agents.listAgents(a));
               }));
    router.add("POST", QStringLiteral("/admin/agents"),
               authedBody([&agents](const Call &, const Actor &a, const QJsonObject &b) {
                   return withInput(api::AgentInput::decode(b, AgentMode::Create),
                                    [&](const api::AgentInput &in) {
                                        return toResponse(agents.createAgent(a, in),
                                                          Success::Created);
                                    });
               }));
    router.add("GET", QStringLiteral("/admin/agents/<arg>"),
               authed([&agents](const Call &c, const Actor &a) {
                   return toResponse(agents.getAgent(a, c.arg(0)));
               }));
    router.add("PATCH", QStringLiteral("/admin/agents/<arg>"),
               authedBody([&agents](const Call &c, const Actor &a, const QJsonObject &b) {
                   return withInput(api::AgentInput::decode(b, AgentMode::Update),
                                    [&](const api::AgentInput &in) {
                                        return toResponse(agents.updateAgent(a, c.arg(0), in));
                                    });
               }));
    router.add("DELETE", QStringLiteral("/admin/agents/<arg>"),
               authed([&agents](const Call &c, const Actor &a) {
                   return toResponse(agents.removeAgent(a, c.arg(0)));
               }));
    for (const bool enable : { true, false }) {
        router.add("POST",
                   enable ? QStringLiteral("/admin/agents/<arg>/enable")
                          : QStringLiteral("/admin/agents/<arg>/disable"),
                   authed([&agents, enable](const Call &c, const Actor &a) {
                       return toResponse(agents.setEnabled(a, c.arg(0), enable));
                   }));
    }
    router.add("POST", QStringLiteral("/admin/agents/<arg>/rotate-key"),
               authed([&agents](const Call &c, const Actor &a) {
                   return toResponse(agents.rotateKey(a, c.arg(0)));
               }));

    router.add("GET", QStringLiteral("/admin/roles"),
               authed([&agents](const Call &, const Actor &a) {
                   return toResponse(agents.listRoles(a));
               }));
    router.add("POST", QStringLiteral("/admin/roles"),
               authedBody([&agents](const Call &, const Actor &a, const QJsonObject &b) {
                   return withInput(api::RoleInput::decode(b, RoleMode::Create),
                                    [&](const api::RoleInput &in) {
                                        return toResponse(agents.createRole(a, in),
                                                          Success::Created);
                                    });
               }));
    router.add("GET", QStringLiteral("/admin/roles/<arg>"),
               authed([&agents](const Call &c, const Actor &a) {
                   return toResponse(agents.getRole(a, c.arg(0)));
               }));
    router.add("PUT", QStringLiteral("/admin/roles/<arg>"),
               authedBody([&agents](const Call &c, const Actor &a, const QJsonObject &b) {
                   return withInput(api::RoleInput::decode(b, RoleMode::Replace, c.arg(0)),
                                    [&](const api::RoleInput &in) {
                                        return toResponse(agents.replaceRole(a, in));
                                    });
               }));
    router.add("DELETE", QStringLiteral("/admin/roles/<arg>"),
               authed([&agents](const Call &c, const Actor &a) {
                   return toResponse(agents.removeRole(a, c.arg(0)));
               }));

    router.add("GET", QStringLiteral("/admin/agent-links"),
               authed([&agents](const Call &, const Actor &a) {
                   return toResponse(agents.listLinks(a));
               }));
    router.add("POST", QStringLiteral("/admin/agent-links"),
               authedBody([&agents](const Call &, const Actor &a, const QJsonObject &b) {
                   return withInput(api::LinkInput::decode(b), [&](const api::LinkInput &in) {
                       return toResponse(agents.createLink(a, in), Success::Created);
                   });
               }));
    router.add("PUT", QStringLiteral("/admin/agent-links/<arg>/<arg>/credentials"),
               authedBody([&agents](const Call &c, const Actor &a, const QJsonObject &b) {
                   return withInput(api::LinkCredentialsInput::decode(b),
                                    [&](const api::LinkCredentialsInput &in) {
                                        return toResponse(agents.setLinkCredentials(a, c.arg(0),
                                                                                    c.arg(1), in));
                                    });
               }));
    router.add("DELETE", QStringLiteral("/admin/agent-links/<arg>/<arg>"),
               authed([&agents](const Call &c, const Actor &a) {
                   return toResponse(agents.removeLink(a, c.arg(0), c.arg(1)));
               }));
}

void AdminApi::addChannelRoutes(http::Router &router)
{
    auto &channels = m_channels;
    router.add("GET", QStringLiteral("/admin/notification-channels"),
               authed([&channels](const Call &, const Actor &a) {
                   return toResponse(channels.list(a));
               }));
    router.add("POST", QStringLiteral("/admin/notification-channels"),
               authedBody([&channels](const Call &, const Actor &a, const QJsonObject &b) {
                   return withInput(api::ChannelInput::decode(b), [&](const api::ChannelInput &in) {
                       return toResponse(channels.create(a, in), Success::Created);
                   });
               }));
    router.add("DELETE", QStringLiteral("/admin/notification-channels/<arg>"),
               authed([&channels](const Call &c, const Actor &a) {
                   return toResponse(channels.remove(a, c.arg(0)));
               }));
    router.add("POST", QStringLiteral("/admin/notification-channels/<arg>/test"),
               authedAsync([&channels](const Call &call, const Actor &a) {
                   channels.test(
                           a, call.arg(0),
                           [responder = call.responder](core::Result<api::ChannelTestSent> sent) {
                               respond(responder, sent);
                           });
               }));
}

void AdminApi::addAuditRoutes(http::Router &router)
{
    router.add("GET", QStringLiteral("/admin/audit"), authed([this](const Call &c, const Actor &a) {
                   return withInput(api::AuditFilter::decode(c.request.query()),
                                    [&](const api::AuditFilter &f) {
                                        return toResponse(m_audit.page(a, f));
                                    });
               }));
    router.add("GET", QStringLiteral("/admin/audit/export"),
               authedAsync(
                       [this](const Call &call, const Actor &actor) { exportAudit(call, actor); }));
}

void AdminApi::exportAudit(const Call &call, const Actor &actor)
{
    auto filter = api::AuditFilter::decode(call.request.query());
    if (!filter)
        return respond(call.responder, filter.error());
    if (auto ready = m_audit.caughtUp(); !ready) // before the status line: a 503 of its own
        return respond(call.responder, ready.error());
    // Streamed page by page: the export of a long trail never sits in memory whole.
    const http::Responder responder = call.responder;
    responder.begin(
            200,
            { { QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/x-ndjson") },
              { QByteArrayLiteral("Cache-Control"), QByteArrayLiteral("no-store") },
              { QByteArrayLiteral("Content-Disposition"),
                QByteArrayLiteral("attachment; filename=\"tap-audit.jsonl\"") } });
    auto done = m_audit.exportAll(
            actor, filter.value(), [&responder](const QList<store::AuditRecord> &rows) {
                QByteArray chunk;
                for (const store::AuditRecord &r : rows)
                    chunk += QJsonDocument(r.toJson()).toJson(QJsonDocument::Compact) + '\n';
                responder.write(chunk);
            });
    if (!done) // the status line is gone already: say so in the stream itself
        responder.write(QJsonDocument(api::errorObject(done.error())).toJson(QJsonDocument::Compact)
                        + '\n');
    responder.end();
}

} // namespace tap::app
