//! Refused Twilio reports are logged (from the delivery-status tests).

use crate::common;
use common::twilio_reports::*;
use phone_mfa_contract::*;
use phone_mfa_server::http::twilio::signature;

/// A forged "delivered" would hide a failure from the person waiting: only reports
/// signed with the account's auth token count, and refusals are logged.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reports_are_believed_only_when_twilio_signed_them() {
    let logs = crate::capture().await;
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
    let logs = logs.text();
    assert_eq!(
        logs.matches("a twilio status callback was refused").count(),
        3,
        "{logs}"
    );

    assert_eq!(report(&s, &id, send_seq, &delivered, Some(AUTH_TOKEN)).await, 204);
    let view = delivery(&c, &id).await;
    assert_eq!((view.status, view.problem), (DeliveryStatus::Delivered, None));
}
