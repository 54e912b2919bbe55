-- Direct credential assignments to an agent linked into another team (README "Credential scopes":
-- "no role = no credentials unless directly assigned in the linked team"). agent_credentials
-- cannot hold them: its rows name agents of their own team. Deleting the link (or the agent,
-- which deletes its links) or the credential deletes the assignment.
CREATE TABLE link_credentials (
    team_id TEXT NOT NULL,
    agent_home_team_id TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    credential_id TEXT NOT NULL,
    PRIMARY KEY (team_id, agent_home_team_id, agent_id, credential_id),
    FOREIGN KEY (team_id, agent_home_team_id, agent_id)
        REFERENCES agent_team_links(team_id, agent_home_team_id, agent_id) ON DELETE CASCADE,
    FOREIGN KEY (team_id, credential_id) REFERENCES credentials(team_id, id) ON DELETE CASCADE
);
-- Scoped rows are found by scope at lookup and deleted with their agent or role.
CREATE INDEX credentials_scope ON credentials(team_id, scope_kind, scope_id);
