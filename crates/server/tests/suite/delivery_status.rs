//! Delivery status (issue 17 item 5): Twilio's signed reports on each code's text or
//! call, kept per send and exposed to the code screen; the dev outbox's test numbers
//! act out each way a delivery fails.

use crate::common;
use common::twilio_reports::*;
use common::*;
use phone_mfa_contract::*;
use serde_json::json;

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
