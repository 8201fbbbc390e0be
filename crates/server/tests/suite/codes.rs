//! One-time codes and guessing limits: one test per row of the "Codes" and
//! "Guessing limits" tables in shared/guide/security-rules.md.

use crate::common;
use common::*;
use phone_mfa_contract::policy::*;
use phone_mfa_contract::*;

const PHONE: &str = "201-555-0123";

async fn setup_challenge(s: &TestServer, email: &str) -> (Client, String) {
    let c = s.signed_up(email).await;
    let r = c.start(Purpose::Setup, Channel::Sms, Some(PHONE), None).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    (c, challenge_id(&r))
}

#[tokio::test]
async fn first_time_setup_secures_the_account() {
    let s = server().await;
    let (c, id) = setup_challenge(&s, "a@example.com").await;
    let r = c.verify(&id, &s.last_code()).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["session"]["stage"], "signed_in");
    assert_eq!(r.body["method"]["masked_phone"], "•••-•••-0123");
    let methods = c.methods().await;
    assert_eq!(methods.len(), 1);
    assert_eq!(methods[0].default_channel, Some(Channel::Sms));
    assert!(methods[0].is_default);
}

/// The code screen names a number just typed in full ("+1 201-555-0123", with
/// "Change"); a number already on the account only masked, never whole.
#[tokio::test]
async fn a_new_number_comes_back_whole_and_an_accounts_number_only_masked() {
    let s = server().await;
    let c = s.signed_up("a@example.com").await;
    let r = c
        .start(Purpose::Setup, Channel::Sms, Some("(201) 555-0123"), None)
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert_eq!(r.body["new_phone"], "+1 201-555-0123");
    assert_eq!(r.body["masked_phone"], "•••-•••-0123");
    c.verify(&challenge_id(&r), &s.last_code()).await;
    let phone = c.methods().await[0].id;
    s.clock.advance(RESEND_COOLDOWN_SECS);
    let r = c.start(Purpose::Reauth, Channel::Sms, None, Some(phone)).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert!(r.body.get("new_phone").is_none(), "{:?}", r.body);
    assert!(!r.body.to_string().contains("555-0123"), "{:?}", r.body);
    let id = challenge_id(&r);
    s.clock.advance(RESEND_COOLDOWN_SECS);
    let r = c.resend(&id, None).await;
    assert!(r.body.get("new_phone").is_none(), "{:?}", r.body);
}

/// Rule C1.
#[tokio::test]
async fn code_is_six_ascii_digits() {
    let s = server().await;
    setup_challenge(&s, "a@example.com").await;
    let code = s.last_code();
    assert_eq!(code.len(), CODE_LENGTH);
    assert!(code.bytes().all(|b| b.is_ascii_digit()));
}

/// Rule C2.
#[tokio::test]
async fn code_is_valid_for_ten_minutes_only() {
    let s = server().await;
    let (c, id) = setup_challenge(&s, "a@example.com").await;
    let code = s.last_code();
    s.clock.advance(CODE_TTL_SECS);
    let r = c.verify(&id, &code).await;
    assert_eq!((r.status, r.error()), (410, "code_expired"));

    let (c, id) = setup_challenge(&s, "b@example.com").await;
    s.clock.advance(CODE_TTL_SECS - 1);
    assert_eq!(c.verify(&id, &s.last_code()).await.status, 200);
}

/// Rule C3.
#[tokio::test]
async fn code_is_accepted_once() {
    let s = server().await;
    let c = s.with_phone("a@example.com", PHONE).await;
    let r = c.post(paths::SIGN_OUT, serde_json::json!({})).await;
    assert_eq!(r.status, 204);
    let c = s.password_only("a@example.com").await;
    let phone = c.session().await.body["methods"][0]["id"].as_i64().unwrap();
    let id = challenge_id(&c.start(Purpose::SignIn, Channel::Sms, None, Some(phone)).await);
    let code = s.last_code();
    assert_eq!(c.verify(&id, &code).await.status, 200);
    let again = c.verify(&id, &code).await;
    assert!(again.status >= 400 && again.status < 500, "{}", again.status);
}

