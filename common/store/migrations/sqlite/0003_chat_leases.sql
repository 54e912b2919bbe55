-- Leases: which tapd process currently holds a singleton job, such as long-polling one
-- Telegram bot's getUpdates (Telegram answers 409 to a second concurrent poller). A holder
-- renews its row before expires_at; another process may take the row only after it expired.
CREATE TABLE leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
