//! The durable outbox (issue 17): e-mail is queued in the transaction that decides it
//! and delivered afterwards by the servers' delivery workers, with retries, each
//! message once, whatever server dies or how many share the database.

use crate::common;

use common::*;
use phone_mfa_contract::*;
use phone_mfa_server::clock::Clock;
use phone_mfa_server::couriers::{BoxFuture, DeliveryError, Mailer, Notice};
use phone_mfa_server::domain::deliveries::{retry_delay, CLAIM_SECS, MAX_ATTEMPTS};
use phone_mfa_server::store::Flag;
use serde_json::json;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A mail server the test controls: it can refuse the first messages, never answer,
/// or take a while; it records what it accepted.
#[derive(Default)]
struct TestMailer {
    accepted: Mutex<Vec<Notice>>,
    /// Attempts begun, answered or not.
    begun: AtomicUsize,
    /// Attempts still to refuse ("421 try again later").
    refuse: AtomicUsize,
    /// Never answers: the process sending dies before it hears back.
    hang: bool,
    delay: Duration,
}

impl Mailer for TestMailer {
    fn send<'a>(&'a self, notice: &'a Notice) -> BoxFuture<'a, Result<(), DeliveryError>> {
        Box::pin(async move {
            self.begun.fetch_add(1, Ordering::SeqCst);
            if self.hang {
                std::future::pending::<()>().await;
            }
            tokio::time::sleep(self.delay).await;
            let refused = self
                .refuse
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                .is_ok();
            if refused {
                return Err(DeliveryError::Failed("421 4.3.2 service not available".into()));
            }
            self.accepted.lock().unwrap().push(notice.clone());
            Ok(())
        })
    }
}

impl TestMailer {
    fn accepted(&self) -> usize {
        self.accepted.lock().unwrap().len()
    }
}

