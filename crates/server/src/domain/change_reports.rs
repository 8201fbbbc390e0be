//! "This wasn't me" (issue 17 item 4). Every account-change e-mail carries a link with
//! a single-use token (stored as SHA-256, valid [`CHANGE_REPORT_LINK_TTL_SECS`]). The
//! link's page shows what changed; if the person says it wasn't them, the change is
//! undone, every session of the account ends, methods cannot be changed for
//! [`CHANGES_PAUSED_SECS`], and the audit log records it.
//!
//! Only the e-mail's link carries a token. The text to a number that left the account
//! does not: a number given up is often re-issued to a stranger, who must not be able
//! to put it back on the account.

use crate::couriers::Notice;
use crate::domain::accounts::{self, audit, MethodRow};
use crate::error::{AppError, AppResult};
use crate::http::extract::Session;
use crate::i18n;
use crate::secrets::{is_sealed, new_token, seal, token_hash};
use crate::store::{self, Conn, StoreResult};
use axum::http::StatusCode;
use phone_mfa_contract::phone::mask_e164;
use phone_mfa_contract::policy::{CHANGES_PAUSED_SECS, CHANGE_REPORT_LINK_TTL_SECS, MAX_PHONES_PER_ACCOUNT};
use phone_mfa_contract::{
    AccountChangeView, ChangeReportView, ChangeReportedView, Channel, ErrorCode, MethodKind, UndoOutcome,
};
use serde::{Deserialize, Serialize};

/// A method as it was, enough to put it back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MethodSnapshot {
    kind: MethodKind,
    phone_e164: Option<String>,
    sms_ok: bool,
    default_channel: Option<Channel>,
    totp_secret: Option<String>,
    totp_last_step: i64,
    is_default: bool,
    /// A method put back keeps the date it was first added.
    created_at: i64,
}

impl From<&MethodRow> for MethodSnapshot {
    fn from(m: &MethodRow) -> Self {
        MethodSnapshot {
            kind: m.kind,
            phone_e164: m.phone_e164.clone(),
            sms_ok: m.sms_ok,
            default_channel: m.default_channel,
            totp_secret: m.totp_secret.clone(),
            totp_last_step: m.totp_last_step,
            is_default: m.is_default,
            created_at: m.created_at,
        }
    }
}

/// A change to the account's methods and what undoing it takes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Change {
    PhoneAdded {
        method_id: i64,
        e164: String,
    },
    AppAdded {
        method_id: i64,
    },
    PhoneChanged {
        method_id: i64,
        from: MethodSnapshot,
        to_e164: String,
    },
    MethodRemoved {
        method: MethodSnapshot,
    },
    /// Whoever asked for them holds the new codes: undone by voiding them, which the
    /// report does for every recovery code anyway.
    RecoveryCodesReplaced,
}

impl Change {
    pub fn phone_added(method_id: i64, e164: &str) -> Change {
        Change::PhoneAdded {
            method_id,
            e164: e164.to_owned(),
        }
    }

    pub fn phone_changed(before: &MethodRow, to_e164: &str) -> Change {
        Change::PhoneChanged {
            method_id: before.id,
            from: before.into(),
            to_e164: to_e164.to_owned(),
        }
    }

    pub fn method_removed(method: &MethodRow) -> Change {
        Change::MethodRemoved {
            method: method.into(),
        }
    }

    /// What the owner is told, numbers masked.
    pub fn view(&self) -> AccountChangeView {
        match self {
            Change::PhoneAdded { e164, .. } => AccountChangeView::PhoneAdded {
                masked_phone: mask_e164(e164),
            },
            Change::AppAdded { .. } => AccountChangeView::AppAdded,
            Change::PhoneChanged { from, to_e164, .. } => AccountChangeView::PhoneChanged {
                from_masked: from.phone_e164.as_deref().map(mask_e164).unwrap_or_default(),
                to_masked: mask_e164(to_e164),
            },
            Change::MethodRemoved { method } => match &method.phone_e164 {
                Some(e164) => AccountChangeView::PhoneRemoved {
                    masked_phone: mask_e164(e164),
                },
                None => AccountChangeView::AppRemoved,
            },
            Change::RecoveryCodesReplaced => AccountChangeView::RecoveryCodesReplaced,
        }
    }
}

