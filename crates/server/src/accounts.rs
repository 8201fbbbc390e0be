//! Account rules that several flows share: methods, session views, the wrong-code
//! lockout, the audit log. All run inside the caller's write transaction.

use crate::error::{AppError, AppResult};
use crate::extract::Session;
use crate::i18n;
use crate::store::{Col, Conn, Flag, StoreResult};
use axum::http::StatusCode;
use phone_mfa_contract::phone::{mask_e164, Channels};
use phone_mfa_contract::policy::{LOCKOUT_SECS, MAX_WRONG_CODES, REAUTH_WINDOW_SECS};
use phone_mfa_contract::{Channel, ErrorCode, Language, MethodKind, MethodView, SessionStage, SessionView};
use sqlx::Row;

#[derive(Debug, Clone)]
pub struct MethodRow {
    pub id: i64,
    pub kind: MethodKind,
    pub phone_e164: Option<String>,
    pub sms_ok: bool,
    pub default_channel: Option<Channel>,
    pub totp_secret: Option<String>,
    pub totp_last_step: i64,
    pub is_default: bool,
    pub created_at: i64,
}

impl MethodRow {
    pub fn view(&self) -> MethodView {
        MethodView {
            id: self.id,
            kind: self.kind,
            masked_phone: self.phone_e164.as_deref().map(mask_e164),
            default_channel: self.default_channel,
            channels: (self.kind == MethodKind::Phone).then_some(Channels {
                sms: self.sms_ok,
                voice: true,
            }),
            is_default: self.is_default,
            created_at: self.created_at,
        }
    }
}

pub async fn methods(c: &mut Conn, account_id: i64) -> StoreResult<Vec<MethodRow>> {
    let rows = sqlx::query(
        "SELECT id, kind, phone_e164, sms_ok, default_channel, totp_secret, totp_last_step, is_default, created_at
         FROM methods WHERE account_id = $1 ORDER BY is_default DESC, id",
    )
    .bind(account_id)
    .fetch_all(&mut *c)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(MethodRow {
                id: r.try_get(0)?,
                kind: r.try_get::<Col<MethodKind>, _>(1)?.0,
                phone_e164: r.try_get(2)?,
                sms_ok: r.try_get::<Flag, _>(3)?.0,
                default_channel: r.try_get::<Option<Col<Channel>>, _>(4)?.map(|c| c.0),
                totp_secret: r.try_get(5)?,
                totp_last_step: r.try_get(6)?,
                is_default: r.try_get::<Flag, _>(7)?.0,
                created_at: r.try_get(8)?,
            })
        })
        .collect()
}

pub async fn method(c: &mut Conn, account_id: i64, id: i64) -> AppResult<MethodRow> {
    methods(c, account_id)
        .await?
        .into_iter()
        .find(|m| m.id == id)
        .ok_or_else(|| AppError::not_found(i18n::METHOD_NOT_ON_ACCOUNT))
}

