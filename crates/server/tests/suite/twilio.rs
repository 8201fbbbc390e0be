//! The Twilio adapter against a local HTTP stub that records what it is sent.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use phone_mfa_contract::{Channel, DeliveryProblem, DeliveryStatus, Language};
use phone_mfa_server::couriers::twilio::{self, Twilio, TwilioConfig};
use phone_mfa_server::couriers::{CodeCourier, CodeDelivery};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// One request the stub received: its path, Authorization header and form fields.
type Request = (String, Option<String>, HashMap<String, String>);

#[derive(Clone, Default)]
struct Seen(Arc<Mutex<Vec<Request>>>);

async fn record(
    State(seen): State<Seen>,
    uri: axum::http::Uri,
    headers: HeaderMap,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> (StatusCode, &'static str) {
    let auth = headers
        .get("authorization")
        .map(|v| v.to_str().unwrap().to_owned());
    seen.0.lock().unwrap().push((uri.path().to_owned(), auth, form));
    (StatusCode::CREATED, r#"{"sid": "SM123"}"#)
}

async fn stub(status: StatusCode) -> (String, Seen) {
    let seen = Seen::default();
    let app = Router::new()
        .route("/2010-04-01/Accounts/{sid}/Messages.json", post(record))
        .route("/2010-04-01/Accounts/{sid}/Calls.json", post(record))
        .with_state(seen.clone());
    let app = if status.is_success() {
        app
    } else {
        Router::new().fallback(move || async move { (status, "no") })
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (base, seen)
}

fn courier(base: String) -> Twilio {
    Twilio::new(
        TwilioConfig {
            account_sid: "AC0000".into(),
            auth_token: "secret-token".into(),
            from: "+12025550100".into(),
            base_url: base,
        },
        "https://mfa.example.com".into(),
    )
}

/// Answers every request with `status` and `body`, as Twilio answers a refusal.
async fn refusing_stub(status: StatusCode, body: &'static str) -> String {
    let app = Router::new().fallback(move || async move { (status, body) });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    base
}

const STATUS_CALLBACK: &str = "https://mfa.example.com/api/twilio/status/ch_test/2";

fn delivery(channel: Channel) -> CodeDelivery {
    CodeDelivery {
        challenge_id: "ch_test".into(),
        send_seq: 2,
        to_e164: "+12015550123".into(),
        channel,
        code: "402913".into(),
        host: "mfa.example.com".into(),
        language: Language::En,
    }
}

#[tokio::test]
async fn a_text_goes_to_the_messages_api_with_the_webotp_line() {
    let (base, seen) = stub(StatusCode::CREATED).await;
    courier(base).deliver(&delivery(Channel::Sms)).await.unwrap();
    let seen = seen.0.lock().unwrap();
    let (path, auth, form) = &seen[0];
    assert_eq!(path, "/2010-04-01/Accounts/AC0000/Messages.json");
    // Basic auth: account SID and auth token.
    assert_eq!(auth.as_deref(), Some("Basic QUMwMDAwOnNlY3JldC10b2tlbg=="));
    assert_eq!(form["To"], "+12015550123");
    assert_eq!(form["From"], "+12025550100");
    assert!(
        form["Body"].ends_with("@mfa.example.com #402913"),
        "{}",
        form["Body"]
    );
    // Twilio reports how the text got on to this send's own address.
    assert_eq!(form["StatusCallback"], STATUS_CALLBACK);
}

#[tokio::test]
async fn a_call_reads_the_code_digit_by_digit_three_times() {
    let (base, seen) = stub(StatusCode::CREATED).await;
    courier(base).deliver(&delivery(Channel::Voice)).await.unwrap();
    let seen = seen.0.lock().unwrap();
    let (path, _, form) = &seen[0];
    assert_eq!(path, "/2010-04-01/Accounts/AC0000/Calls.json");
    assert_eq!(
        form["Twiml"].matches("4, 0, 2, 9, 1, 3").count(),
        3,
        "{}",
        form["Twiml"]
    );
    assert!(form["Twiml"].starts_with("<Response>"));
    assert_eq!(form["StatusCallback"], STATUS_CALLBACK);
}

#[tokio::test]
async fn a_spanish_account_gets_its_text_and_call_in_spanish() {
    let (base, seen) = stub(StatusCode::CREATED).await;
    let courier = courier(base);
    for channel in [Channel::Sms, Channel::Voice] {
        let d = CodeDelivery {
            language: Language::Es,
            ..delivery(channel)
        };
        courier.deliver(&d).await.unwrap();
    }
    let seen = seen.0.lock().unwrap();
    let body = &seen[0].2["Body"];
    assert!(body.starts_with("402913 es tu código de Phone MFA."), "{body}");
    assert!(body.ends_with("@mfa.example.com #402913"), "{body}");
    let twiml = &seen[1].2["Twiml"];
    assert!(twiml.contains(r#"<Say language="es-MX">"#), "{twiml}");
    assert_eq!(
        twiml.matches("Tu código es: 4, 0, 2, 9, 1, 3").count(),
        1,
        "{twiml}"
    );
    assert_eq!(twiml.matches("4, 0, 2, 9, 1, 3").count(), 3, "{twiml}");
}

#[tokio::test]
async fn a_refusal_from_twilio_is_a_delivery_failure() {
    let (base, _) = stub(StatusCode::BAD_REQUEST).await;
    assert!(courier(base).deliver(&delivery(Channel::Sms)).await.is_err());
    // An error of the account (bad credentials; a region not enabled for it) is the
    // operator's to fix, not the person's: an error, not a "blocked" message.
    let base = refusing_stub(StatusCode::UNAUTHORIZED, r#"{"code": 20003, "status": 401}"#).await;
    assert!(courier(base).deliver(&delivery(Channel::Sms)).await.is_err());
    let base = refusing_stub(StatusCode::BAD_REQUEST, r#"{"code": 21408, "status": 400}"#).await;
    assert!(courier(base).deliver(&delivery(Channel::Sms)).await.is_err());
}

/// A number that replied STOP is refused at once (Twilio 21610): the send is answered
/// with a failed status and the reason, so the person is told to call instead.
#[tokio::test]
async fn a_number_twilio_refuses_for_good_is_a_failed_delivery_with_its_code() {
    for (code, problem) in [
        (21610, DeliveryProblem::OptedOut),
        (21614, DeliveryProblem::Landline),
        (21612, DeliveryProblem::Unreachable),
    ] {
        let body: &'static str = Box::leak(format!(r#"{{"code": {code}, "status": 400}}"#).into_boxed_str());
        let base = refusing_stub(StatusCode::BAD_REQUEST, body).await;
        let accepted = courier(base).deliver(&delivery(Channel::Sms)).await.unwrap();
        assert_eq!(accepted.status, DeliveryStatus::Failed);
        assert_eq!(accepted.error_code, Some(code));
        assert_eq!(
            twilio::problem(accepted.status, Channel::Sms, accepted.error_code),
            Some(problem)
        );
    }
}

/// The notice to a number that left an account is a plain text through the same API.
#[tokio::test]
async fn a_plain_text_goes_to_the_messages_api_as_written() {
    let (base, seen) = stub(StatusCode::CREATED).await;
    let text = "Phone MFA: this number was removed from your account.";
    courier(base).text("+12015550145", text).await.unwrap();
    let (path, _, form) = seen.0.lock().unwrap()[0].clone();
    assert_eq!(path, "/2010-04-01/Accounts/AC0000/Messages.json");
    assert_eq!(form["To"], "+12015550145");
    assert_eq!(form["From"], "+12025550100");
    assert_eq!(form["Body"], text);
    let (base, _) = stub(StatusCode::BAD_REQUEST).await;
    assert!(courier(base).text("+12015550145", text).await.is_err());
}