/// Rule C4: a text that arrives late still works. After a resend the code before it
/// stays valid until its own expiry; at most two codes are live (a second resend drops
/// the first); using either voids both.
#[tokio::test]
async fn c4_the_code_before_a_resend_still_works_and_using_one_voids_both() {
    let s = server().await;
    let (c, id) = setup_challenge(&s, "a@example.com").await;
    let first = s.last_code();
    s.clock.advance(RESEND_COOLDOWN_SECS);
    assert_eq!(c.resend(&id, None).await.status, 200);
    let second = s.last_code();
    s.clock.advance(RESEND_COOLDOWN_SECS);
    assert_eq!(c.resend(&id, None).await.status, 200);
    let third = s.last_code();
    if first != second && first != third {
        let r = c.verify(&id, &first).await;
        assert_eq!(r.error(), "code_wrong", "only two codes are live: {:?}", r.body);
    }
    let r = c.verify(&id, &second).await;
    assert_eq!(r.status, 200, "the late code works: {:?}", r.body);
    let again = c.copy();
    let r = again.verify(&id, &third).await;
    assert_ne!(r.status, 200, "using one code voided the other: {:?}", r.body);
}

/// Rule C4: the two live codes share one failure budget (rule G1): guesses spread over
/// both lock the account after ten, and a resend does not buy more (rule G3).
#[tokio::test]
async fn c4_both_live_codes_count_against_one_failure_budget() {
    let s = server().await;
    let (c, id) = setup_challenge(&s, "a@example.com").await;
    let first = s.last_code();
    for _ in 0..5 {
        assert_eq!(c.verify(&id, &wrong(&first)).await.error(), "code_wrong");
    }
    s.clock.advance(RESEND_COOLDOWN_SECS);
    assert_eq!(c.resend(&id, None).await.status, 200);
    let second = s.last_code();
    let neither = |c: &str| c != first && c != second;
    let guess = (0..1_000_000)
        .map(|n| format!("{n:06}"))
        .find(|g| neither(g))
        .unwrap();
    for i in 0..MAX_WRONG_CODES - 5 {
        let r = c.verify(&id, &guess).await;
        let expected = if i + 5 + 1 < MAX_WRONG_CODES {
            "code_wrong"
        } else {
            "locked_out"
        };
        assert_eq!(r.error(), expected, "wrong code {}: {:?}", i + 6, r.body);
    }
    // Locked: neither live code works now.
    assert_eq!(c.verify(&id, &first).await.error(), "locked_out");
    assert_eq!(c.verify(&id, &second).await.error(), "locked_out");
}

/// Rule C4: the code before a resend keeps its own ten minutes, not the new code's.
#[tokio::test]
async fn c4_the_code_before_a_resend_expires_on_its_own_clock() {
    let s = server().await;
    let (c, id) = setup_challenge(&s, "a@example.com").await;
    let first = s.last_code();
    s.clock.advance(60);
    assert_eq!(c.resend(&id, None).await.status, 200);
    let second = s.last_code();
    s.clock.advance(CODE_TTL_SECS - 60);
    if first != second {
        let r = c.verify(&id, &first).await;
        assert_eq!(r.error(), "code_wrong", "past its own expiry: {:?}", r.body);
    }
    let r = c.verify(&id, &second).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
}

/// Rule C5.
#[tokio::test]
async fn code_is_bound_to_its_challenge_account_and_session() {
    let s = server().await;
    let (a, id_a) = setup_challenge(&s, "a@example.com").await;
    let code_a = s.last_code();
    let (b, id_b) = setup_challenge(&s, "b@example.com").await;
    // Another account cannot even see the challenge.
    assert_eq!(b.verify(&id_a, &code_a).await.status, 404);
    // A's code does not open B's challenge.
    if code_a != s.last_code() {
        assert_eq!(b.verify(&id_b, &code_a).await.error(), "code_wrong");
    }
    // A second session of the same account cannot use A's challenge either.
    let a2 = s.client();
    a2.post(
        paths::SIGN_IN,
        serde_json::json!({"email": "a@example.com", "password": PASSWORD}),
    )
    .await;
    assert_eq!(a2.verify(&id_a, &code_a).await.status, 404);
    assert_eq!(a.verify(&id_a, &code_a).await.status, 200);
}

