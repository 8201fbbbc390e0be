-- Issue 17: e-mail decided inside a transaction is queued here in that transaction
-- and delivered after it commits by a background worker (domain/deliveries.rs), with
-- retries. A row is claimed for a while (claimed_until) by the instance sending it.
CREATE TABLE deliveries (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL,
    recipient       TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    due_at          INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    claimed_until   INTEGER,
    sent_at         INTEGER,
    gave_up_at      INTEGER,
    last_error      TEXT
);
CREATE INDEX deliveries_waiting ON deliveries (due_at) WHERE sent_at IS NULL AND gave_up_at IS NULL;
