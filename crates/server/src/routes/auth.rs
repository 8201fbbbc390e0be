//! Accounts and sessions: sign up, sign in (the password half), sign out, the
//! current session, and "Skip for now" where MFA is only recommended.

use crate::accounts::{self, audit};
use crate::error::{AppError, AppResult};
use crate::extract::{stage_str, Body, Session};
use crate::i18n;
use crate::routes::ClientIp;
use crate::secrets::{hash_password, new_token, token_hash, verify_password};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::Json;
use phone_mfa_contract::policy::{MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS, SESSION_IDLE_SECS};
use phone_mfa_contract::{
    ApiError, ErrorCode, LanguageRequest, SessionStage, SessionView, SignInRequest, SignUpRequest,
    SESSION_COOKIE,
};
use rusqlite::{params, OptionalExtension, Transaction};

/// The session cookie: `__Host-` prefix, Secure, HttpOnly, SameSite=Strict (ASVS 3.3).
pub fn session_cookie(token: &str) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={token}; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age={SESSION_IDLE_SECS}"
    ))
    .expect("tokens are URL-safe base64")
}

fn clear_cookie() -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0"
    ))
    .expect("static cookie")
}

fn create_session(
    tx: &Transaction,
    account_id: i64,
    stage: SessionStage,
    now: i64,
) -> rusqlite::Result<String> {
    let token = new_token(32);
    tx.execute(
        "INSERT INTO sessions (token_hash, account_id, stage, last_factor_at, created_at, last_seen_at) VALUES (?1, ?2, ?3, 0, ?4, ?4)",
        params![token_hash(&token), account_id, stage_str(stage), now],
    )?;
    Ok(token)
}

/// A new token when a session gains privileges (ASVS 3.2.1), so a token seen before
/// the second factor is worth nothing after it.
pub fn rotate_session(
    tx: &Transaction,
    session: &Session,
    stage: SessionStage,
    now: i64,
) -> rusqlite::Result<String> {
    let token = new_token(32);
    tx.execute(
        "UPDATE sessions SET token_hash = ?1, stage = ?2, last_factor_at = ?3, last_seen_at = ?3 WHERE token_hash = ?4",
        params![token_hash(&token), stage_str(stage), now, session.token_hash],
    )?;
    Ok(token)
}

fn stage_after_password(has_methods: bool) -> SessionStage {
    if has_methods {
        SessionStage::MfaPending
    } else {
        SessionStage::MfaSetup
    }
}

fn valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && email.len() <= 254
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// `POST /api/auth/sign-up`.
#[utoipa::path(post, path = "/api/auth/sign-up", tag = "accounts", request_body = SignUpRequest,
    responses((status = 201, description = "Account created; the session is at MFA setup", body = SessionView),
              (status = 409, description = "Email taken", body = ApiError),
              (status = 422, description = "Invalid email or weak password", body = ApiError)))]
pub async fn sign_up(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Body(req): Body<SignUpRequest>,
) -> AppResult<(StatusCode, HeaderMap, Json<SessionView>)> {
    let email = req.email.trim().to_owned();
    let language = req.language.unwrap_or_else(i18n::request_language);
    if !valid_email(&email) {
        return Err(AppError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::InvalidEmail,
            i18n::EMAIL_FORMAT,
        )
        .field("email"));
    }
    let chars = req.password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(AppError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::WeakPassword,
            i18n::password_too_short(),
        )
        .field("password"));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(AppError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::WeakPassword,
            i18n::password_too_long(),
        )
        .field("password"));
    }
    let password = req.password;
    let hash = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|_| AppError::internal())?;
    let now = state.now();
    let (token, view) = state
        .db
        .write(move |tx| {
            let taken: Option<i64> = tx
                .query_row("SELECT id FROM accounts WHERE email = ?1", [&email], |r| r.get(0))
                .optional()?;
            if taken.is_some() {
                return Err(AppError::new(
                    StatusCode::CONFLICT,
                    ErrorCode::EmailTaken,
                    i18n::EMAIL_TAKEN,
                )
                .field("email"));
            }
            let id: i64 = tx.query_row(
                "INSERT INTO accounts (email, password_hash, created_at, language) VALUES (?1, ?2, ?3, ?4) RETURNING id",
                params![email, hash, now, language.tag()],
                |r| r.get(0),
            )?;
            audit(tx, Some(id), "account_created", "", &ip, now)?;
            let token = create_session(tx, id, SessionStage::MfaSetup, now)?;
            Ok((
                token,
                accounts::session_view(tx, id, SessionStage::MfaSetup, 0, now)?,
            ))
        })
        .await?;
    let mut headers = HeaderMap::new();
    headers.insert(header::SET_COOKIE, session_cookie(&token));
    Ok((StatusCode::CREATED, headers, Json(view)))
}

/// A hash to verify against when the email is unknown, so both answers take as long.
fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password("not a real password, only for timing"))
}

/// `POST /api/auth/sign-in`: the password half. The session it creates reaches nothing
/// but the second factor (or its setup).
#[utoipa::path(post, path = "/api/auth/sign-in", tag = "accounts", request_body = SignInRequest,
    responses((status = 200, description = "Password accepted; the second factor (or its setup) is owed", body = SessionView),
              (status = 401, description = "Wrong email or password", body = ApiError)))]
