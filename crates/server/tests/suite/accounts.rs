//! Accounts, sessions and the "Sign in & Security" rules ("Account changes" in
//! security-rules.md), over real HTTP.

use crate::common;
use common::*;
use phone_mfa_contract::policy::*;
use phone_mfa_contract::*;
use serde_json::json;

#[tokio::test]
async fn health_answers_json() {
    let s = server().await;
    let r = s.client().get(paths::HEALTH).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["status"], "ok");
}

/// Rule W1: the session cookie is `__Host-`, Secure, HttpOnly, SameSite=Strict.
#[tokio::test]
async fn w1_the_sign_up_link_sets_a_host_only_secure_http_only_strict_cookie() {
    let s = server().await;
    let c = s.client();
    c.post(
        paths::SIGN_UP,
        json!({"email": "a@example.com", "password": PASSWORD}),
    )
    .await;
    let token = link_token(&s.last_email_to("a@example.com").await.unwrap());
    let r = c.post(paths::SIGN_UP_CONFIRM, json!({ "token": token })).await;
    assert_eq!(r.status, 201);
    assert_eq!(r.body["stage"], "mfa_setup");
    let cookie = r.headers["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("__Host-phone_mfa_session="), "{cookie}");
    for attr in ["Path=/", "Secure", "HttpOnly", "SameSite=Strict"] {
        assert!(cookie.contains(attr), "{cookie} lacks {attr}");
    }
    assert!(!cookie.contains("Domain="));
}

#[tokio::test]
async fn sign_up_refuses_bad_email_and_short_password_and_never_makes_a_second_account() {
    let s = server().await;
    let c = s.client();
    let r = c
        .post(
            paths::SIGN_UP,
            json!({"email": "not-an-email", "password": PASSWORD}),
        )
        .await;
    assert_eq!((r.status, r.error()), (422, "invalid_email"));
    let r = c
        .post(
            paths::SIGN_UP,
            json!({"email": "a@example.com", "password": "short"}),
        )
        .await;
    assert_eq!((r.status, r.error()), (422, "weak_password"));
    s.signed_up("a@example.com").await;
    // The same address in other letters: the owner is told, no link is sent.
    let r = c
        .post(
            paths::SIGN_UP,
            json!({"email": "A@example.com", "password": PASSWORD}),
        )
        .await;
    assert_eq!(r.status, 202);
    assert!(!s
        .last_email_to("A@example.com")
        .await
        .unwrap()
        .contains("#token="));
    let accounts = s
        .number("SELECT COUNT(*) FROM accounts WHERE lower(email) = 'a@example.com'")
        .await;
    assert_eq!(accounts, 1);
}

#[tokio::test]
async fn a_password_alone_reaches_nothing_but_the_second_factor() {
    let s = server().await;
    let c = s.password_only("secure@example.com").await;
    assert_eq!(c.session().await.body["stage"], "mfa_pending");
    assert_eq!(c.get(paths::METHODS).await.error(), "wrong_stage");
    assert_eq!(
        c.send(reqwest::Method::DELETE, &paths::method(1), None)
            .await
            .status,
        403
    );
    let r = c.start(Purpose::Reauth, Channel::Sms, None, Some(1)).await;
    assert_eq!(r.status, 403);
    let r = c
        .start(Purpose::Setup, Channel::Sms, Some("2015550123"), None)
        .await;
    assert_eq!(r.status, 403);
}

#[tokio::test]
async fn wrong_password_and_unknown_email_get_the_same_answer() {
    let s = server().await;
    let c = s.client();
    let a = c
        .post(
            paths::SIGN_IN,
            json!({"email": "secure@example.com", "password": "wrong password!"}),
        )
        .await;
    let b = c
        .post(
            paths::SIGN_IN,
            json!({"email": "nobody@example.com", "password": "wrong password!"}),
        )
        .await;
    assert_eq!(a.status, 401);
    assert_eq!(a.body, b.body);
}

#[tokio::test]
async fn sign_in_with_a_text_or_a_call() {
    let s = server().await;
    for channel in [Channel::Sms, Channel::Voice] {
        let c = s.password_only("secure@example.com").await;
        let before = c.cookie.lock().unwrap().clone();
        let view: SessionView = serde_json::from_value(c.session().await.body).unwrap();
        let phone = view.methods.iter().find(|m| m.kind == MethodKind::Phone).unwrap();
        assert_eq!(phone.masked_phone.as_deref(), Some("•••-•••-0100"));
        let r = c.start(Purpose::SignIn, channel, None, Some(phone.id)).await;
        assert_eq!(r.status, 201, "{:?}", r.body);
        assert_eq!(s.last_delivery().channel, channel);
        let r = c.verify(&challenge_id(&r), &s.last_code()).await;
        assert_eq!(r.body["session"]["stage"], "signed_in");
        assert_ne!(*c.cookie.lock().unwrap(), before, "the session token is rotated");
        assert_eq!(c.get(paths::METHODS).await.status, 200);
        s.clock.advance(60);
    }
}

#[tokio::test]
async fn the_token_from_before_the_second_factor_is_worthless_after_it() {
    let s = server().await;
    let c = s.password_only("secure@example.com").await;
    let stolen = c.clone();
    let stolen_cookie = c.cookie.lock().unwrap().clone();
    let r = c.start(Purpose::SignIn, Channel::Sms, None, Some(2)).await;
    c.verify(&challenge_id(&r), &s.last_code()).await;
    *stolen.cookie.lock().unwrap() = stolen_cookie;
    // `stolen` shares the Arc, so build an independent client holding the old cookie.
    let old = Client {
        cookie: std::sync::Arc::new(std::sync::Mutex::new(stolen.cookie.lock().unwrap().clone())),
        browser: Default::default(),
        ..s.client()
    };
    assert_eq!(old.session().await.status, 401);
}

#[tokio::test]
async fn sign_in_with_the_authenticator_app_and_no_replay() {
    let s = server().await;
    let c = s.password_only("secure@example.com").await;
    let code = phone_mfa_server::totp::code_at(phone_mfa_server::seed::DEMO_TOTP_SECRET, START).unwrap();
    let r = c
        .post(paths::TOTP_VERIFY, json!({"purpose": "sign_in", "code": code}))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["session"]["stage"], "signed_in");
    let r = c
        .post(paths::TOTP_VERIFY, json!({"purpose": "reauth", "code": code}))
        .await;
    assert_eq!(
        r.error(),
        "code_wrong",
        "a used authenticator code cannot be replayed"
    );
}

