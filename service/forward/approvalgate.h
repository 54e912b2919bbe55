#pragma once

#include "core/result.h"
#include "forward/reviewedrequest.h"
#include "store/approvalstore.h"

#include <functional>

namespace tap::forward {

// The two seams between the data plane and human approval (approvals::ApprovalService
// implements the gate, Forwarder the sender). The forwarder decides THAT a request needs a
// decision; the gate owns the approval's life: its id, expiry, sealed storage and URL.
class ApprovalGate
{
public:
    virtual ~ApprovalGate() = default;

    // Stores `row` (who asked for what; id, times and sealed request are the gate's) as a
    // pending approval holding `request`, sealed. Approvers are not told yet.
    virtual core::Result<store::ApprovalRow> park(store::ApprovalRow row,
                                                  const ReviewedRequest &request) = 0;
    // The agent has its 202 and the trail its record: tell the approvers.
    virtual void announce(const store::ApprovalRow &row) = 0;
    // Where an approver decides on this request (the approval page).
    virtual QString approvalUrl(const QString &id) const = 0;
};

// Sends what a human approved.
class ApprovedSender
{
public:
    virtual ~ApprovedSender() = default;

    // Sends an approved request (claimed by this process) exactly as it was reviewed, after
    // re-checking that the agent, its grant or link and the target are all still allowed.
    // `done` gets the row in its final state (forwarded or failed).
    virtual void sendApproved(const store::ApprovalRow &row,
                              std::function<void(const store::ApprovalRow &)> done) = 0;
};

} // namespace tap::forward
