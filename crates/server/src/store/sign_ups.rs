//! `sign_up_links` (sign-ups waiting for their e-mail link, the token only as SHA-256)
//! and `sign_up_emails` (sign-up e-mails sent, for their limits).

use super::{Col, Conn, StoreResult};
use phone_mfa_contract::Language;
use sqlx::Row;

/// Sign-up e-mails sent to an address fingerprint (`by_address`) or from an IP after
/// `since`, and the oldest of them.
pub async fn emails_since(
    c: &mut Conn,
    by_address: bool,
    value: &str,
    since: i64,
) -> StoreResult<(i64, Option<i64>)> {
    let sql = if by_address {
        "SELECT COUNT(*), MIN(sent_at) FROM sign_up_emails WHERE address_fp = $1 AND sent_at > $2"
    } else {
        "SELECT COUNT(*), MIN(sent_at) FROM sign_up_emails WHERE ip = $1 AND sent_at > $2"
    };
    let row = sqlx::query(sql)
        .bind(value)
        .bind(since)
        .fetch_one(&mut *c)
        .await?;
    Ok((row.try_get(0)?, row.try_get(1)?))
}

pub async fn record_email(c: &mut Conn, address_fp: &str, ip: &str, now: i64) -> StoreResult<()> {
    sqlx::query("INSERT INTO sign_up_emails (address_fp, ip, sent_at) VALUES ($1, $2, $3)")
        .bind(address_fp)
        .bind(ip)
        .bind(now)
        .execute(&mut *c)
        .await
        .map(|_| ())
}

/// A sign-up waiting for its link.
pub struct Link {
    pub email: String,
    pub password_hash: String,
    pub language: Language,
    pub expires_at: i64,
}

pub async fn insert_link(c: &mut Conn, token_hash: &[u8], link: &Link, now: i64) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO sign_up_links (token_hash, email, password_hash, language, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(token_hash)
    .bind(&link.email)
    .bind(&link.password_hash)
    .bind(Col(link.language))
    .bind(now)
    .bind(link.expires_at)
    .execute(&mut *c)
    .await
    .map(|_| ())
}

pub async fn find_link(c: &mut Conn, token_hash: &[u8]) -> StoreResult<Option<Link>> {
    let row = sqlx::query(
        "SELECT email, password_hash, language, expires_at FROM sign_up_links WHERE token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(&mut *c)
    .await?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some(Link {
        email: row.try_get(0)?,
        password_hash: row.try_get(1)?,
        language: row.try_get::<Col<Language>, _>(2)?.0,
        expires_at: row.try_get(3)?,
    }))
}

/// Deletes every link for the address, whatever its case; returns how many.
pub async fn delete_links_for(c: &mut Conn, email: &str) -> StoreResult<u64> {
    sqlx::query("DELETE FROM sign_up_links WHERE lower(email) = lower($1)")
        .bind(email)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected())
}
