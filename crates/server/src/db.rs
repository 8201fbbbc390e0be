//! SQLite storage: opened in WAL mode, created and migrated on start.
//!
//! Every state change runs in a `BEGIN IMMEDIATE` transaction, which takes SQLite's
//! write lock up front: a read-check-write (a code check, a send-limit count) is
//! atomic against other requests and against other server processes on the same file.

use rusqlite::{Connection, TransactionBehavior};
use std::path::Path;
use std::sync::{Arc, Mutex};

/// Schema versions, applied in order; `PRAGMA user_version` records how far a file is.
const MIGRATIONS: &[&str] = &[
    r#"
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
"#,
    // Version 2: the language texts, calls and emails to the account are written in.
    r#"
ALTER TABLE accounts ADD COLUMN language TEXT NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'es'));
"#,
    // Version 3 (issue 13): password guessing limits, the addresses an account has
    // completed a sign-in from, and sign-ups that wait for their e-mail link.
    r#"
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
"#,
];

#[derive(Clone)]
pub struct Db(Arc<Mutex<Connection>>);

impl Db {
    pub fn open(path: &Path) -> rusqlite::Result<Db> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            let _ = std::fs::create_dir_all(dir);
        }
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        migrate(&conn)?;
        Ok(Db(Arc::new(Mutex::new(conn))))
    }

    /// Runs `work` in one write transaction on a blocking thread; commits on `Ok`.
    pub async fn write<T, E>(
        &self,
        work: impl FnOnce(&rusqlite::Transaction) -> Result<T, E> + Send + 'static,
    ) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<rusqlite::Error> + Send + 'static,
    {
        let db = self.0.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = db.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let out = work(&tx)?;
            tx.commit()?;
            Ok(out)
        })
        .await
        .expect("database task panicked")
    }
}

fn migrate(conn: &Connection) -> rusqlite::Result<()> {
    let version: usize = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version) {
        conn.execute_batch(&format!("BEGIN; {sql}; PRAGMA user_version = {}; COMMIT;", i + 1))?;
    }
    Ok(())
}
