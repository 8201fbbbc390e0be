//! Never stuck with only a phone (issue 20): authenticator-app setup, recovery codes and
//! remembered browsers, each rule as an attacker would test it. Test names carry the
//! rule of `security-rules.md` they hold.
use crate::common;
use common::*;
use phone_mfa_contract::policy::*;
use phone_mfa_contract::recovery::normalize_recovery_code;
use phone_mfa_contract::*;
use phone_mfa_server::clock::Clock;
use phone_mfa_server::totp::code_at;
use serde_json::json;

const PHONE: &str = "2015550123";

/// `SELECT COUNT(*)` of one account's methods (dev mode seeds demo accounts too).
fn methods_of(email: &str) -> String {
    format!(
        "SELECT COUNT(*) FROM methods WHERE account_id = (SELECT id FROM accounts WHERE email = '{email}')"
    )
}

fn now(s: &TestServer) -> i64 {
    Clock::now(&s.clock)
}

/// Shows `c` a new authenticator-app key; returns it.
async fn app_key(c: &Client) -> String {
    let r = c.post(paths::APP_SETUP, json!({})).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.body["key"].as_str().unwrap().to_owned()
}

/// Sets up a phone as the account's first method; returns its recovery codes.
async fn first_phone(s: &TestServer, c: &Client) -> Vec<String> {
    let r = c.start(Purpose::Setup, Channel::Sms, Some(PHONE), None).await;
    let v = c.verify(&challenge_id(&r), &s.last_code()).await;
    assert_eq!(v.status, 200, "{:?}", v.body);
    serde_json::from_value(v.body["recovery_codes"].clone()).unwrap()
}

/// A sign-in code to the account's phone, verified; `remember`: "Don't ask again".
async fn sign_in_by_text(s: &TestServer, c: &Client, remember: bool) -> Reply {
    let method = c.session().await.body["methods"][0]["id"].as_i64().unwrap();
    // One number, many sign-ins in a test: past the burst limit (S3) each time.
    s.clock.advance(PHONE_BURST_WINDOW_SECS);
    let r = c.start(Purpose::SignIn, Channel::Sms, None, Some(method)).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    c.post(
        &paths::challenge_verify(&challenge_id(&r)),
        json!({ "code": s.last_code(), "remember_browser": remember }),
    )
    .await
}

async fn sign_out(c: &Client) {
    assert_eq!(c.post(paths::SIGN_OUT, json!({})).await.status, 204);
}

/// Signs `c` in again with the password only (its cookies as they are).
async fn password(c: &Client, email: &str) -> Reply {
    let r = c
        .post(paths::SIGN_IN, json!({"email": email, "password": PASSWORD}))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r
}

// ------------------------------------------------------------ authenticator app

/// A new person sets up an authenticator app as the first method and signs in with it.
/// The key is shown once and stored sealed; the confirming code cannot sign in again
/// (C3); the account is e-mailed (A6).
#[tokio::test]
async fn c3_a6_an_app_set_up_from_scratch_signs_in_and_its_key_is_never_shown_again() {
    let s = server().await;
    let c = s.signed_up("ana@example.com").await;
    let r = c.post(paths::APP_SETUP, json!({})).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let key = r.body["key"].as_str().unwrap().to_owned();
    assert_eq!(key.len(), 32, "160 bits in base32");
    let uri = r.body["uri"].as_str().unwrap();
    assert!(
        uri.starts_with("otpauth://totp/Phone%20MFA:ana%40example%2Ecom?secret="),
        "{uri}"
    );
    assert!(uri.contains(&key));
    let size = r.body["qr"]["size"].as_u64().unwrap();
    assert!(size >= 21, "{size}");
    assert!(r.body["qr"]["path"].as_str().unwrap().starts_with("M0 0h1v1h-1z"));

    // A wrong code first: counted like any other (G1), nothing added.
    let code = code_at(&key, now(&s)).unwrap();
    let r = c.post(paths::APP_CONFIRM, json!({ "code": wrong(&code) })).await;
    assert_eq!((r.status, r.error()), (422, "code_wrong"), "{:?}", r.body);
    assert_eq!(r.body["attempts_left"], MAX_WRONG_CODES - 1);
    assert_eq!(s.number(&methods_of("ana@example.com")).await, 0);

    let r = c.post(paths::APP_CONFIRM, json!({ "code": code })).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["method"]["kind"], "authenticator_app");
    assert_eq!(r.body["session"]["stage"], "signed_in");
    let codes: Vec<String> = serde_json::from_value(r.body["recovery_codes"].clone()).unwrap();
    assert_eq!(
        codes.len(),
        RECOVERY_CODE_COUNT,
        "the first method brings the recovery codes"
    );
    assert_eq!(r.body["session"]["recovery_codes_left"], RECOVERY_CODE_COUNT);

    // Sealed at rest, and never in an answer again.
    let stored: String =
        sqlx::query_scalar(&methods_of("ana@example.com").replace("COUNT(*)", "totp_secret"))
            .fetch_one(&s.db)
            .await
            .unwrap();
    assert!(stored.starts_with("v1.") && !stored.contains(&key), "{stored}");
    for path in [paths::SESSION, paths::METHODS, paths::MFA_OPTIONS] {
        let body = c.get(path).await.body.to_string();
        assert!(!body.contains(&key), "{path} shows the key: {body}");
    }
    let mail = s.last_email_to("ana@example.com").await.unwrap();
    assert!(mail.contains("authenticator app was added"), "{mail}");
    assert!(mail.contains("/this-wasnt-me#token="), "{mail}");

    // Sign in with it: the code that confirmed it is used (C3), the next one works.
    sign_out(&c).await;
    let r = password(&c, "ana@example.com").await;
    assert_eq!(r.body["stage"], "mfa_pending");
    let replay = json!({"purpose": "sign_in", "code": code});
    let r = c.post(paths::TOTP_VERIFY, replay).await;
    assert_eq!((r.status, r.error()), (422, "code_wrong"), "{:?}", r.body);
    // The audit log says which kind of code each failure was.
    assert_eq!(
        s.texts("SELECT detail FROM audit_log WHERE event = 'code_wrong' ORDER BY id")
            .await,
        ["kind=app_setup failures=1", "kind=app failures=1"]
    );
    s.clock.advance(totp_step());
    let next = code_at(&key, now(&s)).unwrap();
    let r = c
        .post(paths::TOTP_VERIFY, json!({"purpose": "sign_in", "code": next}))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["session"]["stage"], "signed_in");
}

