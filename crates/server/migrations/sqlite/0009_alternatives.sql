-- Issue 20: never stuck with only a phone.
-- An authenticator-app key shown to a session and not yet confirmed with a code from
-- the app. `secret` is sealed (secrets::seal: ChaCha20-Poly1305 under a key derived
-- from the server secret), as is `methods.totp_secret` from now on.
CREATE TABLE app_enrolments (
    session_hash    BLOB PRIMARY KEY,
    account_id      INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    secret          TEXT NOT NULL,
    created_at      INTEGER NOT NULL
);
-- Recovery codes: a keyed hash each (secrets::recovery_code_mac), single use.
CREATE TABLE recovery_codes (
    id              INTEGER PRIMARY KEY,
    account_id      INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    code_mac        BLOB NOT NULL,
    created_at      INTEGER NOT NULL,
    used_at         INTEGER
);
CREATE INDEX recovery_codes_by_account ON recovery_codes (account_id);
-- "Don't ask again on this browser": the cookie's token only as SHA-256.
CREATE TABLE remembered_browsers (
    id              INTEGER PRIMARY KEY,
    account_id      INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    token_hash      BLOB NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    last_used_at    INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL
);
CREATE INDEX remembered_browsers_by_account ON remembered_browsers (account_id);
-- The remembered browser (its token's hash: never re-used, unlike a row id) that let
-- this session skip the second factor: the session stays signed in only while that
-- browser is remembered.
ALTER TABLE sessions ADD COLUMN remembered_browser_hash BLOB;
