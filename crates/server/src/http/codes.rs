//! One-time codes over HTTP: start a challenge, resend it, verify it, and the
//! authenticator-app check. Thin: each parses the request, calls `domain::codes`, and
//! answers (no-store, and the new session cookie after a passed second factor).

use crate::domain::codes::{self, Passed, RememberBrowser};
use crate::domain::remembered;
use crate::domain::sessions;
use crate::error::AppResult;
use crate::http::extract::{Body, Browser, Path, Session};
use crate::http::ClientIp;
use crate::state::AppState;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::Json;
use phone_mfa_contract::{
    ApiError, ChallengeView, DeliveryView, ResendRequest, StartChallengeRequest, TotpVerifyRequest,
    VerifiedView, VerifyCodeRequest,
};

pub fn no_store() -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h
}

/// The answer to a passed second factor: the session's new cookie with the view.
pub fn passed(p: Passed) -> (HeaderMap, Json<VerifiedView>) {
    let mut headers = no_store();
    if let Some(token) = p.new_token {
        headers.append(header::SET_COOKIE, sessions::cookie(&token));
    }
    if let Some(token) = p.browser_token {
        headers.append(header::SET_COOKIE, remembered::cookie(&token));
    }
    (headers, Json(p.view))
}

/// "Don't ask again on this browser", if the request asked for it.
fn remember(asked: bool, browser: &Browser) -> Option<RememberBrowser<'_>> {
    asked.then_some(RememberBrowser {
        user_agent: &browser.user_agent,
        replaces: browser.remembered_token.as_deref(),
    })
}

/// `POST /api/challenges`: sends a code to a new number (setup, phone change) or to one
/// of the account's phones (sign-in, re-authentication).
#[utoipa::path(post, path = "/api/challenges", tag = "codes", request_body = StartChallengeRequest,
    responses((status = 201, description = "Code sent", body = ChallengeView),
              (status = 403, description = "Wrong stage, re-authentication required, or method unavailable", body = ApiError),
              (status = 409, description = "Phone already added or phone limit reached", body = ApiError),
              (status = 422, description = "Invalid number or channel", body = ApiError),
              (status = 429, description = "Send limit or lockout; Retry-After set", body = ApiError)))]
pub async fn start(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    session: Session,
    Body(req): Body<StartChallengeRequest>,
) -> AppResult<(StatusCode, HeaderMap, Json<ChallengeView>)> {
    let view = codes::send(&state, session, &ip, req).await?;
    Ok((StatusCode::CREATED, no_store(), Json(view)))
}

/// `POST /api/challenges/{id}/resend`: a new code (the one it replaces stays valid until its own expiry, rule C4), optionally by
/// the other channel. Not before the cooldown; never resets the wrong-code count.
#[utoipa::path(post, path = "/api/challenges/{id}/resend", tag = "codes", request_body = ResendRequest,
    params(("id" = String, Path, description = "Challenge id")),
    responses((status = 200, description = "New code sent; the one before stays valid until its own expiry", body = ChallengeView),
              (status = 404, body = ApiError), (status = 429, description = "Cooldown or send limit; Retry-After set", body = ApiError)))]
pub async fn resend(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    session: Session,
    Path(id): Path<String>,
    Body(req): Body<ResendRequest>,
) -> AppResult<(HeaderMap, Json<ChallengeView>)> {
    let view = codes::resend(&state, session, &ip, &id, req.channel).await?;
    Ok((no_store(), Json(view)))
}

/// `POST /api/challenges/{id}/verify`.
#[utoipa::path(post, path = "/api/challenges/{id}/verify", tag = "codes", request_body = VerifyCodeRequest,
    params(("id" = String, Path, description = "Challenge id")),
    responses((status = 200, body = VerifiedView),
              (status = 404, body = ApiError), (status = 409, description = "Code already used", body = ApiError),
              (status = 410, description = "Code expired", body = ApiError),
              (status = 422, description = "Wrong code (attempts_left) or not 6 digits", body = ApiError),
              (status = 429, description = "Locked out; Retry-After set", body = ApiError)))]
pub async fn verify(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    session: Session,
    Path(id): Path<String>,
    browser: Browser,
    Body(req): Body<VerifyCodeRequest>,
) -> AppResult<(HeaderMap, Json<VerifiedView>)> {
    codes::verify(
        &state,
        session,
        &ip,
        &id,
        &req.code,
        remember(req.remember_browser, &browser),
    )
    .await
    .map(passed)
}

/// `GET /api/challenges/{id}/delivery`: how the latest text or call is getting on,
/// as the provider has reported it (the code screen asks every few seconds until the
/// status is final).
#[utoipa::path(get, path = "/api/challenges/{id}/delivery", tag = "codes",
    params(("id" = String, Path, description = "Challenge id")),
    responses((status = 200, body = DeliveryView), (status = 404, body = ApiError)))]
pub async fn delivery(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> AppResult<(HeaderMap, Json<DeliveryView>)> {
    Ok((no_store(), Json(codes::delivery(&state, session, &id).await?)))
}

/// `POST /api/totp/verify`: the authenticator-app code, for sign-in or re-authentication.
#[utoipa::path(post, path = "/api/totp/verify", tag = "codes", request_body = TotpVerifyRequest,
    responses((status = 200, body = VerifiedView), (status = 422, body = ApiError), (status = 429, body = ApiError)))]
pub async fn totp_verify(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    session: Session,
    browser: Browser,
    Body(req): Body<TotpVerifyRequest>,
) -> AppResult<(HeaderMap, Json<VerifiedView>)> {
    codes::verify_app(
        &state,
        session,
        &ip,
        req.purpose,
        &req.code,
        remember(req.remember_browser, &browser),
    )
    .await
    .map(passed)
}