fn totp_step() -> i64 {
    phone_mfa_server::totp::STEP_SECS as i64
}

/// Rule A3, C5: adding an app is a method change like any other: a recent second factor,
/// the key bound to the session it was shown to, confirmed within its time.
#[tokio::test]
async fn a3_c5_an_app_is_added_only_by_the_session_shown_the_key_in_time_after_reauthentication() {
    let s = server().await;
    let c = s.with_phone("bo@example.com", PHONE).await;
    // Right after the phone's code: within the window.
    let key = app_key(&c).await;
    // Another session of the account, signed in too, cannot confirm this key.
    let other = s.password_only("bo@example.com").await;
    let r = sign_in_by_text(&s, &other, false).await;
    assert_eq!(r.status, 200);
    let code = code_at(&key, now(&s)).unwrap();
    let r = other.post(paths::APP_CONFIRM, json!({ "code": code })).await;
    assert_eq!((r.status, r.error()), (410, "code_expired"), "{:?}", r.body);
    // The window closes: no key, no confirmation.
    s.clock.advance(REAUTH_WINDOW_SECS + 1);
    let r = c.post(paths::APP_SETUP, json!({})).await;
    assert_eq!((r.status, r.error()), (403, "reauth_required"), "{:?}", r.body);
    let code = code_at(&key, now(&s)).unwrap();
    let r = c.post(paths::APP_CONFIRM, json!({ "code": code })).await;
    assert_eq!((r.status, r.error()), (403, "reauth_required"), "{:?}", r.body);
    assert_eq!(s.number(&methods_of("bo@example.com")).await, 1);
}

/// A key must be confirmed within its time; a password-only session of an account with
/// a method cannot ask for one (A1).
#[tokio::test]
async fn a1_an_app_key_expires_and_a_password_alone_gets_none() {
    let s = server().await;
    let c = s.signed_up("cy@example.com").await;
    let key = app_key(&c).await;
    s.clock.advance(APP_SETUP_TTL_SECS + 1);
    let code = code_at(&key, now(&s)).unwrap();
    let r = c.post(paths::APP_CONFIRM, json!({ "code": code })).await;
    assert_eq!((r.status, r.error()), (410, "code_expired"), "{:?}", r.body);
    first_phone(&s, &c).await;
    let half = s.password_only("cy@example.com").await;
    let r = half.post(paths::APP_SETUP, json!({})).await;
    assert_eq!(r.status, 403, "{:?}", r.body);
}

