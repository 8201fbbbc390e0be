//! Recovery codes (issue 20 item 3): for the person who no longer has their phone.
//! [`RECOVERY_CODE_COUNT`] single-use codes of 65 bits each, stored as keyed hashes,
//! shown once: when the account's first method is set up, and whenever a new set is
//! asked for (after re-authentication; the old set stops working). One stands in for
//! the second factor of a sign-in, under the same guessing limits as any code (G1, G2),
//! and the account is e-mailed each time one is used.

use crate::couriers::Notice;
use crate::domain::accounts::{self, audit};
use crate::domain::change_reports::{self, Change};
use crate::domain::codes::{finish, Passed, Verdict};
use crate::domain::{deliveries, sessions};
use crate::error::{AppError, AppResult};
use crate::http::extract::Session;
use crate::i18n;
use crate::secrets::{new_recovery_code, recovery_code_mac};
use crate::state::AppState;
use crate::store::{self, Conn, StoreResult};
use axum::http::StatusCode;
use phone_mfa_contract::policy::RECOVERY_CODE_COUNT;
use phone_mfa_contract::recovery::{format_recovery_code, normalize_recovery_code};
use phone_mfa_contract::{ErrorCode, RecoveryCodesView, SessionStage, VerifiedView};

/// A new set of codes for the account (the old set stops working); returns them as
/// shown, `XXXX-XXXX-XXXXX`. Nothing but this answer ever holds them in clear.
pub async fn issue(c: &mut Conn, secret: &[u8], account_id: i64, now: i64) -> StoreResult<Vec<String>> {
    let codes: Vec<String> = (0..RECOVERY_CODE_COUNT).map(|_| new_recovery_code()).collect();
    let macs: Vec<Vec<u8>> = codes
        .iter()
        .map(|code| recovery_code_mac(secret, account_id, code))
        .collect();
    store::recovery_codes::replace(c, account_id, &macs, now).await?;
    Ok(codes.iter().map(|code| format_recovery_code(code)).collect())
}

/// Queues an e-mail (subject, body) to the account, sent once the transaction commits.
async fn email_account(
    tx: &mut Conn,
    session: &Session,
    (subject, body): (String, String),
    now: i64,
) -> StoreResult<()> {
    let notice = Notice {
        to_email: session.email.clone(),
        subject,
        body,
    };
    deliveries::queue(tx, &notice, now).await
}

/// "Get new recovery codes" on the dashboard: needs a recent second factor, like any
/// change to how the account can be entered (rule A3); the account is e-mailed.
pub async fn regenerate(state: &AppState, session: Session, ip: &str) -> AppResult<RecoveryCodesView> {
    let now = state.now();
    accounts::require_recent_factor(&session, now)?;
    let secret = &state.config.secret;
    let view = state
        .store
        .write(async |tx| -> AppResult<_> {
            store::lock_account(tx, session.account_id).await?;
            if store::methods::list(tx, session.account_id).await?.is_empty() {
                return Err(AppError::wrong_stage(i18n::RECOVERY_NEEDS_METHOD));
            }
            // After "this wasn't me" whoever made the change may still hold a second
            // factor's window: no new way in until the pause ends.
            change_reports::require_changes_allowed(tx, session.account_id, true, now).await?;
            let codes = issue(tx, secret, session.account_id, now).await?;
            audit(tx, Some(session.account_id), "recovery_codes_issued", "", ip, now).await?;
            let origin = state.config.public_origin();
            let notice =
                change_reports::notice(tx, &session, &Change::RecoveryCodesReplaced, &origin, now).await?;
            deliveries::queue(tx, &notice, now).await?;
            let session_view =
                accounts::session_view(tx, session.account_id, session.stage, session.last_factor_at, now)
                    .await?;
            Ok(RecoveryCodesView {
                codes,
                session: session_view,
            })
        })
        .await?;
    state.deliveries_due.notify_one();
    Ok(view)
}

/// "I do not have access to my phone": a recovery code as the second factor of a
/// sign-in. Counts against the same wrong-code budget as every other code.
pub async fn sign_in(state: &AppState, session: Session, ip: &str, typed: &str) -> AppResult<Passed> {
    let now = state.now();
    let secret = &state.config.secret;
    let support = state.config.support_email();
    let verdict = state
        .store
        .write(async |tx| -> AppResult<_> {
            // One request at a time per account, on every server (crate::store).
            store::lock_account(tx, session.account_id).await?;
            if session.stage != SessionStage::MfaPending {
                return Err(AppError::wrong_stage(i18n::NOT_SIGNING_IN));
            }
            // Locked: the same answer whatever the code (rule G2).
            accounts::check_not_locked(tx, session.account_id, now).await?;
            let code = normalize_recovery_code(typed).map_err(|p| {
                AppError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    ErrorCode::CodeFormat,
                    i18n::recovery_code_problem(p),
                )
                .field("code")
            })?;
            // Single use: taken in the transaction that checked it.
            let mac = recovery_code_mac(secret, session.account_id, &code);
            if !store::recovery_codes::take(tx, session.account_id, &mac, now).await? {
                crate::metrics::code_checked("wrong");
                return Ok(Verdict::Refused(
                    accounts::record_wrong_code(
                        tx,
                        session.account_id,
                        accounts::WrongCode::Recovery,
                        now,
                        ip,
                    )
                    .await?,
                ));
            }
            crate::metrics::code_checked("right");
            store::accounts::clear_code_failures(tx, session.account_id).await?;
            let left = store::recovery_codes::count_left(tx, session.account_id).await?;
            audit(
                tx,
                Some(session.account_id),
                "sign_in_completed",
                &format!("factor=recovery_code left={left}"),
                ip,
                now,
            )
            .await?;
            let mail = i18n::recovery_code_used_email(session.language, left, &support);
            email_account(tx, &session, mail, now).await?;
            let token = sessions::second_factor_passed(tx, &session, ip, now).await?;
            Ok(Verdict::Passed {
                view: VerifiedView {
                    session: accounts::session_view(tx, session.account_id, SessionStage::SignedIn, now, now)
                        .await?,
                    method: None,
                    recovery_codes: Vec::new(),
                },
                notice_queued: true,
                new_cookie: Some(token),
                browser_token: None,
            })
        })
        .await?;
    finish(state, verdict).await
}
