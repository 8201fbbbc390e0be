//! `sessions`: one row per signed-in (or half signed-in) browser, keyed by the SHA-256
//! of its cookie token.

use super::{Col, Conn, Flag, StoreResult};
use phone_mfa_contract::{Language, SessionStage};
use sqlx::Row;

pub async fn insert(
    c: &mut Conn,
    token_hash: &[u8],
    account_id: i64,
    stage: SessionStage,
    remembered_browser_hash: Option<&[u8]>,
    now: i64,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO sessions (token_hash, account_id, stage, last_factor_at, created_at, last_seen_at, remembered_browser_hash)
         VALUES ($1, $2, $3, 0, $4, $4, $5)",
    )
    .bind(token_hash)
    .bind(account_id)
    .bind(Col(stage))
    .bind(now)
    .bind(remembered_browser_hash)
    .execute(&mut *c)
    .await
    .map(|_| ())
}

/// A session with what the request needs of its account.
pub struct SessionRow {
    pub account_id: i64,
    pub email: String,
    pub stage: SessionStage,
    pub last_factor_at: i64,
    pub last_seen_at: i64,
    pub mfa_required: bool,
    pub epcs_prescriber: bool,
    pub language: Language,
    pub has_methods: bool,
    /// A remembered browser let this session skip the second factor, and is still
    /// remembered.
    pub remembered: bool,
}

pub async fn find(c: &mut Conn, token_hash: &[u8], now: i64) -> StoreResult<Option<SessionRow>> {
    let row = sqlx::query(
        "SELECT s.account_id, a.email, s.stage, s.last_factor_at, s.last_seen_at, a.mfa_required, a.epcs_prescriber, a.language,
                CASE WHEN EXISTS (SELECT 1 FROM methods m WHERE m.account_id = s.account_id) THEN 1 ELSE 0 END,
                CASE WHEN EXISTS (SELECT 1 FROM remembered_browsers r
                                  WHERE r.token_hash = s.remembered_browser_hash AND r.account_id = s.account_id AND r.expires_at > $2)
                     THEN 1 ELSE 0 END
         FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE s.token_hash = $1",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(&mut *c)
    .await?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some(SessionRow {
        account_id: row.try_get(0)?,
        email: row.try_get(1)?,
        stage: row.try_get::<Col<SessionStage>, _>(2)?.0,
        last_factor_at: row.try_get(3)?,
        last_seen_at: row.try_get(4)?,
        mfa_required: row.try_get::<Flag, _>(5)?.0,
        epcs_prescriber: row.try_get::<Flag, _>(6)?.0,
        language: row.try_get::<Col<Language>, _>(7)?.0,
        has_methods: row.try_get::<Flag, _>(8)?.0,
        remembered: row.try_get::<Flag, _>(9)?.0,
    }))
}

/// Restarts the idle clock.
pub async fn touch(c: &mut Conn, token_hash: &[u8], now: i64) -> StoreResult<()> {
    sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
        .bind(now)
        .bind(token_hash)
        .execute(&mut *c)
        .await
        .map(|_| ())
}

/// Gives the session a new token and stage; false if no session had the old token
/// (another request rotated or ended it first).
pub async fn rotate(
    c: &mut Conn,
    old: &[u8],
    new: &[u8],
    stage: SessionStage,
    factor_at: i64,
    now: i64,
) -> StoreResult<bool> {
    let rotated = sqlx::query(
        "UPDATE sessions SET token_hash = $1, stage = $2, last_factor_at = $3, last_seen_at = $4 WHERE token_hash = $5",
    )
    .bind(new)
    .bind(Col(stage))
    .bind(factor_at)
    .bind(now)
    .bind(old)
    .execute(&mut *c)
    .await?;
    Ok(rotated.rows_affected() == 1)
}

pub async fn delete(c: &mut Conn, token_hash: &[u8]) -> StoreResult<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(&mut *c)
        .await
        .map(|_| ())
}

/// Ends every session of the account but `keep`; returns how many.
pub async fn delete_others(c: &mut Conn, account_id: i64, keep: &[u8]) -> StoreResult<u64> {
    sqlx::query("DELETE FROM sessions WHERE account_id = $1 AND token_hash <> $2")
        .bind(account_id)
        .bind(keep)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected())
}

/// Ends every session of the account; returns how many.
pub async fn delete_all(c: &mut Conn, account_id: i64) -> StoreResult<u64> {
    sqlx::query("DELETE FROM sessions WHERE account_id = $1")
        .bind(account_id)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected())
}
