#include "app/approvalpage.h"

#include "app/adminapi.h"
#include "app/adminresponse.h"
#include "approvals/approvalservice.h"
#include "approvals/passkeys.h"
#include "http/router.h"

#include <QFile>
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

QByteArray resource(const QString &name)
{
    QFile f(QStringLiteral(":/approve/") + name);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

http::Response page(int status, QByteArray body, QByteArray type)
{
    http::Response r = http::Response::text(status, std::move(body), std::move(type));
    r.setHeader("Cache-Control", "no-store");
    r.setHeader("Content-Security-Policy",
                "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
                "base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
    r.setHeader("X-Frame-Options", "DENY");
    r.setHeader("X-Content-Type-Options", "nosniff");
    r.setHeader("Referrer-Policy", "no-referrer");
    return r;
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
        QByteArray html = resource(QStringLiteral("index.html"));
        html.replace("{{TXN}}", call.arg(0).toLatin1());
        call.responder.send(page(200, html, QByteArrayLiteral("text/html; charset=utf-8")));
    });
    router.add("GET", QStringLiteral("/approve/<arg>/app.js"), [](const Call &call) {
        call.responder.send(page(200, resource(QStringLiteral("app.js")),
                                 QByteArrayLiteral("text/javascript; charset=utf-8")));
    });
    router.add("GET", QStringLiteral("/approve/<arg>/approve.css"), [](const Call &call) {
        call.responder.send(page(200, resource(QStringLiteral("approve.css")),
                                 QByteArrayLiteral("text/css; charset=utf-8")));
    });
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
