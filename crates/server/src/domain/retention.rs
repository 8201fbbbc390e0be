//! Retention (issue 18): every table that grows with use is pruned of what no rule
//! needs any more, by a background task on every instance (hourly; each run is one
//! transaction that holds the "retention" lock, so instances take turns and deleting
//! twice is harmless). The audit log is kept `PHONE_MFA_AUDIT_RETENTION_DAYS` (400).

use crate::state::AppState;
use crate::store::{self, retention::Cutoffs, Store, StoreResult};
use phone_mfa_contract::policy::{
    ACCOUNT_SEND_WINDOW_SECS, APP_SETUP_TTL_SECS, IP_SEND_WINDOW_SECS, KNOWN_ADDRESS_SECS,
    PASSWORD_FAILURE_MEMORY_SECS, PHONE_SEND_WINDOW_SECS, SESSION_IDLE_SECS, SIGN_UP_EMAIL_WINDOW_SECS,
};
use std::time::Duration;

const DAY: i64 = 24 * 60 * 60;
/// How often an instance prunes.
pub const INTERVAL: Duration = Duration::from_secs(60 * 60);
/// Expired code requests are kept a day more: the delivery reports of the last day
/// stay readable (README, "Delivery status"), and no rule reads them after.
const CHALLENGE_GRACE_SECS: i64 = DAY;
/// Sent or given-up messages are kept a week for an operator looking into one.
const DELIVERY_KEEP_SECS: i64 = 7 * DAY;

/// What each table keeps at `now`, from the policy: nothing a limit, a lockout or a
/// session still counts is ever cut.
pub fn cutoffs(now: i64, audit_days: i64) -> Cutoffs {
    let longest_send_window = ACCOUNT_SEND_WINDOW_SECS
        .max(PHONE_SEND_WINDOW_SECS)
        .max(IP_SEND_WINDOW_SECS);
    Cutoffs {
        challenges: now - CHALLENGE_GRACE_SECS,
        sends: now - longest_send_window,
        sessions: now - SESSION_IDLE_SECS,
        deliveries: now - DELIVERY_KEEP_SECS,
        dev_outbox: now - DELIVERY_KEEP_SECS,
        links: now,
        sign_up_emails: now - SIGN_UP_EMAIL_WINDOW_SECS,
        password_failures: now - PASSWORD_FAILURE_MEMORY_SECS,
        known_addresses: now - KNOWN_ADDRESS_SECS,
        audit_log: now - audit_days * DAY,
        app_enrolments: now - APP_SETUP_TTL_SECS,
        remembered_browsers: now,
    }
}

/// One pruning run; returns the rows deleted per table.
pub async fn prune(store: &Store, now: i64, audit_days: i64) -> StoreResult<Vec<store::retention::Deleted>> {
    store
        .write(async |tx| {
            store::lock_keys(tx, &["retention"]).await?;
            store::retention::prune(tx, &cutoffs(now, audit_days)).await
        })
        .await
}

/// The background task: prunes every [`INTERVAL`] until the server stops.
pub async fn work(state: AppState) {
    let mut stopping = state.stopping.subscribe();
    while !*stopping.borrow() {
        match prune(&state.store, state.now(), state.config.audit_retention_days).await {
            Ok(deleted) => {
                let total: u64 = deleted.iter().map(|(_, n)| n).sum();
                if total > 0 {
                    tracing::info!(?deleted, "old rows pruned");
                }
            }
            Err(e) => tracing::warn!(error = %e, "pruning failed; it runs again in an hour"),
        }
        tokio::select! {
            _ = tokio::time::sleep(INTERVAL) => {}
            _ = stopping.changed() => {}
        }
    }
}
