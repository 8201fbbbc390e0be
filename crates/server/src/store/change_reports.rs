//! `change_reports`: the "this wasn't me" link of each account-change e-mail, the
//! token only as SHA-256, with what undoing the change needs (`undo`, opaque here).

use super::{Conn, StoreResult};
use sqlx::Row;

pub struct ChangeReportRow {
    pub id: i64,
    pub account_id: i64,
    pub undo: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub used_at: Option<i64>,
}

pub async fn insert(
    c: &mut Conn,
    token_hash: &[u8],
    account_id: i64,
    undo: &str,
    now: i64,
    expires_at: i64,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO change_reports (token_hash, account_id, undo, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token_hash)
    .bind(account_id)
    .bind(undo)
    .bind(now)
    .bind(expires_at)
    .execute(&mut *c)
    .await
    .map(|_| ())
}

pub async fn find(c: &mut Conn, token_hash: &[u8]) -> StoreResult<Option<ChangeReportRow>> {
    let row = sqlx::query(
        "SELECT id, account_id, undo, created_at, expires_at, used_at FROM change_reports WHERE token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(&mut *c)
    .await?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some(ChangeReportRow {
        id: row.try_get(0)?,
        account_id: row.try_get(1)?,
        undo: row.try_get(2)?,
        created_at: row.try_get(3)?,
        expires_at: row.try_get(4)?,
        used_at: row.try_get(5)?,
    }))
}

/// Uses the link up; false if another request used it first.
pub async fn mark_used(c: &mut Conn, token_hash: &[u8], now: i64) -> StoreResult<bool> {
    sqlx::query("UPDATE change_reports SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL")
        .bind(now)
        .bind(token_hash)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected() == 1)
}

/// The account's changes made after change `id` whose links are still unused, newest
/// first; their links are used up with it.
pub async fn take_later(c: &mut Conn, account_id: i64, id: i64, now: i64) -> StoreResult<Vec<String>> {
    let undos = sqlx::query_scalar(
        "SELECT undo FROM change_reports WHERE account_id = $1 AND id > $2 AND used_at IS NULL ORDER BY id DESC",
    )
    .bind(account_id)
    .bind(id)
    .fetch_all(&mut *c)
    .await?;
    sqlx::query(
        "UPDATE change_reports SET used_at = $1 WHERE account_id = $2 AND id > $3 AND used_at IS NULL",
    )
    .bind(now)
    .bind(account_id)
    .bind(id)
    .execute(&mut *c)
    .await?;
    Ok(undos)
}