/// Rule G1, G2: wrong app codes at setup count against the account's one budget, and
/// the lockout refuses the right code too.
#[tokio::test]
async fn g1_g2_wrong_setup_codes_lock_the_account_like_any_code() {
    let s = server().await;
    let c = s.signed_up("di@example.com").await;
    let key = app_key(&c).await;
    let right = code_at(&key, now(&s)).unwrap();
    // Bad input is a clear 4xx and costs no attempt (the tenth wrong code below locks).
    for bad in ["12345", "12a456", "١٢٣٤٥٦", ""] {
        let r = c.post(paths::APP_CONFIRM, json!({ "code": bad })).await;
        assert_eq!(
            (r.status, r.error()),
            (422, "code_format"),
            "{bad:?}: {:?}",
            r.body
        );
    }
    for i in 1..=MAX_WRONG_CODES {
        let r = c.post(paths::APP_CONFIRM, json!({ "code": wrong(&right) })).await;
        let expected = if i == MAX_WRONG_CODES { 429 } else { 422 };
        assert_eq!(r.status, expected, "attempt {i}: {:?}", r.body);
    }
    let r = c.post(paths::APP_CONFIRM, json!({ "code": right })).await;
    assert_eq!((r.status, r.error()), (429, "locked_out"), "{:?}", r.body);
    s.clock.advance(LOCKOUT_SECS);
    let r = c
        .post(
            paths::APP_CONFIRM,
            json!({ "code": code_at(&key, now(&s)).unwrap() }),
        )
        .await;
    assert_eq!(r.status, 410, "the key's ten minutes are over: {:?}", r.body);
}

/// An account has one app; a second setup is refused, and "choose a method" says so.
#[tokio::test]
async fn one_app_per_account() {
    let s = server().await;
    let c = s.signed_up("ed@example.com").await;
    let key = app_key(&c).await;
    let r = c
        .post(
            paths::APP_CONFIRM,
            json!({ "code": code_at(&key, now(&s)).unwrap() }),
        )
        .await;
    assert_eq!(r.status, 200);
    let r = c.post(paths::APP_SETUP, json!({})).await;
    assert_eq!((r.status, r.error()), (409, "conflict"), "{:?}", r.body);
    let options = c.get(paths::MFA_OPTIONS).await.body;
    assert_eq!(
        options["options"][0]["kind"], "authenticator_app",
        "the stronger method first"
    );
    assert_eq!(options["options"][0]["available"], false);
}

