#pragma once

#include "core/result.h"
#include "http/request.h"
#include "store/approvalstore.h"

namespace tap::store {
class Vault;
}

namespace tap::forward {

// A request parked for approval, exactly as the approver reviewed it: as the agent sent it
// (no secret in it: secrets are injected only when it is sent), with the resolved target.
struct ReviewedRequest
{
    QByteArray method;
    QString target;
    QString teamHeader;
    QString credentialHeader;
    http::HeaderList headers;
    QByteArray body;
};

// The one place that seals and opens an approval's parts with the team key: the reviewed
// request (sealed when parked, opened when sent) and the answer kept for the agent's poll.
// The associated data names the approval row, so a sealed part moved to another row or team
// does not open.
core::Result<QByteArray> sealReviewedRequest(store::Vault &vault, const store::ApprovalRow &row,
                                             const ReviewedRequest &request);
core::Result<ReviewedRequest> openReviewedRequest(store::Vault &vault,
                                                  const store::ApprovalRow &row);
QByteArray approvalResponseAad(const store::ApprovalRow &row);

} // namespace tap::forward