/// Rule C5: a code works only for the purpose (and challenge) it was sent for. A
/// re-authentication code does not confirm a new number, and using it changes nothing.
#[tokio::test]
async fn a_code_cannot_be_used_for_another_purpose() {
    let s = server().await;
    let c = s.with_phone("a@example.com", PHONE).await;
    let phone = c.methods().await[0].id;
    let reauth = challenge_id(&c.start(Purpose::Reauth, Channel::Sms, None, Some(phone)).await);
    let reauth_code = s.last_code();
    let change = c
        .start(
            Purpose::PhoneChange,
            Channel::Sms,
            Some("2015550145"),
            Some(phone),
        )
        .await;
    assert_eq!(change.status, 201, "{:?}", change.body);
    let change = challenge_id(&change);
    if reauth_code != s.last_code() {
        let r = c.verify(&change, &reauth_code).await;
        assert_eq!(r.error(), "code_wrong", "{:?}", r.body);
    }
    let r = c.verify(&reauth, &reauth_code).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert!(
        r.body["method"].is_null(),
        "a re-authentication code adds or changes nothing"
    );
    let methods = c.methods().await;
    assert_eq!(methods.len(), 1);
    assert!(
        methods[0].masked_phone.as_deref().unwrap().ends_with("23"),
        "the number is unchanged"
    );
}

/// Rule C6.
#[tokio::test]
async fn codes_are_stored_only_as_a_keyed_hash() {
    let s = server().await;
    setup_challenge(&s, "a@example.com").await;
    let code = s.last_code();
    let mac: Vec<u8> = sqlx::query_scalar("SELECT code_mac FROM challenges")
        .fetch_one(&s.db)
        .await
        .unwrap();
    assert_eq!(mac.len(), 32, "HMAC-SHA256");
    assert!(!String::from_utf8_lossy(&mac).contains(&code));
    let dump: Vec<String> =
        sqlx::query_scalar("SELECT id || phone_e164 || purpose || channel FROM challenges")
            .fetch_all(&s.db)
            .await
            .unwrap();
    let dump = dump.concat();
    assert!(!dump.contains(&code));
}

/// Rule C8.
#[tokio::test]
async fn typed_codes_are_normalised_but_unicode_digits_are_refused() {
    let s = server().await;
    let (c, id) = setup_challenge(&s, "a@example.com").await;
    let code = s.last_code();
    for bad in ["12345", "1234567", "12a456", "١٢٣٤٥٦", "１２３４５６", ""] {
        let r = c.verify(&id, bad).await;
        assert_eq!((r.status, r.error()), (422, "code_format"), "{bad:?}");
    }
    for bad in [
        serde_json::Value::Null,
        serde_json::json!(123456),
        serde_json::json!("9".repeat(100_000)),
    ] {
        let r = c
            .post(&paths::challenge_verify(&id), serde_json::json!({ "code": bad }))
            .await;
        assert!((400..500).contains(&r.status), "{bad:?} -> {}", r.status);
    }
    let spaced = format!(" #{} {} ", &code[..3], &code[3..]);
    assert_eq!(c.verify(&id, &spaced).await.status, 200);
}

/// Rule G1, G2.
#[tokio::test]
async fn ten_wrong_codes_lock_the_account_for_ten_minutes_even_for_the_right_code() {
    let s = server().await;
    let (c, id) = setup_challenge(&s, "a@example.com").await;
    let code = s.last_code();
    for n in 1..MAX_WRONG_CODES {
        let r = c.verify(&id, &wrong(&code)).await;
        assert_eq!(r.error(), "code_wrong");
        assert_eq!(r.body["attempts_left"], MAX_WRONG_CODES - n);
    }
    let locked = c.verify(&id, &wrong(&code)).await;
    assert_eq!((locked.status, locked.error()), (429, "locked_out"));
    assert_eq!(locked.headers["retry-after"], LOCKOUT_SECS.to_string().as_str());
    let right_refused = c.verify(&id, &code).await;
    assert_eq!((right_refused.status, right_refused.error()), (429, "locked_out"));
    assert_eq!(
        right_refused.body["message"], locked.body["message"],
        "same answer for right and wrong"
    );
    s.clock.advance(LOCKOUT_SECS - 1);
    assert_eq!(c.verify(&id, &code).await.error(), "locked_out");
    s.clock.advance(1);
    // The lockout is over; that code has expired meanwhile, so ask for a new one.
    assert_eq!(c.resend(&id, None).await.status, 200);
    let r = c.verify(&id, &s.last_code()).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
}

