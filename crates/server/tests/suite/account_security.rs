//! Account security as an attacker tries it (issue 13): stale sessions, interleaved
//! confirmations, password guessing, enumeration at sign-up, and errors that are always
//! the contract's JSON. Each test names the rule of `security-rules.md` it holds.

use crate::common;
use common::*;
use phone_mfa_contract::policy::*;
use phone_mfa_contract::*;
use serde_json::json;

const OWNER_PHONE: &str = "2015550123";
const ATTACKER_PHONE: &str = "2015550177";

// ------------------------------------------------------------ A1, A2, A7: sessions

/// Rule A1, A7. The reported take-over: a password-only session kept from sign-up
/// while the owner sets up a phone in another session.
#[tokio::test]
async fn a1_a7_a_stale_setup_session_cannot_skip_or_read_once_a_method_exists() {
    let s = server().await;
    let stale = s.signed_up("victim@example.com").await;
    assert_eq!(stale.session().await.body["stage"], "mfa_setup");
    let owner = s.password_only("victim@example.com").await;
    let r = owner
        .start(Purpose::Setup, Channel::Sms, Some(OWNER_PHONE), None)
        .await;
    assert_eq!(owner.verify(&challenge_id(&r), &s.last_code()).await.status, 200);
    let r = stale.post(paths::SKIP_MFA, json!({})).await;
    assert_ne!(
        r.status, 200,
        "skip must not sign the stale session in: {:?}",
        r.body
    );
    assert_ne!(r.body["stage"], "signed_in");
    assert_ne!(stale.get(paths::METHODS).await.status, 200);
    // Adding the first method ended every other session (A7).
    assert_eq!(stale.session().await.status, 401);
}

/// Rule A1, A7: the second route of the take-over, a setup code to the attacker's
/// phone and then deleting the owner's.
#[tokio::test]
async fn a1_a7_a_stale_setup_session_cannot_add_its_own_phone_and_remove_the_owners() {
    let s = server().await;
    let stale = s.signed_up("victim@example.com").await;
    let owner = s.password_only("victim@example.com").await;
    let r = owner
        .start(Purpose::Setup, Channel::Sms, Some(OWNER_PHONE), None)
        .await;
    owner.verify(&challenge_id(&r), &s.last_code()).await;
    let sends = s.sends();
    let r = stale
        .start(Purpose::Setup, Channel::Sms, Some(ATTACKER_PHONE), None)
        .await;
    assert!(
        r.status == 401 || r.status == 403,
        "a stale session must not start a setup: {} {:?}",
        r.status,
        r.body
    );
    assert_eq!(s.sends(), sends, "no code goes to the attacker's phone");
    let owner_phone = owner.methods().await[0].id;
    let r = stale
        .send(reqwest::Method::DELETE, &paths::method(owner_phone), None)
        .await;
    assert_ne!(r.status, 204);
    assert_eq!(owner.methods().await.len(), 1);
}

/// Rule A1, on its own: whatever stage a session was created at, it is re-derived
/// from the account on every request. Here a method appears without any session
/// taking part (an operator, a restore), so no session was ended.
#[tokio::test]
async fn a1_a_password_only_session_of_an_account_with_a_method_owes_the_second_factor() {
    let s = server().await;
    let c = s.signed_up("a@example.com").await;
    s.execute(
        "INSERT INTO methods (account_id, kind, phone_e164, sms_ok, default_channel, is_default, created_at)
         SELECT id, 'phone', '+12015550123', TRUE, 'sms', TRUE, 0 FROM accounts WHERE email = 'a@example.com'",
    )
    .await;
    assert_eq!(c.session().await.body["stage"], "mfa_pending");
    assert_eq!(c.post(paths::SKIP_MFA, json!({})).await.status, 403);
    let r = c
        .start(Purpose::Setup, Channel::Sms, Some(ATTACKER_PHONE), None)
        .await;
    assert_eq!((r.status, r.error()), (403, "wrong_stage"));
    assert_eq!(c.get(paths::METHODS).await.status, 403);
    // What it may do is the second factor, to the account's phone.
    let method = s
        .number("SELECT m.id FROM methods m JOIN accounts a ON a.id = m.account_id WHERE a.email = 'a@example.com'")
        .await;
    let r = c.start(Purpose::SignIn, Channel::Sms, None, Some(method)).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
}

