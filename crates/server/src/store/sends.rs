//! `sends`: one row per code sent, for the send limits. Numbers appear only as a keyed
//! fingerprint.

use super::{Conn, StoreResult};
use sqlx::Row;

/// What a send limit counts by.
#[derive(Debug, Clone, Copy)]
pub enum By<'a> {
    Phone(&'a str),
    Ip(&'a str),
    Account(i64),
}

/// Sends counted against `by` after `since`, and the oldest of them.
pub async fn since(c: &mut Conn, by: By<'_>, since: i64) -> StoreResult<(i64, Option<i64>)> {
    let query = match by {
        By::Phone(fp) => {
            sqlx::query("SELECT COUNT(*), MIN(sent_at) FROM sends WHERE phone_fp = $1 AND sent_at > $2")
                .bind(fp)
        }
        By::Ip(ip) => {
            sqlx::query("SELECT COUNT(*), MIN(sent_at) FROM sends WHERE ip = $1 AND sent_at > $2").bind(ip)
        }
        By::Account(id) => {
            sqlx::query("SELECT COUNT(*), MIN(sent_at) FROM sends WHERE account_id = $1 AND sent_at > $2")
                .bind(id)
        }
    };
    let row = query.bind(since).fetch_one(&mut *c).await?;
    Ok((row.try_get(0)?, row.try_get(1)?))
}

pub async fn record(c: &mut Conn, phone_fp: &str, ip: &str, account_id: i64, now: i64) -> StoreResult<()> {
    sqlx::query("INSERT INTO sends (phone_fp, ip, account_id, sent_at) VALUES ($1, $2, $3, $4)")
        .bind(phone_fp)
        .bind(ip)
        .bind(account_id)
        .bind(now)
        .execute(&mut *c)
        .await
        .map(|_| ())
}