#[tokio::test]
async fn skip_is_offered_only_where_no_partner_requires_mfa() {
    let s = server().await;
    let c = s.password_only("new@example.com").await;
    assert_eq!(c.session().await.body["mfa_required"], false);
    let r = c.post(paths::SKIP_MFA, json!({})).await;
    assert_eq!(r.body["stage"], "signed_in");
    let c = s.password_only("required@example.com").await;
    let r = c.post(paths::SKIP_MFA, json!({})).await;
    assert_eq!(r.status, 403);
    assert_eq!(c.session().await.body["stage"], "mfa_setup");
}

/// Rule A8.
#[tokio::test]
async fn text_and_phone_are_unavailable_to_prescribers_of_controlled_substances() {
    let s = server().await;
    let c = s.password_only("prescriber@example.com").await;
    let options: MfaOptions = serde_json::from_value(c.get(paths::MFA_OPTIONS).await.body).unwrap();
    let phone = options
        .options
        .iter()
        .find(|o| o.kind == MethodKind::Phone)
        .unwrap();
    assert!(!phone.available);
    assert!(phone
        .unavailable_reason
        .as_deref()
        .unwrap()
        .contains("controlled substances"));
    assert!(phone.restricted);
    let r = c
        .start(Purpose::Setup, Channel::Sms, Some("2015550123"), None)
        .await;
    assert_eq!((r.status, r.error()), (403, "method_unavailable"));
    assert_eq!(s.sends(), 0);
    // Every screen knows, so none offers it (the dashboard's "Set up" included), and
    // the way on is a person to write to.
    assert_eq!(c.session().await.body["phone_allowed"], false);
    assert_eq!(options.support_email, "support@127.0.0.1");
    let other = s.password_only("new@example.com").await;
    assert_eq!(other.session().await.body["phone_allowed"], true);
}

