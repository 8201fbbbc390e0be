//! Send limits and toll-fraud rules ("Send limits" in security-rules.md): each limit
//! answers 429 with Retry-After and the courier is not called once it trips.

use crate::common;
use common::*;
use phone_mfa_contract::policy::*;
use phone_mfa_contract::*;
use serde_json::json;

/// Rule S1.
#[tokio::test]
async fn resend_waits_thirty_seconds() {
    let s = server().await;
    let c = s.signed_up("a@example.com").await;
    let id = challenge_id(
        &c.start(Purpose::Setup, Channel::Sms, Some("2015550123"), None)
            .await,
    );
    s.clock.advance(RESEND_COOLDOWN_SECS - 5);
    let before = s.sends();
    let r = c.resend(&id, None).await;
    assert_eq!((r.status, r.error()), (429, "resend_too_soon"));
    assert_eq!(r.headers["retry-after"], "5");
    assert_eq!(r.body["retry_after_s"], 5);
    assert_eq!(s.sends(), before, "no courier call");
    s.clock.advance(5);
    assert_eq!(c.resend(&id, None).await.status, 200);
}

/// Rule S8.
#[tokio::test]
async fn every_send_says_when_to_resend_and_how_many_sends_are_left() {
    let s = server().await;
    let c = s.signed_up("a@example.com").await;
    let r = c
        .start(Purpose::Setup, Channel::Sms, Some("2015550123"), None)
        .await;
    assert_eq!(r.body["resend_in_s"], RESEND_COOLDOWN_SECS);
    assert_eq!(r.body["sends_left"], ACCOUNT_SENDS_PER_WINDOW - 1);
    assert_eq!(r.body["expires_in_s"], CODE_TTL_SECS);
    assert_eq!(r.headers["cache-control"], "no-store");
}

/// Rule S3.
#[tokio::test]
async fn a_phone_gets_at_most_two_sends_in_ten_seconds() {
    let s = server().await;
    for (i, email) in ["a@example.com", "b@example.com", "c@example.com"]
        .iter()
        .enumerate()
    {
        let c = s.signed_up(email).await;
        let r = c
            .start(Purpose::Setup, Channel::Sms, Some("2015550123"), None)
            .await;
        if i < 2 {
            assert_eq!(r.status, 201);
        } else {
            assert_eq!((r.status, r.error()), (429, "rate_limited"));
            assert!(r.headers.contains_key("retry-after"));
        }
    }
    assert_eq!(s.sends(), 2);
}

/// Rule S2.
#[tokio::test]
async fn a_phone_gets_at_most_ten_sends_in_five_minutes_across_accounts() {
    let s = server().await;
    for i in 0..12 {
        let c = s.signed_up(&format!("user{i}@example.com")).await;
        let r = c
            .start(Purpose::Setup, Channel::Voice, Some("2015550123"), None)
            .await;
        if i < PHONE_SENDS_PER_WINDOW as usize {
            assert_eq!(r.status, 201, "send {i}: {:?}", r.body);
        } else {
            assert_eq!((r.status, r.error()), (429, "rate_limited"), "send {i}");
        }
        s.clock.advance(PHONE_BURST_WINDOW_SECS);
    }
    assert_eq!(s.sends(), PHONE_SENDS_PER_WINDOW as usize);
    s.clock.advance(PHONE_SEND_WINDOW_SECS);
    let c = s.signed_up("later@example.com").await;
    assert_eq!(
        c.start(Purpose::Setup, Channel::Voice, Some("2015550123"), None)
            .await
            .status,
        201
    );
}

/// Rule S4.
#[tokio::test]
async fn an_ip_gets_at_most_twenty_five_sends_in_five_minutes() {
    // 26 accounts from one address: more sign-ups than one IP may make in an hour.
    let s = server_with(|c| c.sign_up_emails_per_ip = 100).await;
    let mut created = 0;
    for i in 0..(IP_SENDS_PER_WINDOW + 1) {
        let c = s.signed_up(&format!("user{i}@example.com")).await;
        let number = format!("20155501{:02}", 10 + i);
        let r = c.start(Purpose::Setup, Channel::Sms, Some(&number), None).await;
        if r.status == 201 {
            created += 1;
        } else {
            assert_eq!((r.status, r.error()), (429, "rate_limited"), "{:?}", r.body);
        }
    }
    assert_eq!(created, IP_SENDS_PER_WINDOW);
    assert_eq!(s.sends(), IP_SENDS_PER_WINDOW as usize);
}