/// Rule G3, G4.
#[tokio::test]
async fn resend_does_not_reset_the_failure_count_but_success_does() {
    let s = server().await;
    let (c, id) = setup_challenge(&s, "a@example.com").await;
    for _ in 0..5 {
        c.verify(&id, &wrong(&s.last_code())).await;
    }
    s.clock.advance(RESEND_COOLDOWN_SECS);
    let r = c.resend(&id, None).await;
    assert_eq!(r.body["attempts_left"], 5, "resend keeps the count");
    let r = c.verify(&id, &wrong(&s.last_code())).await;
    assert_eq!(r.body["attempts_left"], 4);
    assert_eq!(c.verify(&id, &s.last_code()).await.status, 200);
    // After success the count starts again from ten.
    let phone = c.methods().await[0].id;
    let id = challenge_id(&c.start(Purpose::Reauth, Channel::Sms, None, Some(phone)).await);
    let r = c.verify(&id, &wrong(&s.last_code())).await;
    assert_eq!(r.body["attempts_left"], MAX_WRONG_CODES - 1);
}

/// Rule G5.
#[tokio::test]
async fn attempts_left_is_reported_so_the_app_can_warn_at_three() {
    let s = server().await;
    let (c, id) = setup_challenge(&s, "a@example.com").await;
    let mut last = 0;
    for _ in 0..(MAX_WRONG_CODES - ATTEMPTS_LEFT_WARNING_AT) {
        last = c.verify(&id, &wrong(&s.last_code())).await.body["attempts_left"]
            .as_u64()
            .unwrap();
    }
    assert_eq!(last as u32, ATTEMPTS_LEFT_WARNING_AT);
}

/// Rule G6.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_concurrent_right_codes_exactly_one_wins() {
    let s = server().await;
    let (c, id) = setup_challenge(&s, "a@example.com").await;
    let code = s.last_code();
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let (c, id, code) = (c.clone(), id.clone(), code.clone());
            tokio::spawn(async move { c.verify(&id, &code).await.status })
        })
        .collect();
    let mut ok = 0;
    for t in tasks {
        if t.await.unwrap() == 200 {
            ok += 1;
        }
    }
    assert_eq!(ok, 1);
}

/// Rule G6.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_wrong_guesses_at_most_ten_are_evaluated() {
    let s = server().await;
    let (c, id) = setup_challenge(&s, "a@example.com").await;
    let bad = wrong(&s.last_code());
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let (c, id, bad) = (c.clone(), id.clone(), bad.clone());
            tokio::spawn(async move { c.verify(&id, &bad).await.error().to_owned() })
        })
        .collect();
    let mut wrong_answers = 0;
    let mut locked = 0;
    for t in tasks {
        match t.await.unwrap().as_str() {
            "code_wrong" => wrong_answers += 1,
            "locked_out" => locked += 1,
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(wrong_answers, MAX_WRONG_CODES - 1);
    assert_eq!(locked, 50 - (MAX_WRONG_CODES - 1));
    let evaluated = s
        .number("SELECT COUNT(*) FROM audit_log WHERE event = 'code_wrong' AND detail LIKE 'kind=phone %'")
        .await;
    assert_eq!(evaluated, i64::from(MAX_WRONG_CODES));
}

#[tokio::test]
async fn a_text_ends_with_the_webotp_line_and_a_call_reads_the_code_three_times() {
    let s = server().await;
    let (c, id) = setup_challenge(&s, "a@example.com").await;
    let d = s.last_delivery();
    assert!(
        d.sms_body().ends_with(&format!("@127.0.0.1:8080 #{}", d.code)),
        "{}",
        d.sms_body()
    );
    s.clock.advance(RESEND_COOLDOWN_SECS);
    let r = c.resend(&id, Some(Channel::Voice)).await;
    assert_eq!(r.body["channel"], "voice");
    let d = s.last_delivery();
    assert_eq!(d.channel, Channel::Voice);
    let spoken: Vec<String> = d.code.chars().map(String::from).collect();
    assert_eq!(d.voice_script().matches(&spoken.join(", ")).count(), 3);
}

/// A stored value the server does not know (a newer server wrote it, or a hand edit)
/// is a loud error: the challenge is not quietly read as some other purpose.
#[tokio::test]
async fn an_unknown_stored_purpose_is_an_error_not_another_purpose() {
    let s = server().await;
    let (c, id) = setup_challenge(&s, "a@example.com").await;
    s.execute(&format!(
        "UPDATE challenges SET purpose = 'phone-change' WHERE id = '{id}'"
    ))
    .await;
    let r = c.verify(&id, &s.last_code()).await;
    assert_eq!((r.status, r.error()), (500, "internal"));
    s.execute(&format!(
        "UPDATE challenges SET purpose = 'setup' WHERE id = '{id}'"
    ))
    .await;
    assert_eq!(c.verify(&id, &s.last_code()).await.status, 200);
}
