// Approval routes of the admin API (README "Human approval"): the approver inbox, long-poll and
// decisions. The approval page's JSON calls (approvalpage.cpp) reuse the same service.
#include "app/adminapi.h"
#include "app/adminresponse.h"

#include "approvals/approvalservice.h"
#include "approvals/passkeys.h"
#include "http/router.h"

#include <QJsonDocument>

namespace tap::app {

using admin::Actor;
using admin::Outcome;
using http::Call;

namespace {

void respond(const http::Responder &responder, const Outcome &outcome)
{
    responder.send(toResponse(outcome));
}

// The body as a JSON object; an empty body counts as {}.
core::Result<QJsonObject> bodyObject(const http::Request &request)
{
    if (request.body.trimmed().isEmpty())
        return QJsonObject();
    const QJsonDocument doc = QJsonDocument::fromJson(request.body);
    if (!doc.isObject())
        return core::Error(core::ErrorCode::InvalidRequest,
                           QStringLiteral("The request body must be a JSON object."));
    return doc.object();
}

} // namespace

void AdminApi::addApprovalRoutes(http::Router &router)
{
    router.add("GET", QStringLiteral("/admin/approvals"), [this](const Call &call) {
        auto actor = authenticate(call);
        if (!actor)
            return respond(call.responder, actor.error());
        const QUrlQuery q = call.request.query();
        bool ok = true;
        const QString waitText = q.queryItemValue(QStringLiteral("wait"));
        const int wait = waitText.isEmpty() ? 0 : waitText.toInt(&ok);
        if (!ok)
            return respond(call.responder,
                           core::Error(core::ErrorCode::InvalidRequest,
                                       QStringLiteral("wait must be a number of seconds.")));
        m_approvals.list(actor.value(), q.queryItemValue(QStringLiteral("status")),
                         q.queryItemValue(QStringLiteral("cursor")), wait,
                         [responder = call.responder](Outcome o) { respond(responder, o); });
    });
    router.add("GET", QStringLiteral("/admin/approvals/<arg>"), [this](const Call &call) {
        auto actor = authenticate(call);
        if (!actor)
            return respond(call.responder, actor.error());
        respond(call.responder, m_approvals.get(actor.value(), call.arg(0)));
    });
    for (const bool approve : { true, false }) {
        router.add("POST",
                   approve ? QStringLiteral("/admin/approvals/<arg>/approve")
                           : QStringLiteral("/admin/approvals/<arg>/deny"),
                   [this, approve](const Call &call) {
                       auto actor = authenticate(call);
                       if (!actor)
                           return respond(call.responder, actor.error());
                       respond(call.responder,
                               m_approvals.decideAsMember(actor.value(), call.arg(0), approve,
                                                          QStringLiteral("admin")));
                   });
    }

    router.add("GET", QStringLiteral("/admin/passkeys"),
               authed([this](const Call &, const Actor &a) {
                   return toResponse(m_passkeys.list(a));
               }));
    router.add("POST", QStringLiteral("/admin/passkeys/register/begin"),
               authedBody([this](const Call &, const Actor &a, const QJsonObject &b) {
                   return toResponse(m_passkeys.registerBegin(a, b));
               }));
    router.add("POST", QStringLiteral("/admin/passkeys/register/finish"),
               authedBody([this](const Call &, const Actor &a, const QJsonObject &b) {
                   return toResponse(m_passkeys.registerFinish(a, b));
               }));
    router.add("DELETE", QStringLiteral("/admin/passkeys/<arg>"),
               authed([this](const Call &c, const Actor &a) {
                   return toResponse(m_passkeys.remove(a, c.arg(0)));
               }));

    // Fresh proof on the session before passkeys are added or removed (approvals/passkeyproof.cpp).
    router.add("POST", QStringLiteral("/admin/reauth"), [this](const Call &call) {
        auto actor = authenticate(call);
        if (!actor)
            return respond(call.responder, actor.error());
        auto body = bodyObject(call.request);
        if (!body)
            return respond(call.responder, body.error());
        m_passkeys.reauthPassword(
                actor.value(), body.value(), call.responder.threadContext(),
                [responder = call.responder](Outcome o) { respond(responder, o); });
    });
    router.add("POST", QStringLiteral("/admin/reauth/passkey/begin"),
               authed([this](const Call &, const Actor &a) {
                   return toResponse(m_passkeys.reauthBegin(a));
               }));
    router.add("POST", QStringLiteral("/admin/reauth/passkey/finish"),
               authedBody([this](const Call &, const Actor &a, const QJsonObject &b) {
                   return toResponse(m_passkeys.reauthFinish(a, b));
               }));
}

} // namespace tap::app