/// Another browser of the account's owner, signed in with password and code, and a
/// third one that has typed only the password.
async fn other_device(s: &TestServer) -> (Client, Client) {
    let c = s.password_only("a@example.com").await;
    let id = c.session().await.body["methods"][0]["id"].as_i64().unwrap();
    s.clock.advance(RESEND_COOLDOWN_SECS);
    let r = c.start(Purpose::SignIn, Channel::Sms, None, Some(id)).await;
    assert_eq!(c.verify(&challenge_id(&r), &s.last_code()).await.status, 200);
    let half = s.password_only("a@example.com").await;
    (c, half)
}

/// A fresh second factor for `c` (its first phone).
async fn reauth(s: &TestServer, c: &Client) {
    let id = c.methods().await[0].id;
    s.clock.advance(RESEND_COOLDOWN_SECS);
    let r = c.start(Purpose::Reauth, Channel::Sms, None, Some(id)).await;
    assert_eq!(c.verify(&challenge_id(&r), &s.last_code()).await.status, 200);
}

/// Rule A7: adding, changing and removing a method each end every other session of
/// the account (signed-in and half-signed-in); the session that made the change stays.
#[tokio::test]
async fn a7_adding_changing_and_removing_a_method_end_every_other_session() {
    let s = server().await;
    let me = s.with_phone("a@example.com", OWNER_PHONE).await;
    // Add.
    let (signed_in, half) = other_device(&s).await;
    reauth(&s, &me).await;
    let r = me
        .start(Purpose::Setup, Channel::Voice, Some("2015550124"), None)
        .await;
    assert_eq!(me.verify(&challenge_id(&r), &s.last_code()).await.status, 200);
    assert_eq!(
        signed_in.session().await.status,
        401,
        "add ends signed-in sessions"
    );
    assert_eq!(
        half.session().await.status,
        401,
        "add ends half-signed-in sessions"
    );
    assert_eq!(me.session().await.status, 200, "the session that added stays");

    // Change.
    let (signed_in, half) = other_device(&s).await;
    reauth(&s, &me).await;
    let second = me.methods().await[1].id;
    s.clock.advance(RESEND_COOLDOWN_SECS);
    let r = me
        .start(
            Purpose::PhoneChange,
            Channel::Sms,
            Some("2015550125"),
            Some(second),
        )
        .await;
    assert_eq!(me.verify(&challenge_id(&r), &s.last_code()).await.status, 200);
    assert_eq!(
        signed_in.session().await.status,
        401,
        "change ends other sessions"
    );
    assert_eq!(half.session().await.status, 401);
    assert_eq!(me.session().await.status, 200);

    // Remove.
    let (signed_in, half) = other_device(&s).await;
    reauth(&s, &me).await;
    let r = me
        .send(reqwest::Method::DELETE, &paths::method(second), None)
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    assert_eq!(
        signed_in.session().await.status,
        401,
        "remove ends other sessions"
    );
    assert_eq!(half.session().await.status, 401);
    assert_eq!(me.session().await.status, 200);
}

/// Rule A2: "Skip for now" is a privilege change, so it issues a new token and the old
/// one is void.
#[tokio::test]
async fn a2_skipping_setup_issues_a_new_token() {
    let s = server().await;
    let c = s.password_only("new@example.com").await;
    let before = c.copy();
    let r = c.post(paths::SKIP_MFA, json!({})).await;
    assert_eq!(r.body["stage"], "signed_in");
    assert!(r.headers.contains_key("set-cookie"), "skip sets a new cookie");
    assert_ne!(c.token(), before.token());
    assert_eq!(c.get(paths::METHODS).await.status, 200);
    assert_eq!(before.session().await.status, 401, "the old token is void");
}

/// Rule A2: a re-authentication is a second factor passed, so it rotates the token
/// too; the session's code requests follow it.
#[tokio::test]
async fn a2_re_authenticating_issues_a_new_token() {
    let s = server().await;
    let c = s.with_phone("a@example.com", OWNER_PHONE).await;
    let id = c.methods().await[0].id;
    s.clock.advance(RESEND_COOLDOWN_SECS);
    let r = c.start(Purpose::Reauth, Channel::Sms, None, Some(id)).await;
    let before = c.copy();
    let r = c.verify(&challenge_id(&r), &s.last_code()).await;
    assert_eq!(r.status, 200);
    assert_ne!(c.token(), before.token());
    assert_eq!(before.session().await.status, 401);
    assert_eq!(c.session().await.status, 200);
}

