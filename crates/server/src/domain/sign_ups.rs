//! Sign-up by e-mail link (rule A9): the answer never says whether an address has an
//! account. A new address gets a single-use link to continue; an address with an
//! account gets a notice. Sign-up e-mails are limited per address and per IP, the same
//! for every address, so sign-up cannot flood a mailbox and the limit tells nothing.

use crate::couriers::Notice;
use crate::domain::accounts::{audit, count};
use crate::error::{AppError, AppResult};
use crate::i18n;
use crate::secrets::{new_token, token_hash};
use crate::store::sign_ups::Link;
use crate::store::{self, Conn};
use axum::http::StatusCode;
use phone_mfa_contract::policy::{
    SIGN_UP_EMAILS_PER_ADDRESS, SIGN_UP_EMAIL_WINDOW_SECS, SIGN_UP_LINK_TTL_SECS,
};
use phone_mfa_contract::{ErrorCode, Language};

/// Refuses a sign-up e-mail over its limits (same answer for every address), else
/// counts it. Counted before the hash, in one transaction holding both keys, so a
/// burst cannot overshoot, on one server or many.
pub async fn count_email(c: &mut Conn, address_fp: &str, ip: &str, per_ip: u32, now: i64) -> AppResult<()> {
    let since = now - SIGN_UP_EMAIL_WINDOW_SECS;
    let keys = [
        format!("sign-up-address:{address_fp}"),
        format!("sign-up-ip:{ip}"),
    ];
    store::lock_keys(c, &[&keys[0], &keys[1]]).await?;
    for (by_address, value, max) in [
        (true, address_fp, SIGN_UP_EMAILS_PER_ADDRESS),
        (false, ip, per_ip),
    ] {
        let (sent, oldest) = store::sign_ups::emails_since(c, by_address, value, since).await?;
        if count(sent) >= max {
            let retry = oldest.map_or(SIGN_UP_EMAIL_WINDOW_SECS, |t| t + SIGN_UP_EMAIL_WINDOW_SECS - now);
            return Err(AppError::too_many(
                ErrorCode::RateLimited,
                i18n::sign_up_emails_held(retry),
                retry,
            ));
        }
    }
    store::sign_ups::record_email(c, address_fp, ip, now).await?;
    Ok(())
}

/// The e-mail a sign-up sends: for a new address, a link to continue (its token stored
/// only as SHA-256); for an address with an account, a notice in the account's language.
pub async fn request(
    c: &mut Conn,
    email: &str,
    password_hash: &str,
    language: Language,
    origin: &str,
    ip: &str,
    now: i64,
) -> AppResult<Notice> {
    let (subject, body) = match store::accounts::language_for_email(c, email).await? {
        Some((id, account_language)) => {
            audit(c, Some(id), "sign_up_for_existing_account", "", ip, now).await?;
            i18n::sign_up_taken_email(account_language, origin)
        }
        None => {
            let token = new_token(32);
            let link = Link {
                email: email.to_owned(),
                password_hash: password_hash.to_owned(),
                language,
                expires_at: now + SIGN_UP_LINK_TTL_SECS,
            };
            store::sign_ups::insert_link(c, &token_hash(&token), &link, now).await?;
            audit(c, None, "sign_up_link_sent", "", ip, now).await?;
            i18n::sign_up_link_email(language, origin, &token)
        }
    };
    Ok(Notice {
        to_email: email.to_owned(),
        subject,
        body,
    })
}

/// The link was opened: creates the account with the password chosen at sign-up and
/// returns its id. The link works once; every other link for the address dies with it.
pub async fn confirm(c: &mut Conn, token_hash: &[u8], ip: &str, now: i64) -> AppResult<i64> {
    let Some(link) = store::sign_ups::find_link(c, token_hash).await? else {
        return Err(link_expired());
    };
    // One confirmation per address at a time, on every server: the checks below and
    // the insert are then exact.
    store::lock_keys(c, &[&format!("sign-up-confirm:{}", link.email.to_lowercase())]).await?;
    if link.expires_at <= now {
        return Err(link_expired());
    }
    let deleted = store::sign_ups::delete_links_for(c, &link.email).await?;
    // Checked again here: another link for this address may have made the account
    // since this e-mail was sent, or this very link may have been used meanwhile.
    if deleted == 0 || store::accounts::id_for_email(c, &link.email).await?.is_some() {
        return Err(link_expired());
    }
    let account = store::accounts::NewAccount {
        email: &link.email,
        password_hash: &link.password_hash,
        language: link.language,
        epcs_prescriber: false,
        mfa_required: false,
    };
    let id = store::accounts::create(c, &account, now).await?;
    audit(c, Some(id), "account_created", "", ip, now).await?;
    Ok(id)
}

fn link_expired() -> AppError {
    AppError::new(
        StatusCode::GONE,
        ErrorCode::LinkExpired,
        i18n::error(ErrorCode::LinkExpired),
    )
}
