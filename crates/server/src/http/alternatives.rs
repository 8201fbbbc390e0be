//! The ways in besides a phone (issue 20): authenticator-app setup, recovery codes and
//! remembered browsers. Thin: each parses the request, calls its `domain` module, and
//! answers (no-store, and the new session cookie after a passed second factor).

use crate::domain::{accounts, app_setup, recovery, remembered, sessions};
use crate::error::AppResult;
use crate::http::codes::{no_store, passed};
use crate::http::extract::{Body, Path, Session};
use crate::http::ClientIp;
use crate::state::AppState;
use crate::store;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use phone_mfa_contract::{
    ApiError, AppConfirmRequest, AppSetupView, RecoveryCodeRequest, RecoveryCodesView, SessionView,
    VerifiedView,
};

/// `POST /api/app/setup`: a new authenticator-app key for this session, with its QR code.
#[utoipa::path(post, path = "/api/app/setup", tag = "setup",
    responses((status = 200, body = AppSetupView),
              (status = 403, description = "Wrong stage, re-authentication required, or changes paused", body = ApiError),
              (status = 409, description = "The account already has an authenticator app", body = ApiError)))]
pub async fn setup(
    State(state): State<AppState>,
    session: Session,
) -> AppResult<(HeaderMap, Json<AppSetupView>)> {
    Ok((no_store(), Json(app_setup::start(&state, session).await?)))
}

/// `POST /api/app/confirm`: the app's first code; adds the method. The account's
/// first method also brings its recovery codes, shown once in this answer.
#[utoipa::path(post, path = "/api/app/confirm", tag = "setup", request_body = AppConfirmRequest,
    responses((status = 200, body = VerifiedView),
              (status = 410, description = "The key expired or was never shown to this session", body = ApiError),
              (status = 422, description = "Wrong code (attempts_left) or not 6 digits", body = ApiError),
              (status = 429, description = "Locked out; Retry-After set", body = ApiError)))]
pub async fn confirm(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    session: Session,
    Body(req): Body<AppConfirmRequest>,
) -> AppResult<(HeaderMap, Json<VerifiedView>)> {
    app_setup::confirm(&state, session, &ip, &req.code)
        .await
        .map(passed)
}

/// `POST /api/recovery-codes`: a new set of recovery codes (needs a recent second
/// factor); the old set stops working and the account is e-mailed.
#[utoipa::path(post, path = "/api/recovery-codes", tag = "dashboard",
    responses((status = 200, body = RecoveryCodesView),
              (status = 403, description = "Re-authentication required", body = ApiError)))]
pub async fn new_recovery_codes(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    session: Session,
) -> AppResult<(HeaderMap, Json<RecoveryCodesView>)> {
    Ok((
        no_store(),
        Json(recovery::regenerate(&state, session, &ip).await?),
    ))
}

/// `POST /api/recovery-codes/sign-in`: "I do not have access to my phone".
#[utoipa::path(post, path = "/api/recovery-codes/sign-in", tag = "codes", request_body = RecoveryCodeRequest,
    responses((status = 200, body = VerifiedView),
              (status = 422, description = "Wrong code (attempts_left) or not a recovery code", body = ApiError),
              (status = 429, description = "Locked out; Retry-After set", body = ApiError)))]
pub async fn recovery_sign_in(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    session: Session,
    Body(req): Body<RecoveryCodeRequest>,
) -> AppResult<(HeaderMap, Json<VerifiedView>)> {
    recovery::sign_in(&state, session, &ip, &req.code)
        .await
        .map(passed)
}

/// The session after a change to the remembered browsers, as it stands now: a session
/// let in by a browser just forgotten owes its second factor again.
async fn session_after(
    state: &AppState,
    session: &Session,
    change: impl AsyncFnOnce(&mut store::Conn) -> AppResult<()>,
) -> AppResult<(HeaderMap, Json<SessionView>)> {
    let now = state.now();
    let view = state
        .store
        .write(async |tx| -> AppResult<_> {
            session.require_signed_in()?;
            change(tx).await?;
            let now_is = sessions::find(tx, session.token_hash.clone(), now).await?;
            accounts::session_view(tx, session.account_id, now_is.stage, now_is.last_factor_at, now).await
        })
        .await?;
    Ok((no_store(), Json(view)))
}

/// `DELETE /api/remembered-browsers/{id}`: that browser is asked for a code again (and
/// a session it let in without one ends). Forgetting weakens nothing: no
/// re-authentication asked.
#[utoipa::path(delete, path = "/api/remembered-browsers/{id}", tag = "dashboard",
    params(("id" = i64, Path, description = "Remembered browser id")),
    responses((status = 200, body = SessionView), (status = 404, body = ApiError)))]
pub async fn forget_browser(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    session: Session,
    Path(id): Path<i64>,
) -> AppResult<(HeaderMap, Json<SessionView>)> {
    let now = state.now();
    session_after(&state, &session, async |tx| {
        remembered::forget(tx, &session, id, &ip, now).await
    })
    .await
}

/// `DELETE /api/remembered-browsers`: "Forget all browsers".
#[utoipa::path(delete, path = "/api/remembered-browsers", tag = "dashboard",
    responses((status = 200, body = SessionView)))]
pub async fn forget_all_browsers(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    session: Session,
) -> AppResult<(HeaderMap, Json<SessionView>)> {
    let now = state.now();
    session_after(&state, &session, async |tx| {
        remembered::forget_all(tx, &session, &ip, now).await
    })
    .await
}
