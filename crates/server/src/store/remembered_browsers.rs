//! `remembered_browsers`: browsers that skip the second factor at sign-in, by the
//! SHA-256 of their cookie's token.

use super::{Conn, StoreResult};
use phone_mfa_contract::RememberedBrowserView;
use sqlx::Row;

pub struct NewBrowser<'a> {
    pub account_id: i64,
    pub token_hash: &'a [u8],
    pub name: &'a str,
    pub now: i64,
    pub expires_at: i64,
}

/// Returns the new row's id.
pub async fn insert(c: &mut Conn, b: &NewBrowser<'_>) -> StoreResult<i64> {
    sqlx::query_scalar(
        "INSERT INTO remembered_browsers (account_id, token_hash, name, created_at, last_used_at, expires_at)
         VALUES ($1, $2, $3, $4, $4, $5) RETURNING id",
    )
    .bind(b.account_id)
    .bind(b.token_hash)
    .bind(b.name)
    .bind(b.now)
    .bind(b.expires_at)
    .fetch_one(&mut *c)
    .await
}

/// The account's browsers still remembered at `now`, most recently used first.
pub async fn list(c: &mut Conn, account_id: i64, now: i64) -> StoreResult<Vec<RememberedBrowserView>> {
    let rows = sqlx::query(
        "SELECT id, name, created_at, last_used_at, expires_at FROM remembered_browsers
         WHERE account_id = $1 AND expires_at > $2 ORDER BY last_used_at DESC, id DESC",
    )
    .bind(account_id)
    .bind(now)
    .fetch_all(&mut *c)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(RememberedBrowserView {
                id: r.try_get(0)?,
                name: r.try_get(1)?,
                created_at: r.try_get(2)?,
                last_used_at: r.try_get(3)?,
                expires_at: r.try_get(4)?,
            })
        })
        .collect()
}

/// Whether the remembered browser with this token is this account's and not expired;
/// if so its last use becomes `now`.
pub async fn recognise(c: &mut Conn, account_id: i64, token_hash: &[u8], now: i64) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE remembered_browsers SET last_used_at = $1
         WHERE token_hash = $2 AND account_id = $3 AND expires_at > $1",
    )
    .bind(now)
    .bind(token_hash)
    .bind(account_id)
    .execute(&mut *c)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Forgets the browser with this token, if it is the account's (it is being
/// remembered again, under a new token).
pub async fn forget_token(c: &mut Conn, account_id: i64, token_hash: &[u8]) -> StoreResult<()> {
    sqlx::query("DELETE FROM remembered_browsers WHERE token_hash = $1 AND account_id = $2")
        .bind(token_hash)
        .bind(account_id)
        .execute(&mut *c)
        .await
        .map(|_| ())
}

/// Forgets one browser of the account; false if it had no such browser.
pub async fn forget(c: &mut Conn, account_id: i64, id: i64) -> StoreResult<bool> {
    let done = sqlx::query("DELETE FROM remembered_browsers WHERE id = $1 AND account_id = $2")
        .bind(id)
        .bind(account_id)
        .execute(&mut *c)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// Forgets every browser of the account; returns how many.
pub async fn forget_all(c: &mut Conn, account_id: i64) -> StoreResult<u64> {
    sqlx::query("DELETE FROM remembered_browsers WHERE account_id = $1")
        .bind(account_id)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected())
}

/// Keeps at most `keep` browsers of the account: the ones used most recently.
pub async fn keep_latest(c: &mut Conn, account_id: i64, keep: usize) -> StoreResult<()> {
    sqlx::query(
        "DELETE FROM remembered_browsers WHERE account_id = $1 AND id NOT IN
         (SELECT id FROM remembered_browsers WHERE account_id = $1 ORDER BY last_used_at DESC, id DESC LIMIT $2)",
    )
    .bind(account_id)
    .bind(keep as i64)
    .execute(&mut *c)
    .await
    .map(|_| ())
}