/// Rule A8: the app is offered first, and to a prescriber of controlled substances,
/// who cannot use text or call, it is the way to set up MFA at all.
#[tokio::test]
async fn a8_a_prescriber_is_offered_the_app_and_can_set_it_up() {
    let s = server().await;
    let c = s.password_only("prescriber@example.com").await;
    let options = c.get(paths::MFA_OPTIONS).await.body;
    assert_eq!(options["options"][0]["kind"], "authenticator_app");
    assert_eq!(options["options"][0]["available"], true);
    assert_eq!(options["options"][0]["restricted"], false);
    assert_eq!(options["options"][1]["kind"], "phone");
    assert_eq!(options["options"][1]["available"], false);
    let key = app_key(&c).await;
    let r = c
        .post(
            paths::APP_CONFIRM,
            json!({ "code": code_at(&key, now(&s)).unwrap() }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
}

/// "This wasn't me" on an app added by someone else removes it.
#[tokio::test]
async fn a6_an_app_added_by_someone_else_is_removed_by_the_e_mails_link() {
    let s = server().await;
    let c = s.with_phone("fa@example.com", PHONE).await;
    let key = app_key(&c).await;
    let r = c
        .post(
            paths::APP_CONFIRM,
            json!({ "code": code_at(&key, now(&s)).unwrap() }),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(c.methods().await.len(), 2);
    let mail = s.last_email_to("fa@example.com").await.unwrap();
    let token = report_token(&mail);
    let r = s
        .client()
        .post(paths::CHANGE_REPORT_UNDO, json!({ "token": token }))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["change"]["kind"], "app_added");
    assert_eq!(r.body["outcome"], "undone");
    assert_eq!(
        s.number(&format!(
            "{} AND kind = 'authenticator_app'",
            methods_of("fa@example.com")
        ))
        .await,
        0
    );
}

/// "This wasn't me" on new recovery codes someone else asked for: theirs stop working.
#[tokio::test]
async fn a6_recovery_codes_someone_else_made_stop_working_by_the_e_mails_link() {
    let s = server().await;
    let c = s.signed_up("fb@example.com").await;
    first_phone(&s, &c).await;
    let r = c.post(paths::RECOVERY_CODES, json!({})).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let theirs: Vec<String> = serde_json::from_value(r.body["codes"].clone()).unwrap();
    let mail = s.last_email_to("fb@example.com").await.unwrap();
    assert!(mail.contains("no longer work"), "{mail}");
    let token = report_token(&mail);
    let r = s
        .client()
        .post(paths::CHANGE_REPORT, json!({ "token": token }))
        .await;
    assert_eq!(
        r.body["change"]["kind"], "recovery_codes_replaced",
        "{:?}",
        r.body
    );
    let r = s
        .client()
        .post(paths::CHANGE_REPORT_UNDO, json!({ "token": token }))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["change"]["kind"], "recovery_codes_replaced");
    assert_eq!(r.body["outcome"], "undone");
    // Their session has ended; a password alone and one of their codes gets nowhere.
    assert_eq!(c.session().await.status, 401);
    let after = s.password_only("fb@example.com").await;
    let r = after
        .post(paths::RECOVERY_SIGN_IN, json!({ "code": theirs[0] }))
        .await;
    assert_eq!(r.error(), "code_wrong", "{:?}", r.body);
}

fn report_token(mail: &str) -> String {
    let start = mail.find("/this-wasnt-me#token=").expect("a report link") + "/this-wasnt-me#token=".len();
    mail[start..]
        .split(|c: char| c.is_whitespace())
        .next()
        .unwrap()
        .to_owned()
}

/// Secrets stored in clear by an older server are sealed when the server starts.
#[tokio::test]
async fn c6_an_app_secret_stored_in_clear_is_sealed_at_start_up() {
    let first = server().await;
    let c = first.signed_up("ga@example.com").await;
    let key = app_key(&c).await;
    c.post(
        paths::APP_CONFIRM,
        json!({ "code": code_at(&key, now(&first)).unwrap() }),
    )
    .await;
    first
        .execute(&format!(
            "UPDATE methods SET totp_secret = '{key}' WHERE account_id = (SELECT id FROM accounts WHERE email = 'ga@example.com')"
        ))
        .await;
    first.stop().await;
    let again = server_with(|c| c.database = first.database.clone()).await;
    let stored: String = sqlx::query_scalar(&methods_of("ga@example.com").replace("COUNT(*)", "totp_secret"))
        .fetch_one(&again.db)
        .await
        .unwrap();
    assert!(stored.starts_with("v1.") && !stored.contains(&key), "{stored}");
    let c = again.password_only("ga@example.com").await;
    again.clock.advance(totp_step());
    let r = c
        .post(
            paths::TOTP_VERIFY,
            json!({"purpose": "sign_in", "code": code_at(&key, now(&again)).unwrap()}),
        )
        .await;
    assert_eq!(r.status, 200, "the sealed secret still works: {:?}", r.body);
}

// ------------------------------------------------------------ recovery codes

/// Rule C3, C6, G1, G2: a recovery code signs in once, is stored only as a keyed hash,
/// is typed any way it is printed, and wrong ones count against the one budget.
#[tokio::test]
async fn c3_c6_g1_g2_a_recovery_code_signs_in_once_under_the_same_guessing_limits() {
    let s = server().await;
    let c = s.signed_up("ha@example.com").await;
    let codes = first_phone(&s, &c).await;
    assert_eq!(codes.len(), RECOVERY_CODE_COUNT);
    for code in &codes {
        assert!(normalize_recovery_code(code).is_ok(), "{code}");
        assert_eq!(
            code.len(),
            RECOVERY_CODE_CHARS + 2,
            "shown as XXXX-XXXX-XXXXX: {code}"
        );
    }
    // Only keyed hashes are stored.
    let stored: Vec<Vec<u8>> = sqlx::query_scalar("SELECT code_mac FROM recovery_codes")
        .fetch_all(&s.db)
        .await
        .unwrap();
    assert_eq!(stored.len(), RECOVERY_CODE_COUNT);
    for mac in &stored {
        assert_eq!(mac.len(), 32);
        let text = String::from_utf8_lossy(mac);
        assert!(codes.iter().all(|c| !text.contains(&c.replace('-', ""))));
    }

    // Lost the phone: sign in with a recovery code, typed in lower case without hyphens.
    let lost = s.password_only("ha@example.com").await;
    let typed = codes[0].replace('-', " ").to_lowercase();
    let r = lost.post(paths::RECOVERY_SIGN_IN, json!({ "code": typed })).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["session"]["stage"], "signed_in");
    assert_eq!(r.body["session"]["recovery_codes_left"], RECOVERY_CODE_COUNT - 1);
    let mail = s.last_email_to("ha@example.com").await.unwrap();
    assert!(
        mail.contains(&format!("{} recovery codes left", RECOVERY_CODE_COUNT - 1)),
        "{mail}"
    );
    // The signed-in session may change methods at once (a new phone).
    assert!(r.body["session"]["reauth_valid_for_s"].as_i64().unwrap() > 0);

    // Single use (C3).
    let again = s.password_only("ha@example.com").await;
    let r = again
        .post(paths::RECOVERY_SIGN_IN, json!({ "code": codes[0] }))
        .await;
    assert_eq!((r.status, r.error()), (422, "code_wrong"), "{:?}", r.body);
    assert_eq!(
        s.texts("SELECT detail FROM audit_log WHERE event = 'code_wrong'")
            .await,
        ["kind=recovery_code failures=1"]
    );
    // Not a recovery code at all: a clear 422 that costs no attempt.
    for bad in ["", "ABCD-EFGH", "ABCD-EFGH-JKMNU", "١٢٣٤-٥٦٧٨-٩٠١٢٣"] {
        let r = again.post(paths::RECOVERY_SIGN_IN, json!({ "code": bad })).await;
        assert_eq!(
            (r.status, r.error()),
            (422, "code_format"),
            "{bad:?}: {:?}",
            r.body
        );
    }
    // One budget (G1): the used code cost one; nine more wrong ones lock (G2).
    for i in 2..=MAX_WRONG_CODES {
        let r = again
            .post(paths::RECOVERY_SIGN_IN, json!({ "code": "0000-0000-00000" }))
            .await;
        let expected = if i == MAX_WRONG_CODES { 429 } else { 422 };
        assert_eq!(r.status, expected, "attempt {i}: {:?}", r.body);
    }
    let r = again
        .post(paths::RECOVERY_SIGN_IN, json!({ "code": codes[1] }))
        .await;
    assert_eq!(
        (r.status, r.error()),
        (429, "locked_out"),
        "even a good code: {:?}",
        r.body
    );
    // The lock is the account's: a text code is refused too.
    let method = c.methods().await[0].id;
    let r = again
        .start(Purpose::SignIn, Channel::Sms, None, Some(method))
        .await;
    assert_eq!(r.status, 429, "{:?}", r.body);
    s.clock.advance(LOCKOUT_SECS);
    let r = again
        .post(paths::RECOVERY_SIGN_IN, json!({ "code": codes[1] }))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
}

