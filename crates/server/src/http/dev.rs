//! Development-only endpoints (mounted only in dev mode).

use crate::error::{AppError, AppResult};
use crate::http::extract::Body;
use crate::i18n;
use crate::state::AppState;
use crate::store;
use axum::extract::State;
use axum::Json;
use phone_mfa_contract::{ApiError, DevClock, DevClockRequest, OutboxMessage};

/// `GET /api/dev/outbox`: the texts, call transcripts and e-mails "sent", newest first.
#[utoipa::path(get, path = "/api/dev/outbox", tag = "development",
    responses((status = 200, description = "Texts, call transcripts and e-mails (dev mode only)", body = Vec<OutboxMessage>)))]
pub async fn outbox(State(state): State<AppState>) -> AppResult<Json<Vec<OutboxMessage>>> {
    let messages = state
        .store
        .write(async |tx| -> AppResult<_> { Ok(store::outbox::newest(tx, 200).await?) })
        .await?;
    Ok(Json(messages))
}

/// The most the dev clock moves at once: a day, enough to pass any window of policy.
const MAX_ADVANCE_S: i64 = 86_400;

/// `POST /api/dev/clock`: moves the development server's clock forward (never back), so
/// browser tests step past a send limit or an authenticator time step without sleeping.
///
/// Mounted only in dev mode; 404 where a test runs its own clock.
#[utoipa::path(post, path = "/api/dev/clock", tag = "development", request_body = DevClockRequest,
    responses((status = 200, description = "The clock moved (dev mode only)", body = DevClock),
              (status = 400, body = ApiError), (status = 404, body = ApiError)))]
pub async fn clock(
    State(state): State<AppState>,
    Body(req): Body<DevClockRequest>,
) -> AppResult<Json<DevClock>> {
    let dev = state
        .dev_clock
        .as_ref()
        .ok_or_else(|| AppError::not_found(i18n::NO_SUCH_ENDPOINT))?;
    if !(1..=MAX_ADVANCE_S).contains(&req.advance_s) {
        return Err(AppError::bad_request(i18n::clock_advance(MAX_ADVANCE_S)).field("advance_s"));
    }
    let offset_s = dev.advance(req.advance_s);
    Ok(Json(DevClock {
        offset_s,
        now: state.now(),
    }))
}

/// `GET /api/dev/clock`: how far ahead of real time the development server's clock runs,
/// and its time now (what an authenticator app on a test's machine must use).
#[utoipa::path(get, path = "/api/dev/clock", tag = "development",
    responses((status = 200, description = "The dev clock (dev mode only)", body = DevClock), (status = 404, body = ApiError)))]
pub async fn clock_now(State(state): State<AppState>) -> AppResult<Json<DevClock>> {
    let dev = state
        .dev_clock
        .as_ref()
        .ok_or_else(|| AppError::not_found(i18n::NO_SUCH_ENDPOINT))?;
    Ok(Json(DevClock {
        offset_s: dev.offset(),
        now: state.now(),
    }))
}
