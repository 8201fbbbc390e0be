//! Development-only endpoints (mounted only in dev mode).

use crate::columns::Col;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use phone_mfa_contract::{OutboxKind, OutboxMessage};

/// `GET /api/dev/outbox`: the texts, call transcripts and e-mails "sent", newest first.
#[utoipa::path(get, path = "/api/dev/outbox", tag = "development",
    responses((status = 200, description = "Texts, call transcripts and e-mails (dev mode only)", body = Vec<OutboxMessage>)))]
pub async fn outbox(State(state): State<AppState>) -> AppResult<Json<Vec<OutboxMessage>>> {
    let messages = state
        .db
        .write(|tx| {
            let mut stmt = tx.prepare(
                "SELECT id, kind, recipient, body, delivered, created_at FROM outbox ORDER BY id DESC LIMIT 200",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok(OutboxMessage {
                    id: r.get(0)?,
                    kind: r.get::<_, Col<OutboxKind>>(1)?.0,
                    to: r.get(2)?,
                    body: r.get(3)?,
                    delivered: r.get(4)?,
                    created_at: r.get(5)?,
                })
            })?;
            rows.collect::<rusqlite::Result<Vec<_>>>()
        })
        .await
        .map_err(AppError::from)?;
    Ok(Json(messages))
}