// ------------------------------------------------ A4: preconditions at confirmation

/// Rule A4, W7: a phone change to a number that a setup added in the meantime answers
/// a clear 409, not a 500 from the database's unique constraint.
#[tokio::test]
async fn a4_a_phone_change_to_a_number_added_meanwhile_is_a_clear_409() {
    let s = server().await;
    let c = s.with_phone("a@example.com", OWNER_PHONE).await;
    let first = c.methods().await[0].id;
    s.clock.advance(RESEND_COOLDOWN_SECS);
    let change = c
        .start(
            Purpose::PhoneChange,
            Channel::Sms,
            Some("2015550124"),
            Some(first),
        )
        .await;
    assert_eq!(change.status, 201, "{:?}", change.body);
    let change_code = s.last_code();
    s.clock.advance(RESEND_COOLDOWN_SECS);
    let add = c
        .start(Purpose::Setup, Channel::Voice, Some("2015550124"), None)
        .await;
    assert_eq!(add.status, 201, "{:?}", add.body);
    assert_eq!(c.verify(&challenge_id(&add), &s.last_code()).await.status, 200);
    let r = c.verify(&challenge_id(&change), &change_code).await;
    assert_eq!(
        (r.status, r.error()),
        (409, "phone_already_added"),
        "{:?}",
        r.body
    );
    assert_eq!(c.methods().await.len(), 2, "nothing changed");
}

/// Rule A4: a change confirmed after its method was removed, and a sign-in code sent
/// to a phone removed before it was typed, are refused cleanly.
#[tokio::test]
async fn a4_codes_for_a_method_removed_meanwhile_are_refused() {
    let s = server().await;
    let c = s.with_phone("a@example.com", OWNER_PHONE).await;
    s.clock.advance(RESEND_COOLDOWN_SECS);
    let r = c
        .start(Purpose::Setup, Channel::Sms, Some("2015550124"), None)
        .await;
    c.verify(&challenge_id(&r), &s.last_code()).await;
    let second = c.methods().await[1].id;
    s.clock.advance(RESEND_COOLDOWN_SECS);
    let change = c
        .start(
            Purpose::PhoneChange,
            Channel::Sms,
            Some("2015550125"),
            Some(second),
        )
        .await;
    let change_code = s.last_code();
    let r = c
        .send(reqwest::Method::DELETE, &paths::method(second), None)
        .await;
    assert_eq!(r.status, 204);
    let r = c.verify(&challenge_id(&change), &change_code).await;
    assert!(
        r.status == 404 || r.status == 409,
        "a change of a removed method: {} {:?}",
        r.status,
        r.body
    );
    assert_eq!(c.methods().await.len(), 1, "the removed method did not come back");
}

// ------------------------------------------------------------ G7: passwords

async fn sign_in(c: &Client, email: &str, password: &str) -> Reply {
    c.post(paths::SIGN_IN, json!({"email": email, "password": password}))
        .await
}

fn retry_after(r: &Reply) -> i64 {
    r.headers["retry-after"].to_str().unwrap().parse().unwrap()
}

