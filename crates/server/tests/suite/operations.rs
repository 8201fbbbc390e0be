//! Operating it (issue 18): metrics that show SMS pumping, readiness, and a graceful
//! stop that finishes what is in flight.

use crate::common;
use common::*;
use phone_mfa_contract::*;
use phone_mfa_server::config::Config;
use phone_mfa_server::couriers::{
    Accepted, BoxFuture, CodeCourier, CodeDelivery, DeliveryError, Mailer, Notice,
};
use phone_mfa_server::Builder;
use serde_json::json;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// The value of one series in a Prometheus text exposition (0 when absent).
fn series(metrics: &str, name_and_labels: &str) -> f64 {
    metrics
        .lines()
        .find_map(|l| l.strip_prefix(name_and_labels)?.trim().parse().ok())
        .unwrap_or(0.0)
}

async fn scrape(s: &TestServer) -> String {
    let r = s.client().get("/metrics").await;
    assert_eq!(r.status, 200);
    r.body.as_str().unwrap().to_owned()
}

const GB_SMS_QUEUED: &str = r#"phone_mfa_code_sends_total{channel="sms",country="GB",outcome="queued"}"#;

/// SMS pumping shows as sends to one country: a burst of texts to the UK is counted
/// under GB, a number's burst limit under its limit, and no label carries a number,
/// an address or an id.
#[tokio::test]
async fn a_burst_of_sends_to_one_country_shows_in_the_metrics() {
    let s = server().await;
    let before = scrape(&s).await;
    let mut last = None;
    for i in 0..6 {
        let c = s.signed_up(&format!("pump{i}@example.com")).await;
        let phone = json!({"number": format!("+4474001234{i:02}"), "region": "GB"});
        let r = c
            .post(
                paths::CHALLENGES,
                json!({"purpose": "setup", "channel": "sms", "phone": phone}),
            )
            .await;
        assert_eq!(r.status, 201, "{:?}", r.body);
        last = Some((c, challenge_id(&r)));
    }
    // Two resends to the last number (past the resend wait): 8 texts to GB in all.
    let (c, id) = last.unwrap();
    s.clock.advance(policy::RESEND_COOLDOWN_SECS);
    assert_eq!(c.resend(&id, None).await.status, 200);
    s.clock.advance(policy::RESEND_COOLDOWN_SECS);
    let r = c.resend(&id, None).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let wrong_before = series(&before, r#"phone_mfa_code_checks_total{outcome="wrong"}"#);
    let r = c.verify(&id, &wrong(&s.last_code())).await;
    assert_eq!(r.status, 422);

    let after = scrape(&s).await;
    assert_eq!(
        series(&after, GB_SMS_QUEUED) - series(&before, GB_SMS_QUEUED),
        8.0,
        "{after}"
    );
    assert_eq!(
        series(&after, r#"phone_mfa_code_checks_total{outcome="wrong"}"#) - wrong_before,
        1.0,
        "{after}"
    );
    assert!(
        after.contains(r#"route="/api/challenges/{id}/verify""#),
        "{after}"
    );
    for secret in ["7400123", "@example.com", &id, "+44"] {
        assert!(!after.contains(secret), "{secret} in the metrics");
    }
    assert!(after.contains("phone_mfa_outbox_waiting"), "{after}");
    assert!(after.contains("phone_mfa_courier_seconds_bucket"), "{after}");
}

#[tokio::test]
async fn a_send_refused_by_a_limit_is_counted_under_that_limit() {
    let s = server().await;
    let metric = r#"phone_mfa_send_refusals_total{limit="phone_burst"}"#;
    let before = series(&scrape(&s).await, metric);
    for i in 0..3 {
        let c = s.signed_up(&format!("burst{i}@example.com")).await;
        let r = c
            .start(Purpose::Setup, Channel::Sms, Some("2015550123"), None)
            .await;
        assert_eq!(r.status, if i < 2 { 201 } else { 429 }, "{:?}", r.body);
    }
    assert_eq!(series(&scrape(&s).await, metric) - before, 1.0);
}

/// In production the figures are the operator's: not on the public listener unless
/// asked for (they go on a listener of their own, `PHONE_MFA_METRICS_ADDR`).
#[tokio::test]
async fn metrics_stay_off_the_public_listener_unless_asked() {
    let s = server_with(|c| c.metrics_public = false).await;
    let r = s.client().get("/metrics").await;
    assert_ne!(r.status, 200);
    let production = |extra: &[(&str, &str)]| {
        let mut vars: Vec<(String, String)> = [
            ("PHONE_MFA_PRODUCTION", "1"),
            ("PHONE_MFA_SECRET", "0123456789abcdef0123456789abcdef"),
            ("PHONE_MFA_TWILIO_ACCOUNT_SID", "AC0"),
            ("PHONE_MFA_TWILIO_AUTH_TOKEN", "t"),
            ("PHONE_MFA_TWILIO_FROM", "+12025550100"),
            ("PHONE_MFA_SMTP_URL", "smtps://smtp.example.com"),
            ("PHONE_MFA_SMTP_FROM", "no-reply@example.com"),
        ]
        .iter()
        .chain(extra)
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        vars.dedup();
        Config::from_vars(move |name| vars.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone()))
    };
    let config = production(&[]).unwrap();
    assert!(!config.metrics_public);
    assert_eq!(config.metrics_addr, None);
    let config = production(&[("PHONE_MFA_METRICS_ADDR", "127.0.0.1:9100")]).unwrap();
    assert_eq!(config.metrics_addr, Some("127.0.0.1:9100".parse().unwrap()));
    assert!(production(&[("PHONE_MFA_METRICS_ADDR", "port nine")]).is_err());
}

#[tokio::test]
async fn ready_means_the_database_answers_and_the_delivery_workers_run() {
    let s = server().await;
    let c = s.client();
    let mut r = c.get(paths::HEALTH_READY).await;
    for _ in 0..50 {
        if r.status == 200 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        r = c.get(paths::HEALTH_READY).await;
    }
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(
        r.body,
        json!({"ready": true, "database": true, "delivery_workers": true, "stopping": false})
    );
}

/// A courier that takes its time, as a provider under load does.
#[derive(Default)]
struct SlowCourier {
    started: AtomicUsize,
    done: AtomicUsize,
}

impl CodeCourier for SlowCourier {
    fn deliver<'a>(&'a self, _: &'a CodeDelivery) -> BoxFuture<'a, Result<Accepted, DeliveryError>> {
        Box::pin(async move {
            self.started.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(800)).await;
            self.done.fetch_add(1, Ordering::SeqCst);
            Ok(Accepted::QUEUED)
        })
    }
    fn text<'a>(&'a self, _: &'a str, _: &'a str) -> BoxFuture<'a, Result<(), DeliveryError>> {
        Box::pin(async { Ok(()) })
    }
}

