-- Who created an agent (how-it-works-v2.txt: "Approver-created agents use direct assignments
-- only"): an approver may manage the agents they created and no other. NULL for agents made
-- before this migration and once the member is removed; such agents are for owners and admins.
ALTER TABLE agents ADD COLUMN created_by TEXT REFERENCES users(id) ON DELETE SET NULL;
