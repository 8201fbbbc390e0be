//! Accounts and sessions: sign up (by e-mail link), sign in (the password half), sign
//! out, the current session, and "Skip for now" where MFA is only recommended.

use crate::domain::accounts::{self, audit};
use crate::domain::passwords::{self, with_hash_slot};
use crate::domain::{deliveries, sign_ups};
use crate::domain::{remembered, sessions};
use crate::error::{AppError, AppResult};
use crate::http::extract::{Body, Browser, Session};
use crate::http::ClientIp;
use crate::i18n;
use crate::secrets::{email_fingerprint, hash_password, token_hash, verify_password};
use crate::state::AppState;
use crate::store;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::Json;
use phone_mfa_contract::policy::{MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS, SIGN_UP_LINK_TTL_SECS};
use phone_mfa_contract::{
    ApiError, ErrorCode, LanguageRequest, SessionStage, SessionView, SignInRequest, SignUpAccepted,
    SignUpConfirmRequest, SignUpRequest,
};

fn session_headers(token: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(header::SET_COOKIE, sessions::cookie(token));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers
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

/// `POST /api/auth/sign-up`: checks the address and password, then e-mails the
/// address. The answer never says whether the address has an account (rule A9): a new
/// address gets a single-use link to continue, an address with an account a notice.
/// Both paths hash the password and send one e-mail, so they take the same time.
#[utoipa::path(post, path = "/api/auth/sign-up", tag = "accounts", request_body = SignUpRequest,
    responses((status = 202, description = "An e-mail is on its way (a link, or a notice for an address with an account)", body = SignUpAccepted),
              (status = 422, description = "Invalid email or weak password", body = ApiError),
              (status = 429, description = "Too many sign-up e-mails to this address or from this IP; Retry-After set", body = ApiError),
              (status = 503, description = "Busy hashing passwords; Retry-After set", body = ApiError)))]
pub async fn sign_up(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Body(req): Body<SignUpRequest>,
) -> AppResult<(StatusCode, HeaderMap, Json<SignUpAccepted>)> {
    let email = req.email.trim().to_owned();
    let language = req.language.unwrap_or_else(i18n::request_language);
    if !valid_email(&email) {
        return Err(AppError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::InvalidEmail,
            i18n::error(ErrorCode::InvalidEmail),
        )
        .field("email"));
    }
    let chars = req.password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(AppError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::WeakPassword,
            i18n::PASSWORD_TOO_SHORT,
        )
        .field("password"));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(AppError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::WeakPassword,
            i18n::PASSWORD_TOO_LONG,
        )
        .field("password"));
    }
    let now = state.now();
    let address_fp = email_fingerprint(&state.config.secret, &email);
    let sender = ip.clone();
    let per_ip = state.config.sign_up_emails_per_ip;
    state
        .store
        .write(async |tx| -> AppResult<_> {
            sign_ups::count_email(tx, &address_fp, &sender, per_ip, now).await
        })
        .await?;
    let password = req.password;
    let hash = with_hash_slot(&state, move || hash_password(&password)).await?;
    let origin = state.config.public_origin();
    let to = email.clone();
    state
        .store
        .write(async |tx| -> AppResult<_> {
            let notice = sign_ups::request(tx, &to, &hash, language, &origin, &ip, now).await?;
            Ok(deliveries::queue(tx, &notice, now).await?)
        })
        .await?;
    state.deliveries_due.notify_one();
    Ok((
        StatusCode::ACCEPTED,
        HeaderMap::new(),
        Json(SignUpAccepted {
            email,
            link_valid_for_s: SIGN_UP_LINK_TTL_SECS,
        }),
    ))
}

/// `POST /api/auth/sign-up/confirm`: the link from the sign-up e-mail. Creates the
/// account with the password chosen at sign-up and a session at MFA setup. The link
/// works once; every other link for the same address dies with it.
#[utoipa::path(post, path = "/api/auth/sign-up/confirm", tag = "accounts", request_body = SignUpConfirmRequest,
    responses((status = 201, description = "Account created; the session is at MFA setup", body = SessionView),
              (status = 410, description = "The link was used, expired or never existed", body = ApiError)))]
