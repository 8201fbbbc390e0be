//! Development-only endpoints (mounted only in dev mode).

use crate::error::AppResult;
use crate::state::AppState;
use crate::store;
use axum::extract::State;
use axum::Json;
use phone_mfa_contract::OutboxMessage;

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
