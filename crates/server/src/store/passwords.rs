//! `password_failures` (wrong passwords per key, see `domain::passwords`) and
//! `known_addresses` (where an account completed a second factor).

use super::{Conn, StoreResult};

/// Until when a key is held (0 or a past time: not held); `None` for a key never seen.
pub async fn held_until(c: &mut Conn, key: &str) -> StoreResult<Option<i64>> {
    sqlx::query_scalar("SELECT held_until FROM password_failures WHERE key = $1")
        .bind(key)
        .fetch_optional(&mut *c)
        .await
}

/// Counts one failure against a key, starting again if its last one is older than
/// `memory_secs`; returns the count.
pub async fn count_failure(c: &mut Conn, key: &str, now: i64, memory_secs: i64) -> StoreResult<i64> {
    sqlx::query_scalar(
        "INSERT INTO password_failures (key, failures, held_until, last_failure_at) VALUES ($1, 1, 0, $2)
         ON CONFLICT (key) DO UPDATE SET
             failures = CASE WHEN password_failures.last_failure_at <= $2 - $3 THEN 1
                             ELSE password_failures.failures + 1 END,
             last_failure_at = $2
         RETURNING failures",
    )
    .bind(key)
    .bind(now)
    .bind(memory_secs)
    .fetch_one(&mut *c)
    .await
}

pub async fn hold_until(c: &mut Conn, key: &str, until: i64) -> StoreResult<()> {
    sqlx::query("UPDATE password_failures SET held_until = $1 WHERE key = $2")
        .bind(until)
        .bind(key)
        .execute(&mut *c)
        .await
        .map(|_| ())
}

pub async fn forget(c: &mut Conn, key: &str) -> StoreResult<()> {
    sqlx::query("DELETE FROM password_failures WHERE key = $1")
        .bind(key)
        .execute(&mut *c)
        .await
        .map(|_| ())
}

/// Takes one counted failure back; a key back under `free` failures is no longer held.
pub async fn give_back(c: &mut Conn, key: &str, free: u32) -> StoreResult<()> {
    sqlx::query(
        "UPDATE password_failures SET failures = CASE WHEN failures > 0 THEN failures - 1 ELSE 0 END,
             held_until = CASE WHEN failures - 1 < $2 THEN 0 ELSE held_until END
         WHERE key = $1",
    )
    .bind(key)
    .bind(i64::from(free))
    .execute(&mut *c)
    .await
    .map(|_| ())
}

/// Whether the account completed a second factor from `ip` after `since`.
pub async fn is_known_address(c: &mut Conn, account_id: i64, ip: &str, since: i64) -> StoreResult<bool> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM known_addresses WHERE account_id = $1 AND ip = $2 AND last_at > $3",
    )
    .bind(account_id)
    .bind(ip)
    .bind(since)
    .fetch_optional(&mut *c)
    .await?;
    Ok(found.is_some())
}

pub async fn remember_address(c: &mut Conn, account_id: i64, ip: &str, now: i64) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO known_addresses (account_id, ip, last_at) VALUES ($1, $2, $3)
         ON CONFLICT (account_id, ip) DO UPDATE SET last_at = $3",
    )
    .bind(account_id)
    .bind(ip)
    .bind(now)
    .execute(&mut *c)
    .await
    .map(|_| ())
}