async fn signed_in_with_app(s: &TestServer, email: &str) -> Client {
    let c = s.password_only(email).await;
    let code =
        phone_mfa_server::totp::code_at(phone_mfa_server::seed::DEMO_TOTP_SECRET, s.clock_now()).unwrap();
    let r = c
        .post(paths::TOTP_VERIFY, json!({"purpose": "sign_in", "code": code}))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    c
}

trait Now {
    fn clock_now(&self) -> i64;
}
impl Now for TestServer {
    fn clock_now(&self) -> i64 {
        use phone_mfa_server::clock::Clock;
        self.clock.now()
    }
}

/// Rule A3.
#[tokio::test]
async fn adding_a_secondary_phone_needs_a_second_factor_in_the_last_twenty_minutes() {
    let s = server().await;
    let c = signed_in_with_app(&s, "app-only@example.com").await;
    s.clock.advance(REAUTH_WINDOW_SECS);
    let r = c
        .start(Purpose::Setup, Channel::Sms, Some("2015550123"), None)
        .await;
    assert_eq!((r.status, r.error()), (403, "reauth_required"));
    assert_eq!(s.sends(), 0);
    // Re-authenticate with the current method (the app), then add the phone.
    s.clock.advance(30);
    let code =
        phone_mfa_server::totp::code_at(phone_mfa_server::seed::DEMO_TOTP_SECRET, s.clock_now()).unwrap();
    let r = c
        .post(paths::TOTP_VERIFY, json!({"purpose": "reauth", "code": code}))
        .await;
    assert_eq!(r.body["session"]["reauth_valid_for_s"], REAUTH_WINDOW_SECS);
    let r = c
        .start(Purpose::Setup, Channel::Sms, Some("2015550123"), None)
        .await;
    assert_eq!(r.status, 201);
    let r = c.verify(&challenge_id(&r), &s.last_code()).await;
    assert_eq!(r.status, 200);
    let methods = c.methods().await;
    assert_eq!(methods.len(), 2);
    assert!(
        methods
            .iter()
            .any(|m| m.kind == MethodKind::AuthenticatorApp && m.is_default),
        "the first method stays"
    );
}

