//! `app_enrolments`: an authenticator-app key shown to one session, not yet confirmed.

use super::{Conn, StoreResult};
use sqlx::Row;

/// Shows this session a new key: replaces any key it was shown before.
pub async fn put(
    c: &mut Conn,
    session_hash: &[u8],
    account_id: i64,
    sealed: &str,
    now: i64,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO app_enrolments (session_hash, account_id, secret, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (session_hash) DO UPDATE SET account_id = $2, secret = $3, created_at = $4",
    )
    .bind(session_hash)
    .bind(account_id)
    .bind(sealed)
    .bind(now)
    .execute(&mut *c)
    .await
    .map(|_| ())
}

/// The sealed key this session was shown, and when.
pub async fn find(c: &mut Conn, session_hash: &[u8], account_id: i64) -> StoreResult<Option<(String, i64)>> {
    let row = sqlx::query(
        "SELECT secret, created_at FROM app_enrolments WHERE session_hash = $1 AND account_id = $2",
    )
    .bind(session_hash)
    .bind(account_id)
    .fetch_optional(&mut *c)
    .await?;
    row.map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).transpose()
}

pub async fn delete(c: &mut Conn, session_hash: &[u8]) -> StoreResult<()> {
    sqlx::query("DELETE FROM app_enrolments WHERE session_hash = $1")
        .bind(session_hash)
        .execute(&mut *c)
        .await
        .map(|_| ())
}

/// A key being set up follows its session to a new token.
pub async fn move_to_session(c: &mut Conn, old: &[u8], new: &[u8]) -> StoreResult<()> {
    sqlx::query("UPDATE app_enrolments SET session_hash = $1 WHERE session_hash = $2")
        .bind(new)
        .bind(old)
        .execute(&mut *c)
        .await
        .map(|_| ())
}
