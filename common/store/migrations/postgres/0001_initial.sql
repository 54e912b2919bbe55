-- TAP schema v1 (PostgreSQL). Keep in step with ../sqlite/0001_initial.sql: the store tests
-- compare the two column by column. Times are milliseconds since the Unix epoch (UTC).
-- Every team-owned row carries team_id in its key, so two teams can use the same names.

CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value BYTEA NOT NULL
);

CREATE TABLE teams (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    wrapped_dek BYTEA NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    email_verified INTEGER NOT NULL DEFAULT 0,
    display_name TEXT NOT NULL DEFAULT '',
    telegram_user_id TEXT,
    matrix_user_id TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE memberships (
    team_id TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'approver')),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (team_id, user_id)
);
CREATE INDEX memberships_user ON memberships(user_id);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    team_id TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    remote_addr TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX sessions_expiry ON sessions(expires_at);

CREATE TABLE email_verifications (
    user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    expires_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE invites (
    id TEXT PRIMARY KEY,
    team_id TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'approver')),
    token_hash TEXT NOT NULL UNIQUE,
    invited_by TEXT REFERENCES users(id) ON DELETE SET NULL,
    expires_at BIGINT NOT NULL,
    accepted_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX invites_team ON invites(team_id);

-- scope_kind/scope_id: 'team' with scope_id '' (the whole team), 'role' with a role name, or
-- 'agent' with an agent id. The narrowest scope wins at lookup (seed multi-scope-integrations).
CREATE TABLE credentials (
    id TEXT PRIMARY KEY,
    team_id TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    scope_kind TEXT NOT NULL DEFAULT 'team' CHECK (scope_kind IN ('team', 'role', 'agent')),
    scope_id TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    connector TEXT NOT NULL DEFAULT 'direct' CHECK (connector IN ('direct', 'sidecar')),
    api_base TEXT,
    relative_target INTEGER NOT NULL DEFAULT 0,
    auth_header_format TEXT NOT NULL DEFAULT 'Bearer {value}',
    allowed_hosts TEXT NOT NULL DEFAULT '[]',
    body_placeholder_fields TEXT NOT NULL DEFAULT '[]',
    encrypted_value BYTEA,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (team_id, id),
    UNIQUE (team_id, name, scope_kind, scope_id),
    CHECK (relative_target = 0 OR connector = 'sidecar'),
    CHECK (connector = 'direct' OR api_base IS NOT NULL)
);

CREATE TABLE roles (
    team_id TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    rate_limit_per_hour INTEGER,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (team_id, name)
);

CREATE TABLE role_credentials (
    team_id TEXT NOT NULL,
    role_name TEXT NOT NULL,
    credential_id TEXT NOT NULL,
    PRIMARY KEY (team_id, role_name, credential_id),
    FOREIGN KEY (team_id, role_name) REFERENCES roles(team_id, name)
        ON DELETE CASCADE ON UPDATE CASCADE,
    FOREIGN KEY (team_id, credential_id) REFERENCES credentials(team_id, id) ON DELETE CASCADE
);

CREATE TABLE agents (
    team_id TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    api_key_hash TEXT NOT NULL UNIQUE,
    enabled INTEGER NOT NULL DEFAULT 1,
    rate_limit_per_hour INTEGER,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (team_id, id)
);

CREATE TABLE agent_credentials (
    team_id TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    credential_id TEXT NOT NULL,
    PRIMARY KEY (team_id, agent_id, credential_id),
    FOREIGN KEY (team_id, agent_id) REFERENCES agents(team_id, id) ON DELETE CASCADE,
    FOREIGN KEY (team_id, credential_id) REFERENCES credentials(team_id, id) ON DELETE CASCADE
);

CREATE TABLE agent_roles (
    team_id TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    role_name TEXT NOT NULL,
    PRIMARY KEY (team_id, agent_id, role_name),
    FOREIGN KEY (team_id, agent_id) REFERENCES agents(team_id, id) ON DELETE CASCADE,
    FOREIGN KEY (team_id, role_name) REFERENCES roles(team_id, name)
        ON DELETE CASCADE ON UPDATE CASCADE
);

-- team_id is the linked team (the one whose admin created the link); the agent lives in
-- agent_home_team_id. Deleting the agent, or the role the link is scoped to, removes the link
-- (fail closed: no link, no access).
CREATE TABLE agent_team_links (
    team_id TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    agent_home_team_id TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    role_name TEXT,
    created_by TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (team_id, agent_home_team_id, agent_id),
    FOREIGN KEY (agent_home_team_id, agent_id) REFERENCES agents(team_id, id) ON DELETE CASCADE,
    FOREIGN KEY (team_id, role_name) REFERENCES roles(team_id, name)
        ON DELETE CASCADE ON UPDATE CASCADE,
    CHECK (team_id <> agent_home_team_id)
);
CREATE INDEX agent_team_links_agent ON agent_team_links(agent_home_team_id, agent_id);