/// The account-change e-mail (NIST 800-63B rev 4 §4.6) for a change just made, in the
/// account's language, with its "this wasn't me" link recorded in this transaction.
pub async fn notice(
    c: &mut Conn,
    session: &Session,
    change: &Change,
    origin: &str,
    now: i64,
) -> StoreResult<Notice> {
    let token = new_token(32);
    let undo = serde_json::to_string(change).expect("a change serializes");
    store::change_reports::insert(
        c,
        &token_hash(&token),
        session.account_id,
        &undo,
        now,
        now + CHANGE_REPORT_LINK_TTL_SECS,
    )
    .await?;
    // In the fragment: never in a server log, a proxy's or a Referer (rule W5).
    let link = format!("{origin}/this-wasnt-me#token={token}");
    let (subject, body) = i18n::account_change_email(session.language, &change.view(), &link);
    Ok(Notice {
        to_email: session.email.clone(),
        subject,
        body,
    })
}

/// Refuses to add, change or remove a method while changes are paused. An account
/// without any method may still set its first one up: that only makes it safer.
pub async fn require_changes_allowed(
    c: &mut Conn,
    account_id: i64,
    has_methods: bool,
    now: i64,
) -> AppResult<()> {
    let until = store::accounts::changes_paused_until(c, account_id).await?;
    if has_methods && until > now {
        let mut err = AppError::new(
            StatusCode::FORBIDDEN,
            ErrorCode::ChangesPaused,
            i18n::error(ErrorCode::ChangesPaused),
        );
        err.body.retry_after_s = Some(until - now);
        return Err(err);
    }
    Ok(())
}

/// A link that can still be used, or why not.
async fn usable(
    c: &mut Conn,
    hash: &[u8],
    now: i64,
) -> AppResult<(store::change_reports::ChangeReportRow, Change)> {
    let row = store::change_reports::find(c, hash)
        .await?
        .filter(|r| r.expires_at > now)
        .ok_or_else(|| gone(ErrorCode::ReportLinkExpired))?;
    if row.used_at.is_some() {
        return Err(gone(ErrorCode::ReportLinkUsed));
    }
    let change = serde_json::from_str(&row.undo).map_err(|e| {
        tracing::error!(error = %e, "a change report that cannot be read");
        AppError::internal()
    })?;
    Ok((row, change))
}

fn gone(code: ErrorCode) -> AppError {
    AppError::new(StatusCode::GONE, code, i18n::error(code))
}

/// What the link is about; changes nothing.
pub async fn look(c: &mut Conn, token: &str, now: i64) -> AppResult<ChangeReportView> {
    let (row, change) = usable(c, &token_hash(token), now).await?;
    Ok(ChangeReportView {
        change: change.view(),
        made_at: row.created_at,
    })
}

/// "This wasn't me", confirmed: undoes the change, ends every session, pauses method
/// changes and records it.
/// `server_secret`: an authenticator app put back is stored sealed with it.
pub async fn report(
    c: &mut Conn,
    server_secret: &[u8],
    token: &str,
    ip: &str,
    now: i64,
) -> AppResult<ChangeReportedView> {
    let hash = token_hash(token);
    let (row, change) = usable(c, &hash, now).await?;
    let account_id = row.account_id;
    // One request at a time per account, on every server (crate::store).
    store::lock_account(c, account_id).await?;
    if !store::change_reports::mark_used(c, &hash, now).await? {
        return Err(gone(ErrorCode::ReportLinkUsed));
    }
    // Whoever made this change may have made more since: those are undone too,
    // newest first, so that undoing this one lands where the owner left the account.
    let mut later_changes_undone = 0;
    for undo_json in store::change_reports::take_later(c, account_id, row.id, now).await? {
        let later: Change = serde_json::from_str(&undo_json).map_err(|e| {
            tracing::error!(error = %e, "a change report that cannot be read");
            AppError::internal()
        })?;
        if undo(c, server_secret, account_id, &later).await? == UndoOutcome::Undone {
            later_changes_undone += 1;
        }
    }
    let outcome = undo(c, server_secret, account_id, &change).await?;
    let sessions_ended = accounts::count(store::sessions::delete_all(c, account_id).await? as i64);
    // Whoever made the change may have had a browser remembered, or made recovery codes
    // of their own: the browsers ask again, and the codes stop working (the owner gets
    // new ones once signed in).
    store::remembered_browsers::forget_all(c, account_id).await?;
    store::recovery_codes::replace(c, account_id, &[], now).await?;
    let paused_until = now + CHANGES_PAUSED_SECS;
    store::accounts::pause_changes_until(c, account_id, paused_until).await?;
    let what: &'static str = match change {
        Change::PhoneAdded { .. } => "phone_added",
        Change::AppAdded { .. } => "app_added",
        Change::PhoneChanged { .. } => "phone_changed",
        Change::MethodRemoved { .. } => "method_removed",
        Change::RecoveryCodesReplaced => "recovery_codes_replaced",
    };
    let outcome_name = match outcome {
        UndoOutcome::Undone => "undone",
        UndoOutcome::NothingToUndo => "nothing_to_undo",
        UndoOutcome::NoRoom => "no_room",
    };
    audit(
        c,
        Some(account_id),
        "change_reported",
        &format!("change={what} outcome={outcome_name} later_undone={later_changes_undone} sessions_ended={sessions_ended}"),
        ip,
        now,
    )
    .await?;
    Ok(ChangeReportedView {
        change: change.view(),
        outcome,
        later_changes_undone,
        sessions_ended,
        changes_paused_until: paused_until,
    })
}

