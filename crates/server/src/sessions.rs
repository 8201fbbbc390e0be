//! Sessions (rules A1, A2, A7): created by a password, promoted by a second factor
//! (or by skipping setup), rotated on every such change, and ended when the account's
//! methods change elsewhere. All run inside the caller's write transaction.

use crate::error::{AppError, AppResult};
use crate::extract::Session;
use crate::i18n;
use crate::passwords;
use crate::secrets::{new_token, token_hash};
use crate::store::{Col, Conn, Flag, StoreResult};
use axum::http::HeaderValue;
use axum::http::StatusCode;
use phone_mfa_contract::policy::SESSION_IDLE_SECS;
use phone_mfa_contract::{ErrorCode, Language};
use phone_mfa_contract::{SessionStage, SESSION_COOKIE};
use sqlx::Row;

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
pub async fn create(c: &mut Conn, account_id: i64, now: i64) -> StoreResult<String> {
    let token = new_token(32);
    sqlx::query(
        "INSERT INTO sessions (token_hash, account_id, stage, last_factor_at, created_at, last_seen_at) VALUES ($1, $2, $3, 0, $4, $4)",
    )
    .bind(token_hash(&token))
    .bind(account_id)
    .bind(Col(SessionStage::MfaPending))
    .bind(now)
    .execute(&mut *c)
    .await?;
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
async fn rotate(
    c: &mut Conn,
    session: &Session,
    stage: SessionStage,
    factor_at: i64,
    now: i64,
) -> AppResult<String> {
    let token = new_token(32);
    let hash = token_hash(&token);
    let rotated = sqlx::query(
        "UPDATE sessions SET token_hash = $1, stage = $2, last_factor_at = $3, last_seen_at = $4 WHERE token_hash = $5",
    )
    .bind(&hash)
    .bind(Col(stage))
    .bind(factor_at)
    .bind(now)
    .bind(&session.token_hash)
    .execute(&mut *c)
    .await?;
    if rotated.rows_affected() != 1 {
        // Another request of this session rotated it first (or it ended): this
        // request's token is already void.
        return Err(AppError::unauthenticated());
    }
    sqlx::query("UPDATE challenges SET session_hash = $1 WHERE session_hash = $2")
        .bind(&hash)
        .bind(&session.token_hash)
        .execute(&mut *c)
        .await?;
    Ok(token)
}

/// "Skip for now": signed in without a second factor, with a new token.
pub async fn skip_setup(c: &mut Conn, session: &Session, now: i64) -> AppResult<String> {
    rotate(c, session, SessionStage::SignedIn, 0, now).await
}

/// The one step every passed second factor takes, whichever it was (a code by text or
/// call, an authenticator app) and whatever it was for (sign-in, re-authentication,
/// confirming a new number): the session is signed in, its re-authentication window
/// starts now, it gets a new token, and the place it came from is remembered for the
/// password limits. Returns the new token.
pub async fn second_factor_passed(c: &mut Conn, session: &Session, ip: &str, now: i64) -> AppResult<String> {
    passwords::remember_address(c, session.account_id, ip, now).await?;
    rotate(c, session, SessionStage::SignedIn, now, now).await
}

/// Ends every session of the account but `keep` (rule A7): after a method is added,
/// changed or removed, a session opened before is worth nothing, including one that
/// only knew the password.
pub async fn end_others(c: &mut Conn, account_id: i64, keep: &[u8]) -> StoreResult<u64> {
    sqlx::query("DELETE FROM sessions WHERE account_id = $1 AND token_hash <> $2")
        .bind(account_id)
        .bind(keep)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected())
}

/// The session behind a token, with its stage re-derived from the account (rule A1)
/// and its idle clock restarted. An unknown token is 401; one idle too long is ended
/// and 401 too.
pub async fn find(c: &mut Conn, token_hash: Vec<u8>, now: i64) -> Result<Session, AppError> {
    let row = sqlx::query(
        "SELECT s.account_id, a.email, s.stage, s.last_factor_at, a.mfa_required, a.epcs_prescriber, s.last_seen_at, a.language,
                CASE WHEN EXISTS (SELECT 1 FROM methods m WHERE m.account_id = s.account_id) THEN 1 ELSE 0 END
         FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE s.token_hash = $1",
    )
    .bind(&token_hash)
    .fetch_optional(&mut *c)
    .await?;
    let Some(row) = row else {
        return Err(AppError::unauthenticated());
    };
    let mut session = Session {
        token_hash,
        account_id: row.try_get(0)?,
        email: row.try_get(1)?,
        // Re-derived below, never taken from what the session was created as.
        stage: row.try_get::<Col<SessionStage>, _>(2)?.0,
        last_factor_at: row.try_get(3)?,
        mfa_required: row.try_get::<Flag, _>(4)?.0,
        epcs_prescriber: row.try_get::<Flag, _>(5)?.0,
        language: row.try_get::<Col<Language>, _>(7)?.0,
    };
    let last_seen: i64 = row.try_get(6)?;
    let Flag(has_methods) = row.try_get(8)?;
    if now - last_seen > SESSION_IDLE_SECS {
        end(c, &session).await?;
        return Err(AppError::new(
            StatusCode::UNAUTHORIZED,
            ErrorCode::Unauthenticated,
            i18n::SESSION_TIMED_OUT,
        ));
    }
    sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
        .bind(now)
        .bind(&session.token_hash)
        .execute(&mut *c)
        .await?;
    session.stage = effective_stage(session.stage, has_methods, session.last_factor_at);
    Ok(session)
}

/// Ends this session (sign-out).
pub async fn end(c: &mut Conn, session: &Session) -> StoreResult<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(&session.token_hash)
        .execute(&mut *c)
        .await
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