CREATE TABLE policies (
    team_id TEXT NOT NULL,
    credential_id TEXT NOT NULL,
    auto_approve_methods TEXT NOT NULL DEFAULT '[]',
    require_approval_methods TEXT NOT NULL DEFAULT '[]',
    auto_approve_urls TEXT NOT NULL DEFAULT '[]',
    allowed_approvers TEXT NOT NULL DEFAULT '[]',
    telegram_chat_id TEXT,
    matrix_room_id TEXT,
    approval_channel TEXT,
    require_passkey INTEGER NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (team_id, credential_id),
    FOREIGN KEY (team_id, credential_id) REFERENCES credentials(team_id, id) ON DELETE CASCADE
);

CREATE TABLE notification_channels (
    team_id TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    channel_type TEXT NOT NULL CHECK (channel_type IN ('telegram', 'matrix', 'desktop')),
    config TEXT NOT NULL DEFAULT '{}',
    encrypted_secret BYTEA,
    enabled INTEGER NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (team_id, name)
);

-- A request waiting for (or past) a human decision. The reviewed request and the upstream
-- response are sealed with the team key; both are deleted once the agent has read the outcome.
CREATE TABLE approvals (
    id TEXT PRIMARY KEY,
    team_id TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    agent_home_team_id TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    credential_name TEXT NOT NULL,
    request_id TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN
        ('pending', 'approved', 'forwarded', 'denied', 'expired', 'failed')),
    method TEXT NOT NULL,
    target TEXT NOT NULL,
    body_preview TEXT,
    sealed_request BYTEA,
    require_passkey INTEGER NOT NULL DEFAULT 0,
    decided_by TEXT,
    decided_via TEXT,
    decided_at BIGINT,
    claimed_by TEXT,
    response_status INTEGER,
    sealed_response BYTEA,
    response_read_at BIGINT,
    telegram_chat_id TEXT,
    telegram_message_id TEXT,
    matrix_room_id TEXT,
    matrix_event_id TEXT,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX approvals_team_status ON approvals(team_id, status, created_at);
CREATE INDEX approvals_expiry ON approvals(status, expires_at);

-- Append-only trail; kind is 'forward' for /forward requests and 'admin' for changes.
CREATE TABLE audit_log (
    seq BIGSERIAL PRIMARY KEY,
    ts BIGINT NOT NULL,
    team_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('forward', 'admin')),
    request_id TEXT NOT NULL DEFAULT '',
    actor TEXT NOT NULL DEFAULT '',
    remote_addr TEXT NOT NULL DEFAULT '',
    action TEXT NOT NULL DEFAULT '',
    agent_id TEXT,
    agent_home_team_id TEXT,
    credential TEXT,
    credential_scope TEXT,
    method TEXT,
    target TEXT,
    decision TEXT,
    reason TEXT,
    approver TEXT,
    upstream_status INTEGER,
    status INTEGER,
    latency_ms INTEGER,
    upstream_latency_ms INTEGER,
    redactions INTEGER,
    detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_team ON audit_log(team_id, seq);

-- One row per admitted request in the sliding hour; bucket is e.g. 'agent:<home>/<id>'.
CREATE TABLE rate_limit_hits (
    team_id TEXT NOT NULL,
    bucket TEXT NOT NULL,
    at_ms BIGINT NOT NULL
);
CREATE INDEX rate_limit_hits_bucket ON rate_limit_hits(team_id, bucket, at_ms);

-- Failed logins per key (an email hash or an address), for throttling.
CREATE TABLE login_throttle (
    key TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    window_start BIGINT NOT NULL,
    locked_until BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE passkeys (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL DEFAULT '',
    public_key BYTEA NOT NULL,
    algorithm INTEGER NOT NULL,
    sign_count BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT
);
CREATE INDEX passkeys_user ON passkeys(user_id);

CREATE TABLE webauthn_challenges (
    id TEXT PRIMARY KEY,
    user_id TEXT REFERENCES users(id) ON DELETE CASCADE,
    purpose TEXT NOT NULL CHECK (purpose IN ('register', 'approve')),
    challenge TEXT NOT NULL,
    approval_id TEXT,
    used INTEGER NOT NULL DEFAULT 0,
    expires_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