/// Adds a confirmed phone to the account; returns the method's id.
pub async fn add_phone(
    c: &mut Conn,
    account_id: i64,
    e164: &str,
    sms_ok: bool,
    channel: Channel,
    is_default: bool,
    now: i64,
) -> StoreResult<i64> {
    sqlx::query_scalar(
        "INSERT INTO methods (account_id, kind, phone_e164, sms_ok, default_channel, is_default, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(account_id)
    .bind(Col(MethodKind::Phone))
    .bind(e164)
    .bind(sms_ok)
    .bind(Col(channel))
    .bind(is_default)
    .bind(now)
    .fetch_one(&mut *c)
    .await
}

/// A phone method's new, confirmed number (rule A4).
pub async fn change_phone(
    c: &mut Conn,
    account_id: i64,
    method_id: i64,
    e164: &str,
    sms_ok: bool,
    default_channel: Channel,
) -> StoreResult<()> {
    sqlx::query("UPDATE methods SET phone_e164 = $1, sms_ok = $2, default_channel = $3 WHERE id = $4 AND account_id = $5")
        .bind(e164)
        .bind(sms_ok)
        .bind(Col(default_channel))
        .bind(method_id)
        .bind(account_id)
        .execute(&mut *c)
        .await
        .map(|_| ())
}

/// The authenticator-app time step just accepted: no code of it or before is accepted again.
pub async fn use_totp_step(c: &mut Conn, method_id: i64, step: i64) -> StoreResult<()> {
    sqlx::query("UPDATE methods SET totp_last_step = $1 WHERE id = $2")
        .bind(step)
        .bind(method_id)
        .execute(&mut *c)
        .await
        .map(|_| ())
}

/// Text or call, for a phone method of the account.
pub async fn set_default_channel(
    c: &mut Conn,
    account_id: i64,
    method_id: i64,
    channel: Channel,
) -> StoreResult<()> {
    sqlx::query("UPDATE methods SET default_channel = $1 WHERE id = $2 AND account_id = $3")
        .bind(Col(channel))
        .bind(method_id)
        .bind(account_id)
        .execute(&mut *c)
        .await
        .map(|_| ())
}

/// The method offered first at sign-in; exactly one of the account's is.
pub async fn make_default(c: &mut Conn, account_id: i64, method_id: i64) -> StoreResult<()> {
    sqlx::query("UPDATE methods SET is_default = (id = $1) WHERE account_id = $2")
        .bind(method_id)
        .bind(account_id)
        .execute(&mut *c)
        .await
        .map(|_| ())
}

/// Removes a method of the account (the caller has checked it is not the last one);
/// if it was the default, the next one in `methods` becomes the default.
pub async fn remove_method(
    c: &mut Conn,
    account_id: i64,
    method: &MethodRow,
    methods: &[MethodRow],
) -> StoreResult<()> {
    sqlx::query("DELETE FROM methods WHERE id = $1 AND account_id = $2")
        .bind(method.id)
        .bind(account_id)
        .execute(&mut *c)
        .await?;
    if method.is_default {
        if let Some(next) = methods.iter().find(|m| m.id != method.id) {
            make_default(c, account_id, next.id).await?;
        }
    }
    Ok(())
}

pub fn reauth_left(last_factor_at: i64, now: i64) -> i64 {
    (last_factor_at + REAUTH_WINDOW_SECS - now).max(0)
}

/// Adding, changing or removing a method needs a second factor in the last 20 minutes.
pub fn require_recent_factor(session: &Session, now: i64) -> AppResult<()> {
    session.require_signed_in()?;
    if reauth_left(session.last_factor_at, now) > 0 {
        Ok(())
    } else {
        Err(AppError::reauth_required())
    }
}

pub async fn session_view(
    c: &mut Conn,
    account_id: i64,
    stage: SessionStage,
    last_factor_at: i64,
    now: i64,
) -> AppResult<SessionView> {
    let row = sqlx::query("SELECT email, mfa_required, language FROM accounts WHERE id = $1")
        .bind(account_id)
        .fetch_one(&mut *c)
        .await?;
    let email: String = row.try_get(0)?;
    let Flag(mfa_required) = row.try_get(1)?;
    let Col(language) = row.try_get::<Col<Language>, _>(2)?;
    Ok(SessionView {
        email,
        stage,
        mfa_required,
        reauth_valid_for_s: if stage == SessionStage::SignedIn {
            reauth_left(last_factor_at, now)
        } else {
            0
        },
        methods: methods(c, account_id)
            .await?
            .iter()
            .map(MethodRow::view)
            .collect(),
        language,
    })
}

/// Refuses every code while the account is locked, the right one included, with the
/// same answer. Returns the attempts left otherwise; an expired lockout is cleared.
pub async fn check_not_locked(c: &mut Conn, account_id: i64, now: i64) -> AppResult<u32> {
    let row = sqlx::query("SELECT failed_codes, locked_until FROM accounts WHERE id = $1")
        .bind(account_id)
        .fetch_one(&mut *c)
        .await?;
    let failed: i64 = row.try_get(0)?;
    let locked_until: i64 = row.try_get(1)?;
    if locked_until > now {
        return Err(locked_out(locked_until - now));
    }
    if locked_until != 0 {
        reset_failures(c, account_id).await?;
        return Ok(MAX_WRONG_CODES);
    }
    Ok(MAX_WRONG_CODES.saturating_sub(count(failed)))
}

/// A count read from the database, as the `u32` the API speaks.
pub fn count(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

pub fn locked_out(retry_after_s: i64) -> AppError {
    let minutes = (retry_after_s + 59) / 60;
    AppError::too_many(ErrorCode::LockedOut, i18n::locked_out(minutes), retry_after_s)
}

/// Counts a wrong code; the tenth locks the account for ten minutes.
pub async fn record_wrong_code(c: &mut Conn, account_id: i64, now: i64, ip: &str) -> AppResult<AppError> {
    let failed: i64 = sqlx::query_scalar(
        "UPDATE accounts SET failed_codes = failed_codes + 1 WHERE id = $1 RETURNING failed_codes",
    )
    .bind(account_id)
    .fetch_one(&mut *c)
    .await?;
    let failed = count(failed);
    audit(
        c,
        Some(account_id),
        "code_wrong",
        &format!("failures={failed}"),
        ip,
        now,
    )
    .await?;
    if failed >= MAX_WRONG_CODES {
        sqlx::query("UPDATE accounts SET locked_until = $1 WHERE id = $2")
            .bind(now + LOCKOUT_SECS)
            .bind(account_id)
            .execute(&mut *c)
            .await?;
        audit(c, Some(account_id), "account_locked", "", ip, now).await?;
        return Ok(locked_out(LOCKOUT_SECS));
    }
    let left = MAX_WRONG_CODES - failed;
    let mut err = AppError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        ErrorCode::CodeWrong,
        i18n::CODE_WRONG,
    )
    .field("code");
    err.body.attempts_left = Some(left);
    Ok(err)
}

pub async fn reset_failures(c: &mut Conn, account_id: i64) -> StoreResult<()> {
    sqlx::query("UPDATE accounts SET failed_codes = 0, locked_until = 0 WHERE id = $1")
        .bind(account_id)
        .execute(&mut *c)
        .await
        .map(|_| ())
}

/// Records a security event in the audit log and in the structured log. `detail` must
/// never hold a code, a password, a token or a full phone number.
pub async fn audit(
    c: &mut Conn,
    account_id: Option<i64>,
    event: &str,
    detail: &str,
    ip: &str,
    now: i64,
) -> StoreResult<()> {
    tracing::info!(target: "audit", account_id, event, detail, ip);
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

/// The account an e-mail address belongs to (whatever its case), and its password hash.
pub async fn password_hash_for(c: &mut Conn, email: &str) -> StoreResult<Option<(i64, String)>> {
    let row = sqlx::query("SELECT id, password_hash FROM accounts WHERE lower(email) = lower($1)")
        .bind(email)
        .fetch_optional(&mut *c)
        .await?;
    row.map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).transpose()
}

/// The language texts, calls and e-mails to the account are written in.
pub async fn set_language(c: &mut Conn, account_id: i64, language: Language) -> StoreResult<()> {
    sqlx::query("UPDATE accounts SET language = $1 WHERE id = $2")
        .bind(Col(language))
        .bind(account_id)
        .execute(&mut *c)
        .await
        .map(|_| ())
}

pub async fn account_email(c: &mut Conn, account_id: i64) -> StoreResult<Option<String>> {
    sqlx::query_scalar("SELECT email FROM accounts WHERE id = $1")
        .bind(account_id)
        .fetch_optional(&mut *c)
        .await
}
