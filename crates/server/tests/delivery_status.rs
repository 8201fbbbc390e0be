//! Delivery status (issue 17 item 5): Twilio's signed reports on each code's text or
//! call, kept per send and exposed to the code screen; the dev outbox's test numbers
//! act out each way a delivery fails.

mod common;
use common::*;
use phone_mfa_contract::*;
use phone_mfa_server::couriers::twilio::TwilioConfig;
use phone_mfa_server::http::twilio::signature;
use serde_json::json;
use std::io::Write;
use std::sync::{Arc, Mutex};

const AUTH_TOKEN: &str = "test-auth-token";
const ORIGIN: &str = "http://mfa.example.com";

/// A server that believes reports signed with [`AUTH_TOKEN`] (its codes still go to the
/// test's recording courier), with a signed-in account and a code just sent to it.
async fn with_a_code_sent() -> (TestServer, Client, String, i64) {
    let s = server_with(|c| {
        c.public_host = "mfa.example.com".into();
        c.twilio = Some(TwilioConfig {
            account_sid: "AC0000".into(),
            auth_token: AUTH_TOKEN.into(),
            from: "+12025550100".into(),
            base_url: "http://127.0.0.1:9".into(),
        });
    })
    .await;
    let c = s.signed_up("a@example.com").await;
    let r = c
        .start(Purpose::Setup, Channel::Sms, Some("2015550123"), None)
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert_eq!(r.body["delivery"]["status"], "queued");
    let send_seq = s.last_delivery().send_seq;
    (s, c, challenge_id(&r), send_seq)
}

/// Twilio's report on one send, signed with `token` (no header when `None`).
async fn report(
    s: &TestServer,
    id: &str,
    send_seq: i64,
    params: &[(&str, &str)],
    token: Option<&str>,
) -> u16 {
    let path = paths::twilio_status(id, send_seq);
    let params: Vec<(String, String)> = params
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    let mut rb = reqwest::Client::new()
        .post(format!("{}{path}", s.base))
        .form(&params);
    if let Some(token) = token {
        rb = rb.header(
            "x-twilio-signature",
            signature(token, &format!("{ORIGIN}{path}"), &params),
        );
    }
    rb.send().await.unwrap().status().as_u16()
}

async fn delivery(c: &Client, id: &str) -> DeliveryView {
    let r = c.get(&paths::challenge_delivery(id)).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    serde_json::from_value(r.body).unwrap()
}

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A forged "delivered" would hide a failure from the person waiting: only reports
/// signed with the account's auth token count, and refusals are logged.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reports_are_believed_only_when_twilio_signed_them() {
    let captured = Captured::default();
    let sink = captured.clone();
    tracing_subscriber::fmt()
        .json()
        .with_writer(move || sink.clone())
        .init();
    let (s, c, id, send_seq) = with_a_code_sent().await;
    let delivered = [("MessageSid", "SM1"), ("MessageStatus", "delivered")];
    assert_eq!(report(&s, &id, send_seq, &delivered, None).await, 403);
    assert_eq!(
        report(&s, &id, send_seq, &delivered, Some("another-token")).await,
        403
    );
    // Signed, but over other parameters than those sent.
    let path = paths::twilio_status(&id, send_seq);
    let forged = reqwest::Client::new()
        .post(format!("{}{path}", s.base))
        .header(
            "x-twilio-signature",
            signature(
                AUTH_TOKEN,
                &format!("{ORIGIN}{path}"),
                &[("MessageStatus".into(), "sent".into())],
            ),
        )
        .form(&delivered)
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status().as_u16(), 403);
    assert_eq!(delivery(&c, &id).await.status, DeliveryStatus::Queued);
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert_eq!(
        logs.matches("a twilio status callback was refused").count(),
        3,
        "{logs}"
    );

    assert_eq!(report(&s, &id, send_seq, &delivered, Some(AUTH_TOKEN)).await, 204);
    let view = delivery(&c, &id).await;
    assert_eq!((view.status, view.problem), (DeliveryStatus::Delivered, None));
}

/// Reports come in any order; a final one is never undone by a late "sent".
#[tokio::test]
async fn a_delivery_only_moves_forward() {
    let (s, c, id, send_seq) = with_a_code_sent().await;
    let status = |st: &'static str| [("MessageSid", "SM1"), ("MessageStatus", st)];
    assert_eq!(
        report(&s, &id, send_seq, &status("sent"), Some(AUTH_TOKEN)).await,
        204
    );
    assert_eq!(delivery(&c, &id).await.status, DeliveryStatus::Sent);
    assert_eq!(
        report(&s, &id, send_seq, &status("queued"), Some(AUTH_TOKEN)).await,
        204
    );
    assert_eq!(delivery(&c, &id).await.status, DeliveryStatus::Sent);
    assert_eq!(
        report(&s, &id, send_seq, &status("delivered"), Some(AUTH_TOKEN)).await,
        204
    );
    assert_eq!(
        report(&s, &id, send_seq, &status("sent"), Some(AUTH_TOKEN)).await,
        204
    );
    assert_eq!(
        report(&s, &id, send_seq, &status("undelivered"), Some(AUTH_TOKEN)).await,
        204
    );
    assert_eq!(delivery(&c, &id).await.status, DeliveryStatus::Delivered);
}

