//! The durable outbox (issue 17): e-mail, and the text to a number that left an
//! account, are queued in the transaction that decides them ([`queue`],
//! [`queue_text`]) and delivered after that transaction commits by workers running beside
//! the web server ([`work`]), so a message is never sent for a change that rolled
//! back, nor lost to a crash, a restart or a mail server that is down for a while.
//!
//! Each worker claims one due message at a time for [`CLAIM_SECS`] (store/deliveries.rs:
//! atomic, so with several server processes each message goes to one of them), hands
//! it to the mailer (or the text courier), and records the outcome: sent; or failed, with the error, tried
//! again after a growing delay, and given up after [`MAX_ATTEMPTS`]. A process that
//! dies while sending leaves its claim to run out; another instance (or this one,
//! restarted) then sends the message. It can therefore go twice only if the process
//! died after the mail server accepted it and before the outcome was written, a window
//! of milliseconds; exactly-once would need the mail server to take part.
//!
//! Codes are not queued here: a code is never stored in clear (rule C6), and one that
//! arrives late is no use; they go to the courier after their transaction commits
//! (domain/codes.rs), and a person who gets none asks again.

use crate::couriers::{DeliveryError, Notice};
use crate::state::AppState;
use crate::store::{self, Conn};
use phone_mfa_contract::OutboxKind;
use std::time::Duration;

/// How long a worker holds a message it is sending: well over the mailer's timeout
/// (couriers/smtp.rs, 10 s), so a slow send is not taken over by another instance.
pub const CLAIM_SECS: i64 = 120;
/// Attempts before a message is given up: with [`retry_delay`], about 5 hours of
/// trying, long enough to outlast a mail server's restart or a short outage.
pub const MAX_ATTEMPTS: i64 = 12;
/// The most one attempt may take, whatever the mailer or courier does (lettre's own
/// timeout covers only connecting): well under [`CLAIM_SECS`], so a message is never
/// sent by one worker while another has taken it over.
const ATTEMPT_LIMIT: Duration = Duration::from_secs(60);
/// Workers per server process: messages in flight at once.
pub const WORKERS: usize = 4;
/// How often an idle worker looks for due messages it was not told about: retries
/// coming due, and messages queued by other instances.
const IDLE_POLL: Duration = Duration::from_secs(1);

/// Queues `notice` as part of the caller's transaction: it is sent only if that
/// transaction commits. Call [`AppState::deliveries_due`]`.notify_one()` after the
/// commit so a worker starts at once.
pub async fn queue(tx: &mut Conn, notice: &Notice, now: i64) -> Result<(), sqlx::Error> {
    store::deliveries::insert(
        tx,
        OutboxKind::Email,
        &notice.to_email,
        &notice.subject,
        &notice.body,
        now,
    )
    .await
}

/// Queues a text to `to_e164` as part of the caller's transaction (see [`queue`]).
pub async fn queue_text(tx: &mut Conn, to_e164: &str, body: &str, now: i64) -> Result<(), sqlx::Error> {
    store::deliveries::insert(tx, OutboxKind::Sms, to_e164, "", body, now).await
}

/// The wait before attempt `attempts + 1`: 30 s, doubling each time, at most an hour.
pub fn retry_delay(attempts: i64) -> i64 {
    let doublings = (attempts.max(1) - 1).min(7) as u32;
    (30_i64 << doublings).min(3600)
}

/// One worker: delivers due messages until the server stops (`AppState::stopping`),
/// finishing the message in hand first.
pub async fn work(state: AppState) {
    let mut stopping = state.stopping.subscribe();
    while !*stopping.borrow() {
        state
            .workers_seen_ms
            .store(crate::state::wall_ms(), std::sync::atomic::Ordering::Relaxed);
        match deliver_one(&state).await {
            Ok(true) => continue,
            Ok(false) => {}
            // The database is unreachable: the messages wait in it; try again later.
            Err(e) => tracing::warn!(error = %e, "the outbox cannot be read"),
        }
        tokio::select! {
            _ = state.deliveries_due.notified() => {}
            _ = tokio::time::sleep(IDLE_POLL) => {}
            _ = stopping.changed() => {}
        }
    }
}

/// Claims and sends one due message; `false` when none is due.
async fn deliver_one(state: &AppState) -> Result<bool, sqlx::Error> {
    let now = state.now();
    let claimed_until = now + CLAIM_SECS;
    let claimed = state
        .store
        .write(async |tx| store::deliveries::claim_next(tx, now, claimed_until).await)
        .await?;
    let Some(message) = claimed else {
        return Ok(false);
    };
    let attempt = async {
        match message.kind {
            OutboxKind::Email => {
                let notice = Notice {
                    to_email: message.recipient.clone(),
                    subject: message.subject.clone(),
                    body: message.body.clone(),
                };
                state.mailer.send(&notice).await
            }
            OutboxKind::Sms => state.courier.text(&message.recipient, &message.body).await,
            OutboxKind::Voice => Err(DeliveryError::Failed("calls are not queued".into())),
        }
    };
    let sent = tokio::time::timeout(ATTEMPT_LIMIT, attempt)
        .await
        .unwrap_or_else(|_| Err(DeliveryError::Failed(format!("no answer in {ATTEMPT_LIMIT:?}"))));
    let now = state.now();
    let id = message.id;
    match sent {
        Ok(()) => {
            state
                .store
                .write(async |tx| store::deliveries::mark_sent(tx, id, claimed_until, now).await)
                .await?;
        }
        Err(DeliveryError::Failed(error)) => {
            // Logged and kept without the recipient (rule W6), which a mail server's
            // answer may repeat ("550 5.1.1 <bob@example.com>"): the row has it.
            let error = error.replace(&message.recipient, "<recipient>");
            let retry_at = (message.attempts < MAX_ATTEMPTS).then(|| now + retry_delay(message.attempts));
            match retry_at {
                Some(at) => {
                    tracing::warn!(delivery = id, attempts = message.attempts, retry_in_s = at - now, %error, "a message could not be delivered; it will be tried again")
                }
                None => {
                    tracing::error!(delivery = id, attempts = message.attempts, %error, "a message could not be delivered and was given up")
                }
            }
            state
                .store
                .write(async |tx| {
                    store::deliveries::mark_failed(tx, id, claimed_until, &error, retry_at, now).await
                })
                .await?;
        }
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_to_an_hour_and_stop_after_about_five_hours() {
        let delays: Vec<i64> = (1..MAX_ATTEMPTS).map(retry_delay).collect();
        assert_eq!(delays, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600, 3600]);
        assert_eq!(retry_delay(1000), 3600);
        let total: i64 = delays.iter().sum();
        assert!((4 * 3600..6 * 3600).contains(&total), "{total}");
    }
}
