//! Sessions (rules A1, A2, A7): created by a password, promoted by a second factor
//! (or by skipping setup), rotated on every such change, and ended when the account's
//! methods change elsewhere. All run inside the caller's write transaction.

use crate::columns::{Col, Column};
use crate::error::AppError;
use crate::extract::Session;
use crate::i18n;
use crate::passwords;
use crate::secrets::{new_token, token_hash};
use axum::http::HeaderValue;
use axum::http::StatusCode;
use phone_mfa_contract::policy::SESSION_IDLE_SECS;
use phone_mfa_contract::{ErrorCode, Language};
use phone_mfa_contract::{SessionStage, SESSION_COOKIE};
use rusqlite::OptionalExtension;
use rusqlite::{params, Transaction};

/// The session cookie: `__Host-` prefix, Secure, HttpOnly, SameSite=Strict (ASVS 3.3).
pub fn cookie(token: &str) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={token}; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age={SESSION_IDLE_SECS}"
    ))
    .expect("tokens are URL-safe base64")
}

pub fn clear_cookie() -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0"
    ))
    .expect("static cookie")
}

/// A new session after a password: it reaches nothing but the second factor (or its
/// setup). Which of the two is decided on every request from the account (rule A1).
pub fn create(tx: &Transaction, account_id: i64, now: i64) -> rusqlite::Result<String> {
    let token = new_token(32);
    tx.execute(
        "INSERT INTO sessions (token_hash, account_id, stage, last_factor_at, created_at, last_seen_at) VALUES (?1, ?2, ?3, 0, ?4, ?4)",
        params![token_hash(&token), account_id, SessionStage::MfaPending.column(), now],
    )?;
    Ok(token)
}

/// The stage a session is really at (rule A1). A session signed in without a second
/// factor (setup skipped) stays signed in only while the account has no method; any
/// other session of an account with a method owes the second factor, whatever stage
/// it was created at.
pub fn effective_stage(stored: SessionStage, has_methods: bool, last_factor_at: i64) -> SessionStage {
    match (stored, has_methods) {
        (SessionStage::SignedIn, false) => SessionStage::SignedIn,
        (SessionStage::SignedIn, true) if last_factor_at > 0 => SessionStage::SignedIn,
        (_, true) => SessionStage::MfaPending,
        (_, false) => SessionStage::MfaSetup,
    }
}

/// Replaces the session's token (rule A2): the old one is void from now on. The
/// session's code requests follow it to the new token.
fn rotate(
    tx: &Transaction,
    session: &Session,
    stage: SessionStage,
    factor_at: i64,
    now: i64,
) -> rusqlite::Result<String> {
    let token = new_token(32);
    let hash = token_hash(&token);
    tx.execute(
        "UPDATE sessions SET token_hash = ?1, stage = ?2, last_factor_at = ?3, last_seen_at = ?4 WHERE token_hash = ?5",
        params![hash, stage.column(), factor_at, now, session.token_hash],
    )?;
    tx.execute(
        "UPDATE challenges SET session_hash = ?1 WHERE session_hash = ?2",
        params![hash, session.token_hash],
    )?;
    Ok(token)
}

/// "Skip for now": signed in without a second factor, with a new token.
pub fn skip_setup(tx: &Transaction, session: &Session, now: i64) -> rusqlite::Result<String> {
    rotate(tx, session, SessionStage::SignedIn, 0, now)
}

/// The one step every passed second factor takes, whichever it was (a code by text or
/// call, an authenticator app) and whatever it was for (sign-in, re-authentication,
/// confirming a new number): the session is signed in, its re-authentication window
/// starts now, it gets a new token, and the place it came from is remembered for the
/// password limits. Returns the new token.
pub fn second_factor_passed(
    tx: &Transaction,
    session: &Session,
    ip: &str,
    now: i64,
) -> rusqlite::Result<String> {
    passwords::remember_address(tx, session.account_id, ip, now)?;
    rotate(tx, session, SessionStage::SignedIn, now, now)
}

/// Ends every session of the account but `keep` (rule A7): after a method is added,
/// changed or removed, a session opened before is worth nothing, including one that
/// only knew the password.
pub fn end_others(tx: &Transaction, account_id: i64, keep: &[u8]) -> rusqlite::Result<usize> {
    tx.execute(
        "DELETE FROM sessions WHERE account_id = ?1 AND token_hash <> ?2",
        params![account_id, keep],
    )
}

/// The session behind a token, with its stage re-derived from the account (rule A1)
/// and its idle clock restarted. An unknown token is 401; one idle too long is ended
/// and 401 too.
pub fn find(tx: &Transaction, token_hash: Vec<u8>, now: i64) -> Result<Session, AppError> {
    let found = tx
        .query_row(
            "SELECT s.account_id, a.email, s.stage, s.last_factor_at, a.mfa_required, a.epcs_prescriber, s.last_seen_at, a.language,
                    EXISTS (SELECT 1 FROM methods m WHERE m.account_id = s.account_id)
             FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE s.token_hash = ?1",
            [&token_hash],
            |r| {
                Ok((
                    Session {
                        token_hash: token_hash.clone(),
                        account_id: r.get(0)?,
                        email: r.get(1)?,
                        // Re-derived below, never taken from what the session was created as.
                        stage: r.get::<_, Col<SessionStage>>(2)?.0,
                        last_factor_at: r.get(3)?,
                        mfa_required: r.get(4)?,
                        epcs_prescriber: r.get(5)?,
                        language: r.get::<_, Col<Language>>(7)?.0,
                    },
                    r.get::<_, i64>(6)?,
                    r.get::<_, bool>(8)?,
                ))
            },
        )
        .optional()?;
    let Some((mut session, last_seen, has_methods)) = found else {
        return Err(AppError::unauthenticated());
    };
    if now - last_seen > SESSION_IDLE_SECS {
        end(tx, &session)?;
        return Err(AppError::new(
            StatusCode::UNAUTHORIZED,
            ErrorCode::Unauthenticated,
            i18n::SESSION_TIMED_OUT,
        ));
    }
    tx.execute(
        "UPDATE sessions SET last_seen_at = ?1 WHERE token_hash = ?2",
        params![now, session.token_hash],
    )?;
    session.stage = effective_stage(session.stage, has_methods, session.last_factor_at);
    Ok(session)
}

/// Ends this session (sign-out).
pub fn end(tx: &Transaction, session: &Session) -> rusqlite::Result<()> {
    tx.execute(
        "DELETE FROM sessions WHERE token_hash = ?1",
        [&session.token_hash],
    )
    .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;
    use SessionStage::*;

    #[test]
    fn a_session_is_only_as_far_as_the_account_lets_it_be() {
        // No method: setup (or signed in after skipping it).
        assert_eq!(effective_stage(MfaSetup, false, 0), MfaSetup);
        assert_eq!(effective_stage(MfaPending, false, 0), MfaSetup);
        assert_eq!(effective_stage(SignedIn, false, 0), SignedIn);
        // A method: the second factor is owed unless this session passed one.
        assert_eq!(effective_stage(MfaSetup, true, 0), MfaPending);
        assert_eq!(effective_stage(MfaPending, true, 0), MfaPending);
        assert_eq!(effective_stage(SignedIn, true, 0), MfaPending);
        assert_eq!(effective_stage(SignedIn, true, 1_800_000_000), SignedIn);
        assert_eq!(effective_stage(MfaPending, true, 1_800_000_000), MfaPending);
    }
}
