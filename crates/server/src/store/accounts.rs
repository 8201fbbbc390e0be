//! `accounts`: the person's e-mail, password hash, language, and the wrong-code count
//! behind the lockout; and `audit_log`, the security events.

use super::{Col, Conn, Flag, StoreResult};
use phone_mfa_contract::Language;
use sqlx::Row;

/// What the session view shows of an account.
pub struct Profile {
    pub email: String,
    pub mfa_required: bool,
    pub language: Language,
    pub epcs_prescriber: bool,
}

pub async fn profile(c: &mut Conn, account_id: i64) -> StoreResult<Profile> {
    let row =
        sqlx::query("SELECT email, mfa_required, language, epcs_prescriber FROM accounts WHERE id = $1")
            .bind(account_id)
            .fetch_one(&mut *c)
            .await?;
    Ok(Profile {
        email: row.try_get(0)?,
        mfa_required: row.try_get::<Flag, _>(1)?.0,
        language: row.try_get::<Col<Language>, _>(2)?.0,
        epcs_prescriber: row.try_get::<Flag, _>(3)?.0,
    })
}

/// A new account; returns its id.
pub struct NewAccount<'a> {
    pub email: &'a str,
    pub password_hash: &'a str,
    pub language: Language,
    pub epcs_prescriber: bool,
    pub mfa_required: bool,
}

pub async fn create(c: &mut Conn, a: &NewAccount<'_>, now: i64) -> StoreResult<i64> {
    sqlx::query_scalar(
        "INSERT INTO accounts (email, password_hash, language, epcs_prescriber, mfa_required, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(a.email)
    .bind(a.password_hash)
    .bind(Col(a.language))
    .bind(a.epcs_prescriber)
    .bind(a.mfa_required)
    .bind(now)
    .fetch_one(&mut *c)
    .await
}

/// The account an e-mail address belongs to, whatever its case.
pub async fn id_for_email(c: &mut Conn, email: &str) -> StoreResult<Option<i64>> {
    sqlx::query_scalar("SELECT id FROM accounts WHERE lower(email) = lower($1)")
        .bind(email)
        .fetch_optional(&mut *c)
        .await
}

/// The account an e-mail address belongs to, and its password hash.
pub async fn password_hash_for(c: &mut Conn, email: &str) -> StoreResult<Option<(i64, String)>> {
    let row = sqlx::query("SELECT id, password_hash FROM accounts WHERE lower(email) = lower($1)")
        .bind(email)
        .fetch_optional(&mut *c)
        .await?;
    row.map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).transpose()
}

/// The account an e-mail address belongs to, and the language it reads.
pub async fn language_for_email(c: &mut Conn, email: &str) -> StoreResult<Option<(i64, Language)>> {
    let row = sqlx::query("SELECT id, language FROM accounts WHERE lower(email) = lower($1)")
        .bind(email)
        .fetch_optional(&mut *c)
        .await?;
    row.map(|r| Ok((r.try_get(0)?, r.try_get::<Col<Language>, _>(1)?.0)))
        .transpose()
}

pub async fn set_language(c: &mut Conn, account_id: i64, language: Language) -> StoreResult<()> {
    sqlx::query("UPDATE accounts SET language = $1 WHERE id = $2")
        .bind(Col(language))
        .bind(account_id)
        .execute(&mut *c)
        .await
        .map(|_| ())
}

/// Wrong codes so far and the end of the lockout (0: not locked).
pub async fn code_failures(c: &mut Conn, account_id: i64) -> StoreResult<(i64, i64)> {
    let row = sqlx::query("SELECT failed_codes, locked_until FROM accounts WHERE id = $1")
        .bind(account_id)
        .fetch_one(&mut *c)
        .await?;
    Ok((row.try_get(0)?, row.try_get(1)?))
}

/// Counts one more wrong code; returns the count.
pub async fn add_code_failure(c: &mut Conn, account_id: i64) -> StoreResult<i64> {
    sqlx::query_scalar(
        "UPDATE accounts SET failed_codes = failed_codes + 1 WHERE id = $1 RETURNING failed_codes",
    )
    .bind(account_id)
    .fetch_one(&mut *c)
    .await
}

pub async fn lock_codes_until(c: &mut Conn, account_id: i64, until: i64) -> StoreResult<()> {
    sqlx::query("UPDATE accounts SET locked_until = $1 WHERE id = $2")
        .bind(until)
        .bind(account_id)
        .execute(&mut *c)
        .await
        .map(|_| ())
}

pub async fn clear_code_failures(c: &mut Conn, account_id: i64) -> StoreResult<()> {
    sqlx::query("UPDATE accounts SET failed_codes = 0, locked_until = 0 WHERE id = $1")
        .bind(account_id)
        .execute(&mut *c)
        .await
        .map(|_| ())
}

/// One row of the audit log.
pub async fn audit(
    c: &mut Conn,
    account_id: Option<i64>,
    event: &str,
    detail: &str,
    ip: &str,
    now: i64,
) -> StoreResult<()> {
    sqlx::query("INSERT INTO audit_log (account_id, event, detail, ip, at) VALUES ($1, $2, $3, $4, $5)")
        .bind(account_id)
        .bind(event)
        .bind(detail)
        .bind(ip)
        .bind(now)
        .execute(&mut *c)
        .await
        .map(|_| ())
}

/// Until when method changes are paused after a reported change (0: never paused).
pub async fn changes_paused_until(c: &mut Conn, account_id: i64) -> StoreResult<i64> {
    sqlx::query_scalar("SELECT changes_paused_until FROM accounts WHERE id = $1")
        .bind(account_id)
        .fetch_one(&mut *c)
        .await
}

pub async fn pause_changes_until(c: &mut Conn, account_id: i64, until: i64) -> StoreResult<()> {
    sqlx::query("UPDATE accounts SET changes_paused_until = $1 WHERE id = $2")
        .bind(until)
        .bind(account_id)
        .execute(&mut *c)
        .await
        .map(|_| ())
}