/// Rule S5.
#[tokio::test]
async fn an_account_gets_at_most_twenty_sends_a_day() {
    let s = server().await;
    let c = s.signed_up("a@example.com").await;
    let mut created = 0;
    for i in 0..(ACCOUNT_SENDS_PER_WINDOW + 1) {
        // Different numbers and spread in time, so only the account limit applies.
        let number = format!("20155501{:02}", 10 + i);
        let r = c.start(Purpose::Setup, Channel::Sms, Some(&number), None).await;
        if r.status == 201 {
            created += 1;
            assert_eq!(r.body["sends_left"], ACCOUNT_SENDS_PER_WINDOW - created);
        } else {
            assert_eq!((r.status, r.error()), (429, "rate_limited"));
            assert_eq!(r.body["sends_left"], 0);
        }
        s.clock.advance(IP_SEND_WINDOW_SECS / 4);
    }
    assert_eq!(created, ACCOUNT_SENDS_PER_WINDOW);
    assert_eq!(s.sends(), ACCOUNT_SENDS_PER_WINDOW as usize);
}

/// Rules S2, S3: the counts live in the database, so a restart does not reset them.
#[tokio::test]
async fn limits_survive_a_restart_because_they_live_in_the_database() {
    let s = server().await;
    let c = s.signed_up("a@example.com").await;
    let b = s.signed_up("b@example.com").await;
    for who in [&c, &b] {
        let r = who
            .start(Purpose::Setup, Channel::Sms, Some("2015550123"), None)
            .await;
        assert_eq!(r.status, 201, "{:?}", r.body);
    }
    let phones: Vec<String> = sqlx::query_scalar("SELECT phone_fp FROM sends")
        .fetch_all(&s.db)
        .await
        .unwrap();
    assert_eq!(phones.len(), 2);
    assert!(
        !phones.concat().contains("2015550123"),
        "sends are counted by keyed fingerprint"
    );
    // The server goes away and a new one starts on the same database, at the same moment.
    s.stop().await;
    let restarted = server_with(|config| config.database = s.database.clone()).await;
    let d = restarted.signed_up("d@example.com").await;
    let r = d
        .start(Purpose::Setup, Channel::Sms, Some("2015550123"), None)
        .await;
    assert_eq!(
        (r.status, r.error()),
        (429, "rate_limited"),
        "the burst limit remembers: {:?}",
        r.body
    );
    assert_eq!(restarted.sends(), 0, "no courier call after the restart");
}

/// Rule S7, W7.
#[tokio::test]
async fn hostile_phone_numbers_get_a_clear_4xx_and_no_courier_call() {
    let s = server().await;
    let c = s.signed_up("a@example.com").await;
    let forty = "9".repeat(41);
    let cases: &[(&str, &str, &str)] = &[
        ("201-555-0123 ext. 2", "US", "extension"),
        ("2015550123x2", "US", "extension"),
        ("+12015550123;ext=2", "US", "extension"),
        ("201-555-0123 #2", "US", "extension"),
        ("1-800-FLOWERS", "US", "invalid_characters"),
        (&forty, "US", "too_long"),
        ("٢٠١٥٥٥٠١٢٣", "US", "invalid_characters"),
        ("", "US", "empty"),
        ("+33 6 12 34 56 78", "US", "country_not_supported"),
        ("+1 900-200-1234", "US", "premium_rate"),
        ("901 123 456", "ES", "shared_cost"),
        ("2015550123", "ZZ", "country_not_supported"),
    ];
    for (number, region, problem) in cases {
        let r = c
            .post(
                paths::CHALLENGES,
                serde_json::json!({"purpose": "setup", "channel": "voice", "phone": {"number": number, "region": region}}),
            )
            .await;
        assert_eq!((r.status, r.error()), (422, "phone"), "{number}");
        assert_eq!(r.body["phone_problem"], *problem, "{number}");
        assert!(!r.body["message"].as_str().unwrap().is_empty());
    }
    assert_eq!(s.sends(), 0);
}

