//! Account rules that several flows share: methods, session views, the wrong-code
//! lockout, the audit log. All run inside the caller's write transaction.

use crate::columns::Col;
use crate::error::{AppError, AppResult};
use crate::extract::Session;
use crate::i18n;
use axum::http::StatusCode;
use phone_mfa_contract::phone::{mask_e164, Channels};
use phone_mfa_contract::policy::{LOCKOUT_SECS, MAX_WRONG_CODES, REAUTH_WINDOW_SECS};
use phone_mfa_contract::{Channel, ErrorCode, Language, MethodKind, MethodView, SessionStage, SessionView};
use rusqlite::{params, OptionalExtension, Transaction};

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

pub fn methods(tx: &Transaction, account_id: i64) -> rusqlite::Result<Vec<MethodRow>> {
    let mut stmt = tx.prepare(
        "SELECT id, kind, phone_e164, sms_ok, default_channel, totp_secret, totp_last_step, is_default, created_at
         FROM methods WHERE account_id = ?1 ORDER BY is_default DESC, id",
    )?;
    let rows = stmt.query_map([account_id], |r| {
        Ok(MethodRow {
            id: r.get(0)?,
            kind: r.get::<_, Col<MethodKind>>(1)?.0,
            phone_e164: r.get(2)?,
            sms_ok: r.get(3)?,
            default_channel: r.get::<_, Option<Col<Channel>>>(4)?.map(|c| c.0),
            totp_secret: r.get(5)?,
            totp_last_step: r.get(6)?,
            is_default: r.get(7)?,
            created_at: r.get(8)?,
        })
    })?;
    rows.collect()
}

pub fn method(tx: &Transaction, account_id: i64, id: i64) -> AppResult<MethodRow> {
    methods(tx, account_id)?
        .into_iter()
        .find(|m| m.id == id)
        .ok_or_else(|| AppError::not_found(i18n::METHOD_NOT_ON_ACCOUNT))
}

/// Adds a confirmed phone to the account; returns the method's id.
pub fn add_phone(
    tx: &Transaction,
    account_id: i64,
    e164: &str,
    sms_ok: bool,
    channel: Channel,
    is_default: bool,
    now: i64,
) -> rusqlite::Result<i64> {
    tx.query_row(
        "INSERT INTO methods (account_id, kind, phone_e164, sms_ok, default_channel, is_default, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
        params![
            account_id,
            Col(MethodKind::Phone),
            e164,
            sms_ok,
            Col(channel),
            is_default,
            now
        ],
        |r| r.get(0),
    )
}

/// A phone method's new, confirmed number (rule A4).
pub fn change_phone(
    tx: &Transaction,
    account_id: i64,
    method_id: i64,
    e164: &str,
    sms_ok: bool,
    default_channel: Channel,
) -> rusqlite::Result<()> {
    tx.execute(
        "UPDATE methods SET phone_e164 = ?1, sms_ok = ?2, default_channel = ?3 WHERE id = ?4 AND account_id = ?5",
        params![e164, sms_ok, Col(default_channel), method_id, account_id],
    )
    .map(|_| ())
}

/// The authenticator-app time step just accepted: no code of it or before is accepted again.
pub fn use_totp_step(tx: &Transaction, method_id: i64, step: i64) -> rusqlite::Result<()> {
    tx.execute(
        "UPDATE methods SET totp_last_step = ?1 WHERE id = ?2",
        params![step, method_id],
    )
    .map(|_| ())
}

/// Text or call, for a phone method of the account.
pub fn set_default_channel(
    tx: &Transaction,
    account_id: i64,
    method_id: i64,
    channel: Channel,
) -> rusqlite::Result<()> {
    tx.execute(
        "UPDATE methods SET default_channel = ?1 WHERE id = ?2 AND account_id = ?3",
        params![Col(channel), method_id, account_id],
    )
    .map(|_| ())
}

/// The method offered first at sign-in; exactly one of the account's is.
pub fn make_default(tx: &Transaction, account_id: i64, method_id: i64) -> rusqlite::Result<()> {
    tx.execute(
        "UPDATE methods SET is_default = (id = ?1) WHERE account_id = ?2",
        params![method_id, account_id],
    )
    .map(|_| ())
}

