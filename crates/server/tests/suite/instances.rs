//! Several server processes on one database (issue 15): the limits are exact however
//! the requests are spread over the instances, and a setup begun on an instance that
//! dies (kill -9) is finished on another. Runs on the suite's backend: PostgreSQL when
//! `PHONE_MFA_TEST_DATABASE_URL` is set (as `cargo xtask test` does), else one SQLite
//! file shared by the processes.
use crate::common;

use common::*;
use phone_mfa_contract::policy::{MAX_WRONG_CODES, PHONE_BURST_SENDS};
use phone_mfa_contract::*;
use phone_mfa_server::store::{Location, PoolSettings, Store};
use serde_json::json;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

/// Server processes sharing one fresh database, killed when the test ends.
struct Instances {
    bases: Vec<String>,
    children: Vec<Child>,
    store: Store,
    _db: FreshDatabase,
}

impl Drop for Instances {
    fn drop(&mut self) {
        for child in &mut self.children {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn instances(n: usize) -> Instances {
    let db = FreshDatabase::new().await;
    let mut children = Vec::new();
    let mut bases = Vec::new();
    for _ in 0..n {
        let port = free_port();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_phone-mfa-server"));
        cmd.env_clear()
            .env("PHONE_MFA_ADDR", format!("127.0.0.1:{port}"))
            .env("PHONE_MFA_DIST", "no-dist")
            // Every request comes from 127.0.0.1: the per-IP limits are not what these
            // races are about.
            .env("PHONE_MFA_IP_SENDS_PER_5_MIN", "10000")
            .env("PHONE_MFA_IP_SIGN_UPS_PER_HOUR", "10000")
            .env("PHONE_MFA_IP_PASSWORD_FAILURES", "10000")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit());
        match &db.location {
            Location::Postgres(url) => cmd.env("PHONE_MFA_DATABASE_URL", url),
            Location::SqliteFile(path) => cmd.env("PHONE_MFA_DB", path),
        };
        // If this test process dies without unwinding (killed by a timeout), its servers
        // die with it instead of outliving the run.
        #[cfg(target_os = "linux")]
        unsafe {
            use std::os::unix::process::CommandExt;
            // SAFETY: prctl is async-signal-safe and touches only the child being started.
            cmd.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                Ok(())
            });
        }
        children.push(cmd.spawn().expect("the server binary starts"));
        bases.push(format!("http://127.0.0.1:{port}"));
    }
    // All start at once, so they also race to migrate and seed the new database.
    for base in &bases {
        let http = reqwest::Client::new();
        let mut up = false;
        for _ in 0..200 {
            if let Ok(r) = http.get(format!("{base}{}", paths::SESSION)).send().await {
                up = r.status() == 401;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert!(up, "{base} did not start");
    }
    let store = Store::open(&db.location, &PoolSettings::default()).await.unwrap();
    Instances {
        bases,
        children,
        store,
        _db: db,
    }
}

impl Instances {
    /// A client of instance `i` (round robin) that shares `with`'s cookie jar: the same
    /// browser, its requests landing on another instance behind a load balancer.
    fn on(&self, i: usize, with: &Client) -> Client {
        Client {
            base: self.bases[i % self.bases.len()].clone(),
            http: with.http.clone(),
            cookie: with.cookie.clone(),
            browser: with.browser.clone(),
        }
    }

    fn client(&self, i: usize) -> Client {
        Client {
            base: self.bases[i % self.bases.len()].clone(),
            http: reqwest::Client::new(),
            cookie: Arc::new(Mutex::new(None)),
            browser: Default::default(),
        }
    }

    /// The newest text, call or e-mail to `recipient`, waiting (up to 10 s) for the first:
    /// e-mail leaves after its transaction commits, from a delivery worker.
    async fn newest_outbox_body(&self, recipient: &str) -> String {
        for _ in 0..1000 {
            let body: Option<String> =
                sqlx::query_scalar("SELECT body FROM outbox WHERE recipient = $1 ORDER BY id DESC LIMIT 1")
                    .bind(recipient)
                    .fetch_optional(self.store.pool())
                    .await
                    .unwrap();
            if let Some(body) = body {
                return body;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        panic!("nothing was sent to {recipient}")
    }

    async fn number(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql)
            .fetch_one(self.store.pool())
            .await
            .unwrap()
    }

    /// A new account, signed up on instance `i` and confirmed on the next one.
    async fn signed_up(&self, i: usize, email: &str) -> Client {
        let c = self.client(i);
        let r = c
            .post(paths::SIGN_UP, json!({"email": email, "password": PASSWORD}))
            .await;
        assert_eq!(r.status, 202, "{:?}", r.body);
        let mail = self.newest_outbox_body(email).await;
        let c = self.on(i + 1, &c);
        let r = c
            .post(paths::SIGN_UP_CONFIRM, json!({ "token": link_token(&mail) }))
            .await;
        assert_eq!(r.status, 201, "{:?}", r.body);
        c
    }

    /// The code in the newest text to `e164` (its WebOTP line ends `#123456`).
    async fn code_sent_to(&self, e164: &str) -> String {
        let body = self.newest_outbox_body(e164).await;
        let at = body.rfind('#').expect("a WebOTP line");
        body[at + 1..at + 7].to_owned()
    }
}

const NUMBER: &str = "2015550123";
const E164: &str = "+12015550123";

async fn setup_challenge(c: &Client, number: &str) -> String {
    let r = c.start(Purpose::Setup, Channel::Sms, Some(number), None).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    challenge_id(&r)
}

/// Rules C3 and G6 across instances: twenty tabs send the right code at once, to three
/// servers; exactly one is accepted.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_right_codes_over_three_instances_give_exactly_one_success() {
    let inst = instances(3).await;
    let c = inst.signed_up(0, "race@example.com").await;
    let id = setup_challenge(&c, NUMBER).await;
    let code = inst.code_sent_to(E164).await;
    let tasks: Vec<_> = (0..20)
        .map(|i| {
            // Each tab holds the cookie as it was: none sees another's new token.
            let tab = inst.on(i, &c.copy());
            let (id, code) = (id.clone(), code.clone());
            tokio::spawn(async move { tab.verify(&id, &code).await.status })
        })
        .collect();
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    assert_eq!(statuses.iter().filter(|&&s| s == 200).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|&s| s < 500), "{statuses:?}");
    let phones = "SELECT COUNT(*) FROM methods m JOIN accounts a ON a.id = m.account_id WHERE a.email = 'race@example.com'";
    assert_eq!(inst.number(phones).await, 1);
}

/// Rules G1 and G6 across instances: fifty wrong codes at once, over three servers; exactly
/// ten are evaluated, the rest find the account locked.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_wrong_codes_over_three_instances_are_evaluated_exactly_ten_times() {
    let inst = instances(3).await;
    let c = inst.signed_up(0, "guess@example.com").await;
    let id = setup_challenge(&c, NUMBER).await;
    let code = inst.code_sent_to(E164).await;
    let tasks: Vec<_> = (0..50)
        .map(|i| {
            let tab = inst.on(i, &c);
            let (id, code) = (id.clone(), wrong(&code));
            tokio::spawn(async move { tab.verify(&id, &code).await.status })
        })
        .collect();
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    let evaluated = inst
        .number("SELECT COUNT(*) FROM audit_log WHERE event = 'code_wrong'")
        .await;
    assert_eq!(evaluated, i64::from(MAX_WRONG_CODES), "{statuses:?}");
    assert_eq!(
        statuses.iter().filter(|&&s| s == 422).count(),
        MAX_WRONG_CODES as usize - 1
    );
    assert_eq!(
        statuses.iter().filter(|&&s| s == 429).count(),
        50 - (MAX_WRONG_CODES as usize - 1)
    );
}