/// Rule S7.
#[tokio::test]
async fn the_country_allow_list_is_configurable() {
    let s = server_with(|c| c.allowed_countries = vec!["US".into()]).await;
    let c = s.signed_up("a@example.com").await;
    let r = c
        .post(
            paths::CHALLENGES,
            serde_json::json!({"purpose": "setup", "channel": "sms", "phone": {"number": "+44 7400 123456", "region": "US"}}),
        )
        .await;
    assert_eq!(r.body["phone_problem"], "country_not_supported");
    assert_eq!(s.sends(), 0);
}

#[tokio::test]
async fn a_landline_can_be_called_but_not_texted() {
    let s = server().await;
    let c = s.signed_up("a@example.com").await;
    let phone = |ch: &str| serde_json::json!({"purpose": "setup", "channel": ch, "phone": {"number": "020 7946 0018", "region": "GB"}});
    let r = c.post(paths::CHALLENGES, phone("sms")).await;
    assert_eq!((r.status, r.error()), (422, "channel_not_supported"));
    let r = c.post(paths::CHALLENGES, phone("voice")).await;
    assert_eq!(r.status, 201);
    assert_eq!(
        r.body["channels"],
        serde_json::json!({"sms": false, "voice": true})
    );
}

#[tokio::test]
async fn the_dev_outbox_shows_texts_calls_and_test_numbers_that_never_arrive() {
    // The default courier (not the recording one) writes to the outbox.
    let s = server_with_outbox().await;
    let c = s.client();
    c.post(
        paths::SIGN_UP,
        serde_json::json!({"email": "a@example.com", "password": PASSWORD}),
    )
    .await;
    // The e-mail leaves from a delivery worker once its transaction commits.
    s.deliveries_settled().await;
    let outbox: Vec<OutboxMessage> = serde_json::from_value(c.get(paths::DEV_OUTBOX).await.body).unwrap();
    let r = c
        .post(
            paths::SIGN_UP_CONFIRM,
            serde_json::json!({ "token": link_token(&outbox[0].body) }),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let r = c
        .start(Purpose::Setup, Channel::Sms, Some("201-555-0199"), None)
        .await;
    assert_eq!(r.status, 201);
    let outbox: Vec<OutboxMessage> = serde_json::from_value(c.get(paths::DEV_OUTBOX).await.body).unwrap();
    assert_eq!(outbox[0].kind, OutboxKind::Sms);
    assert_eq!(outbox[0].to, "+12015550199");
    assert!(!outbox[0].delivered, "the documented never-arrives test number");
}

#[tokio::test]
async fn the_dev_outbox_is_off_in_production() {
    let s = server_with(|c| c.dev_mode = false).await;
    assert_eq!(s.client().get(paths::DEV_OUTBOX).await.status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_sends_to_one_number_stay_within_the_burst_limit() {
    let s = server().await;
    let mut clients = vec![];
    for i in 0..20 {
        clients.push(s.signed_up(&format!("burst{i}@example.com")).await);
    }
    let tasks: Vec<_> = clients
        .into_iter()
        .map(|c| {
            tokio::spawn(async move {
                c.start(Purpose::Setup, Channel::Sms, Some("2015550123"), None)
                    .await
                    .status
            })
        })
        .collect();
    let mut sent = 0;
    for t in tasks {
        match t.await.unwrap() {
            201 => sent += 1,
            429 => {}
            other => panic!("unexpected status {other}"),
        }
    }
    assert_eq!(sent, PHONE_BURST_SENDS);
    assert_eq!(
        s.sends(),
        PHONE_BURST_SENDS as usize,
        "the courier was called only for the allowed sends"
    );
}

#[tokio::test]
async fn limits_hold_across_two_server_processes_sharing_the_database() {
    let s = server().await;
    // A second server on the same SQLite file (as a second process would be).
    let other = server_with(|c| c.database = s.database.clone()).await;
    let a = s.signed_up("a@example.com").await;
    let b = other.signed_up("b@example.com").await;
    let c = s.signed_up("c@example.com").await;
    assert_eq!(
        a.start(Purpose::Setup, Channel::Sms, Some("2015550123"), None)
            .await
            .status,
        201
    );
    assert_eq!(
        b.start(Purpose::Setup, Channel::Sms, Some("2015550123"), None)
            .await
            .status,
        201
    );
    let r = c
        .start(Purpose::Setup, Channel::Sms, Some("2015550123"), None)
        .await;
    assert_eq!(
        (r.status, r.error()),
        (429, "rate_limited"),
        "the burst counted both servers' sends"
    );
}

/// Issue 14, on the server: the number a code goes to is the number typed, read as
/// libphonenumber reads it, whatever way it was written.
#[tokio::test]
async fn a_code_goes_only_to_the_number_typed_however_it_was_written() {
    let s = server().await;
    let c = s.signed_up("a@example.com").await;
    let start = |number: &'static str, region: &'static str| {
        let c = c.clone();
        async move {
            c.post(
                paths::CHALLENGES,
                serde_json::json!({"purpose": "setup", "channel": "sms",
                    "phone": {"number": number, "region": region}}),
            )
            .await
        }
    };
    // Seven digits after +1 are not the Northern Mariana Islands number 670 670 2345.
    let r = start("+1 670 2345", "US").await;
    assert_eq!(
        (r.status, r.body["phone_problem"].as_str()),
        (422, Some("too_short"))
    );
    for number in ["201-555-0123 ~2", "201-555-0123 int 2", "201-555-0123 ＃2"] {
        let r = start(number, "US").await;
        assert_eq!(r.body["phone_problem"], "extension", "{number}");
    }
    let r = start("1-800-TAXICAB", "US").await;
    assert_eq!(r.body["phone_problem"], "invalid_characters");
    assert_eq!(s.sends(), 0, "no code was sent for any of them");
    // A pasted tel: link is read.
    let r = start("tel:+1-201-555-0123", "ES").await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert_eq!(s.last_delivery().to_e164, "+12015550123");
}

/// The dev clock lets browser tests step past a limit instead of sleeping: it moves the
/// limits' clock, only forward, only in dev mode.
#[tokio::test]
async fn the_dev_clock_moves_time_forward_for_the_limits_and_only_in_dev_mode() {
    let s = server_with_dev_clock().await;
    let mut clients = Vec::new();
    for i in 0..3 {
        clients.push(s.signed_up(&format!("clock{i}@example.com")).await);
    }
    for c in &clients[..2] {
        let r = c
            .start(Purpose::Setup, Channel::Sms, Some("2015550123"), None)
            .await;
        assert_eq!(r.status, 201, "{:?}", r.body);
    }
    let third = || clients[2].start(Purpose::Setup, Channel::Sms, Some("2015550123"), None);
    assert_eq!(third().await.status, 429, "two per number per 10 s");
    let dev = s.client();
    for bad in [
        json!({"advance_s": 0}),
        json!({"advance_s": -5}),
        json!({"advance_s": 86_401}),
    ] {
        let r = dev.post(paths::DEV_CLOCK, bad.clone()).await;
        assert_eq!(
            (r.status, r.error()),
            (400, "invalid_request"),
            "{bad}: {:?}",
            r.body
        );
    }
    let r = dev.post(paths::DEV_CLOCK, json!({"advance_s": 11})).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["offset_s"], 11);
    let now = dev.get(paths::DEV_CLOCK).await;
    assert_eq!(now.body["offset_s"], 11);
    assert!(now.body["now"].as_i64().unwrap() >= r.body["now"].as_i64().unwrap());
    assert_eq!(
        third().await.status,
        201,
        "the burst window has passed on the server's clock"
    );

    let production = server_with(|c| c.dev_mode = false).await;
    let r = production
        .client()
        .post(paths::DEV_CLOCK, json!({"advance_s": 11}))
        .await;
    assert_eq!(r.status, 404, "{:?}", r.body);
    // A test's own clock is not the dev clock: nothing to move.
    let manual = server().await;
    let r = manual
        .client()
        .post(paths::DEV_CLOCK, json!({"advance_s": 11}))
        .await;
    assert_eq!(r.status, 404, "{:?}", r.body);
}
