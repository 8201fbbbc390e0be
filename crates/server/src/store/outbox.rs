//! `outbox`: what the development couriers "sent" (texts, call transcripts, e-mails).

use super::{Col, Conn, Flag, StoreResult};
use phone_mfa_contract::{OutboxKind, OutboxMessage};
use sqlx::Row;

pub async fn insert(
    c: &mut Conn,
    kind: OutboxKind,
    recipient: &str,
    body: &str,
    delivered: bool,
    now: i64,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO outbox (kind, recipient, body, delivered, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(Col(kind))
    .bind(recipient)
    .bind(body)
    .bind(delivered)
    .bind(now)
    .execute(&mut *c)
    .await
    .map(|_| ())
}

/// The newest `limit` messages, newest first.
pub async fn newest(c: &mut Conn, limit: u32) -> StoreResult<Vec<OutboxMessage>> {
    let rows = sqlx::query(
        "SELECT id, kind, recipient, body, delivered, created_at FROM outbox ORDER BY id DESC LIMIT $1",
    )
    .bind(i64::from(limit))
    .fetch_all(&mut *c)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(OutboxMessage {
                id: r.try_get(0)?,
                kind: r.try_get::<Col<OutboxKind>, _>(1)?.0,
                to: r.try_get(2)?,
                body: r.try_get(3)?,
                delivered: r.try_get::<Flag, _>(4)?.0,
                created_at: r.try_get(5)?,
            })
        })
        .collect()
}
