//! A server that takes Twilio's delivery reports, and reports signed as Twilio signs
//! them (shared by the delivery-status tests and the log tests).

use super::*;
use phone_mfa_server::couriers::twilio::TwilioConfig;
use phone_mfa_server::http::twilio::signature;

pub const AUTH_TOKEN: &str = "test-auth-token";
pub const ORIGIN: &str = "http://mfa.example.com";

/// A server that believes reports signed with [`AUTH_TOKEN`] (its codes still go to the
/// test's recording courier), with a signed-in account and a code just sent to it.
pub async fn with_a_code_sent() -> (TestServer, Client, String, i64) {
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
pub async fn report(
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

pub async fn delivery(c: &Client, id: &str) -> DeliveryView {
    let r = c.get(&paths::challenge_delivery(id)).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    serde_json::from_value(r.body).unwrap()
}