/// Rules S3 and S7 across instances (SMS pumping): twenty accounts on three servers ask
/// for a code to one number at once; exactly the burst limit is sent, and the courier
/// is called exactly that often.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_accounts_sending_to_one_number_over_three_instances_send_exactly_twice() {
    let inst = instances(3).await;
    let mut accounts = Vec::new();
    for i in 0..20 {
        accounts.push(inst.signed_up(i, &format!("pump{i}@example.com")).await);
    }
    let tasks: Vec<_> = accounts
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let c = inst.on(i, c);
            tokio::spawn(async move {
                c.start(Purpose::Setup, Channel::Sms, Some(NUMBER), None)
                    .await
                    .status
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    let sent = PHONE_BURST_SENDS as usize;
    assert_eq!(
        statuses.iter().filter(|&&s| s == 201).count(),
        sent,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|&&s| s == 429).count(),
        20 - sent,
        "{statuses:?}"
    );
    let courier_calls = inst
        .number(&format!("SELECT COUNT(*) FROM outbox WHERE recipient = '{E164}'"))
        .await;
    assert_eq!(courier_calls, sent as i64);
    assert_eq!(inst.number("SELECT COUNT(*) FROM sends").await, sent as i64);
}

/// Rules A2 and C5 hold in the database, not in a process: a setup begun on an instance that is
/// killed (kill -9) is finished on another, with the same session and code.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_setup_begun_on_an_instance_killed_mid_way_is_finished_on_another() {
    let mut inst = instances(3).await;
    let c = inst.signed_up(0, "survivor@example.com").await;
    // signed_up confirmed on instance 1; the code is asked for there too.
    let id = setup_challenge(&c, NUMBER).await;
    let code = inst.code_sent_to(E164).await;
    let victim = &mut inst.children[1];
    // SIGKILL: no shutdown code runs.
    victim.kill().unwrap();
    victim.wait().unwrap();
    let dead = inst.on(1, &c);
    assert!(dead
        .http
        .get(format!("{}{}", dead.base, paths::SESSION))
        .send()
        .await
        .is_err());
    let elsewhere = inst.on(2, &c);
    let r = elsewhere.verify(&id, &code).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["session"]["stage"], "signed_in");
    let r = inst.on(0, &c).session().await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["methods"].as_array().unwrap().len(), 1);
}
