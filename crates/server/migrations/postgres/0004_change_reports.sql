-- Issue 17 item 4 (see sqlite/0007_change_reports.sql).
CREATE TABLE change_reports (
    token_hash      BYTEA PRIMARY KEY,
    account_id      BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    undo            TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    expires_at      BIGINT NOT NULL,
    used_at         BIGINT
);
CREATE INDEX change_reports_by_account ON change_reports (account_id);
ALTER TABLE accounts ADD COLUMN changes_paused_until BIGINT NOT NULL DEFAULT 0;
