//! Send limits against SMS pumping and toll fraud (security rules, "Send limits").
//! Counted in the database inside the sending transaction, so they hold across
//! restarts and across server processes sharing the file. A tripped limit stops the
//! send before the courier is called.

use crate::config::SendLimits;
use crate::domain::accounts::count;
use crate::error::{AppError, AppResult};
use crate::i18n;
use crate::store::sends::By;
use crate::store::{self, Conn, StoreResult};
use phone_mfa_contract::policy::{
    ACCOUNT_SEND_WINDOW_SECS, IP_SEND_WINDOW_SECS, PHONE_BURST_SENDS, PHONE_BURST_WINDOW_SECS,
    PHONE_SEND_WINDOW_SECS,
};
use phone_mfa_contract::ErrorCode;

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

/// Refuses the send if any limit is reached; otherwise returns the account's sends
/// left after this one. The caller holds [`lock`].
pub async fn check(c: &mut Conn, limits: &SendLimits, key: &SendKey<'_>, now: i64) -> AppResult<u32> {
    let windows = [
        (
            By::Phone(key.phone_fp),
            PHONE_BURST_WINDOW_SECS,
            PHONE_BURST_SENDS,
            i18n::RATE_PHONE_BURST,
            "phone_burst",
        ),
        (
            By::Phone(key.phone_fp),
            PHONE_SEND_WINDOW_SECS,
            limits.per_phone,
            i18n::RATE_PHONE,
            "phone",
        ),
        (
            By::Ip(key.ip),
            IP_SEND_WINDOW_SECS,
            limits.per_ip,
            i18n::RATE_IP,
            "ip",
        ),
        (
            By::Account(key.account_id),
            ACCOUNT_SEND_WINDOW_SECS,
            limits.per_account,
            i18n::RATE_ACCOUNT,
            "account",
        ),
    ];
    let left_before = account_sends_left(c, limits, key.account_id, now).await?;
    for (by, window, max, message, limit) in windows {
        let since = now - window;
        let (sent, oldest) = store::sends::since(c, by, since).await?;
        let sent = count(sent);
        if sent >= max {
            crate::metrics::send_refused(limit);
            let retry = oldest.map(|t| t + window - now).unwrap_or(window);
            let mut err = AppError::too_many(ErrorCode::RateLimited, message, retry);
            err.body.sends_left = Some(left_before);
            return Err(err);
        }
    }
    Ok(left_before.saturating_sub(1))
}

pub async fn record(c: &mut Conn, key: &SendKey<'_>, now: i64) -> StoreResult<()> {
    store::sends::record(c, key.phone_fp, key.ip, key.account_id, now).await
}

/// Sends left for an account right now (for answers that do not send).
pub async fn account_sends_left(
    c: &mut Conn,
    limits: &SendLimits,
    account_id: i64,
    now: i64,
) -> StoreResult<u32> {
    let (sent, _) = store::sends::since(c, By::Account(account_id), now - ACCOUNT_SEND_WINDOW_SECS).await?;
    Ok(limits.per_account.saturating_sub(count(sent)))
}