/// Rule A6 (the e-mail half; the text to the old number is the next test).
#[tokio::test]
async fn every_add_change_and_remove_notifies_by_email_with_the_masked_number() {
    let s = server().await;
    let notices = async || {
        let mut mails = s.emails_to("a@example.com").await;
        mails.retain(|m| m.contains("this-wasnt-me"));
        mails
    };
    // Add: the first phone, through the real setup flow.
    let c = s.with_phone("a@example.com", "2015550123").await;
    let after_add = notices().await;
    assert_eq!(after_add.len(), 1, "{after_add:?}");
    // Add a second phone (the setup code just passed counts as a recent second factor).
    let r = c
        .start(Purpose::Setup, Channel::Sms, Some("2015550145"), None)
        .await;
    assert_eq!(c.verify(&challenge_id(&r), &s.last_code()).await.status, 200);
    let second = c
        .methods()
        .await
        .into_iter()
        .find(|m| m.masked_phone.as_deref().is_some_and(|p| p.ends_with("45")))
        .unwrap()
        .id;
    // Change it.
    let r = c
        .start(
            Purpose::PhoneChange,
            Channel::Sms,
            Some("2015550167"),
            Some(second),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert_eq!(c.verify(&challenge_id(&r), &s.last_code()).await.status, 200);
    // Remove it.
    let r = c
        .send(reqwest::Method::DELETE, &paths::method(second), None)
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    let all = notices().await;
    assert_eq!(all.len(), 4, "one notice per add, add, change, remove: {all:?}");
    // Newest first: remove, change, add, add.
    let expect = [&["67"][..], &["45", "67"], &["45"], &["23"]];
    for (mail, endings) in all.iter().zip(expect) {
        for ending in endings {
            assert!(
                mail.contains(&format!("•••-•••-01{ending}")),
                "{ending} in {mail}"
            );
        }
        for full in [
            "2015550123",
            "555-0123",
            "2015550145",
            "555-0145",
            "2015550167",
            "555-0167",
        ] {
            assert!(!mail.contains(full), "{full} in {mail}");
        }
    }
}

/// Rule A6 (a second address): a number replaced by another, or removed, is told by
/// text, in the account's language, with where to go if it wasn't them; a number
/// added is not texted beyond its code, and no text goes to the new number.
#[tokio::test]
async fn a_number_that_leaves_the_account_is_told_by_text_a6() {
    let s = server().await;
    let c = s.with_phone("a@example.com", "2015550123").await;
    let r = c
        .start(Purpose::Setup, Channel::Sms, Some("2015550145"), None)
        .await;
    assert_eq!(c.verify(&challenge_id(&r), &s.last_code()).await.status, 200);
    s.deliveries_settled().await;
    assert!(s.courier.texts.lock().unwrap().is_empty(), "adding texts nobody");
    let second = c.methods().await[1].id;
    let r = c
        .send(
            reqwest::Method::PUT,
            paths::SESSION_LANGUAGE,
            Some(json!({"language": "es"})),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    // Replace 0145 by 0167: 0145 is told, in Spanish.
    let r = c
        .start(
            Purpose::PhoneChange,
            Channel::Sms,
            Some("2015550167"),
            Some(second),
        )
        .await;
    assert_eq!(c.verify(&challenge_id(&r), &s.last_code()).await.status, 200);
    s.deliveries_settled().await;
    let texts = s.courier.texts.lock().unwrap().clone();
    assert_eq!(texts.len(), 1, "{texts:?}");
    assert_eq!(texts[0].0, "+12015550145");
    assert!(texts[0].1.contains("reemplazó"), "{}", texts[0].1);
    assert!(texts[0].1.ends_with("/this-wasnt-me"), "{}", texts[0].1);
    // Remove 0167: 0167 is told.
    let r = c
        .send(reqwest::Method::DELETE, &paths::method(second), None)
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    s.deliveries_settled().await;
    let texts = s.courier.texts.lock().unwrap().clone();
    assert_eq!(texts.len(), 2, "{texts:?}");
    assert_eq!(texts[1].0, "+12015550167");
    assert!(texts[1].1.contains("se quitó este número"), "{}", texts[1].1);
    // A removal that is refused (the last method) tells nobody.
    let last = c.methods().await[0].id;
    let r = c.send(reqwest::Method::DELETE, &paths::method(last), None).await;
    assert_eq!(r.status, 409, "{:?}", r.body);
    s.deliveries_settled().await;
    assert_eq!(s.courier.texts.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn a_new_number_replaces_the_old_only_once_its_code_is_confirmed() {
    let s = server().await;
    let c = s.with_phone("a@example.com", "2015550123").await;
    let id = c.methods().await[0].id;
    let r = c
        .post(
            paths::CHALLENGES,
            json!({"purpose": "phone_change", "channel": "sms", "method_id": id, "phone": {"number": "2015550145", "region": "US"}}),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert_eq!(
        s.last_delivery().to_e164,
        "+12015550145",
        "the code goes to the new number"
    );
    assert_eq!(
        c.methods().await[0].masked_phone.as_deref(),
        Some("•••-•••-0123"),
        "unchanged until confirmed"
    );
    let v = c.verify(&challenge_id(&r), &s.last_code()).await;
    assert_eq!(v.status, 200);
    assert_eq!(c.methods().await[0].masked_phone.as_deref(), Some("•••-•••-0145"));
}

/// Rule A3.
#[tokio::test]
async fn changing_a_number_needs_a_recent_second_factor() {
    let s = server().await;
    let c = s.with_phone("a@example.com", "2015550123").await;
    let id = c.methods().await[0].id;
    s.clock.advance(REAUTH_WINDOW_SECS + 1);
    let r = c
        .post(
            paths::CHALLENGES,
            json!({"purpose": "phone_change", "channel": "sms", "method_id": id, "phone": {"number": "2015550145", "region": "US"}}),
        )
        .await;
    assert_eq!(r.error(), "reauth_required");
}

/// Rule A5, A3.
#[tokio::test]
async fn the_last_method_cannot_be_removed_and_removal_needs_a_recent_factor() {
    let s = server().await;
    let c = s.with_phone("a@example.com", "2015550123").await;
    let first = c.methods().await[0].id;
    let r = c.send(reqwest::Method::DELETE, &paths::method(first), None).await;
    assert_eq!((r.status, r.error()), (409, "last_method"));
    s.clock.advance(31);
    let r = c
        .start(Purpose::Setup, Channel::Voice, Some("2015550145"), None)
        .await;
    c.verify(&challenge_id(&r), &s.last_code()).await;
    assert_eq!(c.methods().await.len(), 2);
    s.clock.advance(REAUTH_WINDOW_SECS + 1);
    let r = c.send(reqwest::Method::DELETE, &paths::method(first), None).await;
    assert_eq!(r.error(), "reauth_required");
    let r = c.start(Purpose::Reauth, Channel::Sms, None, Some(first)).await;
    c.verify(&challenge_id(&r), &s.last_code()).await;
    let r = c.send(reqwest::Method::DELETE, &paths::method(first), None).await;
    assert_eq!(r.status, 204);
    let left = c.methods().await;
    assert_eq!(left.len(), 1);
    assert!(left[0].is_default, "the remaining method becomes the default");
}

/// Rule S6.
#[tokio::test]
async fn at_most_five_phones_per_account() {
    let s = server().await;
    let c = s.with_phone("a@example.com", "2015550110").await;
    for i in 1..MAX_PHONES_PER_ACCOUNT {
        s.clock.advance(31);
        let r = c
            .start(
                Purpose::Setup,
                Channel::Sms,
                Some(&format!("20155501{}", 10 + i)),
                None,
            )
            .await;
        assert_eq!(c.verify(&challenge_id(&r), &s.last_code()).await.status, 200);
    }
    s.clock.advance(31);
    let r = c
        .start(Purpose::Setup, Channel::Sms, Some("2015550199"), None)
        .await;
    assert_eq!((r.status, r.error()), (409, "phone_limit_reached"));
    let r = c
        .start(Purpose::Setup, Channel::Sms, Some("2015550110"), None)
        .await;
    assert_eq!(r.status, 409);
}

#[tokio::test]
async fn the_default_channel_can_be_chosen_but_not_text_for_a_landline() {
    let s = server().await;
    let c = s.with_phone("a@example.com", "2015550123").await;
    let id = c.methods().await[0].id;
    let r = c
        .send(
            reqwest::Method::PATCH,
            &paths::method(id),
            Some(json!({"default_channel": "voice"})),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(c.methods().await[0].default_channel, Some(Channel::Voice));
}

#[tokio::test]
async fn the_openapi_document_describes_every_endpoint() {
    let s = server().await;
    let doc = s.client().get(paths::OPENAPI).await;
    assert_eq!(doc.status, 200);
    assert!(doc.body["openapi"].as_str().unwrap().starts_with("3."));
    let documented = doc.body["paths"].as_object().unwrap();
    for path in [
        paths::HEALTH,
        paths::SIGN_UP,
        paths::SIGN_UP_CONFIRM,
        paths::SIGN_IN,
        paths::SIGN_OUT,
        paths::SESSION,
        paths::SKIP_MFA,
        paths::MFA_OPTIONS,
        paths::PHONE_CHECK,
        paths::CHALLENGES,
        "/api/challenges/{id}/resend",
        "/api/challenges/{id}/verify",
        paths::TOTP_VERIFY,
        paths::METHODS,
        "/api/methods/{id}",
        paths::DEV_OUTBOX,
    ] {
        assert!(documented.contains_key(path), "{path} is not documented");
    }
    let schemas = doc.body["components"]["schemas"].as_object().unwrap();
    for schema in [
        "ChallengeView",
        "ApiError",
        "ErrorCode",
        "SessionView",
        "PhoneProblem",
    ] {
        assert!(schemas.contains_key(schema), "{schema} missing");
    }
}

#[tokio::test]
async fn production_refuses_to_start_without_a_secret_a_courier_or_a_mailer() {
    use phone_mfa_server::config::Config;
    let vars = |pairs: &'static [(&'static str, &'static str)]| {
        move |name: &str| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
    };
    assert!(Config::from_vars(vars(&[("PHONE_MFA_PRODUCTION", "1")])).is_err());
    assert!(Config::from_vars(vars(&[
        ("PHONE_MFA_PRODUCTION", "1"),
        ("PHONE_MFA_SECRET", "0123456789abcdef0123456789abcdef")
    ]))
    .is_err());
    Config::from_vars(vars(&[
        ("PHONE_MFA_PRODUCTION", "1"),
        ("PHONE_MFA_SECRET", "0123456789abcdef0123456789abcdef"),
        ("PHONE_MFA_TWILIO_ACCOUNT_SID", "AC1"),
        ("PHONE_MFA_TWILIO_AUTH_TOKEN", "t"),
        ("PHONE_MFA_TWILIO_FROM", "+12025550100"),
    ]))
    .expect_err("a mailer is required too (tests/mail.rs)");
    let ok = Config::from_vars(vars(&[
        ("PHONE_MFA_PRODUCTION", "1"),
        ("PHONE_MFA_SECRET", "0123456789abcdef0123456789abcdef"),
        ("PHONE_MFA_TWILIO_ACCOUNT_SID", "AC1"),
        ("PHONE_MFA_TWILIO_AUTH_TOKEN", "t"),
        ("PHONE_MFA_TWILIO_FROM", "+12025550100"),
        ("PHONE_MFA_SMTP_URL", "smtps://smtp.example.com"),
        ("PHONE_MFA_SMTP_FROM", "no-reply@example.com"),
    ]))
    .unwrap();
    assert!(!ok.dev_mode);
    assert!(Config::from_vars(vars(&[("PHONE_MFA_ALLOWED_COUNTRIES", "US,FR")])).is_err());
}

#[tokio::test]
async fn password_limits_can_be_tuned_by_the_operator_and_bad_values_are_refused() {
    use phone_mfa_server::config::Config;
    let vars = |pairs: &'static [(&'static str, &'static str)]| {
        move |name: &str| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
    };
    let c = Config::from_vars(vars(&[
        ("PHONE_MFA_IP_PASSWORD_FAILURES", "500"),
        ("PHONE_MFA_PASSWORD_HASH_SLOTS", "4"),
        ("PHONE_MFA_IP_SIGN_UPS_PER_HOUR", "200"),
    ]))
    .unwrap();
    assert_eq!(
        (
            c.password_failures_per_ip,
            c.password_hashing.permits,
            c.sign_up_emails_per_ip
        ),
        (500, 4, 200)
    );
    assert_eq!(
        Config::development().password_failures_per_ip,
        PASSWORD_FREE_FAILURES_PER_IP
    );
    for (name, value) in [
        ("PHONE_MFA_IP_PASSWORD_FAILURES", "many"),
        ("PHONE_MFA_PASSWORD_HASH_SLOTS", "0"),
        ("PHONE_MFA_IP_SIGN_UPS_PER_HOUR", "-1"),
    ] {
        let err = Config::from_vars(move |n: &str| (n == name).then(|| value.to_owned()));
        assert!(err.is_err(), "{name}={value}");
    }
}