/// Rule G7: wrong passwords from one place are throttled with growing delays, during
/// which even the right password is refused; a success resets the count.
#[tokio::test]
async fn g7_wrong_passwords_get_growing_delays_that_the_right_one_does_not_lift() {
    let s = server().await;
    let c = s.client();
    let email = "secure@example.com";
    for i in 0..PASSWORD_FREE_FAILURES_PER_ACCOUNT_IP {
        let r = sign_in(&c, email, "wrong password 1").await;
        assert_eq!(r.status, 401, "failure {i} is only a wrong password");
    }
    let r = sign_in(&c, email, PASSWORD).await;
    assert_eq!((r.status, r.error()), (429, "rate_limited"), "{:?}", r.body);
    assert_eq!(retry_after(&r), PASSWORD_FIRST_DELAY_SECS);
    assert_eq!(r.body["retry_after_s"], PASSWORD_FIRST_DELAY_SECS);
    s.clock.advance(PASSWORD_FIRST_DELAY_SECS - 1);
    assert_eq!(sign_in(&c, email, PASSWORD).await.status, 429);
    s.clock.advance(1);
    // One more wrong password: the delay doubles.
    assert_eq!(sign_in(&c, email, "wrong password 2").await.status, 401);
    let r = sign_in(&c, email, PASSWORD).await;
    assert_eq!(retry_after(&r), 2 * PASSWORD_FIRST_DELAY_SECS);
    s.clock.advance(2 * PASSWORD_FIRST_DELAY_SECS);
    assert_eq!(sign_in(&c, email, PASSWORD).await.status, 200);
    // A success resets this place's count.
    for _ in 0..PASSWORD_FREE_FAILURES_PER_ACCOUNT_IP - 1 {
        assert_eq!(sign_in(&c, email, "wrong password 3").await.status, 401);
    }
    assert_eq!(sign_in(&c, email, PASSWORD).await.status, 200);
}

/// Rule G7: the delays grow to a ceiling and no further.
#[tokio::test]
async fn g7_the_delay_stops_growing_at_its_ceiling() {
    let s = server().await;
    let c = s.client();
    let mut last = 0;
    for _ in 0..PASSWORD_FREE_FAILURES_PER_ACCOUNT_IP + 12 {
        let r = sign_in(&c, "secure@example.com", "wrong password").await;
        if r.status == 429 {
            last = retry_after(&r);
            s.clock.advance(last);
            assert_eq!(
                sign_in(&c, "secure@example.com", "wrong password").await.status,
                401
            );
        }
    }
    let r = sign_in(&c, "secure@example.com", PASSWORD).await;
    assert_eq!(retry_after(&r), PASSWORD_MAX_DELAY_SECS);
    assert!(last <= PASSWORD_MAX_DELAY_SECS);
}

/// Rule G7, A9: an address without an account is throttled exactly like one with an
/// account, so the 429 does not tell an attacker which addresses exist.
#[tokio::test]
async fn g7_a9_unknown_addresses_are_throttled_the_same_way() {
    let s = server().await;
    let mut answers = vec![];
    for email in ["secure@example.com", "nobody@example.com"] {
        let c = s.client();
        for _ in 0..PASSWORD_FREE_FAILURES_PER_ACCOUNT_IP {
            sign_in(&c, email, "wrong password").await;
        }
        let r = sign_in(&c, email, "wrong password").await;
        answers.push((r.status, r.body.clone(), retry_after(&r)));
    }
    assert_eq!(answers[0], answers[1]);
}

/// Rule G7: the count is keyed by account and IP, so an attacker elsewhere does not
/// lock the owner out; the per-account cap is looser, and an address the owner
/// completed a sign-in from before is not held by it.
#[tokio::test]
async fn g7_an_attacker_elsewhere_does_not_lock_the_owner_out() {
    let s = server().await;
    let email = "secure@example.com";
    let owner = s.client_from("127.0.0.1");
    // The owner has signed in from home before (password and code).
    let r = sign_in(&owner, email, PASSWORD).await;
    assert_eq!(r.status, 200);
    let r = owner.start(Purpose::SignIn, Channel::Sms, None, Some(2)).await;
    assert_eq!(owner.verify(&challenge_id(&r), &s.last_code()).await.status, 200);

    let attacker = s.client_from("127.0.0.2");
    for _ in 0..PASSWORD_FREE_FAILURES_PER_ACCOUNT_IP {
        sign_in(&attacker, email, "guess").await;
    }
    assert_eq!(sign_in(&attacker, email, PASSWORD).await.status, 429);
    assert_eq!(
        sign_in(&owner, email, PASSWORD).await.status,
        200,
        "the owner is not held"
    );

    // Many addresses together reach the looser per-account cap...
    let mut failures = PASSWORD_FREE_FAILURES_PER_ACCOUNT_IP;
    let mut host = 3;
    while failures < PASSWORD_FREE_FAILURES_PER_ACCOUNT {
        let c = s.client_from(&format!("127.0.0.{host}"));
        for _ in
            0..(PASSWORD_FREE_FAILURES_PER_ACCOUNT_IP - 1).min(PASSWORD_FREE_FAILURES_PER_ACCOUNT - failures)
        {
            assert_eq!(sign_in(&c, email, "guess").await.status, 401);
            failures += 1;
        }
        host += 1;
    }
    // ...which holds a new address, right password or not...
    let stranger = s.client_from("127.0.0.99");
    let r = sign_in(&stranger, email, PASSWORD).await;
    assert_eq!((r.status, r.error()), (429, "rate_limited"), "{:?}", r.body);
    // ...but not the address the owner has signed in from.
    assert_eq!(sign_in(&owner, email, PASSWORD).await.status, 200);
}