pub async fn sign_in(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Body(req): Body<SignInRequest>,
) -> AppResult<(HeaderMap, Json<SessionView>)> {
    let email = req.email.trim().to_owned();
    if req.password.chars().count() > MAX_PASSWORD_CHARS {
        return Err(invalid_credentials());
    }
    let lookup = email.clone();
    let found: Option<(i64, String)> = state
        .db
        .write(move |tx| {
            tx.query_row(
                "SELECT id, password_hash FROM accounts WHERE email = ?1",
                [&lookup],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
        })
        .await
        .map_err(AppError::from)?;
    let password = req.password;
    let candidate = found.clone();
    let ok = tokio::task::spawn_blocking(move || match &candidate {
        Some((_, hash)) => verify_password(&password, hash),
        None => {
            let _ = verify_password(&password, dummy_hash());
            false
        }
    })
    .await
    .map_err(|_| AppError::internal())?;
    let now = state.now();
    let Some((account_id, _)) = found.filter(|_| ok) else {
        let ip2 = ip.clone();
        state
            .db
            .write(move |tx| audit(tx, None, "sign_in_password_failed", "", &ip2, now))
            .await
            .map_err(AppError::from)?;
        return Err(invalid_credentials());
    };
    let (token, view) = state
        .db
        .write(move |tx| {
            let has_methods = !accounts::methods(tx, account_id)?.is_empty();
            let stage = stage_after_password(has_methods);
            audit(tx, Some(account_id), "sign_in_password_ok", "", &ip, now)?;
            let token = create_session(tx, account_id, stage, now)?;
            Ok::<_, AppError>((token, accounts::session_view(tx, account_id, stage, 0, now)?))
        })
        .await?;
    let mut headers = HeaderMap::new();
    headers.insert(header::SET_COOKIE, session_cookie(&token));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok((headers, Json(view)))
}

fn invalid_credentials() -> AppError {
    AppError::new(
        StatusCode::UNAUTHORIZED,
        ErrorCode::InvalidCredentials,
        i18n::WRONG_PASSWORD,
    )
}

/// `POST /api/auth/sign-out`.
#[utoipa::path(post, path = "/api/auth/sign-out", tag = "accounts",
    responses((status = 204, description = "Signed out"), (status = 401, body = ApiError)))]
pub async fn sign_out(State(state): State<AppState>, session: Session) -> AppResult<(HeaderMap, StatusCode)> {
    state
        .db
        .write(move |tx| {
            tx.execute(
                "DELETE FROM sessions WHERE token_hash = ?1",
                [&session.token_hash],
            )
        })
        .await
        .map_err(AppError::from)?;
    let mut headers = HeaderMap::new();
    headers.insert(header::SET_COOKIE, clear_cookie());
    Ok((headers, StatusCode::NO_CONTENT))
}

/// `GET /api/session`.
#[utoipa::path(get, path = "/api/session", tag = "accounts",
    responses((status = 200, body = SessionView), (status = 401, body = ApiError)))]
pub async fn current(State(state): State<AppState>, session: Session) -> AppResult<Json<SessionView>> {
    let now = state.now();
    let view = state
        .db
        .write(move |tx| {
            accounts::session_view(tx, session.account_id, session.stage, session.last_factor_at, now)
        })
        .await?;
    Ok(Json(view))
}

/// `PUT /api/session/language`: the language texts, calls and emails to this account
/// are written in (the app sends it when the person picks a language).
#[utoipa::path(put, path = "/api/session/language", tag = "accounts", request_body = LanguageRequest,
    responses((status = 200, body = SessionView), (status = 401, body = ApiError)))]
pub async fn set_language(
    State(state): State<AppState>,
    session: Session,
    Body(req): Body<LanguageRequest>,
) -> AppResult<Json<SessionView>> {
    let now = state.now();
    let view = state
        .db
        .write(move |tx| {
            tx.execute(
                "UPDATE accounts SET language = ?1 WHERE id = ?2",
                params![req.language.tag(), session.account_id],
            )?;
            accounts::session_view(tx, session.account_id, session.stage, session.last_factor_at, now)
        })
        .await?;
    Ok(Json(view))
}

/// `POST /api/mfa/skip`: "Skip for now", only where no partner requires MFA.
#[utoipa::path(post, path = "/api/mfa/skip", tag = "setup",
    responses((status = 200, description = "Setup skipped (only where MFA is not required)", body = SessionView),
              (status = 403, body = ApiError)))]
pub async fn skip(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    session: Session,
) -> AppResult<Json<SessionView>> {
    if session.stage != SessionStage::MfaSetup {
        return Err(AppError::wrong_stage(i18n::NO_SETUP_TO_SKIP));
    }
    if session.mfa_required {
        return Err(AppError::new(
            StatusCode::FORBIDDEN,
            ErrorCode::WrongStage,
            i18n::MFA_REQUIRED,
        ));
    }
    let now = state.now();
    let view = state
        .db
        .write(move |tx| {
            tx.execute(
                "UPDATE sessions SET stage = 'signed_in' WHERE token_hash = ?1",
                [&session.token_hash],
            )?;
            audit(tx, Some(session.account_id), "mfa_setup_skipped", "", &ip, now)?;
            accounts::session_view(tx, session.account_id, SessionStage::SignedIn, 0, now)
        })
        .await?;
    Ok(Json(view))
}
