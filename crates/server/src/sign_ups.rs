//! Sign-up by e-mail link (rule A9): the answer never says whether an address has an
//! account. A new address gets a single-use link to continue; an address with an
//! account gets a notice. Sign-up e-mails are limited per address and per IP, the same
//! for every address, so sign-up cannot flood a mailbox and the limit tells nothing.

use crate::accounts::audit;
use crate::accounts::count;
use crate::couriers::Notice;
use crate::error::{AppError, AppResult};
use crate::i18n;
use crate::secrets::{new_token, token_hash};
use crate::store::{self, Col, Conn};
use axum::http::StatusCode;
use phone_mfa_contract::policy::{
    SIGN_UP_EMAILS_PER_ADDRESS, SIGN_UP_EMAIL_WINDOW_SECS, SIGN_UP_LINK_TTL_SECS,
};
use phone_mfa_contract::{ErrorCode, Language};
use sqlx::Row;

/// Refuses a sign-up e-mail over its limits (same answer for every address), else
/// counts it. Counted before the hash, in one transaction holding both keys, so a
/// burst cannot overshoot, on one server or many.
pub async fn count_email(c: &mut Conn, address_fp: &str, ip: &str, per_ip: u32, now: i64) -> AppResult<()> {
    let since = now - SIGN_UP_EMAIL_WINDOW_SECS;
    store::lock_keys(
        c,
        &[
            &format!("sign-up-address:{address_fp}"),
            &format!("sign-up-ip:{ip}"),
        ],
    )
    .await?;
    for (by_address, value, max) in [
        (true, address_fp, SIGN_UP_EMAILS_PER_ADDRESS),
        (false, ip, per_ip),
    ] {
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
        let sent = count(row.try_get(0)?);
        let oldest: Option<i64> = row.try_get(1)?;
        if sent >= max {
            let retry = oldest.map_or(SIGN_UP_EMAIL_WINDOW_SECS, |t| t + SIGN_UP_EMAIL_WINDOW_SECS - now);
            return Err(AppError::too_many(
                ErrorCode::RateLimited,
                i18n::sign_up_emails_held(retry),
                retry,
            ));
        }
    }
    sqlx::query("INSERT INTO sign_up_emails (address_fp, ip, sent_at) VALUES ($1, $2, $3)")
        .bind(address_fp)
        .bind(ip)
        .bind(now)
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// The e-mail a sign-up sends: for a new address, a link to continue (its token stored
/// only as SHA-256); for an address with an account, a notice in the account's language.
pub async fn request(
    c: &mut Conn,
    email: &str,
    password_hash: &str,
    language: Language,
    host: &str,
    ip: &str,
    now: i64,
) -> AppResult<Notice> {
    let owner = sqlx::query("SELECT id, language FROM accounts WHERE lower(email) = lower($1)")
        .bind(email)
        .fetch_optional(&mut *c)
        .await?;
    let (subject, body) = match owner {
        Some(row) => {
            let id: i64 = row.try_get(0)?;
            let Col(account_language) = row.try_get::<Col<Language>, _>(1)?;
            audit(c, Some(id), "sign_up_for_existing_account", "", ip, now).await?;
            i18n::sign_up_taken_email(account_language, host)
        }
        None => {
            let token = new_token(32);
            sqlx::query(
                "INSERT INTO sign_up_links (token_hash, email, password_hash, language, created_at, expires_at)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(token_hash(&token))
            .bind(email)
            .bind(password_hash)
            .bind(Col(language))
            .bind(now)
            .bind(now + SIGN_UP_LINK_TTL_SECS)
            .execute(&mut *c)
            .await?;
            audit(c, None, "sign_up_link_sent", "", ip, now).await?;
            i18n::sign_up_link_email(language, host, &token)
        }
    };
    Ok(Notice {
        to_email: email.to_owned(),
        subject: subject.to_owned(),
        body,
    })
}

/// The link was opened: creates the account with the password chosen at sign-up and
/// returns its id. The link works once; every other link for the address dies with it.
pub async fn confirm(c: &mut Conn, token_hash: &[u8], ip: &str, now: i64) -> AppResult<i64> {
    let link = sqlx::query(
        "SELECT email, password_hash, language, expires_at FROM sign_up_links WHERE token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(&mut *c)
    .await?;
    let Some(link) = link else {
        return Err(link_expired());
    };
    let email: String = link.try_get(0)?;
    // One confirmation per address at a time, on every server: the check below and
    // the insert are then exact.
    store::lock_keys(c, &[&format!("sign-up-confirm:{}", email.to_lowercase())]).await?;
    let password_hash: String = link.try_get(1)?;
    let Col(language) = link.try_get::<Col<Language>, _>(2)?;
    let expires_at: i64 = link.try_get(3)?;
    if expires_at <= now {
        return Err(link_expired());
    }
    let deleted = sqlx::query("DELETE FROM sign_up_links WHERE lower(email) = lower($1)")
        .bind(&email)
        .execute(&mut *c)
        .await?;
    // Checked again here: another link for this address may have made the account
    // since this e-mail was sent, or this very link may have been used meanwhile.
    let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM accounts WHERE lower(email) = lower($1)")
        .bind(&email)
        .fetch_optional(&mut *c)
        .await?;
    if taken.is_some() || deleted.rows_affected() == 0 {
        return Err(link_expired());
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO accounts (email, password_hash, created_at, language) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(&email)
    .bind(&password_hash)
    .bind(now)
    .bind(Col(language))
    .fetch_one(&mut *c)
    .await?;
    audit(c, Some(id), "account_created", "", ip, now).await?;
    Ok(id)
}

fn link_expired() -> AppError {
    AppError::new(StatusCode::GONE, ErrorCode::LinkExpired, i18n::LINK_EXPIRED)
}
