#include "app/dashboardpage.h"

#include "app/webassets.h"
#include "http/router.h"

namespace tap::app {

namespace {

// The names the page asks for, and where they are compiled in (service/CMakeLists.txt).
QString assetPath(const QString &name)
{
    static const QHash<QString, QString> kAssets{
        { QStringLiteral("dashboard.js"), QStringLiteral(":/dashboard/dashboard.js") },
        { QStringLiteral("dashboard.css"), QStringLiteral(":/dashboard/dashboard.css") },
        { QStringLiteral("tap.js"), QStringLiteral(":/shared/tap.js") },
        { QStringLiteral("passkeys.js"), QStringLiteral(":/shared/passkeys.js") },
    };
    return kAssets.value(name);
}

} // namespace

void addDashboardRoutes(http::Router &router)
{
    router.add("GET", QStringLiteral("/dashboard"), [](const http::Call &call) {
        call.responder.send(webassets::page(
                200, webassets::resource(QStringLiteral(":/dashboard/index.html"))));
    });
    router.add("GET", QStringLiteral("/dashboard/<arg>"), [](const http::Call &call) {
        call.responder.send(webassets::asset(call.request, assetPath(call.arg(0))));
    });
}

} // namespace tap::app
