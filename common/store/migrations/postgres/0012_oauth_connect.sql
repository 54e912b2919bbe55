-- Per-agent OAuth 2.0 connect (#16 item 3, README "Connecting an OAuth 2.0 credential"): an
-- admin's POST /admin/credentials/{name}/connect leaves one row per authorization request.
-- Only a keyed hash of `state` is kept (KeyRing::tokenHash()); the PKCE code_verifier is
-- sealed with the team key (AAD "oauth_connect", team, state hash). GET /oauth/callback deletes
-- the row it uses (single use); rows older than their expiry are purged on the next connect.
-- A row names the credential row to fill (credential_id), or, for a scope without a row yet,
-- the team row whose settings and client parts the new scoped row copies (template_id).
CREATE TABLE oauth_connect_states (
    state_hash TEXT PRIMARY KEY,
    team_id TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    credential_name TEXT NOT NULL,
    scope_kind TEXT NOT NULL,
    scope_id TEXT NOT NULL DEFAULT '',
    credential_id TEXT NOT NULL DEFAULT '',
    template_id TEXT NOT NULL DEFAULT '',
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    user_email TEXT NOT NULL,
    user_role TEXT NOT NULL,
    redirect_uri TEXT NOT NULL,
    sealed_verifier BYTEA NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX oauth_connect_states_expiry ON oauth_connect_states(expires_at);
