-- Agent instances: an agent deleted and created again under the same id is another agent. Its
-- instance_id (random, made when the agent is created) is stamped on every approval the agent
-- parks, so an approval's result belongs to the instance that asked, not to the reused id.
-- cancel_reason says why TAP ended a pending approval itself (agent_deleted, agent_disabled).
ALTER TABLE agents ADD COLUMN instance_id TEXT NOT NULL DEFAULT '';
UPDATE agents SET instance_id = md5(random()::text || clock_timestamp()::text || team_id || '/' || id);
ALTER TABLE approvals ADD COLUMN agent_instance_id TEXT NOT NULL DEFAULT '';
ALTER TABLE approvals ADD COLUMN cancel_reason TEXT;
UPDATE approvals SET agent_instance_id = COALESCE((SELECT a.instance_id FROM agents a
    WHERE a.team_id = approvals.agent_home_team_id AND a.id = approvals.agent_id), '');
CREATE INDEX approvals_agent ON approvals(agent_home_team_id, agent_id, status);
