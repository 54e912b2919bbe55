#pragma once

namespace tap::http {
class Router;
}
namespace tap::admin {
class OAuthConnectService;
}

namespace tap::app {

class AdminApi;

struct OAuthCallbackSettings
{
    bool allowPrivateTargets = false; // TAP_ALLOW_PRIVATE_TARGETS, as for /forward
    int timeoutMs = 30000;
};

// Per-agent OAuth 2.0 connect over HTTP (README "Connecting an OAuth 2.0 credential"):
// POST /admin/credentials/{name}/connect?scope_kind=&scope_id= (admin session) answers the
// authorization URL; GET /oauth/callback (no session: the single-use state is the authority)
// exchanges the code at the credential's token_url through the upstream client and answers a
// small HTML page (resources/oauth) that names the credential and scope, never a secret.
void addOAuthConnectRoutes(http::Router &router, AdminApi &admin,
                           admin::OAuthConnectService &connect, OAuthCallbackSettings settings);

} // namespace tap::app
