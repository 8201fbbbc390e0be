//! Sessions (rules A1, A2, A7): created by a password, promoted by a second factor
//! (or by skipping setup), rotated on every such change, and ended when the account's
//! methods change elsewhere. All run inside the caller's write transaction.

use crate::error::{AppError, AppResult};
use crate::http::extract::Session;
use crate::i18n;
use crate::secrets::{new_token, token_hash};
use crate::store::{self, Conn, StoreResult};
use axum::http::HeaderValue;
use axum::http::StatusCode;
use phone_mfa_contract::policy::SESSION_IDLE_SECS;
use phone_mfa_contract::ErrorCode;
use phone_mfa_contract::{SessionStage, SESSION_COOKIE};

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
    store::sessions::insert(
        c,
        &token_hash(&token),
        account_id,
        SessionStage::MfaPending,
        None,
        now,
    )
    .await?;
    Ok(token)
}

/// A new session after a password on a remembered browser: signed in without a second
/// factor, and so with no re-authentication window (a method change still asks for
/// one). It stays signed in only while that browser is remembered (rule A1).
pub async fn create_remembered(
    c: &mut Conn,
    account_id: i64,
    browser_hash: &[u8],
    now: i64,
) -> StoreResult<String> {
    let token = new_token(32);
    store::sessions::insert(
        c,
        &token_hash(&token),
        account_id,
        SessionStage::SignedIn,
        Some(browser_hash),
        now,
    )
    .await?;
    Ok(token)
}

/// The stage a session is really at (rule A1). A session signed in without a second
/// factor (setup skipped) stays signed in only while the account has no method; any
/// other session of an account with a method owes the second factor, whatever stage
/// it was created at. A session let in by a remembered browser counts as one that
/// passed it, while the browser is remembered.
pub fn effective_stage(
    stored: SessionStage,
    has_methods: bool,
    last_factor_at: i64,
    remembered: bool,
) -> SessionStage {
    match (stored, has_methods) {
        (SessionStage::SignedIn, false) => SessionStage::SignedIn,
        (SessionStage::SignedIn, true) if last_factor_at > 0 || remembered => SessionStage::SignedIn,
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
    if !store::sessions::rotate(c, &session.token_hash, &hash, stage, factor_at, now).await? {
        // Another request of this session rotated it first (or it ended): this
        // request's token is already void.
        return Err(AppError::unauthenticated());
    }
    store::challenges::move_to_session(c, &session.token_hash, &hash).await?;
    store::app_enrolments::move_to_session(c, &session.token_hash, &hash).await?;
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
    store::passwords::remember_address(c, session.account_id, ip, now).await?;
    rotate(c, session, SessionStage::SignedIn, now, now).await
}

/// Ends every session of the account but `keep` (rule A7): after a method is added,
/// changed or removed, a session opened before is worth nothing, including one that
/// only knew the password.
pub async fn end_others(c: &mut Conn, account_id: i64, keep: &[u8]) -> StoreResult<u64> {
    store::sessions::delete_others(c, account_id, keep).await
}

/// What every change to the account's methods does besides itself: every other session
/// ends (rule A7) and every remembered browser is forgotten, so the next sign-in
/// anywhere asks for a method the account has now.
pub async fn after_methods_changed(c: &mut Conn, account_id: i64, keep: &[u8]) -> StoreResult<()> {
    end_others(c, account_id, keep).await?;
    store::remembered_browsers::forget_all(c, account_id).await?;
    Ok(())
}

/// The session behind a token, with its stage re-derived from the account (rule A1)
/// and its idle clock restarted. An unknown token is 401; one idle too long is ended
/// and 401 too.
pub async fn find(c: &mut Conn, token_hash: Vec<u8>, now: i64) -> AppResult<Session> {
    let Some(row) = store::sessions::find(c, &token_hash, now).await? else {
        return Err(AppError::unauthenticated());
    };
    if now - row.last_seen_at > SESSION_IDLE_SECS {
        store::sessions::delete(c, &token_hash).await?;
        return Err(AppError::new(
            StatusCode::UNAUTHORIZED,
            ErrorCode::Unauthenticated,
            i18n::SESSION_TIMED_OUT,
        ));
    }
    store::sessions::touch(c, &token_hash, now).await?;
    Ok(Session {
        token_hash,
        account_id: row.account_id,
        email: row.email,
        // Never what the session was created as: what the account allows now.
        stage: effective_stage(row.stage, row.has_methods, row.last_factor_at, row.remembered),
        last_factor_at: row.last_factor_at,
        mfa_required: row.mfa_required,
        epcs_prescriber: row.epcs_prescriber,
        language: row.language,
    })
}

/// Ends this session (sign-out).
pub async fn end(c: &mut Conn, session: &Session) -> StoreResult<()> {
    store::sessions::delete(c, &session.token_hash).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use SessionStage::*;

    #[test]
    fn a_session_is_only_as_far_as_the_account_lets_it_be() {
        // No method: setup (or signed in after skipping it).
        assert_eq!(effective_stage(MfaSetup, false, 0, false), MfaSetup);
        assert_eq!(effective_stage(MfaPending, false, 0, false), MfaSetup);
        assert_eq!(effective_stage(SignedIn, false, 0, false), SignedIn);
        // A method: the second factor is owed unless this session passed one.
        assert_eq!(effective_stage(MfaSetup, true, 0, false), MfaPending);
        assert_eq!(effective_stage(MfaPending, true, 0, false), MfaPending);
        assert_eq!(effective_stage(SignedIn, true, 0, false), MfaPending);
        assert_eq!(effective_stage(SignedIn, true, 1_800_000_000, false), SignedIn);
        assert_eq!(
            effective_stage(MfaPending, true, 1_800_000_000, false),
            MfaPending
        );
        // A remembered browser lets a session signed in as such in, and only that.
        assert_eq!(effective_stage(SignedIn, true, 0, true), SignedIn);
        assert_eq!(effective_stage(MfaPending, true, 0, true), MfaPending);
    }
}
