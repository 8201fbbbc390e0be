//! Retention (issue 18 item 4): tables that grow with use lose what no rule needs,
//! and nothing a rule still counts; on the test's clock, on both backends.

use crate::common;
use common::*;
use phone_mfa_contract::*;
use phone_mfa_server::clock::Clock;
use phone_mfa_server::domain::retention::prune;
use phone_mfa_server::store::{PoolSettings, Store};
use serde_json::json;

const DAY: i64 = 24 * 60 * 60;

async fn count(s: &TestServer, table: &str) -> i64 {
    s.number(&format!("SELECT COUNT(*) FROM {table}")).await
}

async fn pruned(store: &Store, now: i64) -> std::collections::HashMap<&'static str, u64> {
    prune(store, now, 400).await.unwrap().into_iter().collect()
}

#[tokio::test]
async fn old_rows_go_and_nothing_a_rule_still_counts() {
    let s = server().await;
    // A person's first day: an account with a phone (a code request, a send, a session,
    // audit rows, a sign-up e-mail, a notice), a wrong password, a sign-up never finished.
    let c = s.with_phone("a@example.com", "2015550123").await;
    s.deliveries_settled().await;
    let r = s
        .client()
        .post(
            paths::SIGN_IN,
            json!({"email": "a@example.com", "password": "wrong wrong wrong"}),
        )
        .await;
    assert_eq!(r.status, 401);
    let r = s
        .client()
        .post(
            paths::SIGN_UP,
            json!({"email": "never@example.com", "password": PASSWORD}),
        )
        .await;
    assert_eq!(r.status, 202);
    s.deliveries_settled().await;
    let store = Store::open(&s.database, &PoolSettings::default()).await.unwrap();
    let start = s.clock.now();

    // Now: everything is still in use.
    let deleted = pruned(&store, start).await;
    assert!(deleted.values().all(|n| *n == 0), "{deleted:?}");
    assert_eq!(c.session().await.status, 200);

    // Two days on: the code request, the sends, the idle session, the unused sign-up
    // link and its count, the wrong password are gone; the accounts, methods and audit
    // log stay, and so do the e-mails sent (kept a week).
    let accounts = count(&s, "accounts").await;
    let methods = count(&s, "methods").await;
    let audit = count(&s, "audit_log").await;
    let deleted = pruned(&store, start + 2 * DAY).await;
    for table in [
        "challenges",
        "sends",
        "sessions",
        "sign_up_links",
        "sign_up_emails",
        "password_failures",
    ] {
        assert!(deleted[table] > 0, "{table}: {deleted:?}");
        assert_eq!(count(&s, table).await, 0, "{table}");
    }
    assert_eq!(deleted["deliveries"], 0);
    assert_eq!(count(&s, "accounts").await, accounts);
    assert_eq!(count(&s, "methods").await, methods);
    assert_eq!(count(&s, "audit_log").await, audit);

    // A week on, the sent e-mails; 91 days on, the known address; 401, the audit log.
    assert!(pruned(&store, start + 8 * DAY).await["deliveries"] > 0);
    assert_eq!(count(&s, "deliveries").await, 0);
    assert!(pruned(&store, start + 91 * DAY).await["known_addresses"] > 0);
    assert_eq!(count(&s, "audit_log").await, audit);
    assert_eq!(pruned(&store, start + 401 * DAY).await["audit_log"] as i64, audit);
    assert_eq!(count(&s, "accounts").await, accounts);
}

/// A send still inside the longest limit window (a day, per account) is kept: pruning
/// must never reopen a limit.
#[tokio::test]
async fn sends_a_limit_still_counts_are_kept() {
    let s = server().await;
    s.with_phone("a@example.com", "2015550123").await;
    let store = Store::open(&s.database, &PoolSettings::default()).await.unwrap();
    let deleted = pruned(&store, s.clock.now() + policy::ACCOUNT_SEND_WINDOW_SECS - 1).await;
    assert_eq!(deleted["sends"], 0);
    assert_eq!(count(&s, "sends").await, 1);
}

/// Every instance prunes: two at once delete each row once, and neither fails.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instances_pruning_at_once_do_not_collide() {
    let s = server().await;
    for i in 0..3 {
        s.with_phone(&format!("p{i}@example.com"), &format!("20155501{}", 20 + i))
            .await;
        s.clock.advance(policy::PHONE_BURST_WINDOW_SECS + 1);
    }
    let a = Store::open(&s.database, &PoolSettings::default()).await.unwrap();
    let b = Store::open(&s.database, &PoolSettings::default()).await.unwrap();
    let later = s.clock.now() + 2 * DAY;
    let (ra, rb) = tokio::join!(prune(&a, later, 400), prune(&b, later, 400));
    let total = |r: Vec<(&str, u64)>| r.into_iter().find(|(t, _)| *t == "sessions").unwrap().1;
    assert_eq!(total(ra.unwrap()) + total(rb.unwrap()), 3);
    assert_eq!(count(&s, "sessions").await, 0);
}
