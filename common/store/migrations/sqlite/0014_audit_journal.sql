-- Audit journal (#20, README "The audit record before the answer"): a tapd process appends each
-- /forward record to a journal file in its data directory before the answer goes out, and its
-- committer inserts the records into audit_log later, in batches. Each journal file has a random
-- id and numbers its entries; the batch's transaction also stores here the highest number it
-- committed, so a replay after a crash inserts exactly the entries above it.
CREATE TABLE audit_journal_marks (
    journal_id TEXT PRIMARY KEY,
    committed BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
