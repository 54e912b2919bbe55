// Approval routes of the admin API (README "Human approval"): the approver inbox, long-poll and
// decisions. The approval page's JSON calls (approvalpage.cpp) reuse the same service.
#include "app/adminapi.h"
#include "app/adminresponse.h"

#include "api/validation.h"
#include "approvals/approvalservice.h"
#include "approvals/passkeys.h"
#include "http/router.h"

namespace tap::app {

using admin::Actor;
using http::Call;

void AdminApi::addApprovalRoutes(http::Router &router)
{
    router.add("GET", QStringLiteral("/admin/approvals"),
               authedAsync([this](const Call &call, const Actor &a) {
                   auto query = api::ApprovalQuery::decode(call.request.query());
                   if (!query)
                       return respond(call.responder, query.error());
                   m_approvals.list(
                           a, query.value(),
                           [responder = call.responder](core::Result<api::ApprovalList> list) {
                               respond(responder, list);
                           });
               }));
    router.add("GET", QStringLiteral("/admin/approvals/<arg>"),
               authed([this](const Call &c, const Actor &a) {
                   return toResponse(m_approvals.get(a, c.arg(0)));
               }));
    // approve takes an optional {"allow_host": true} (a request to a new host: allow it for good).
    router.add(
            "POST", QStringLiteral("/admin/approvals/<arg>/approve"),
            authedBody([this](const Call &c, const Actor &a, const QJsonObject &b) {
                const api::JsonFields fields(b);
                if (auto r = fields.onlyKnown({ QStringLiteral("allow_host") }); !r)
                    return toResponse(core::Result<api::Approval>(r.error()));
                auto allowHost = fields.boolean(QStringLiteral("allow_host"), false);
                if (!allowHost)
                    return toResponse(core::Result<api::Approval>(
                            core::Error(allowHost.error()).setField(QStringLiteral("allow_host"))));
                return toResponse(m_approvals.decideAsMember(
                        a, c.arg(0), true, api::ApprovalChannel::Admin, allowHost.value()));
            }));
    // deny takes an optional {"reason": "…"} (api::DenyInput), which the agent's poll carries.
    router.add("POST", QStringLiteral("/admin/approvals/<arg>/deny"),
               authedBody([this](const Call &c, const Actor &a, const QJsonObject &b) {
                   return withInput(api::DenyInput::decode(b), [&](const api::DenyInput &in) {
                       return toResponse(m_approvals.decideAsMember(
                               a, c.arg(0), false, api::ApprovalChannel::Admin, false, in.reason));
                   });
               }));

    router.add("GET", QStringLiteral("/admin/passkeys"),
               authed([this](const Call &, const Actor &a) {
                   return toResponse(m_passkeys.list(a));
               }));
    router.add("POST", QStringLiteral("/admin/passkeys/register/begin"),
               authedBody([this](const Call &, const Actor &a, const QJsonObject &b) {
                   return withInput(api::RegistrationBeginInput::decode(b),
                                    [&](const api::RegistrationBeginInput &in) {
                                        return toResponse(m_passkeys.registerBegin(a, in));
                                    });
               }));
    router.add("POST", QStringLiteral("/admin/passkeys/register/finish"),
               authedBody([this](const Call &, const Actor &a, const QJsonObject &b) {
                   return withInput(api::RegistrationInput::decode(b),
                                    [&](const api::RegistrationInput &in) {
                                        return toResponse(m_passkeys.registerFinish(a, in),
                                                          Success::Created);
                                    });
               }));
    router.add("DELETE", QStringLiteral("/admin/passkeys/<arg>"),
               authed([this](const Call &c, const Actor &a) {
                   return toResponse(m_passkeys.remove(a, c.arg(0)));
               }));

    // Fresh proof on the session before passkeys are added or removed (approvals/passkeyproof.cpp).
    router.add("POST", QStringLiteral("/admin/reauth"),
               authedBodyAsync([this](const Call &c, const Actor &a, const QJsonObject &b) {
                   auto in = api::ReauthPasswordInput::decode(b);
                   if (!in)
                       return respond(c.responder, in.error());
                   m_passkeys.reauthPassword(
                           a, in.value(), c.responder.threadContext(),
                           [responder = c.responder](core::Result<api::Reauthenticated> r) {
                               respond(responder, r);
                           });
               }));
    router.add("POST", QStringLiteral("/admin/reauth/passkey/begin"),
               authed([this](const Call &, const Actor &a) {
                   return toResponse(m_passkeys.reauthBegin(a));
               }));
    router.add("POST", QStringLiteral("/admin/reauth/passkey/finish"),
               authedBody([this](const Call &, const Actor &a, const QJsonObject &b) {
                   return withInput(api::AssertionInput::decode(b),
                                    [&](const api::AssertionInput &in) {
                                        return toResponse(m_passkeys.reauthFinish(a, in));
                                    });
               }));
}

} // namespace tap::app
