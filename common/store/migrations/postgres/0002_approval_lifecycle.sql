-- Approval lifecycle: every change stamps updated_at (the long-poll cursor of the approver
-- inbox); claimed_at records when a tapd process took an approved request to forward it.
ALTER TABLE approvals ADD COLUMN updated_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE approvals ADD COLUMN claimed_at BIGINT;
UPDATE approvals SET updated_at = created_at;
CREATE INDEX approvals_team_updated ON approvals(team_id, updated_at);
CREATE INDEX approvals_telegram ON approvals(telegram_chat_id, telegram_message_id);
CREATE INDEX approvals_matrix ON approvals(matrix_room_id, matrix_event_id);
