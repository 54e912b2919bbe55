-- OAuth 2.0 refresh (#16 item 2, README "OAuth 2.0 credentials"). oauth_tokens caches the
-- access token of an oauth2 credential row, sealed with the team key and the row's AAD, until
-- expires_at (ms); every tapd process on one database shares it. lease_holder/lease_until is
-- the single-flight lease of a refresh: a process takes it with one UPDATE that matches only
-- when the lease is free or expired, and the others wait for the new token. generation counts
-- the tokens stored (a waiter knows a new one arrived).
-- credentials.oauth_state is "" or "reauth_required" (the token endpoint answered
-- invalid_grant: the refresh token is no longer valid; a new one clears it).
ALTER TABLE credentials ADD COLUMN oauth_state TEXT NOT NULL DEFAULT '';
CREATE TABLE oauth_tokens (
    credential_id TEXT PRIMARY KEY,
    team_id TEXT NOT NULL,
    sealed_access_token BYTEA,
    expires_at BIGINT NOT NULL DEFAULT 0,
    generation BIGINT NOT NULL DEFAULT 0,
    lease_holder TEXT NOT NULL DEFAULT '',
    lease_until BIGINT NOT NULL DEFAULT 0,
    FOREIGN KEY (team_id, credential_id) REFERENCES credentials(team_id, id) ON DELETE CASCADE
);
