-- The first schema: accounts, methods, sessions, challenges, send counts, the dev
-- outbox and the audit log.
CREATE TABLE accounts (
    id              INTEGER PRIMARY KEY,
    email           TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash   TEXT NOT NULL,
    -- Medical providers who prescribe controlled substances (EPCS) may not use text/phone.
    epcs_prescriber INTEGER NOT NULL DEFAULT 0,
    -- A partner this account uses requires MFA: setup cannot be skipped.
    mfa_required    INTEGER NOT NULL DEFAULT 0,
    failed_codes    INTEGER NOT NULL DEFAULT 0,
    locked_until    INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL
);
CREATE TABLE methods (
    id              INTEGER PRIMARY KEY,
    account_id      INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('phone', 'authenticator_app')),
    phone_e164      TEXT,
    sms_ok          INTEGER NOT NULL DEFAULT 0,
    default_channel TEXT CHECK (default_channel IN ('sms', 'voice')),
    totp_secret     TEXT,
    -- Last TOTP time step accepted, so a code cannot be replayed.
    totp_last_step  INTEGER NOT NULL DEFAULT 0,
    is_default      INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    UNIQUE (account_id, phone_e164)
);
CREATE TABLE sessions (
    token_hash      BLOB PRIMARY KEY,
    account_id      INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    stage           TEXT NOT NULL,
    last_factor_at  INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    last_seen_at    INTEGER NOT NULL
);
CREATE TABLE challenges (
    id              TEXT PRIMARY KEY,
    account_id      INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    session_hash    BLOB NOT NULL,
    purpose         TEXT NOT NULL,
    method_id       INTEGER,
    phone_e164      TEXT NOT NULL,
    sms_ok          INTEGER NOT NULL,
    channel         TEXT NOT NULL,
    -- HMAC-SHA256(server secret, challenge id || code): never the code itself.
    code_mac        BLOB NOT NULL,
    sent_at         INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    consumed_at     INTEGER
);
-- One row per code sent, for the send limits. Phones appear only as a keyed fingerprint.
CREATE TABLE sends (
    id              INTEGER PRIMARY KEY,
    phone_fp        TEXT NOT NULL,
    ip              TEXT NOT NULL,
    account_id      INTEGER NOT NULL,
    sent_at         INTEGER NOT NULL
);
CREATE INDEX sends_by_phone ON sends (phone_fp, sent_at);
CREATE INDEX sends_by_ip ON sends (ip, sent_at);
CREATE INDEX sends_by_account ON sends (account_id, sent_at);
-- What the development couriers "sent": texts, call transcripts, e-mails.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL,
    recipient       TEXT NOT NULL,
    body            TEXT NOT NULL,
    delivered       INTEGER NOT NULL,
    created_at      INTEGER NOT NULL
);
-- Security events. No codes, no passwords, no tokens, phones masked.
CREATE TABLE audit_log (
    id              INTEGER PRIMARY KEY,
    account_id      INTEGER,
    event           TEXT NOT NULL,
    detail          TEXT NOT NULL DEFAULT '',
    ip              TEXT NOT NULL DEFAULT '',
    at              INTEGER NOT NULL
);