/// Rule G7: one address trying many accounts (password spraying) is throttled too.
#[tokio::test]
async fn g7_one_address_spraying_many_accounts_is_throttled() {
    let s = server().await;
    let c = s.client_from("127.0.0.3");
    for i in 0..PASSWORD_FREE_FAILURES_PER_IP {
        // (The default; `PHONE_MFA_IP_PASSWORD_FAILURES` changes it.)
        let r = sign_in(&c, &format!("person{i}@example.com"), "Summer2026!").await;
        assert_eq!(r.status, 401, "attempt {i}");
    }
    let r = sign_in(&c, "secure@example.com", PASSWORD).await;
    assert_eq!((r.status, r.error()), (429, "rate_limited"));
    // Another address is not affected.
    assert_eq!(
        sign_in(&s.client(), "secure@example.com", PASSWORD).await.status,
        200
    );
}

/// Rule G7: the per-IP allowance is the operator's (many people behind one address).
#[tokio::test]
async fn g7_the_per_ip_allowance_is_what_the_operator_set() {
    let s = server_with(|c| c.password_failures_per_ip = 2).await;
    let c = s.client();
    for i in 0..2 {
        let r = sign_in(&c, &format!("person{i}@example.com"), "guess").await;
        assert_eq!(r.status, 401);
    }
    assert_eq!(sign_in(&c, "secure@example.com", PASSWORD).await.status, 429);
}

/// Rule G7: the counts live in the database, so a second server process on the same
/// database (or a restart) sees them.
#[tokio::test]
async fn g7_password_counts_hold_across_server_processes() {
    let s = server().await;
    let other = server_with(|c| c.database = s.database.clone()).await;
    for _ in 0..PASSWORD_FREE_FAILURES_PER_ACCOUNT_IP {
        sign_in(&s.client(), "secure@example.com", "guess").await;
    }
    let r = sign_in(&other.client(), "secure@example.com", PASSWORD).await;
    assert_eq!(r.status, 429, "{:?}", r.body);
}

/// Rule G7: password hashing is capped; beyond the cap a request waits briefly, then
/// gets a 503 with Retry-After (the contract's JSON), never a 500, and the server keeps
/// answering other requests.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn g7_concurrent_password_hashes_are_capped() {
    let s = server_with(|c| {
        c.password_hashing.permits = 1;
        c.password_hashing.queue_wait = std::time::Duration::from_millis(1);
    })
    .await;
    let tasks: Vec<_> = (0..12)
        .map(|i| {
            let c = s.client_from(&format!("127.0.2.{}", i + 1));
            tokio::spawn(async move { sign_in(&c, &format!("nobody{i}@example.com"), "guess").await })
        })
        .collect();
    let mut busy = 0;
    for t in tasks {
        let r = t.await.unwrap();
        match r.status {
            401 => {}
            503 => {
                busy += 1;
                assert_eq!(r.error(), "busy");
                assert!(retry_after(&r) >= 1);
            }
            other => panic!("unexpected {other}: {:?}", r.body),
        }
    }
    assert!(
        busy > 0,
        "with one permit and no queue some requests are turned away"
    );
}

/// Rule G7: an attempt turned away for want of a hashing slot was never checked, so
/// it is not counted as a wrong password: a busy server costs nobody a try.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn g7_an_attempt_the_server_was_too_busy_to_check_is_not_counted() {
    let s = server_with(|c| {
        c.password_hashing.permits = 1;
        c.password_hashing.queue_wait = std::time::Duration::from_millis(1);
    })
    .await;
    let tasks: Vec<_> = (0..12)
        .map(|_| {
            let c = s.client();
            tokio::spawn(async move { sign_in(&c, "secure@example.com", "guess").await.status })
        })
        .collect();
    let mut statuses = vec![];
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    let checked = statuses.iter().filter(|&&st| st == 401).count() as i64;
    assert!(statuses.contains(&503), "{statuses:?}");
    let counted = s
        .number("SELECT failures FROM password_failures WHERE key LIKE 'ai:%'")
        .await;
    assert_eq!(counted, checked, "only the checked attempts count: {statuses:?}");
}

