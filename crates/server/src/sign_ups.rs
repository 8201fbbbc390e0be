//! Sign-up by e-mail link (rule A9): the answer never says whether an address has an
//! account. A new address gets a single-use link to continue; an address with an
//! account gets a notice. Sign-up e-mails are limited per address and per IP, the same
//! for every address, so sign-up cannot flood a mailbox and the limit tells nothing.

use crate::accounts::audit;
use crate::columns::Col;
use crate::couriers::Notice;
use crate::error::{AppError, AppResult};
use crate::i18n;
use crate::secrets::{new_token, token_hash};
use axum::http::StatusCode;
use phone_mfa_contract::policy::{
    SIGN_UP_EMAILS_PER_ADDRESS, SIGN_UP_EMAIL_WINDOW_SECS, SIGN_UP_LINK_TTL_SECS,
};
use phone_mfa_contract::{ErrorCode, Language};
use rusqlite::{params, OptionalExtension, Transaction};

/// Refuses a sign-up e-mail over its limits (same answer for every address), else
/// counts it. Counted before the hash, in one transaction, so a burst cannot overshoot.
pub fn count_email(tx: &Transaction, address_fp: &str, ip: &str, per_ip: u32, now: i64) -> AppResult<()> {
    let since = now - SIGN_UP_EMAIL_WINDOW_SECS;
    for (column, value, max) in [
        ("address_fp", address_fp, SIGN_UP_EMAILS_PER_ADDRESS),
        ("ip", ip, per_ip),
    ] {
        let (count, oldest): (u32, Option<i64>) = tx.query_row(
            &format!(
                "SELECT COUNT(*), MIN(sent_at) FROM sign_up_emails WHERE {column} = ?1 AND sent_at > ?2"
            ),
            params![value, since],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        if count >= max {
            let retry = oldest.map_or(SIGN_UP_EMAIL_WINDOW_SECS, |t| t + SIGN_UP_EMAIL_WINDOW_SECS - now);
            return Err(AppError::too_many(
                ErrorCode::RateLimited,
                i18n::sign_up_emails_held(retry),
                retry,
            ));
        }
    }
    tx.execute(
        "INSERT INTO sign_up_emails (address_fp, ip, sent_at) VALUES (?1, ?2, ?3)",
        params![address_fp, ip, now],
    )?;
    Ok(())
}

/// The e-mail a sign-up sends: for a new address, a link to continue (its token stored
/// only as SHA-256); for an address with an account, a notice in the account's language.
pub fn request(
    tx: &Transaction,
    email: &str,
    password_hash: &str,
    language: Language,
    host: &str,
    ip: &str,
    now: i64,
) -> AppResult<Notice> {
    let owner: Option<(i64, Col<Language>)> = tx
        .query_row(
            "SELECT id, language FROM accounts WHERE email = ?1",
            [email],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let (subject, body) = match owner {
        Some((id, Col(account_language))) => {
            audit(tx, Some(id), "sign_up_for_existing_account", "", ip, now)?;
            i18n::sign_up_taken_email(account_language, host)
        }
        None => {
            let token = new_token(32);
            tx.execute(
                "INSERT INTO sign_up_links (token_hash, email, password_hash, language, created_at, expires_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![token_hash(&token), email, password_hash, Col(language), now, now + SIGN_UP_LINK_TTL_SECS],
            )?;
            audit(tx, None, "sign_up_link_sent", "", ip, now)?;
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
pub fn confirm(tx: &Transaction, token_hash: &[u8], ip: &str, now: i64) -> AppResult<i64> {
    let link: Option<(String, String, Col<Language>, i64)> = tx
        .query_row(
            "SELECT email, password_hash, language, expires_at FROM sign_up_links WHERE token_hash = ?1",
            [token_hash],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    let Some((email, password_hash, language, _)) = link.filter(|(_, _, _, expires_at)| *expires_at > now)
    else {
        return Err(link_expired());
    };
    tx.execute("DELETE FROM sign_up_links WHERE email = ?1", [&email])?;
    // Checked again here: another link for this address may have made the account
    // since this e-mail was sent.
    let taken = tx
        .query_row("SELECT 1 FROM accounts WHERE email = ?1", [&email], |_| Ok(()))
        .optional()?
        .is_some();
    if taken {
        return Err(link_expired());
    }
    let id: i64 = tx.query_row(
        "INSERT INTO accounts (email, password_hash, created_at, language) VALUES (?1, ?2, ?3, ?4) RETURNING id",
        params![email, password_hash, now, language],
        |r| r.get(0),
    )?;
    audit(tx, Some(id), "account_created", "", ip, now)?;
    Ok(id)
}

fn link_expired() -> AppError {
    AppError::new(StatusCode::GONE, ErrorCode::LinkExpired, i18n::LINK_EXPIRED)
}