/// A recovery code is for a sign-in's second factor only: not for a signed-in session
/// (it is no re-authentication) nor one still at setup.
#[tokio::test]
async fn a3_a_recovery_code_is_only_a_sign_in() {
    let s = server().await;
    let c = s.signed_up("ia@example.com").await;
    let codes = first_phone(&s, &c).await;
    let r = c.post(paths::RECOVERY_SIGN_IN, json!({ "code": codes[0] })).await;
    assert_eq!((r.status, r.error()), (403, "wrong_stage"), "{:?}", r.body);
    let fresh = s.signed_up("ja@example.com").await;
    let r = fresh
        .post(paths::RECOVERY_SIGN_IN, json!({ "code": codes[0] }))
        .await;
    assert_eq!(r.status, 403, "{:?}", r.body);
    assert_eq!(
        s.number("SELECT COUNT(*) FROM recovery_codes WHERE used_at IS NOT NULL")
            .await,
        0
    );
}

/// Rule A3: a new set needs a recent second factor; the old set stops working.
#[tokio::test]
async fn a3_new_recovery_codes_need_reauthentication_and_void_the_old_set() {
    let s = server().await;
    let c = s.signed_up("ka@example.com").await;
    let old = first_phone(&s, &c).await;
    s.clock.advance(REAUTH_WINDOW_SECS + 1);
    let r = c.post(paths::RECOVERY_CODES, json!({})).await;
    assert_eq!((r.status, r.error()), (403, "reauth_required"), "{:?}", r.body);
    let method = c.methods().await[0].id;
    let r = c.start(Purpose::Reauth, Channel::Sms, None, Some(method)).await;
    assert_eq!(c.verify(&challenge_id(&r), &s.last_code()).await.status, 200);
    let r = c.post(paths::RECOVERY_CODES, json!({})).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let new: Vec<String> = serde_json::from_value(r.body["codes"].clone()).unwrap();
    assert_eq!(new.len(), RECOVERY_CODE_COUNT);
    assert!(new.iter().all(|n| !old.contains(n)));
    assert_eq!(r.body["session"]["recovery_codes_left"], RECOVERY_CODE_COUNT);
    let mail = s.last_email_to("ka@example.com").await.unwrap();
    assert!(mail.contains("no longer work"), "{mail}");

    let lost = s.password_only("ka@example.com").await;
    let r = lost
        .post(paths::RECOVERY_SIGN_IN, json!({ "code": old[3] }))
        .await;
    assert_eq!(r.error(), "code_wrong", "{:?}", r.body);
    let r = lost
        .post(paths::RECOVERY_SIGN_IN, json!({ "code": new[3] }))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
}

