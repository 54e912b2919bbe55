#include "app/approvalpage.h"

#include "app/adminapi.h"
#include "app/adminresponse.h"
#include "app/webassets.h"
#include "approvals/approvalservice.h"
#include "approvals/passkeys.h"
#include "http/router.h"

#include <QRegularExpression>

namespace tap::app {

using core::Error;
using core::ErrorCode;
using http::Call;

namespace {

bool isTxnId(const QString &id)
{
    static const QRegularExpression re(
            QStringLiteral("^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$"));
    return re.match(id).hasMatch();
}

const Error kNoSuch(ErrorCode::NotFound, QStringLiteral("No such approval request."));

} // namespace

void addApprovalPageRoutes(http::Router &router, AdminApi &admin,
                           approvals::ApprovalService &approvals,
                           approvals::PasskeyService &passkeys)
{
    router.add("GET", QStringLiteral("/approve/<arg>"), [](const Call &call) {
        if (!isTxnId(call.arg(0)))
            return call.responder.send(http::Response::error(kNoSuch));
        // The id only names this page's own assets; the request itself is shown after sign-in.
        QByteArray html = webassets::resource(QStringLiteral(":/approve/index.html"));
        html.replace("{{TXN}}", call.arg(0).toLatin1());
        call.responder.send(webassets::page(200, html));
    });
    // The page's assets; tap.js and passkeys.js are shared with /dashboard (resources/shared).
    const std::pair<const char *, const char *> assets[] = {
        { "app.js", ":/approve/app.js" },
        { "approve.css", ":/approve/approve.css" },
        { "tap.js", ":/shared/tap.js" },
        { "passkeys.js", ":/shared/passkeys.js" },
    };
    for (const auto &[name, path] : assets) {
        router.add("GET", QStringLiteral("/approve/<arg>/") + QLatin1String(name),
                   [path = QString::fromLatin1(path)](const Call &call) {
                       call.responder.send(webassets::asset(call.request, path));
                   });
    }
    router.add("GET", QStringLiteral("/approve/<arg>/details"),
               admin.authed([&approvals](const Call &c, const admin::Actor &a) {
                   return toResponse(approvals.get(a, c.arg(0)));
               }));
    router.add("POST", QStringLiteral("/approve/<arg>/approve"),
               admin.authed([&approvals](const Call &c, const admin::Actor &a) {
                   return toResponse(
                           approvals.decideAsMember(a, c.arg(0), true, api::ApprovalChannel::Link));
               }));
    // As the admin API's deny: an optional {"reason": "…"} for the agent.
    router.add("POST", QStringLiteral("/approve/<arg>/deny"),
               admin.authedBody([&approvals](const Call &c, const admin::Actor &a,
                                             const QJsonObject &b) {
                   return withInput(api::DenyInput::decode(b), [&](const api::DenyInput &in) {
                       return toResponse(approvals.decideAsMember(
                               a, c.arg(0), false, api::ApprovalChannel::Link, false, in.reason));
                   });
               }));
    // Passkey step-up: a WebAuthn assertion bound to this transaction approves it.
    router.add("POST", QStringLiteral("/approve/<arg>/passkey/begin"),
               admin.authed([&passkeys](const Call &c, const admin::Actor &a) {
                   return toResponse(passkeys.approveBegin(a, c.arg(0)));
               }));
    router.add("POST", QStringLiteral("/approve/<arg>/passkey/finish"),
               admin.authedBody([&passkeys](const Call &c, const admin::Actor &a,
                                            const QJsonObject &b) {
                   return withInput(api::AssertionInput::decode(b),
                                    [&](const api::AssertionInput &in) {
                                        return toResponse(passkeys.approveFinish(a, c.arg(0), in));
                                    });
               }));
}

} // namespace tap::app
