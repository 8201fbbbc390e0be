//! Send limits against SMS pumping and toll fraud (security rules, "Send limits").
//! Counted in the database inside the sending transaction, so they hold across
//! restarts and across server processes sharing the file. A tripped limit stops the
//! send before the courier is called.

use crate::config::SendLimits;
use crate::error::{AppError, AppResult};
use crate::i18n;
use phone_mfa_contract::policy::{
    ACCOUNT_SEND_WINDOW_SECS, IP_SEND_WINDOW_SECS, PHONE_BURST_SENDS, PHONE_BURST_WINDOW_SECS,
    PHONE_SEND_WINDOW_SECS,
};
use phone_mfa_contract::ErrorCode;
use rusqlite::{params, Transaction};

/// Who a send is counted against.
pub struct SendKey<'a> {
    pub phone_fp: &'a str,
    pub ip: &'a str,
    pub account_id: i64,
}

/// Refuses the send if any limit is reached; otherwise returns the account's sends
/// left after this one.
pub fn check(tx: &Transaction, limits: &SendLimits, key: &SendKey, now: i64) -> AppResult<u32> {
    let windows: [(&str, &dyn rusqlite::ToSql, i64, u32, i18n::Text); 4] = [
        (
            "phone_fp",
            &key.phone_fp,
            PHONE_BURST_WINDOW_SECS,
            PHONE_BURST_SENDS,
            i18n::RATE_PHONE_BURST,
        ),
        (
            "phone_fp",
            &key.phone_fp,
            PHONE_SEND_WINDOW_SECS,
            limits.per_phone,
            i18n::RATE_PHONE,
        ),
        ("ip", &key.ip, IP_SEND_WINDOW_SECS, limits.per_ip, i18n::RATE_IP),
        (
            "account_id",
            &key.account_id,
            ACCOUNT_SEND_WINDOW_SECS,
            limits.per_account,
            i18n::RATE_ACCOUNT,
        ),
    ];
    let left_before = account_sends_left(tx, limits, key.account_id, now)?;
    for (column, value, window, max, message) in windows {
        let since = now - window;
        let (count, oldest): (u32, Option<i64>) = tx.query_row(
            &format!("SELECT COUNT(*), MIN(sent_at) FROM sends WHERE {column} = ?1 AND sent_at > ?2"),
            params![value, since],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        if count >= max {
            let retry = oldest.map(|t| t + window - now).unwrap_or(window);
            let mut err = AppError::too_many(ErrorCode::RateLimited, message, retry);
            err.body.sends_left = Some(left_before);
            return Err(err);
        }
    }
    Ok(left_before.saturating_sub(1))
}

pub fn record(tx: &Transaction, key: &SendKey, now: i64) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO sends (phone_fp, ip, account_id, sent_at) VALUES (?1, ?2, ?3, ?4)",
        params![key.phone_fp, key.ip, key.account_id, now],
    )
    .map(|_| ())
}

/// Sends left for an account right now (for answers that do not send).
pub fn account_sends_left(
    tx: &Transaction,
    limits: &SendLimits,
    account_id: i64,
    now: i64,
) -> rusqlite::Result<u32> {
    let count: u32 = tx.query_row(
        "SELECT COUNT(*) FROM sends WHERE account_id = ?1 AND sent_at > ?2",
        params![account_id, now - ACCOUNT_SEND_WINDOW_SECS],
        |r| r.get(0),
    )?;
    Ok(limits.per_account.saturating_sub(count))
}