/// Removes a method of the account (the caller has checked it is not the last one);
/// if it was the default, the next one in `methods` becomes the default.
pub fn remove_method(
    tx: &Transaction,
    account_id: i64,
    method: &MethodRow,
    methods: &[MethodRow],
) -> rusqlite::Result<()> {
    tx.execute(
        "DELETE FROM methods WHERE id = ?1 AND account_id = ?2",
        params![method.id, account_id],
    )?;
    if method.is_default {
        if let Some(next) = methods.iter().find(|m| m.id != method.id) {
            make_default(tx, account_id, next.id)?;
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

pub fn session_view(
    tx: &Transaction,
    account_id: i64,
    stage: SessionStage,
    last_factor_at: i64,
    now: i64,
) -> AppResult<SessionView> {
    let (email, mfa_required, Col(language)): (String, bool, Col<Language>) = tx.query_row(
        "SELECT email, mfa_required, language FROM accounts WHERE id = ?1",
        [account_id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    Ok(SessionView {
        email,
        stage,
        mfa_required,
        reauth_valid_for_s: if stage == SessionStage::SignedIn {
            reauth_left(last_factor_at, now)
        } else {
            0
        },
        methods: methods(tx, account_id)?.iter().map(MethodRow::view).collect(),
        language,
    })
}

/// Refuses every code while the account is locked, the right one included, with the
/// same answer. Returns the attempts left otherwise; an expired lockout is cleared.
pub fn check_not_locked(tx: &Transaction, account_id: i64, now: i64) -> AppResult<u32> {
    let (failed, locked_until): (u32, i64) = tx.query_row(
        "SELECT failed_codes, locked_until FROM accounts WHERE id = ?1",
        [account_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    if locked_until > now {
        return Err(locked_out(locked_until - now));
    }
    if locked_until != 0 {
        tx.execute(
            "UPDATE accounts SET failed_codes = 0, locked_until = 0 WHERE id = ?1",
            [account_id],
        )?;
        return Ok(MAX_WRONG_CODES);
    }
    Ok(MAX_WRONG_CODES.saturating_sub(failed))
}

pub fn locked_out(retry_after_s: i64) -> AppError {
    let minutes = (retry_after_s + 59) / 60;
    AppError::too_many(ErrorCode::LockedOut, i18n::locked_out(minutes), retry_after_s)
}

/// Counts a wrong code; the tenth locks the account for ten minutes.
pub fn record_wrong_code(tx: &Transaction, account_id: i64, now: i64, ip: &str) -> AppResult<AppError> {
    let failed: u32 = tx.query_row(
        "UPDATE accounts SET failed_codes = failed_codes + 1 WHERE id = ?1 RETURNING failed_codes",
        [account_id],
        |r| r.get(0),
    )?;
    audit(
        tx,
        Some(account_id),
        "code_wrong",
        &format!("failures={failed}"),
        ip,
        now,
    )?;
    if failed >= MAX_WRONG_CODES {
        tx.execute(
            "UPDATE accounts SET locked_until = ?1 WHERE id = ?2",
            params![now + LOCKOUT_SECS, account_id],
        )?;
        audit(tx, Some(account_id), "account_locked", "", ip, now)?;
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

pub fn reset_failures(tx: &Transaction, account_id: i64) -> rusqlite::Result<()> {
    tx.execute(
        "UPDATE accounts SET failed_codes = 0, locked_until = 0 WHERE id = ?1",
        [account_id],
    )
    .map(|_| ())
}

/// Records a security event in the audit log and in the structured log. `detail` must
/// never hold a code, a password, a token or a full phone number.
pub fn audit(
    tx: &Transaction,
    account_id: Option<i64>,
    event: &str,
    detail: &str,
    ip: &str,
    now: i64,
) -> rusqlite::Result<()> {
    tracing::info!(target: "audit", account_id, event, detail, ip);
    tx.execute(
        "INSERT INTO audit_log (account_id, event, detail, ip, at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![account_id, event, detail, ip, now],
    )
    .map(|_| ())
}

/// The account an e-mail address belongs to, and its password hash.
pub fn password_hash_for(tx: &Transaction, email: &str) -> rusqlite::Result<Option<(i64, String)>> {
    tx.query_row(
        "SELECT id, password_hash FROM accounts WHERE email = ?1",
        [email],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()
}

/// The language texts, calls and e-mails to the account are written in.
pub fn set_language(tx: &Transaction, account_id: i64, language: Language) -> rusqlite::Result<()> {
    tx.execute(
        "UPDATE accounts SET language = ?1 WHERE id = ?2",
        params![Col(language), account_id],
    )
    .map(|_| ())
}

pub fn account_email(tx: &Transaction, account_id: i64) -> rusqlite::Result<Option<String>> {
    tx.query_row("SELECT email FROM accounts WHERE id = ?1", [account_id], |r| {
        r.get(0)
    })
    .optional()
}