/// Rule G6: twenty tabs racing one recovery code: exactly one gets in.
#[tokio::test]
async fn g6_a_recovery_code_raced_from_many_sessions_signs_in_once() {
    let s = server().await;
    let c = s.signed_up("la@example.com").await;
    let codes = first_phone(&s, &c).await;
    let mut racers = Vec::new();
    for _ in 0..20 {
        racers.push(s.password_only("la@example.com").await);
    }
    let handles: Vec<_> = racers
        .into_iter()
        .map(|r| {
            let code = codes[5].clone();
            tokio::spawn(async move {
                r.post(paths::RECOVERY_SIGN_IN, json!({ "code": code }))
                    .await
                    .status
            })
        })
        .collect();
    let mut answers = Vec::new();
    for h in handles {
        answers.push(h.await.unwrap());
    }
    assert_eq!(answers.iter().filter(|s| **s == 200).count(), 1, "{answers:?}");
    assert_eq!(
        s.number("SELECT COUNT(*) FROM recovery_codes WHERE used_at IS NOT NULL")
            .await,
        1
    );
}

// ------------------------------------------------------------ remembered browsers

/// Rule A1, A3, W1: "Don't ask again on this browser" skips the code at the next
/// sign-in from that browser only, for 30 days, and never stands in for the
/// re-authentication before a method change.
#[tokio::test]
async fn a1_a3_w1_a_remembered_browser_skips_the_code_at_sign_in_only() {
    let s = server().await;
    let c = s.signed_up("ma@example.com").await;
    first_phone(&s, &c).await;
    sign_out(&c).await;
    password(&c, "ma@example.com").await;
    let r = sign_in_by_text(&s, &c, true).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let set: Vec<String> = r
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    let browser_cookie = set
        .iter()
        .find(|c| c.starts_with(&format!("{BROWSER_COOKIE}=")))
        .unwrap_or_else(|| panic!("no browser cookie in {set:?}"));
    for attribute in [
        "Path=/",
        "Secure",
        "HttpOnly",
        "SameSite=Strict",
        &format!("Max-Age={REMEMBER_BROWSER_SECS}"),
    ] {
        assert!(browser_cookie.contains(attribute), "{browser_cookie}");
    }
    let browsers = &r.body["session"]["remembered_browsers"];
    assert_eq!(browsers.as_array().unwrap().len(), 1, "{browsers}");
    // The token is stored only as its hash.
    let token = c.browser.lock().unwrap().clone().unwrap();
    let token = token.split_once('=').unwrap().1.to_owned();
    let stored: Vec<u8> = sqlx::query_scalar("SELECT token_hash FROM remembered_browsers")
        .fetch_one(&s.db)
        .await
        .unwrap();
    assert!(!String::from_utf8_lossy(&stored).contains(&token));

    // Signing out keeps the browser remembered; the password alone now signs in.
    sign_out(&c).await;
    let r = password(&c, "ma@example.com").await;
    assert_eq!(r.body["stage"], "signed_in", "{:?}", r.body);
    assert_eq!(r.body["reauth_valid_for_s"], 0, "no second factor was passed");
    assert_eq!(c.methods().await.len(), 1, "the account is reachable");
    // Never a re-authentication (A3).
    let method = c.methods().await[0].id;
    let r = c
        .send(reqwest::Method::DELETE, &paths::method(method), None)
        .await;
    assert_eq!((r.status, r.error()), (403, "reauth_required"), "{:?}", r.body);
    let r = c.post(paths::APP_SETUP, json!({})).await;
    assert_eq!((r.status, r.error()), (403, "reauth_required"), "{:?}", r.body);
    let r = c.post(paths::RECOVERY_CODES, json!({})).await;
    assert_eq!((r.status, r.error()), (403, "reauth_required"), "{:?}", r.body);

    // Another browser is asked for the code.
    let elsewhere = s.client();
    let r = password(&elsewhere, "ma@example.com").await;
    assert_eq!(r.body["stage"], "mfa_pending");
    // The cookie means nothing to another account (A1).
    let other = s.signed_up("na@example.com").await;
    first_phone(&s, &other).await;
    let thief = s.client();
    *thief.browser.lock().unwrap() = c.browser.lock().unwrap().clone();
    let r = password(&thief, "na@example.com").await;
    assert_eq!(r.body["stage"], "mfa_pending");
    // After 30 days the browser is asked again.
    sign_out(&c).await;
    s.clock.advance(REMEMBER_BROWSER_SECS);
    let r = password(&c, "ma@example.com").await;
    assert_eq!(r.body["stage"], "mfa_pending");
}

