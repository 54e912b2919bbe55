#pragma once

namespace tap::http {
class Router;
}
namespace tap::approvals {
class ApprovalService;
class PasskeyService;
} // namespace tap::approvals

namespace tap::app {

class AdminApi;

// The agent-reflected approval link (/approve/{txn_id}): a small page from resources/approve
// where a signed-in team member sees the request and decides; its JSON calls live under
// /approve/{txn_id}/… and act with the member's session, recorded as decided via "link".
void addApprovalPageRoutes(http::Router &router, AdminApi &admin,
                           approvals::ApprovalService &approvals,
                           approvals::PasskeyService &passkeys);

} // namespace tap::app
