//! Send limits against SMS pumping and toll fraud (security rules, "Send limits").
//! Counted in the database inside the sending transaction, so they hold across
//! restarts and across server processes sharing the file. A tripped limit stops the
//! send before the courier is called.

use crate::accounts::count;
use crate::config::SendLimits;
use crate::error::{AppError, AppResult};
use crate::i18n;
use crate::store::{self, Conn, StoreResult};
use phone_mfa_contract::policy::{
    ACCOUNT_SEND_WINDOW_SECS, IP_SEND_WINDOW_SECS, PHONE_BURST_SENDS, PHONE_BURST_WINDOW_SECS,
    PHONE_SEND_WINDOW_SECS,
};
use phone_mfa_contract::ErrorCode;
use sqlx::Row;

/// Who a send is counted against.
pub struct SendKey<'a> {
    pub phone_fp: &'a str,
    pub ip: &'a str,
    pub account_id: i64,
}

/// Holds the number, the IP and the account's send counts until the transaction ends
/// (on PostgreSQL; SQLite's transaction holds everything): with it, [`check`] then
/// [`record`] is exact however many servers send at once.
pub async fn lock(c: &mut Conn, key: &SendKey<'_>) -> StoreResult<()> {
    let account = format!("sends-account:{}", key.account_id);
    let phone = format!("sends-phone:{}", key.phone_fp);
    let ip = format!("sends-ip:{}", key.ip);
    store::lock_keys(c, &[&account, &phone, &ip]).await
}

/// The column a limit counts by, and the value counted.
enum By<'a> {
    Phone(&'a str),
    Ip(&'a str),
    Account(i64),
}

/// Refuses the send if any limit is reached; otherwise returns the account's sends
/// left after this one. The caller holds [`lock`].
pub async fn check(c: &mut Conn, limits: &SendLimits, key: &SendKey<'_>, now: i64) -> AppResult<u32> {
    let windows = [
        (
            By::Phone(key.phone_fp),
            PHONE_BURST_WINDOW_SECS,
            PHONE_BURST_SENDS,
            i18n::RATE_PHONE_BURST,
        ),
        (
            By::Phone(key.phone_fp),
            PHONE_SEND_WINDOW_SECS,
            limits.per_phone,
            i18n::RATE_PHONE,
        ),
        (By::Ip(key.ip), IP_SEND_WINDOW_SECS, limits.per_ip, i18n::RATE_IP),
        (
            By::Account(key.account_id),
            ACCOUNT_SEND_WINDOW_SECS,
            limits.per_account,
            i18n::RATE_ACCOUNT,
        ),
    ];
    let left_before = account_sends_left(c, limits, key.account_id, now).await?;
    for (by, window, max, message) in windows {
        let since = now - window;
        let query = match by {
            By::Phone(fp) => {
                sqlx::query("SELECT COUNT(*), MIN(sent_at) FROM sends WHERE phone_fp = $1 AND sent_at > $2")
                    .bind(fp)
            }
            By::Ip(ip) => {
                sqlx::query("SELECT COUNT(*), MIN(sent_at) FROM sends WHERE ip = $1 AND sent_at > $2")
                    .bind(ip)
            }
            By::Account(id) => {
                sqlx::query("SELECT COUNT(*), MIN(sent_at) FROM sends WHERE account_id = $1 AND sent_at > $2")
                    .bind(id)
            }
        };
        let row = query.bind(since).fetch_one(&mut *c).await?;
        let sent = count(row.try_get(0)?);
        let oldest: Option<i64> = row.try_get(1)?;
        if sent >= max {
            let retry = oldest.map(|t| t + window - now).unwrap_or(window);
            let mut err = AppError::too_many(ErrorCode::RateLimited, message, retry);
            err.body.sends_left = Some(left_before);
            return Err(err);
        }
    }
    Ok(left_before.saturating_sub(1))
}

pub async fn record(c: &mut Conn, key: &SendKey<'_>, now: i64) -> StoreResult<()> {
    sqlx::query("INSERT INTO sends (phone_fp, ip, account_id, sent_at) VALUES ($1, $2, $3, $4)")
        .bind(key.phone_fp)
        .bind(key.ip)
        .bind(key.account_id)
        .bind(now)
        .execute(&mut *c)
        .await
        .map(|_| ())
}

/// Sends left for an account right now (for answers that do not send).
pub async fn account_sends_left(
    c: &mut Conn,
    limits: &SendLimits,
    account_id: i64,
    now: i64,
) -> StoreResult<u32> {
    let sent: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sends WHERE account_id = $1 AND sent_at > $2")
        .bind(account_id)
        .bind(now - ACCOUNT_SEND_WINDOW_SECS)
        .fetch_one(&mut *c)
        .await?;
    Ok(limits.per_account.saturating_sub(count(sent)))
}