/// Rule A1: "forget" on the dashboard asks that browser again, and the session it let
/// in without a code ends its reach at once; "forget all" forgets every one.
#[tokio::test]
async fn a1_a_forgotten_browser_is_asked_again_and_loses_its_session() {
    let s = server().await;
    let owner = s.signed_up("oa@example.com").await;
    first_phone(&s, &owner).await;
    let laptop = s.client();
    password(&laptop, "oa@example.com").await;
    assert_eq!(sign_in_by_text(&s, &laptop, true).await.status, 200);
    sign_out(&laptop).await;
    let r = password(&laptop, "oa@example.com").await;
    assert_eq!(r.body["stage"], "signed_in");
    let id = owner.session().await.body["remembered_browsers"][0]["id"]
        .as_i64()
        .unwrap();
    let r = owner
        .send(reqwest::Method::DELETE, &paths::remembered_browser(id), None)
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["remembered_browsers"].as_array().unwrap().len(), 0);
    assert_eq!(laptop.session().await.body["stage"], "mfa_pending");
    assert_ne!(laptop.get(paths::METHODS).await.status, 200);
    // Forgotten from the browser itself: the answer says it now owes a code.
    let laptop = s.client();
    password(&laptop, "oa@example.com").await;
    assert_eq!(sign_in_by_text(&s, &laptop, true).await.status, 200);
    sign_out(&laptop).await;
    assert_eq!(
        password(&laptop, "oa@example.com").await.body["stage"],
        "signed_in"
    );
    let id = laptop.session().await.body["remembered_browsers"][0]["id"]
        .as_i64()
        .unwrap();
    let r = laptop
        .send(reqwest::Method::DELETE, &paths::remembered_browser(id), None)
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["stage"], "mfa_pending");
    let r = owner
        .send(reqwest::Method::DELETE, &paths::remembered_browser(id), None)
        .await;
    assert_eq!(r.status, 404, "{:?}", r.body);

    // Two browsers remembered, then "forget all".
    for _ in 0..2 {
        let b = s.client();
        password(&b, "oa@example.com").await;
        assert_eq!(sign_in_by_text(&s, &b, true).await.status, 200);
    }
    assert_eq!(
        owner.session().await.body["remembered_browsers"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let r = owner
        .send(reqwest::Method::DELETE, paths::REMEMBERED_BROWSERS, None)
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(s.number("SELECT COUNT(*) FROM remembered_browsers").await, 0);
}

/// Any method change forgets every browser, as does "this wasn't me"; a code for a
/// re-authentication never remembers one.
#[tokio::test]
async fn a7_a_method_change_forgets_every_browser_and_reauthentication_remembers_none() {
    let s = server().await;
    let c = s.signed_up("pa@example.com").await;
    first_phone(&s, &c).await;
    let laptop = s.client();
    password(&laptop, "pa@example.com").await;
    assert_eq!(sign_in_by_text(&s, &laptop, true).await.status, 200);
    // A re-authentication asking to remember: ignored.
    let method = laptop.methods().await[0].id;
    s.clock.advance(RESEND_COOLDOWN_SECS);
    let r = laptop
        .start(Purpose::Reauth, Channel::Sms, None, Some(method))
        .await;
    let r = laptop
        .post(
            &paths::challenge_verify(&challenge_id(&r)),
            json!({ "code": s.last_code(), "remember_browser": true }),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(s.number("SELECT COUNT(*) FROM remembered_browsers").await, 1);
    // The laptop adds an app: every browser is forgotten.
    let key = app_key(&laptop).await;
    let r = laptop
        .post(
            paths::APP_CONFIRM,
            json!({ "code": code_at(&key, now(&s)).unwrap() }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(s.number("SELECT COUNT(*) FROM remembered_browsers").await, 0);
    sign_out(&laptop).await;
    assert_eq!(
        password(&laptop, "pa@example.com").await.body["stage"],
        "mfa_pending"
    );

    // Remembered again, then "this wasn't me" on the app: forgotten again.
    s.clock.advance(RESEND_COOLDOWN_SECS);
    assert_eq!(sign_in_by_text(&s, &laptop, true).await.status, 200);
    assert_eq!(s.number("SELECT COUNT(*) FROM remembered_browsers").await, 1);
    let mails = s.emails_to("pa@example.com").await;
    let app_mail = mails
        .iter()
        .find(|m| m.contains("authenticator app was added"))
        .unwrap();
    let r = s
        .client()
        .post(
            paths::CHANGE_REPORT_UNDO,
            json!({ "token": report_token(app_mail) }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(s.number("SELECT COUNT(*) FROM remembered_browsers").await, 0);
}

/// A browser is named from its User-Agent, and an account keeps at most
/// `MAX_REMEMBERED_BROWSERS` (the oldest is forgotten).
#[tokio::test]
async fn remembered_browsers_are_named_and_capped() {
    let s = server().await;
    let c = s.signed_up("qa@example.com").await;
    first_phone(&s, &c).await;
    for i in 0..=MAX_REMEMBERED_BROWSERS {
        let b = Client {
            base: s.base.clone(),
            http: reqwest::Client::builder()
                .user_agent("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0")
                .build()
                .unwrap(),
            cookie: Default::default(),
            browser: Default::default(),
        };
        password(&b, "qa@example.com").await;
        s.clock.advance(RESEND_COOLDOWN_SECS);
        let r = sign_in_by_text(&s, &b, true).await;
        assert_eq!(r.status, 200, "browser {i}: {:?}", r.body);
    }
    let list = c.session().await.body["remembered_browsers"].clone();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), MAX_REMEMBERED_BROWSERS);
    assert!(list.iter().all(|b| b["name"] == "Firefox, Linux"), "{list:?}");
}

/// Rule A1: a forgotten browser's session does not come back when another browser is
/// remembered (a re-used row id once let it).
#[tokio::test]
async fn a1_a_session_of_a_forgotten_browser_stays_out_when_another_is_remembered() {
    let s = server().await;
    let owner = s.signed_up("ra@example.com").await;
    first_phone(&s, &owner).await;
    let laptop = s.client();
    password(&laptop, "ra@example.com").await;
    assert_eq!(sign_in_by_text(&s, &laptop, true).await.status, 200);
    sign_out(&laptop).await;
    assert_eq!(
        password(&laptop, "ra@example.com").await.body["stage"],
        "signed_in"
    );
    let id = owner.session().await.body["remembered_browsers"][0]["id"]
        .as_i64()
        .unwrap();
    let r = owner
        .send(reqwest::Method::DELETE, &paths::remembered_browser(id), None)
        .await;
    assert_eq!(r.status, 200);
    let other = s.client();
    password(&other, "ra@example.com").await;
    assert_eq!(sign_in_by_text(&s, &other, true).await.status, 200);
    assert_eq!(laptop.session().await.body["stage"], "mfa_pending");
}

/// Rule A1: a password alone learns nothing of the account's other ways in.
#[tokio::test]
async fn a1_a_password_alone_sees_no_recovery_codes_or_browsers() {
    let s = server().await;
    let c = s.signed_up("sa@example.com").await;
    first_phone(&s, &c).await;
    let b = s.client();
    password(&b, "sa@example.com").await;
    assert_eq!(sign_in_by_text(&s, &b, true).await.status, 200);
    let half = s.password_only("sa@example.com").await;
    let view = half.session().await.body;
    assert_eq!(view["stage"], "mfa_pending");
    assert_eq!(view["recovery_codes_left"], 0);
    assert_eq!(view["remembered_browsers"].as_array().unwrap().len(), 0);
    assert_eq!(c.session().await.body["recovery_codes_left"], RECOVERY_CODE_COUNT);
}

/// "This wasn't me" voids the account's recovery codes (whoever made the change may have
/// made new ones), and none can be made while changes are paused.
#[tokio::test]
async fn a6_this_wasnt_me_voids_recovery_codes_and_none_are_made_while_paused() {
    let s = server().await;
    let c = s.signed_up("ta@example.com").await;
    let codes = first_phone(&s, &c).await;
    // Someone with the password and a factor adds an app, then makes new codes.
    let key = app_key(&c).await;
    let r = c
        .post(
            paths::APP_CONFIRM,
            json!({ "code": code_at(&key, now(&s)).unwrap() }),
        )
        .await;
    assert_eq!(r.status, 200);
    let theirs: Vec<String> =
        serde_json::from_value(c.post(paths::RECOVERY_CODES, json!({})).await.body["codes"].clone()).unwrap();
    let mails = s.emails_to("ta@example.com").await;
    let app_mail = mails
        .iter()
        .find(|m| m.contains("authenticator app was added"))
        .unwrap();
    let r = s
        .client()
        .post(
            paths::CHANGE_REPORT_UNDO,
            json!({ "token": report_token(app_mail) }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let lost = s.password_only("ta@example.com").await;
    for code in [&theirs[0], &codes[0]] {
        let r = lost.post(paths::RECOVERY_SIGN_IN, json!({ "code": code })).await;
        assert_eq!(r.error(), "code_wrong", "{:?}", r.body);
    }
    // Signed in again with the phone, within the pause: no new codes yet.
    assert_eq!(sign_in_by_text(&s, &lost, false).await.status, 200);
    let r = lost.post(paths::RECOVERY_CODES, json!({})).await;
    assert_eq!((r.status, r.error()), (403, "changes_paused"), "{:?}", r.body);
}