// ------------------------------------------------------------ A9: sign-up

/// Rule A9: sign-up answers the same whether or not the address has an account; the
/// e-mail carries a link (new address) or a notice (taken address).
#[tokio::test]
async fn a9_sign_up_answers_the_same_for_new_and_taken_addresses() {
    let s = server().await;
    let fresh = s
        .client()
        .post(
            paths::SIGN_UP,
            json!({"email": "fresh@example.com", "password": PASSWORD}),
        )
        .await;
    let taken = s
        .client()
        .post(
            paths::SIGN_UP,
            json!({"email": "secure@example.com", "password": PASSWORD}),
        )
        .await;
    assert_eq!(fresh.status, 202, "{:?}", fresh.body);
    assert_eq!(taken.status, fresh.status);
    assert!(!fresh.headers.contains_key("set-cookie"));
    assert!(!taken.headers.contains_key("set-cookie"));
    let mut shape = taken.body.clone();
    shape["email"] = fresh.body["email"].clone();
    assert_eq!(shape, fresh.body, "the same answer but for the address");

    let to_fresh = s
        .last_email_to("fresh@example.com")
        .await
        .expect("an e-mail to the new address");
    assert!(to_fresh.contains("/create-account/continue#token="), "{to_fresh}");
    let to_taken = s
        .last_email_to("secure@example.com")
        .await
        .expect("a notice to the owner");
    assert!(!to_taken.contains("#token="), "{to_taken}");
    assert!(to_taken.contains("/sign-in"), "{to_taken}");
}

/// Rule A9, W5: the continue link is single use, expires, and creates the account at
/// MFA setup; a forged token gets the same answer as a used one.
#[tokio::test]
async fn a9_the_sign_up_link_is_single_use_and_expires() {
    let s = server().await;
    let c = s.client();
    c.post(
        paths::SIGN_UP,
        json!({"email": "fresh@example.com", "password": PASSWORD}),
    )
    .await;
    let token = link_token(&s.last_email_to("fresh@example.com").await.unwrap());
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sign_up_links WHERE token_hash = $1")
        .bind(token.as_bytes())
        .fetch_one(&s.db)
        .await
        .unwrap();
    assert_eq!(stored, 0, "the token is stored only hashed");
    let r = c.post(paths::SIGN_UP_CONFIRM, json!({ "token": token })).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert_eq!(r.body["stage"], "mfa_setup");
    assert_eq!(c.session().await.body["email"], "fresh@example.com");
    let again = s
        .client()
        .post(paths::SIGN_UP_CONFIRM, json!({ "token": token }))
        .await;
    assert_eq!((again.status, again.error()), (410, "link_expired"));
    let forged = s
        .client()
        .post(paths::SIGN_UP_CONFIRM, json!({ "token": "A".repeat(43) }))
        .await;
    assert_eq!(
        (forged.status, forged.body.clone()),
        (again.status, again.body.clone())
    );
    // The password chosen at sign-up is the one that signs in.
    assert_eq!(
        sign_in(&s.client(), "fresh@example.com", PASSWORD).await.status,
        200
    );

    let c = s.client();
    c.post(
        paths::SIGN_UP,
        json!({"email": "later@example.com", "password": PASSWORD}),
    )
    .await;
    let token = link_token(&s.last_email_to("later@example.com").await.unwrap());
    s.clock.advance(SIGN_UP_LINK_TTL_SECS);
    let r = c.post(paths::SIGN_UP_CONFIRM, json!({ "token": token })).await;
    assert_eq!((r.status, r.error()), (410, "link_expired"));
}

