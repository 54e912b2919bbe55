-- Deny with a reason (#18): the approver's words, stored with the decision and carried by the
-- agent's poll answer. Plain text, at most 500 characters, no control characters, scrubbed of
-- the request's credential values before it is stored (README "Human approval").
ALTER TABLE approvals ADD COLUMN decision_reason TEXT NOT NULL DEFAULT '';
