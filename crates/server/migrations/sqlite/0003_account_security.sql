-- Issue 13: password guessing limits, the addresses an account has completed a
-- sign-in from, sign-ups that wait for their e-mail link, and sign-up e-mail counts.
-- Wrong passwords per key: 'ai:' email fingerprint and IP, 'a:' email fingerprint, 'i:' IP.
-- Keyed by the typed address's fingerprint, not the account, so an address without an
-- account is throttled exactly like one with (rule A9).
CREATE TABLE password_failures (
    key             TEXT PRIMARY KEY,
    failures        INTEGER NOT NULL,
    held_until      INTEGER NOT NULL,
    last_failure_at INTEGER NOT NULL
);
-- Where an account completed a second factor: the per-account cap does not hold these.
CREATE TABLE known_addresses (
    account_id      INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    ip              TEXT NOT NULL,
    last_at         INTEGER NOT NULL,
    PRIMARY KEY (account_id, ip)
);
-- A sign-up waiting for its e-mail link; the token only as SHA-256.
CREATE TABLE sign_up_links (
    token_hash      BLOB PRIMARY KEY,
    email           TEXT NOT NULL COLLATE NOCASE,
    password_hash   TEXT NOT NULL,
    language        TEXT NOT NULL CHECK (language IN ('en', 'es')),
    created_at      INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL
);
CREATE INDEX sign_up_links_by_email ON sign_up_links (email);
-- Sign-up e-mails sent, for their limits; the address only as a keyed fingerprint.
CREATE TABLE sign_up_emails (
    address_fp      TEXT NOT NULL,
    ip              TEXT NOT NULL,
    sent_at         INTEGER NOT NULL
);
CREATE INDEX sign_up_emails_by_address ON sign_up_emails (address_fp, sent_at);
CREATE INDEX sign_up_emails_by_ip ON sign_up_emails (ip, sent_at);
CREATE INDEX sessions_by_account ON sessions (account_id);