/// The delivery row of the newest message: attempts, whether sent or given up, the
/// last error, and when it is next due.
async fn newest_delivery(s: &TestServer) -> (i64, bool, bool, Option<String>, i64) {
    use sqlx::Row;
    let row = sqlx::query(
        "SELECT attempts, sent_at IS NOT NULL, gave_up_at IS NOT NULL, last_error, due_at \
         FROM deliveries ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(&s.db)
    .await
    .unwrap();
    (
        row.get(0),
        row.get::<Flag, _>(1).0,
        row.get::<Flag, _>(2).0,
        row.get(3),
        row.get(4),
    )
}

async fn sign_up(s: &TestServer, email: &str) {
    let r = s
        .client()
        .post(paths::SIGN_UP, json!({"email": email, "password": PASSWORD}))
        .await;
    assert_eq!(r.status, 202, "{:?}", r.body);
}

/// Rule A6 (the notice reaches the person): a mail server that refuses for a while
/// only delays the e-mail. Each failure is recorded with its error, the next attempt
/// waits longer, and once the server takes it the message is sent exactly once.
#[tokio::test]
async fn a_mail_server_outage_delays_a_message_and_it_is_sent_once_a6() {
    let mailer = Arc::new(TestMailer {
        refuse: AtomicUsize::new(2),
        ..TestMailer::default()
    });
    let s = server_with_mailer(mailer.clone(), |_| {}).await;
    sign_up(&s, "ana@example.com").await;

    s.deliveries_settled().await;
    let (attempts, sent, _, error, due) = newest_delivery(&s).await;
    assert_eq!((attempts, sent), (1, false));
    assert!(error.unwrap().contains("421"));
    assert_eq!(due, s.clock.now() + retry_delay(1));
    assert_eq!(mailer.accepted(), 0);

    s.clock.advance(retry_delay(1));
    s.deliveries_settled().await;
    let (attempts, sent, _, _, due) = newest_delivery(&s).await;
    assert_eq!((attempts, sent), (2, false));
    assert_eq!(due, s.clock.now() + retry_delay(2), "the wait grows");

    s.clock.advance(retry_delay(2));
    s.deliveries_settled().await;
    let (attempts, sent, gave_up, _, _) = newest_delivery(&s).await;
    assert_eq!((attempts, sent, gave_up), (3, true, false));
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let accepted = mailer.accepted.lock().unwrap().clone();
    assert_eq!(accepted.len(), 1, "sent once");
    // No copy of what was sent (a live sign-up link) stays in the database.
    let kept: String = sqlx::query_scalar("SELECT body FROM deliveries ORDER BY id DESC LIMIT 1")
        .fetch_one(&s.db)
        .await
        .unwrap();
    assert_eq!(kept, "");
    assert_eq!(accepted[0].to_email, "ana@example.com");
    assert!(accepted[0].body.contains("#token="));
}

/// A message no mail server ever takes is given up after the last attempt, with the
/// error kept for the operator, and not tried again.
#[tokio::test]
async fn a_message_that_never_goes_through_is_given_up_with_its_error() {
    let mailer = Arc::new(TestMailer {
        refuse: AtomicUsize::new(usize::MAX),
        ..TestMailer::default()
    });
    let s = server_with_mailer(mailer.clone(), |_| {}).await;
    sign_up(&s, "ana@example.com").await;
    for attempt in 1..MAX_ATTEMPTS {
        s.deliveries_settled().await;
        assert_eq!(newest_delivery(&s).await.0, attempt);
        s.clock.advance(retry_delay(attempt));
    }
    s.deliveries_settled().await;
    let (attempts, sent, gave_up, error, _) = newest_delivery(&s).await;
    assert_eq!((attempts, sent, gave_up), (MAX_ATTEMPTS, false, true));
    assert!(error.unwrap().contains("service not available"));
    s.clock.advance(24 * 3600);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(mailer.begun.load(Ordering::SeqCst), MAX_ATTEMPTS as usize);
}

/// A server that dies (here: stops, as kill -9 would, mid-send) after the transaction
/// committed leaves its claim to run out; another server on the same database then
/// sends the message, once, and does not touch it before the claim runs out.
#[tokio::test]
async fn a_message_whose_server_died_while_sending_is_sent_once_by_another() {
    let dying = Arc::new(TestMailer {
        hang: true,
        ..TestMailer::default()
    });
    let a = server_with_mailer(dying.clone(), |_| {}).await;
    sign_up(&a, "ana@example.com").await;
    for _ in 0..500 {
        if dying.begun.load(Ordering::SeqCst) == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(dying.begun.load(Ordering::SeqCst), 1, "server A began sending");
    a.stop().await;

    let mailer = Arc::new(TestMailer::default());
    let database = a.database.clone();
    let b = server_with_mailer(mailer.clone(), move |c| c.database = database).await;
    // While A's claim holds, B leaves the message alone: A might still be sending it.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(mailer.begun.load(Ordering::SeqCst), 0);

    b.clock.advance(CLAIM_SECS);
    b.deliveries_settled().await;
    let (attempts, sent, _, _, _) = newest_delivery(&b).await;
    assert_eq!((attempts, sent), (2, true));
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(mailer.accepted(), 1, "sent exactly once");
    assert_eq!(mailer.accepted.lock().unwrap()[0].to_email, "ana@example.com");
}

/// Three servers on one database, their workers all racing for the same queue: every
/// message is sent, each exactly once.
#[tokio::test]
async fn servers_sharing_a_database_send_each_message_exactly_once() {
    let mailers: Vec<Arc<TestMailer>> = (0..3)
        .map(|_| {
            Arc::new(TestMailer {
                delay: Duration::from_millis(20),
                ..TestMailer::default()
            })
        })
        .collect();
    let first = server_with_mailer(mailers[0].clone(), |c| c.sign_up_emails_per_ip = 1000).await;
    let mut servers = vec![];
    for mailer in &mailers[1..] {
        let database = first.database.clone();
        servers.push(
            server_with_mailer(mailer.clone(), move |c| {
                c.database = database;
                c.sign_up_emails_per_ip = 1000;
            })
            .await,
        );
    }
    let clients: Vec<Client> = std::iter::once(&first)
        .chain(servers.iter())
        .map(TestServer::client)
        .collect();
    let sign_ups: Vec<_> = (0..30)
        .map(|i| {
            let c = clients[i % 3].clone();
            tokio::spawn(async move {
                let body = json!({"email": format!("p{i}@example.com"), "password": PASSWORD});
                c.post(paths::SIGN_UP, body).await.status
            })
        })
        .collect();
    for sign_up in sign_ups {
        assert_eq!(sign_up.await.unwrap(), 202);
    }
    first.deliveries_settled().await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut recipients: Vec<String> = mailers
        .iter()
        .flat_map(|m| m.accepted.lock().unwrap().clone())
        .map(|n| n.to_email)
        .collect();
    recipients.sort();
    let mut expected: Vec<String> = (0..30).map(|i| format!("p{i}@example.com")).collect();
    expected.sort();
    assert_eq!(recipients, expected, "each message once");
    let begun: usize = mailers.iter().map(|m| m.begun.load(Ordering::SeqCst)).sum();
    assert_eq!(begun, 30, "no message was handed to two mailers");
}
