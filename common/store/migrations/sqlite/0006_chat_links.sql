-- Linking a member's chat account: the member (or an admin) asks for a one-time code, the
-- member sends it to the Telegram bot (/start <code>) or the Matrix bot (direct message), and
-- the bot stores the sender's id on the member (users.telegram_user_id / matrix_user_id). Only
-- a keyed hash of the code is kept (KeyRing::tokenHash()); a code is deleted when it is used.
CREATE TABLE chat_link_codes (
    code_hash TEXT PRIMARY KEY,
    team_id TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    expires_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX chat_link_codes_member ON chat_link_codes(team_id, user_id);
-- One chat account decides as one member at most.
CREATE UNIQUE INDEX users_telegram_user ON users(telegram_user_id);
CREATE UNIQUE INDEX users_matrix_user ON users(matrix_user_id);