/// A mail server that takes its time.
#[derive(Default)]
struct SlowMailer {
    sent: AtomicUsize,
}

impl Mailer for SlowMailer {
    fn send<'a>(&'a self, _: &'a Notice) -> BoxFuture<'a, Result<(), DeliveryError>> {
        Box::pin(async move {
            tokio::time::sleep(Duration::from_millis(800)).await;
            self.sent.fetch_add(1, Ordering::SeqCst);
            Ok(())
        })
    }
}

/// SIGTERM (here: the stop future) while a code is being handed to a slow provider
/// and an e-mail is being sent: no new connection is taken, the request in flight is
/// answered, the e-mail in hand is sent and recorded, and only then does it return.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stop_finishes_the_requests_and_deliveries_in_flight() {
    let fresh = FreshDatabase::new().await;
    let mut config = Config::development();
    config.database = fresh.location.clone();
    let courier = Arc::new(SlowCourier::default());
    let mailer = Arc::new(SlowMailer::default());
    let mut builder = Builder::new(config);
    builder.courier = Some(courier.clone());
    builder.mailer = Some(mailer.clone());
    let state = builder.build().await.unwrap();
    let db = state.store.pool().clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(phone_mfa_server::serve_until(listener, state, async {
        let _ = stopped.await;
    }));

    // The sign-in of a demo account (its code goes to the slow courier)...
    let c = Client::new(base.clone());
    let r = c
        .post(
            paths::SIGN_IN,
            json!({"email": "secure@example.com", "password": PASSWORD}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let method = r.body["methods"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["kind"] == "phone")
        .and_then(|m| m["id"].as_i64())
        .unwrap();
    let sending = tokio::spawn({
        let c = c.clone();
        async move { c.start(Purpose::SignIn, Channel::Sms, None, Some(method)).await }
    });
    // ...and a sign-up (its e-mail goes to the slow mailer), then the stop.
    let r = Client::new(base.clone())
        .post(
            paths::SIGN_UP,
            json!({"email": "new.one@example.com", "password": PASSWORD}),
        )
        .await;
    assert_eq!(r.status, 202);
    // Stop while the code is in the courier's hands.
    while courier.started.load(Ordering::SeqCst) == 0 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(courier.done.load(Ordering::SeqCst), 0, "still sending");
    stop.send(()).unwrap();

    let answered = sending.await.unwrap();
    assert_eq!(answered.status, 201, "{:?}", answered.body);
    tokio::time::timeout(Duration::from_secs(10), serving)
        .await
        .expect("stops once done")
        .unwrap()
        .unwrap();
    assert_eq!(courier.done.load(Ordering::SeqCst), 1);
    assert_eq!(
        mailer.sent.load(Ordering::SeqCst),
        1,
        "the e-mail in hand was sent"
    );
    let waiting: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM deliveries WHERE sent_at IS NULL")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(waiting, 0, "and recorded as sent");
    // Nothing listens any more.
    assert!(reqwest::get(format!("{base}{}", paths::HEALTH)).await.is_err());
}