/// An undelivered text says why, and the person may get a call at once (no resend
/// wait); a late report on the text then changes nothing of the call.
#[tokio::test]
async fn an_undelivered_text_says_why_and_a_call_may_follow_at_once() {
    let (s, c, id, send_seq) = with_a_code_sent().await;
    let landline = [
        ("MessageSid", "SM1"),
        ("MessageStatus", "undelivered"),
        ("ErrorCode", "30006"),
    ];
    assert_eq!(report(&s, &id, send_seq, &landline, Some(AUTH_TOKEN)).await, 204);
    let view = delivery(&c, &id).await;
    assert_eq!(view.status, DeliveryStatus::Undelivered);
    assert_eq!(view.problem, Some(DeliveryProblem::Landline));
    assert_eq!(view.error_code, Some(30006));

    // The same channel waits as always; the other one is offered at once.
    let r = c.resend(&id, None).await;
    assert_eq!((r.status, r.error()), (429, "resend_too_soon"), "{:?}", r.body);
    let r = c.resend(&id, Some(Channel::Voice)).await;
    assert_eq!(
        r.status, 200,
        "no resend wait to switch after a failure: {:?}",
        r.body
    );
    assert_eq!(r.body["delivery"]["status"], "queued");
    let call_seq = s.last_delivery().send_seq;
    assert_ne!(call_seq, send_seq);
    let late = [
        ("MessageSid", "SM1"),
        ("MessageStatus", "failed"),
        ("ErrorCode", "30003"),
    ];
    assert_eq!(report(&s, &id, send_seq, &late, Some(AUTH_TOKEN)).await, 204);
    assert_eq!(delivery(&c, &id).await.status, DeliveryStatus::Queued);
    // A call not answered: no error code, but a reason all the same.
    let no_answer = [("CallSid", "CA1"), ("CallStatus", "no-answer")];
    assert_eq!(report(&s, &id, call_seq, &no_answer, Some(AUTH_TOKEN)).await, 204);
    let view = delivery(&c, &id).await;
    assert_eq!(
        (view.status, view.problem),
        (DeliveryStatus::Undelivered, Some(DeliveryProblem::NotAnswered))
    );
    // A text on its way waits as before (past the number's burst limit first).
    s.clock.advance(policy::PHONE_BURST_WINDOW_SECS + 1);
    let r = c.resend(&id, Some(Channel::Sms)).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let r = c.resend(&id, None).await;
    assert_eq!((r.status, r.error()), (429, "resend_too_soon"));
}

/// Only the session that asked for the code sees how it is getting on.
#[tokio::test]
async fn a_codes_delivery_is_its_sessions_alone() {
    let (s, _c, id, _) = with_a_code_sent().await;
    let other = s.signed_up("b@example.com").await;
    assert_eq!(other.get(&paths::challenge_delivery(&id)).await.status, 404);
    assert_eq!(s.client().get(&paths::challenge_delivery(&id)).await.status, 401);
}

/// Without Twilio there is nothing to report on: the path is not there.
#[tokio::test]
async fn without_twilio_no_report_is_taken() {
    let s = server().await;
    let c = s.signed_up("a@example.com").await;
    let r = c
        .start(Purpose::Setup, Channel::Sms, Some("2015550123"), None)
        .await;
    let id = challenge_id(&r);
    let send_seq = s.last_delivery().send_seq;
    let delivered = [("MessageStatus", "delivered")];
    assert_eq!(report(&s, &id, send_seq, &delivered, Some(AUTH_TOKEN)).await, 404);
}

/// `cargo xtask run`'s dev outbox: each documented test number acts out one outcome,
/// so the code screen's messages can be seen (and are tested in the browser).
#[tokio::test]
async fn the_dev_outbox_acts_out_every_outcome() {
    let s = server_with_outbox().await;
    for (i, (number, channel, status, problem)) in [
        ("2015550123", Channel::Sms, "delivered", None),
        ("2015550197", Channel::Sms, "failed", Some("opted_out")),
        ("2015550196", Channel::Sms, "undelivered", Some("landline")),
        ("2015550195", Channel::Sms, "undelivered", Some("unreachable")),
        ("2015550195", Channel::Voice, "undelivered", Some("not_answered")),
        ("2015550194", Channel::Sms, "undelivered", Some("blocked")),
        ("2015550199", Channel::Sms, "sent", None),
    ]
    .into_iter()
    .enumerate()
    {
        let c = s.signed_up(&format!("dev{i}@example.com")).await;
        let r = c.start(Purpose::Setup, channel, Some(number), None).await;
        assert_eq!(r.status, 201, "{number}: {:?}", r.body);
        assert_eq!(r.body["delivery"]["status"], status, "{number} {channel:?}");
        assert_eq!(
            r.body["delivery"]["problem"],
            json!(problem),
            "{number} {channel:?}"
        );
        // The same, asked again.
        let view = delivery(&c, &challenge_id(&r)).await;
        assert_eq!(serde_json::to_value(view.status).unwrap(), status);
    }
}
