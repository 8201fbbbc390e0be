//! `deliveries`: messages queued inside the transaction that decided them, and what
//! became of each (domain/deliveries.rs delivers them).
//!
//! A row waits (`due_at`), is claimed by one instance for a while (`claimed_until`),
//! and ends sent (`sent_at`) or given up (`gave_up_at`), with its `attempts` and the
//! `last_error` of the latest failure.

use super::{Col, Conn, StoreResult};
use phone_mfa_contract::OutboxKind;
use sqlx::Row;

/// A message to deliver, as claimed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claimed {
    pub id: i64,
    pub kind: OutboxKind,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    /// Attempts so far, this one included.
    pub attempts: i64,
}

pub async fn insert(
    c: &mut Conn,
    kind: OutboxKind,
    recipient: &str,
    subject: &str,
    body: &str,
    now: i64,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO deliveries (kind, recipient, subject, body, created_at, due_at) \
         VALUES ($1, $2, $3, $4, $5, $5)",
    )
    .bind(Col(kind))
    .bind(recipient)
    .bind(subject)
    .bind(body)
    .bind(now)
    .execute(&mut *c)
    .await
    .map(|_| ())
}

/// Claims the oldest message that is due and not claimed by anyone (or whose claim has
/// run out) until `claim_until`, counting the attempt.
///
/// Atomic on both backends: the conditions are checked again on the row the UPDATE
/// writes, so of two instances choosing the same row at once (PostgreSQL), the second
/// finds it claimed and updates nothing; SQLite runs write transactions one at a time.
pub async fn claim_next(c: &mut Conn, now: i64, claim_until: i64) -> StoreResult<Option<Claimed>> {
    const WAITING: &str = "sent_at IS NULL AND gave_up_at IS NULL AND due_at <= $1 \
                           AND (claimed_until IS NULL OR claimed_until <= $1)";
    let row = sqlx::query(&format!(
        "UPDATE deliveries SET claimed_until = $2, attempts = attempts + 1 \
         WHERE id = (SELECT id FROM deliveries WHERE {WAITING} ORDER BY due_at, id LIMIT 1) \
         AND {WAITING} \
         RETURNING id, kind, recipient, subject, body, attempts"
    ))
    .bind(now)
    .bind(claim_until)
    .fetch_optional(&mut *c)
    .await?;
    row.map(|r| {
        Ok(Claimed {
            id: r.try_get(0)?,
            kind: r.try_get::<Col<OutboxKind>, _>(1)?.0,
            recipient: r.try_get(2)?,
            subject: r.try_get(3)?,
            body: r.try_get(4)?,
            attempts: r.try_get(5)?,
        })
    })
    .transpose()
}

/// The message went: what it said is cleared (a sign-up e-mail holds a live link, and
/// no copy of it is kept), the row stays as the record. Only by the claim's holder: a
/// worker whose claim ran out and was taken over writes nothing.
pub async fn mark_sent(c: &mut Conn, id: i64, claimed_until: i64, now: i64) -> StoreResult<()> {
    sqlx::query(
        "UPDATE deliveries SET sent_at = $3, claimed_until = NULL, body = '' \
         WHERE id = $1 AND claimed_until = $2",
    )
    .bind(id)
    .bind(claimed_until)
    .bind(now)
    .execute(&mut *c)
    .await
    .map(|_| ())
}

/// A failed attempt: tried again at `retry_at`, or given up when that is `None` (and
/// then, as when sent, what it said is cleared). Only by the claim's holder.
pub async fn mark_failed(
    c: &mut Conn,
    id: i64,
    claimed_until: i64,
    error: &str,
    retry_at: Option<i64>,
    now: i64,
) -> StoreResult<()> {
    let query = match retry_at {
        Some(at) => sqlx::query(
            "UPDATE deliveries SET claimed_until = NULL, last_error = $3, due_at = $4 \
             WHERE id = $1 AND claimed_until = $2",
        )
        .bind(id)
        .bind(claimed_until)
        .bind(error)
        .bind(at),
        None => sqlx::query(
            "UPDATE deliveries SET claimed_until = NULL, last_error = $3, gave_up_at = $4, body = '' \
             WHERE id = $1 AND claimed_until = $2",
        )
        .bind(id)
        .bind(claimed_until)
        .bind(error)
        .bind(now),
    };
    query.execute(&mut *c).await.map(|_| ())
}

/// Messages waiting to go (neither sent nor given up), and when the oldest was queued.
pub async fn waiting(c: &mut Conn) -> StoreResult<(i64, Option<i64>)> {
    let row = sqlx::query(
        "SELECT COUNT(*), MIN(created_at) FROM deliveries WHERE sent_at IS NULL AND gave_up_at IS NULL",
    )
    .fetch_one(&mut *c)
    .await?;
    Ok((row.try_get(0)?, row.try_get(1)?))
}
