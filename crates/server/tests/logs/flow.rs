//! The logs of a whole flow hold no code, no full phone number, no password and no
//! session token (security rules, "logs"), while every authentication attempt is logged.

use crate::common;
use common::*;
use phone_mfa_contract::*;

/// Rule W6.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_flow_logs_no_secrets() {
    let logs = crate::capture().await;

    let s = server().await;
    let c = s.signed_up("logs@example.com").await;
    let r = c
        .start(Purpose::Setup, Channel::Sms, Some("(201) 555-0123"), None)
        .await;
    let id = challenge_id(&r);
    let first = s.last_code();
    c.verify(&id, &wrong(&first)).await;
    s.clock.advance(30);
    c.resend(&id, Some(Channel::Voice)).await;
    let second = s.last_code();
    assert_eq!(c.verify(&id, &second).await.status, 200);
    let token = c.cookie.lock().unwrap().clone().unwrap();
    let token = token.split('=').nth(1).unwrap().to_owned();
    c.post(paths::SIGN_OUT, serde_json::json!({})).await;
    let c = s.password_only("logs@example.com").await;
    let phone = c.session().await.body["methods"][0]["id"].as_i64().unwrap();
    let r = c.start(Purpose::SignIn, Channel::Sms, None, Some(phone)).await;
    let third = s.last_code();
    c.verify(&challenge_id(&r), &third).await;

    let logs = logs.text();
    for code in [&first, &second, &third] {
        // A six-digit code could appear by chance inside a timestamp; look for it as a value.
        for shape in [format!("\"{code}\""), format!("={code}"), format!(" {code}")] {
            assert!(!logs.contains(&shape), "a code ({code}) is in the logs");
        }
    }
    for secret in ["2015550123", "555-0123", "555 0123", PASSWORD, &token] {
        assert!(!logs.contains(secret), "{secret:?} is in the logs");
    }
    for event in [
        "code_sent",
        "code_resent",
        "code_wrong",
        "code_verified",
        "sign_in_password_ok",
        "sign_in_completed",
    ] {
        assert!(logs.contains(event), "{event} was not logged");
    }
    assert!(logs.contains("•••-•••-0123"), "numbers appear masked");
}