pub async fn confirm_sign_up(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Body(req): Body<SignUpConfirmRequest>,
) -> AppResult<(StatusCode, HeaderMap, Json<SessionView>)> {
    let now = state.now();
    let hash = token_hash(req.token.trim());
    let (token, view) = state
        .store
        .write(async |tx| -> AppResult<_> {
            let account = sign_ups::confirm(tx, &hash, &ip, now).await?;
            let token = sessions::create(tx, account, now).await?;
            Ok::<_, AppError>((
                token,
                accounts::session_view(tx, account, SessionStage::MfaSetup, 0, now).await?,
            ))
        })
        .await?;
    Ok((StatusCode::CREATED, session_headers(&token), Json(view)))
}

/// A hash to verify against when the email is unknown, so both answers take as long.
fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password("not a real password, only for timing"))
}

/// `POST /api/auth/sign-in`: the password half. The session it creates reaches nothing
/// but the second factor (or its setup). Wrong passwords are limited (rule G7, see
/// `crate::domain::passwords`); a held attempt is refused before any hashing.
#[utoipa::path(post, path = "/api/auth/sign-in", tag = "accounts", request_body = SignInRequest,
    responses((status = 200, description = "Password accepted; the second factor (or its setup) is owed", body = SessionView),
              (status = 401, description = "Wrong email or password", body = ApiError),
              (status = 429, description = "Too many wrong passwords from here or for this address; Retry-After set", body = ApiError),
              (status = 503, description = "Busy hashing passwords; Retry-After set", body = ApiError)))]
pub async fn sign_in(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    browser: Browser,
    Body(req): Body<SignInRequest>,
) -> AppResult<(HeaderMap, Json<SessionView>)> {
    let email = req.email.trim().to_owned();
    if req.password.chars().count() > MAX_PASSWORD_CHARS {
        return Err(invalid_credentials());
    }
    let now = state.now();
    let st = state.clone();
    let lookup = email.clone();
    let attempt_ip = ip.clone();
    let (found, attempt) = state
        .store
        .write(async |tx| -> AppResult<_> {
            let found = store::accounts::password_hash_for(tx, &lookup).await?;
            let attempt = passwords::begin(
                tx,
                &st.config,
                &lookup,
                found.as_ref().map(|f| f.0),
                &attempt_ip,
                now,
            )
            .await;
            if let Err(e) = &attempt {
                if e.status == StatusCode::TOO_MANY_REQUESTS {
                    audit(
                        tx,
                        found.as_ref().map(|f| f.0),
                        "sign_in_password_held",
                        "",
                        &attempt_ip,
                        now,
                    )
                    .await?;
                }
            }
            Ok::<_, AppError>((found, attempt?))
        })
        .await?;
    let password = req.password;
    let candidate = found.clone();
    let checked = with_hash_slot(&state, move || match &candidate {
        Some((_, hash)) => verify_password(&password, hash),
        None => {
            let _ = verify_password(&password, dummy_hash());
            false
        }
    })
    .await;
    let ok = match checked {
        Ok(ok) => ok,
        Err(busy) => {
            state
                .store
                .write(async |tx| -> AppResult<_> { Ok(attempt.not_checked(tx).await?) })
                .await?;
            return Err(busy);
        }
    };
    let now = state.now();
    let account = found.map(|(id, _)| id);
    let Some(account_id) = account.filter(|_| ok) else {
        state
            .store
            .write(async |tx| -> AppResult<_> {
                Ok(audit(tx, account, "sign_in_password_failed", "", &ip, now).await?)
            })
            .await?;
        return Err(invalid_credentials());
    };
    let (token, view) = state
        .store
        .write(async |tx| -> AppResult<_> {
            attempt.succeeded(tx).await?;
            audit(tx, Some(account_id), "sign_in_password_ok", "", &ip, now).await?;
            let has_methods = !store::methods::list(tx, account_id).await?.is_empty();
            // A remembered browser of this account skips the second factor (only where
            // there is one to skip).
            let remembered = match has_methods {
                true => {
                    remembered::recognise(tx, account_id, browser.remembered_token.as_deref(), now).await?
                }
                false => None,
            };
            if let Some(browser_hash) = remembered {
                audit(
                    tx,
                    Some(account_id),
                    "sign_in_completed",
                    "factor=remembered_browser",
                    &ip,
                    now,
                )
                .await?;
                let token = sessions::create_remembered(tx, account_id, &browser_hash, now).await?;
                return Ok((
                    token,
                    accounts::session_view(tx, account_id, SessionStage::SignedIn, 0, now).await?,
                ));
            }
            let token = sessions::create(tx, account_id, now).await?;
            let stage = sessions::effective_stage(SessionStage::MfaPending, has_methods, 0, false);
            Ok::<_, AppError>((
                token,
                accounts::session_view(tx, account_id, stage, 0, now).await?,
            ))
        })
        .await?;
    Ok((session_headers(&token), Json(view)))
}

