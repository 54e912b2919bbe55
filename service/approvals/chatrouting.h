#pragma once

#include "approvals/chatroute.h"
#include "core/result.h"
#include "store/approvalstore.h"

namespace tap::store {
class Database;
}

namespace tap::approvals {

// The facts routeApproval() decides on, read from the store for one parked request: its
// credentials' policies (in the order the request named them; credentials gone since are
// skipped) and its team's channels. Any store error is returned: the caller routes nothing.
core::Result<RouteFacts> readRouteFacts(store::Database &db, const store::ApprovalRow &row);

// Bot API chat ids are integers (up to 52 bits, exact in a double); configs may hold strings.
QString chatIdText(const QJsonValue &v);

} // namespace tap::approvals
