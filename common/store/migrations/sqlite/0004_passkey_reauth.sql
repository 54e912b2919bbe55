-- Passkey changes need fresh proof (issue #13 item 5): a session remembers when its member last
-- confirmed the password or a passkey assertion on it (reauth_at, 0: never) and how
-- (reauth_method: 'password' or 'passkey'). WebAuthn challenges gain the purpose 'reauth'.
ALTER TABLE sessions ADD COLUMN reauth_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN reauth_method TEXT NOT NULL DEFAULT '';
-- SQLite cannot change a CHECK constraint in place. Challenges live for minutes only: the
-- table is made anew, and a ceremony under way at the upgrade starts again.
DROP TABLE webauthn_challenges;
CREATE TABLE webauthn_challenges (
    id TEXT PRIMARY KEY,
    user_id TEXT REFERENCES users(id) ON DELETE CASCADE,
    purpose TEXT NOT NULL CHECK (purpose IN ('register', 'approve', 'reauth')),
    challenge TEXT NOT NULL,
    approval_id TEXT,
    used INTEGER NOT NULL DEFAULT 0,
    expires_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
