-- Issue 17 item 4, "this wasn't me": each account-change e-mail's link has a row here,
-- the token only as SHA-256. `undo` is what changed and what undoing it needs (JSON,
-- written and read only by domain/change_reports.rs); `used_at` makes it single-use.
CREATE TABLE change_reports (
    id              INTEGER PRIMARY KEY,
    token_hash      BLOB NOT NULL UNIQUE,
    account_id      INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    undo            TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    used_at         INTEGER
);
CREATE INDEX change_reports_by_account ON change_reports (account_id);
-- After a reported change, no method can be added, changed or removed until then.
ALTER TABLE accounts ADD COLUMN changes_paused_until INTEGER NOT NULL DEFAULT 0;