/// Puts the account's methods back as they were before `change`, as far as they have
/// not moved on since. Methods are found by id: a number added, then changed, is still
/// the method that was added.
async fn undo(
    c: &mut Conn,
    server_secret: &[u8],
    account_id: i64,
    change: &Change,
) -> StoreResult<UndoOutcome> {
    let methods = store::methods::list(c, account_id).await?;
    let by_id = |id: i64| methods.iter().find(|m| m.id == id);
    match change {
        Change::PhoneAdded { method_id, .. } | Change::AppAdded { method_id } => match by_id(*method_id) {
            Some(added) => {
                accounts::remove_method(c, account_id, added, &methods).await?;
                Ok(UndoOutcome::Undone)
            }
            None => Ok(UndoOutcome::NothingToUndo),
        },
        Change::PhoneChanged { method_id, from, .. } => {
            let from_e164 = from.phone_e164.as_deref().unwrap_or_default();
            let elsewhere = methods
                .iter()
                .any(|m| m.id != *method_id && m.phone_e164.as_deref() == Some(from_e164));
            match by_id(*method_id) {
                Some(m) if m.phone_e164.as_deref() == Some(from_e164) => Ok(UndoOutcome::NothingToUndo),
                // The old number is on the account again: only the new one goes.
                Some(changed) if elsewhere => {
                    accounts::remove_method(c, account_id, changed, &methods).await?;
                    Ok(UndoOutcome::Undone)
                }
                Some(changed) => {
                    let channel = from.default_channel.unwrap_or(Channel::Voice);
                    store::methods::change_phone(c, account_id, changed.id, from_e164, from.sms_ok, channel)
                        .await?;
                    Ok(UndoOutcome::Undone)
                }
                // The method has gone since: the old number comes back on its own.
                None => restore(c, server_secret, account_id, from, &methods).await,
            }
        }
        Change::MethodRemoved { method } => restore(c, server_secret, account_id, method, &methods).await,
        // `report` voids every recovery code of the account, these with them.
        Change::RecoveryCodesReplaced => Ok(UndoOutcome::Undone),
    }
}

async fn restore(
    c: &mut Conn,
    server_secret: &[u8],
    account_id: i64,
    method: &MethodSnapshot,
    methods: &[MethodRow],
) -> StoreResult<UndoOutcome> {
    let id = match (&method.phone_e164, &method.totp_secret) {
        (Some(e164), _) => {
            if methods
                .iter()
                .any(|m| m.phone_e164.as_deref() == Some(e164.as_str()))
            {
                return Ok(UndoOutcome::NothingToUndo);
            }
            if methods.iter().filter(|m| m.kind == MethodKind::Phone).count() >= MAX_PHONES_PER_ACCOUNT {
                return Ok(UndoOutcome::NoRoom);
            }
            let channel = method.default_channel.unwrap_or(Channel::Voice);
            store::methods::add_phone(
                c,
                account_id,
                e164,
                method.sms_ok,
                channel,
                false,
                method.created_at,
            )
            .await?
        }
        (None, Some(secret)) => {
            if methods.iter().any(|m| m.kind == MethodKind::AuthenticatorApp) {
                return Ok(UndoOutcome::NothingToUndo);
            }
            // A secret recorded before secrets were sealed is sealed on its way back.
            let sealed = if is_sealed(secret) {
                secret.clone()
            } else {
                seal(
                    server_secret,
                    &crate::domain::app_setup::seal_context(account_id),
                    secret,
                )
            };
            let id = store::methods::add_authenticator_app(c, account_id, &sealed, false, method.created_at)
                .await?;
            // Codes already used stay used.
            store::methods::use_totp_step(c, id, method.totp_last_step).await?;
            id
        }
        (None, None) => return Ok(UndoOutcome::NothingToUndo),
    };
    if method.is_default || methods.is_empty() {
        store::methods::make_default(c, account_id, id).await?;
    }
    Ok(UndoOutcome::Undone)
}