fn invalid_credentials() -> AppError {
    AppError::new(
        StatusCode::UNAUTHORIZED,
        ErrorCode::InvalidCredentials,
        i18n::error(ErrorCode::InvalidCredentials),
    )
}

/// `POST /api/auth/sign-out`.
#[utoipa::path(post, path = "/api/auth/sign-out", tag = "accounts",
    responses((status = 204, description = "Signed out"), (status = 401, body = ApiError)))]
pub async fn sign_out(State(state): State<AppState>, session: Session) -> AppResult<(HeaderMap, StatusCode)> {
    state
        .store
        .write(async |tx| -> AppResult<_> { Ok(sessions::end(tx, &session).await?) })
        .await?;
    let mut headers = HeaderMap::new();
    headers.insert(header::SET_COOKIE, sessions::clear_cookie());
    Ok((headers, StatusCode::NO_CONTENT))
}

/// `GET /api/session`.
#[utoipa::path(get, path = "/api/session", tag = "accounts",
    responses((status = 200, body = SessionView), (status = 401, body = ApiError)))]
pub async fn current(State(state): State<AppState>, session: Session) -> AppResult<Json<SessionView>> {
    let now = state.now();
    let view = state
        .store
        .write(async |tx| -> AppResult<_> {
            accounts::session_view(tx, session.account_id, session.stage, session.last_factor_at, now).await
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
        .store
        .write(async |tx| -> AppResult<_> {
            store::accounts::set_language(tx, session.account_id, req.language).await?;
            accounts::session_view(tx, session.account_id, session.stage, session.last_factor_at, now).await
        })
        .await?;
    Ok(Json(view))
}

/// `POST /api/mfa/skip`: "Skip for now", only where no partner requires MFA and the
/// account has no method (the stage is re-derived from the account, rule A1). A
/// privilege change, so the session gets a new token (rule A2).
#[utoipa::path(post, path = "/api/mfa/skip", tag = "setup",
    responses((status = 200, description = "Setup skipped (only where MFA is not required); a new session cookie", body = SessionView),
              (status = 403, body = ApiError)))]
pub async fn skip(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    session: Session,
) -> AppResult<(HeaderMap, Json<SessionView>)> {
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
    let (token, view) = state
        .store
        .write(async |tx| -> AppResult<_> {
            // One request at a time per account, on every server (crate::store).
            store::lock_account(tx, session.account_id).await?;
            // Checked again in the transaction: a method added since the request began
            // means there is no setup to skip.
            if !store::methods::list(tx, session.account_id).await?.is_empty() {
                return Err(AppError::wrong_stage(i18n::NO_SETUP_TO_SKIP));
            }
            let token = sessions::skip_setup(tx, &session, now).await?;
            audit(tx, Some(session.account_id), "mfa_setup_skipped", "", &ip, now).await?;
            Ok((
                token,
                accounts::session_view(tx, session.account_id, SessionStage::SignedIn, 0, now).await?,
            ))
        })
        .await?;
    Ok((session_headers(&token), Json(view)))
}
