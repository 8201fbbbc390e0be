//! `recovery_codes`: an account's recovery codes, each a keyed hash, single use.

use super::{Conn, StoreResult};

/// Replaces the account's codes with a new set (the old ones stop working).
pub async fn replace(c: &mut Conn, account_id: i64, macs: &[Vec<u8>], now: i64) -> StoreResult<()> {
    sqlx::query("DELETE FROM recovery_codes WHERE account_id = $1")
        .bind(account_id)
        .execute(&mut *c)
        .await?;
    for mac in macs {
        sqlx::query("INSERT INTO recovery_codes (account_id, code_mac, created_at) VALUES ($1, $2, $3)")
            .bind(account_id)
            .bind(mac.as_slice())
            .bind(now)
            .execute(&mut *c)
            .await?;
    }
    Ok(())
}

/// Uses the unused code with this hash, if the account has one: true once, ever.
pub async fn take(c: &mut Conn, account_id: i64, mac: &[u8], now: i64) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE recovery_codes SET used_at = $1 WHERE account_id = $2 AND code_mac = $3 AND used_at IS NULL",
    )
    .bind(now)
    .bind(account_id)
    .bind(mac)
    .execute(&mut *c)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Codes of the account not used yet.
pub async fn count_left(c: &mut Conn, account_id: i64) -> StoreResult<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM recovery_codes WHERE account_id = $1 AND used_at IS NULL")
        .bind(account_id)
        .fetch_one(&mut *c)
        .await
}