/// Rule A9: sign-up cannot flood a mailbox. E-mails to one address are limited the
/// same way whether or not it has an account (so the limit tells nothing either), and
/// so are e-mails from one IP.
#[tokio::test]
async fn a9_sign_up_emails_are_limited_per_address_and_ip_alike_for_every_address() {
    let s = server().await;
    let mut answers = vec![];
    for email in ["fresh@example.com", "secure@example.com"] {
        let c = s.client_from("127.0.0.5");
        for _ in 0..SIGN_UP_EMAILS_PER_ADDRESS {
            let r = c
                .post(paths::SIGN_UP, json!({"email": email, "password": PASSWORD}))
                .await;
            assert_eq!(r.status, 202, "{:?}", r.body);
        }
        let r = c
            .post(paths::SIGN_UP, json!({"email": email, "password": PASSWORD}))
            .await;
        assert_eq!((r.status, r.error()), (429, "rate_limited"));
        answers.push((r.body.clone(), retry_after(&r)));
    }
    assert_eq!(answers[0], answers[1]);
    assert_eq!(answers[0].1, SIGN_UP_EMAIL_WINDOW_SECS);
    // One IP, many addresses.
    let c = s.client_from("127.0.0.6");
    for i in 0..SIGN_UP_EMAILS_PER_IP {
        let r = c
            .post(
                paths::SIGN_UP,
                json!({"email": format!("p{i}@example.com"), "password": PASSWORD}),
            )
            .await;
        assert_eq!(r.status, 202);
    }
    let r = c
        .post(
            paths::SIGN_UP,
            json!({"email": "one-more@example.com", "password": PASSWORD}),
        )
        .await;
    assert_eq!(r.status, 429);
    // An hour later the address may be sent to again.
    s.clock.advance(SIGN_UP_EMAIL_WINDOW_SECS);
    let r = s
        .client()
        .post(
            paths::SIGN_UP,
            json!({"email": "fresh@example.com", "password": PASSWORD}),
        )
        .await;
    assert_eq!(r.status, 202);
}

/// Rule A9: two sign-ups for one new address: the first link used wins, the other is
/// void (never a second account, never a 500).
#[tokio::test]
async fn a9_two_links_for_one_address_make_one_account() {
    let s = server().await;
    let c = s.client();
    c.post(
        paths::SIGN_UP,
        json!({"email": "twice@example.com", "password": PASSWORD}),
    )
    .await;
    let first = link_token(&s.last_email_to("twice@example.com").await.unwrap());
    c.post(
        paths::SIGN_UP,
        json!({"email": "twice@example.com", "password": PASSWORD}),
    )
    .await;
    let second = link_token(&s.last_email_to("twice@example.com").await.unwrap());
    assert_ne!(first, second);
    assert_eq!(
        s.client()
            .post(paths::SIGN_UP_CONFIRM, json!({ "token": second }))
            .await
            .status,
        201
    );
    let r = s
        .client()
        .post(paths::SIGN_UP_CONFIRM, json!({ "token": first }))
        .await;
    assert_eq!((r.status, r.error()), (410, "link_expired"));
}

// ------------------------------------------------------------ W7: JSON errors

/// Rule W7: path, method and body rejections are the contract's JSON error too.
#[tokio::test]
async fn w7_every_rejection_is_the_contracts_json_error() {
    let s = server().await;
    let c = s.with_phone("a@example.com", OWNER_PHONE).await;
    let cases = [
        (reqwest::Method::DELETE, "/api/methods/abc".to_owned(), None, 400),
        (
            reqwest::Method::PATCH,
            "/api/methods/99999999999999999999999".to_owned(),
            Some(json!({})),
            400,
        ),
        (reqwest::Method::GET, paths::SIGN_IN.to_owned(), None, 405),
        (
            reqwest::Method::PUT,
            paths::CHALLENGES.to_owned(),
            Some(json!({})),
            405,
        ),
    ];
    for (method, path, body, status) in cases {
        let r = c.send(method.clone(), &path, body).await;
        assert_eq!(r.status, status, "{method} {path}: {:?}", r.body);
        let parsed: Result<ApiError, _> = serde_json::from_value(r.body.clone());
        assert!(parsed.is_ok(), "{method} {path} answered {:?}", r.body);
        assert_eq!(r.headers["content-type"], "application/json", "{method} {path}");
        assert!(!r.body["message"].as_str().unwrap_or("").is_empty());
    }
}
