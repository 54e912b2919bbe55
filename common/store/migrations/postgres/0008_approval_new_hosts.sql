-- Destinations approved by a human (#15 item 4): the hosts outside a credential's allowed_hosts
-- that a request would reach, one "credential host" line each. Such a request always waits for
-- an approver, and only these hosts may be reached once it is approved.
ALTER TABLE approvals ADD COLUMN new_hosts TEXT NOT NULL DEFAULT '';
