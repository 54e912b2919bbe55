#pragma once

namespace tap::http {
class Router;
}

namespace tap::app {

// The approvers' inbox in the browser (GET /dashboard, CONTRACT.md "Web inbox"): a page from
// resources/dashboard that signs in with /login, long-polls /admin/approvals for pending
// requests and decides through the admin API (passkey step-up through the approval page's
// /approve/{txn_id}/passkey/… calls). Its assets are /dashboard/{name}; any other name is 404.
void addDashboardRoutes(http::Router &router);

} // namespace tap::app
