#include "app/oauthcallback.h"

#include "admin/oauthconnect.h"
#include "api/errors.h"
#include "app/adminapi.h"
#include "app/adminresponse.h"
#include "core/logging.h"
#include "http/router.h"
#include "oauthconnect/authcode.h"
#include "proxy/targetguard.h"
#include "upstream/curlclient.h"

#include <QFile>
#include <QUrlQuery>

#include <memory>

namespace tap::app {

using core::Error;
using core::ErrorCode;
using http::Call;

namespace {

constexpr qint64 kMaxTokenAnswerBytes = 64 * 1024;

QByteArray resource(const QString &name)
{
    QFile f(QStringLiteral(":/oauth/") + name);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// Same rules as the approval page: nothing cached, framed, sniffed or referred; no script.
http::Response page(int status, QByteArray body, QByteArray type)
{
    http::Response r = http::Response::text(status, std::move(body), std::move(type));
    r.setHeader("Cache-Control", "no-store");
    r.setHeader("Content-Security-Policy",
                "default-src 'none'; style-src 'self'; base-uri 'none'; form-action 'none'; "
                "frame-ancestors 'none'");
    r.setHeader("X-Frame-Options", "DENY");
    r.setHeader("X-Content-Type-Options", "nosniff");
    r.setHeader("Referrer-Policy", "no-referrer");
    return r;
}

http::Response resultPage(int status, const QString &outcome, const QString &title,
                          const QString &message)
{
    QByteArray html = resource(QStringLiteral("result.html"));
    html.replace("{{OUTCOME}}", outcome.toHtmlEscaped().toUtf8());
    html.replace("{{TITLE}}", title.toHtmlEscaped().toUtf8());
    html.replace("{{MESSAGE}}", message.toHtmlEscaped().toUtf8());
    return page(status, html, QByteArrayLiteral("text/html; charset=utf-8"));
}

http::Response failurePage(const Error &error)
{
    return resultPage(api::httpStatus(error.code()), QStringLiteral("failed"),
                      QStringLiteral("Not connected"), error.message());
}

http::Response successPage(const admin::OAuthConnectService::Connected &c)
{
    return resultPage(200, QStringLiteral("connected"), QStringLiteral("Connected"),
                      QStringLiteral("The credential \"%1\" (%2) is connected.%3")
                              .arg(c.name, c.scope.label(),
                                   c.created ? QStringLiteral(" Its row for this scope was "
                                                              "created from the team row.")
                                             : QString()));
}

struct PendingExchange
{
    admin::OAuthConnectService::Exchange exchange;
    QByteArray answer;
    int status = 0;
    bool tooLarge = false;
};

// POST token_url on this thread's upstream client; answers the page when it is done.
void exchangeCode(admin::OAuthConnectService &connect, const OAuthCallbackSettings &settings,
                  const http::Responder &responder, admin::OAuthConnectService::Exchange exchange)
{
    auto pending = std::make_shared<PendingExchange>();
    pending->exchange = std::move(exchange);
    upstream::Request request;
    request.method = QByteArrayLiteral("POST");
    request.url = pending->exchange.tokenUrl;
    request.timeoutMs = settings.timeoutMs;
    request.headers = { { QByteArrayLiteral("Content-Type"),
                          QByteArrayLiteral("application/x-www-form-urlencoded") },
                        { QByteArrayLiteral("Accept"), QByteArrayLiteral("application/json") } };
    request.body = pending->exchange.body.exposeCopy();
    const bool allowPrivate = settings.allowPrivateTargets;
    request.addressAllowed = [allowPrivate](const QHostAddress &a) {
        return proxy::isAddressAllowed(a, allowPrivate);
    };
    upstream::Handlers handlers;
    handlers.onHead = [pending](int status, const upstream::HeaderList &, qint64) {
        pending->status = status;
    };
    handlers.onData = [pending](const QByteArray &chunk) {
        if (pending->answer.size() + chunk.size() > kMaxTokenAnswerBytes)
            pending->tooLarge = true;
        else
            pending->answer += chunk;
        return true;
    };
    handlers.onDone = [pending, &connect, responder](core::Result<void> outcome) {
        const auto fail = [&](const QString &reason, const Error &error) {
            connect.recordFailure(pending->exchange, reason);
            core::wipe(pending->answer);
            responder.send(failurePage(error));
        };
        if (!outcome && outcome.error().code() == ErrorCode::TargetNotAllowed)
            return fail(QStringLiteral("token_endpoint_not_allowed"),
                        Error(ErrorCode::TargetNotAllowed,
                              QStringLiteral("The provider's token endpoint (%1) resolves to "
                                             "an address tapd may not reach (loopback, "
                                             "private, link-local or cloud metadata); nothing "
                                             "was stored.")
                                      .arg(pending->exchange.tokenUrl.host())));
        if (!outcome || pending->tooLarge)
            return fail(QStringLiteral("token_endpoint_unreachable"),
                        Error(ErrorCode::UpstreamError,
                              QStringLiteral("The provider's token endpoint could not be "
                                             "reached; nothing was stored.")));
        auto answer = oauthconnect::parseTokenResponse(pending->status, pending->answer);
        core::wipe(pending->answer);
        if (!answer)
            return fail(QStringLiteral("token_endpoint_refused"), answer.error());
        auto connected = connect.complete(pending->exchange, answer.value());
        responder.send(connected ? successPage(connected.value()) : failurePage(connected.error()));
    };
    upstream::CurlClient::forThisThread().start(std::move(request), std::move(handlers));
}

} // namespace

void addOAuthConnectRoutes(http::Router &router, AdminApi &admin,
                           admin::OAuthConnectService &connect, OAuthCallbackSettings settings)
{
    using Scope = api::CredentialScope;
    router.add("POST", QStringLiteral("/admin/credentials/<arg>/connect"),
               admin.authed([&connect](const Call &c, const admin::Actor &a) {
                   return withInput(Scope::fromQuery(c.request.query()), [&](const Scope &scope) {
                       return toResponse(connect.begin(a, c.arg(0), scope));
                   });
               }));
    router.add("GET", QStringLiteral("/oauth/connect.css"), [](const Call &call) {
        call.responder.send(page(200, resource(QStringLiteral("connect.css")),
                                 QByteArrayLiteral("text/css; charset=utf-8")));
    });
    router.add("GET", QStringLiteral("/oauth/callback"), [&connect, settings](const Call &call) {
        const QUrlQuery q = call.request.query();
        const auto value = [&q](const char *key) {
            return q.queryItemValue(QString::fromLatin1(key), QUrl::FullyDecoded);
        };
        auto exchange = connect.takeState(value("state"), value("code"), value("error"));
        if (!exchange)
            return call.responder.send(failurePage(exchange.error()));
        exchangeCode(connect, settings, call.responder, std::move(exchange.value()));
    });
}

} // namespace tap::app
