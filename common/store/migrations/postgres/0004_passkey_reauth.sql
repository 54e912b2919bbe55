-- Passkey changes need fresh proof (issue #13 item 5): a session remembers when its member last
-- confirmed the password or a passkey assertion on it (reauth_at, 0: never) and how
-- (reauth_method: 'password' or 'passkey'). WebAuthn challenges gain the purpose 'reauth'.
ALTER TABLE sessions ADD COLUMN reauth_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN reauth_method TEXT NOT NULL DEFAULT '';
ALTER TABLE webauthn_challenges DROP CONSTRAINT webauthn_challenges_purpose_check;
ALTER TABLE webauthn_challenges ADD CONSTRAINT webauthn_challenges_purpose_check
    CHECK (purpose IN ('register', 'approve', 'reauth'));
