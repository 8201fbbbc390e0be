//! Account rules that several flows share: the methods a session may touch, the
//! session view, the re-authentication window, the wrong-code lockout, the audit log.
//! All run inside the caller's write transaction.

use crate::error::{AppError, AppResult};
use crate::http::extract::Session;
use crate::i18n;
use crate::store::{self, Conn, StoreResult};
use axum::http::StatusCode;
use phone_mfa_contract::policy::{LOCKOUT_SECS, MAX_WRONG_CODES, REAUTH_WINDOW_SECS};
use phone_mfa_contract::{ErrorCode, SessionStage, SessionView};

pub use store::methods::MethodRow;

/// One of the account's methods, or 404 (someone else's id looks the same as none).
pub async fn method(c: &mut Conn, account_id: i64, id: i64) -> AppResult<MethodRow> {
    store::methods::list(c, account_id)
        .await?
        .into_iter()
        .find(|m| m.id == id)
        .ok_or_else(|| AppError::not_found(i18n::METHOD_NOT_ON_ACCOUNT))
}

/// Removes a method of the account (the caller has checked it is not the last one);
/// if it was the default, the next one in `methods` becomes the default.
pub async fn remove_method(
    c: &mut Conn,
    account_id: i64,
    method: &MethodRow,
    methods: &[MethodRow],
) -> StoreResult<()> {
    store::methods::delete(c, account_id, method.id).await?;
    if method.is_default {
        if let Some(next) = methods.iter().find(|m| m.id != method.id) {
            store::methods::make_default(c, account_id, next.id).await?;
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
    let profile = store::accounts::profile(c, account_id).await?;
    let signed_in = stage == SessionStage::SignedIn;
    Ok(SessionView {
        email: profile.email,
        stage,
        mfa_required: profile.mfa_required,
        reauth_valid_for_s: if stage == SessionStage::SignedIn {
            reauth_left(last_factor_at, now)
        } else {
            0
        },
        methods: store::methods::list(c, account_id)
            .await?
            .iter()
            .map(MethodRow::view)
            .collect(),
        language: profile.language,
        // A prescriber of controlled substances may not use text or call codes (EPCS).
        phone_allowed: !profile.epcs_prescriber,
        // Only to a session that passed the second factor (or the remembered browser):
        // a password alone learns nothing of the account's other ways in.
        recovery_codes_left: if signed_in {
            count(store::recovery_codes::count_left(c, account_id).await?)
        } else {
            0
        },
        remembered_browsers: if signed_in {
            store::remembered_browsers::list(c, account_id, now).await?
        } else {
            Vec::new()
        },
    })
}

/// A count read from the database, as the `u32` the API speaks.
pub fn count(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

/// Refuses every code while the account is locked, the right one included, with the
/// same answer. Returns the attempts left otherwise; an expired lockout is cleared.
pub async fn check_not_locked(c: &mut Conn, account_id: i64, now: i64) -> AppResult<u32> {
    let (failed, locked_until) = store::accounts::code_failures(c, account_id).await?;
    if locked_until > now {
        return Err(locked_out(locked_until - now));
    }
    if locked_until != 0 {
        store::accounts::clear_code_failures(c, account_id).await?;
        return Ok(MAX_WRONG_CODES);
    }
    Ok(MAX_WRONG_CODES.saturating_sub(count(failed)))
}

pub fn locked_out(retry_after_s: i64) -> AppError {
    let minutes = (retry_after_s + 59) / 60;
    AppError::too_many(ErrorCode::LockedOut, i18n::locked_out(minutes), retry_after_s)
}

/// Which kind of code was wrong. All count against one budget; the audit log says which,
/// so whoever reads a run of failures sees what was being guessed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WrongCode {
    /// A code sent by text message or phone call.
    Phone,
    /// An authenticator app's code, at sign-in or re-authentication.
    App,
    /// The first code of an app being set up.
    AppSetup,
    /// A recovery code.
    Recovery,
}

impl WrongCode {
    pub fn as_str(self) -> &'static str {
        match self {
            WrongCode::Phone => "phone",
            WrongCode::App => "app",
            WrongCode::AppSetup => "app_setup",
            WrongCode::Recovery => "recovery_code",
        }
    }
}

/// Counts a wrong code; the tenth locks the account for ten minutes. Returns the
/// answer for the person (which the caller commits with the count).
pub async fn record_wrong_code(
    c: &mut Conn,
    account_id: i64,
    kind: WrongCode,
    now: i64,
    ip: &str,
) -> AppResult<AppError> {
    let failed = count(store::accounts::add_code_failure(c, account_id).await?);
    audit(
        c,
        Some(account_id),
        "code_wrong",
        &format!("kind={} failures={failed}", kind.as_str()),
        ip,
        now,
    )
    .await?;
    if failed >= MAX_WRONG_CODES {
        store::accounts::lock_codes_until(c, account_id, now + LOCKOUT_SECS).await?;
        crate::metrics::locked_out();
        audit(c, Some(account_id), "account_locked", "", ip, now).await?;
        return Ok(locked_out(LOCKOUT_SECS));
    }
    let mut err = AppError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        ErrorCode::CodeWrong,
        i18n::error(ErrorCode::CodeWrong),
    )
    .field("code");
    err.body.attempts_left = Some(MAX_WRONG_CODES - failed);
    Ok(err)
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
    store::accounts::audit(c, account_id, event, detail, ip, now).await
}
