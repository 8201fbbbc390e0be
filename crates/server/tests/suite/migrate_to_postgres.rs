//! Moving from the embedded SQLite file to PostgreSQL (issue 18 item 6): a database made
//! by the current schema, with a person's account in it, copied into an empty
//! PostgreSQL database; the person then signs in against PostgreSQL as before. Runs on
//! the PostgreSQL pass of the suite (`PHONE_MFA_TEST_DATABASE_URL`).

use crate::common;
use common::*;
use phone_mfa_contract::*;
use phone_mfa_server::store::{copy, Location, PoolSettings, Store};
use std::collections::HashMap;

#[tokio::test]
async fn an_sqlite_database_moves_to_postgres_whole() {
    let target = FreshDatabase::new().await;
    if !matches!(target.location, Location::Postgres(_)) {
        eprintln!("skipped: needs PHONE_MFA_TEST_DATABASE_URL (the PostgreSQL pass runs it)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("phone-mfa.sqlite3");
    let sqlite = Location::SqliteFile(file.clone());
    let s = server_with(|c| c.database = sqlite.clone()).await;
    let c = s.with_phone("move@example.com", "2015550123").await;
    assert_eq!(c.methods().await.len(), 1);
    s.deliveries_settled().await;
    s.stop().await;

    // The operator's command.
    let Location::Postgres(url) = &target.location else {
        unreachable!()
    };
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_phone-mfa-server"))
        .args(["migrate-to-postgres", file.to_str().unwrap(), url])
        .output()
        .unwrap();
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{printed}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let counts: HashMap<&str, i64> = printed
        .lines()
        .filter_map(|l| {
            let mut words = l.split_whitespace();
            Some((words.next()?, words.next()?.parse().ok()?))
        })
        .collect();
    for table in [
        "accounts",
        "methods",
        "challenges",
        "sends",
        "sessions",
        "audit_log",
        "deliveries",
        "change_reports",
    ] {
        assert!(counts.get(table).is_some_and(|n| *n > 0), "{table}: {printed}");
    }
    let settings = PoolSettings::default();
    let from = Store::open(&sqlite, &settings).await.unwrap();
    let to = Store::open(&target.location, &settings).await.unwrap();
    // A second copy into a database that now has rows is refused.
    let again = copy::sqlite_to_postgres(&from, &to).await.unwrap_err();
    assert!(again.contains("not empty"), "{again}");

    // The person signs in against PostgreSQL: password, then a code to the same phone.
    let p = server_with(|c| c.database = target.location.clone()).await;
    p.clock.advance(policy::PHONE_BURST_WINDOW_SECS + 1);
    let c = p.password_only("move@example.com").await;
    let view = c.session().await;
    assert_eq!(view.body["stage"], "mfa_pending", "{:?}", view.body);
    let method = view.body["methods"][0]["id"].as_i64().unwrap();
    let r = c.start(Purpose::SignIn, Channel::Sms, None, Some(method)).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert_eq!(c.verify(&challenge_id(&r), &p.last_code()).await.status, 200);
    assert_eq!(c.methods().await[0].masked_phone.as_deref(), Some("•••-•••-0123"));
    // New rows get new ids after the copied ones.
    p.with_phone("after@example.com", "2015550145").await;
}
