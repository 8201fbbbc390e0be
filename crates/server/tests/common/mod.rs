//! A real server on 127.0.0.1 with a database of its own, a clock the test moves, and
//! a courier that records what it was asked to send.
//!
//! The database is a temporary SQLite file, or, when `PHONE_MFA_TEST_DATABASE_URL`
//! names a PostgreSQL database, a fresh schema in it (`cargo xtask test` runs the
//! suite both ways).
#![allow(dead_code)]

pub mod twilio_reports;

use phone_mfa_contract::*;
use phone_mfa_server::clock::ManualClock;
use phone_mfa_server::config::Config;
use phone_mfa_server::couriers::{Accepted, BoxFuture, CodeCourier, CodeDelivery, DeliveryError, Mailer};
use phone_mfa_server::store::Location;
use phone_mfa_server::Builder;
use serde_json::{json, Value};
use sqlx::AnyPool;
use std::sync::{Arc, Mutex};

pub const PASSWORD: &str = phone_mfa_server::seed::DEMO_PASSWORD;
pub const START: i64 = 1_800_000_000;

/// Records every delivery (so tests can read codes) and counts provider calls; plain
/// texts (to a number that left an account) apart, as (number, text).
#[derive(Default)]
pub struct RecordingCourier {
    pub sent: Mutex<Vec<CodeDelivery>>,
    pub texts: Mutex<Vec<(String, String)>>,
}

impl CodeCourier for RecordingCourier {
    fn deliver<'a>(&'a self, d: &'a CodeDelivery) -> BoxFuture<'a, Result<Accepted, DeliveryError>> {
        self.sent.lock().unwrap().push(d.clone());
        Box::pin(async { Ok(Accepted::QUEUED) })
    }
    fn text<'a>(&'a self, to_e164: &'a str, body: &'a str) -> BoxFuture<'a, Result<(), DeliveryError>> {
        self.texts
            .lock()
            .unwrap()
            .push((to_e164.to_owned(), body.to_owned()));
        Box::pin(async { Ok(()) })
    }
}

pub struct TestServer {
    pub base: String,
    pub clock: ManualClock,
    pub courier: Arc<RecordingCourier>,
    /// The server's database: give it to a second server to share it.
    pub database: Location,
    /// The server's own connection pool, for reading and changing rows directly.
    pub db: AnyPool,
    serving: tokio::task::JoinHandle<std::io::Result<()>>,
    _fresh: FreshDatabase,
}

/// A database no other test sees, gone when the test ends: a temporary SQLite file, or,
/// when `PHONE_MFA_TEST_DATABASE_URL` names a PostgreSQL database, a new schema in it.
pub struct FreshDatabase {
    pub location: Location,
    _dir: tempfile::TempDir,
    postgres: Option<(String, String)>,
}

/// The PostgreSQL database the suite runs on, if this run is the PostgreSQL one.
pub fn postgres_base_url() -> Option<String> {
    std::env::var("PHONE_MFA_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
}

impl FreshDatabase {
    pub async fn new() -> FreshDatabase {
        let dir = tempfile::tempdir().unwrap();
        let Some(base) = postgres_base_url() else {
            return FreshDatabase {
                location: Location::SqliteFile(dir.path().join("test.sqlite3")),
                _dir: dir,
                postgres: None,
            };
        };
        let schema = format!(
            "t_{}",
            phone_mfa_server::secrets::new_token(12)
                .to_lowercase()
                .replace(['-', '_'], "x")
        );
        sqlx::any::install_default_drivers();
        let mut admin = <sqlx::AnyConnection as sqlx::Connection>::connect(&base)
            .await
            .unwrap_or_else(|e| panic!("PHONE_MFA_TEST_DATABASE_URL={base}: cannot connect: {e}"));
        sqlx::raw_sql(&format!("CREATE SCHEMA {schema}"))
            .execute(&mut admin)
            .await
            .unwrap();
        let joiner = if base.contains('?') { '&' } else { '?' };
        FreshDatabase {
            // Named after the schema, so that dropping it can end its connections.
            location: Location::Postgres(format!(
                "{base}{joiner}options[search_path]={schema}&application_name={schema}"
            )),
            _dir: dir,
            postgres: Some((base, schema)),
        }
    }
}

impl Drop for FreshDatabase {
    fn drop(&mut self) {
        let Some((base, schema)) = self.postgres.take() else {
            return;
        };
        // Drop runs inside the test's runtime: drop the schema from a thread of its own.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async {
                if let Ok(mut admin) = <sqlx::AnyConnection as sqlx::Connection>::connect(&base).await {
                    // The test's servers may still hold connections in a transaction
                    // (a delivery worker's claim), which this thread, blocking the
                    // test's runtime, would otherwise wait on for ever.
                    let _ = sqlx::raw_sql(&format!(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                         WHERE application_name = '{schema}' AND pid <> pg_backend_pid()"
                    ))
                    .execute(&mut admin)
                    .await;
                    let _ = sqlx::raw_sql(&format!("DROP SCHEMA {schema} CASCADE"))
                        .execute(&mut admin)
                        .await;
                }
            })
        })
        .join();
    }
}

pub async fn server() -> TestServer {
    server_with(|_| {}).await
}

pub async fn server_with(tweak: impl FnOnce(&mut Config)) -> TestServer {
    start(tweak, true, true, None).await
}

/// A server whose e-mail goes to `mailer` (through the outbox's delivery workers).
pub async fn server_with_mailer(mailer: Arc<dyn Mailer>, tweak: impl FnOnce(&mut Config)) -> TestServer {
    start(tweak, true, true, Some(mailer)).await
}

/// A server on its own movable dev clock (`POST /api/dev/clock`), as `cargo xtask run`
/// serves it, instead of the test's manual clock.
pub async fn server_with_dev_clock() -> TestServer {
    start(|_| {}, true, false, None).await
}

/// A server whose codes go to the dev outbox (the default courier), as `cargo xtask
/// run` serves it.
pub async fn server_with_outbox() -> TestServer {
    start(|_| {}, false, true, None).await
}

async fn start(
    tweak: impl FnOnce(&mut Config),
    record_codes: bool,
    manual_clock: bool,
    mailer: Option<Arc<dyn Mailer>>,
) -> TestServer {
    let fresh = FreshDatabase::new().await;
    let mut config = Config::development();
    config.database = fresh.location.clone();
    config.dist_dir = fresh._dir.path().join("no-dist");
    tweak(&mut config);
    let database = config.database.clone();
    let clock = ManualClock::new(START);
    let courier = Arc::new(RecordingCourier::default());
    let mut builder = Builder::new(config);
    if manual_clock {
        builder.clock = Arc::new(clock.clone());
    }
    if record_codes {
        builder.courier = Some(courier.clone());
    }
    builder.mailer = mailer;
    let state = builder.build().await.unwrap();
    let db = state.store.pool().clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let serving = tokio::spawn(phone_mfa_server::serve(listener, state));
    TestServer {
        base,
        clock,
        courier,
        database,
        db,
        serving,
        _fresh: fresh,
    }
}

impl TestServer {
    /// Stops serving, as a process that exits would: its port and its in-memory state
    /// are gone; its database stays for the next server.
    pub async fn stop(&self) {
        self.serving.abort();
        let base = self.base.clone();
        for _ in 0..100 {
            if reqwest::get(format!("{base}/api/health")).await.is_err() {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        panic!("{base} still answers");
    }
    pub fn sends(&self) -> usize {
        self.courier.sent.lock().unwrap().len()
    }
    pub fn last_delivery(&self) -> CodeDelivery {
        self.courier
            .sent
            .lock()
            .unwrap()
            .last()
            .cloned()
            .expect("a code was sent")
    }
    pub fn last_code(&self) -> String {
        self.last_delivery().code
    }
    /// A browser-like client with no session yet.
    pub fn client(&self) -> Client {
        Client {
            base: self.base.clone(),
            http: reqwest::Client::new(),
            cookie: Arc::new(Mutex::new(None)),
            browser: Arc::new(Mutex::new(None)),
        }
    }
    /// A client whose requests come from another loopback address (127.0.0.0/8 all
    /// reaches this machine), so per-IP rules can be tested with several "people".
    pub fn client_from(&self, ip: &str) -> Client {
        Client {
            base: self.base.clone(),
            http: reqwest::Client::builder()
                .local_address(ip.parse::<std::net::IpAddr>().unwrap())
                .build()
                .unwrap(),
            cookie: Arc::new(Mutex::new(None)),
            browser: Arc::new(Mutex::new(None)),
        }
    }
    /// Waits (up to 10 s) until the delivery workers have sent, or failed and put off,
    /// every message due by the test's clock: e-mail leaves after its transaction commits
    /// (domain/deliveries.rs), so a test reads the outbox, or finds it empty, only then.
    pub async fn deliveries_settled(&self) {
        for _ in 0..1000 {
            let waiting: i64 = sqlx::query_scalar(
                // Due, or being sent right now.
                "SELECT COUNT(*) FROM deliveries WHERE sent_at IS NULL AND gave_up_at IS NULL \
                 AND (due_at <= $1 OR claimed_until IS NOT NULL)",
            )
            .bind(phone_mfa_server::clock::Clock::now(&self.clock))
            .fetch_one(&self.db)
            .await
            .unwrap();
            if waiting == 0 {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        panic!("messages due are still waiting for a delivery worker");
    }
    /// The newest e-mail the dev outbox holds for `to`.
    pub async fn last_email_to(&self, to: &str) -> Option<String> {
        self.deliveries_settled().await;
        sqlx::query_scalar(
            "SELECT body FROM outbox WHERE kind = 'email' AND recipient = $1 ORDER BY id DESC LIMIT 1",
        )
        .bind(to)
        .fetch_optional(&self.db)
        .await
        .unwrap()
    }
    /// Every e-mail the dev outbox holds for `to`, newest first.
    pub async fn emails_to(&self, to: &str) -> Vec<String> {
        self.deliveries_settled().await;
        sqlx::query_scalar("SELECT body FROM outbox WHERE kind = 'email' AND recipient = $1 ORDER BY id DESC")
            .bind(to)
            .fetch_all(&self.db)
            .await
            .unwrap()
    }
    /// A new account made as a person makes one: sign up, then open the e-mail's link.
    pub async fn signed_up(&self, email: &str) -> Client {
        let c = self.client();
        let r = c
            .post(paths::SIGN_UP, json!({"email": email, "password": PASSWORD}))
            .await;
        assert_eq!(r.status, 202, "{:?}", r.body);
        let mail = self.last_email_to(email).await.expect("a sign-up e-mail");
        let r = c
            .post(paths::SIGN_UP_CONFIRM, json!({ "token": link_token(&mail) }))
            .await;
        assert_eq!(r.status, 201, "{:?}", r.body);
        c
    }
    /// Password accepted for a demo account (MFA pending or setup).
    pub async fn password_only(&self, email: &str) -> Client {
        let c = self.client();
        let r = c
            .post(paths::SIGN_IN, json!({"email": email, "password": PASSWORD}))
            .await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        c
    }
    /// A brand-new account with a phone set up through the real flow: signed in.
    pub async fn with_phone(&self, email: &str, number: &str) -> Client {
        let c = self.signed_up(email).await;
        let ch = c.start(Purpose::Setup, Channel::Sms, Some(number), None).await;
        assert_eq!(ch.status, 201, "{:?}", ch.body);
        let id = ch.body["id"].as_str().unwrap().to_owned();
        let v = c.verify(&id, &self.last_code()).await;
        assert_eq!(v.status, 200, "{:?}", v.body);
        c
    }
    /// A number the database answers (a `COUNT(*)`, an id), in SQL both backends speak.
    pub async fn number(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql).fetch_one(&self.db).await.unwrap()
    }
    /// The first column of every row, as text, in SQL both backends speak.
    pub async fn texts(&self, sql: &str) -> Vec<String> {
        sqlx::query_scalar(sql).fetch_all(&self.db).await.unwrap()
    }
    /// Changes rows directly (what a newer server, or a hand, might have written).
    pub async fn execute(&self, sql: &str) {
        sqlx::query(sql).execute(&self.db).await.unwrap();
    }
}

pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Reply {
    pub fn error(&self) -> &str {
        self.body["error"].as_str().unwrap_or("")
    }
}

#[derive(Clone)]
pub struct Client {
    pub base: String,
    pub http: reqwest::Client,
    pub cookie: Arc<Mutex<Option<String>>>,
    /// The remembered-browser cookie ("Don't ask again on this browser"), if set.
    pub browser: Arc<Mutex<Option<String>>>,
}

impl Client {
    /// A client of a server started by the test itself, at `base`.
    pub fn new(base: String) -> Client {
        Client {
            base,
            http: reqwest::Client::new(),
            cookie: Arc::new(Mutex::new(None)),
            browser: Arc::new(Mutex::new(None)),
        }
    }
    /// Another client holding a copy of this one's cookie as it is now: a second
    /// browser tab, or an attacker who copied the token.
    pub fn copy(&self) -> Client {
        Client {
            base: self.base.clone(),
            http: self.http.clone(),
            cookie: Arc::new(Mutex::new(self.cookie.lock().unwrap().clone())),
            browser: Arc::new(Mutex::new(self.browser.lock().unwrap().clone())),
        }
    }
    pub fn token(&self) -> Option<String> {
        self.cookie.lock().unwrap().clone()
    }
    async fn finish(&self, res: reqwest::Response) -> Reply {
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        for set in headers.get_all("set-cookie") {
            let set = set.to_str().unwrap();
            let pair = set.split(';').next().unwrap().to_owned();
            let jar = if pair.starts_with(&format!("{BROWSER_COOKIE}=")) {
                &self.browser
            } else {
                &self.cookie
            };
            *jar.lock().unwrap() = if pair.ends_with('=') { None } else { Some(pair) };
        }
        let text = res.text().await.unwrap();
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Reply {
            status,
            headers,
            body,
        }
    }
    fn with_cookie(&self, rb: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        let jar = [
            self.cookie.lock().unwrap().clone(),
            self.browser.lock().unwrap().clone(),
        ];
        let cookies: Vec<String> = jar.into_iter().flatten().collect();
        if cookies.is_empty() {
            rb
        } else {
            rb.header("cookie", cookies.join("; "))
        }
    }
    pub async fn get(&self, path: &str) -> Reply {
        let rb = self.with_cookie(self.http.get(format!("{}{}", self.base, path)));
        self.finish(rb.send().await.unwrap()).await
    }
    /// A request as the app sends it: JSON, with the CSRF header.
    pub async fn post(&self, path: &str, body: Value) -> Reply {
        self.send(reqwest::Method::POST, path, Some(body)).await
    }
    pub async fn send(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Reply {
        let mut rb = self
            .with_cookie(self.http.request(method, format!("{}{}", self.base, path)))
            .header(CSRF_HEADER, CSRF_HEADER_VALUE);
        if let Some(body) = body {
            rb = rb.json(&body);
        }
        self.finish(rb.send().await.unwrap()).await
    }
    pub async fn raw(&self, rb: reqwest::RequestBuilder) -> Reply {
        self.finish(self.with_cookie(rb).send().await.unwrap()).await
    }
    pub async fn start(
        &self,
        purpose: Purpose,
        channel: Channel,
        phone: Option<&str>,
        method_id: Option<i64>,
    ) -> Reply {
        let phone = phone.map(|n| json!({"number": n, "region": "US"}));
        self.post(
            paths::CHALLENGES,
            json!({"purpose": purpose, "channel": channel, "phone": phone, "method_id": method_id}),
        )
        .await
    }
    pub async fn verify(&self, challenge: &str, code: &str) -> Reply {
        self.post(&paths::challenge_verify(challenge), json!({ "code": code }))
            .await
    }
    pub async fn resend(&self, challenge: &str, channel: Option<Channel>) -> Reply {
        self.post(&paths::challenge_resend(challenge), json!({ "channel": channel }))
            .await
    }
    pub async fn session(&self) -> Reply {
        self.get(paths::SESSION).await
    }
    pub async fn methods(&self) -> Vec<MethodView> {
        let r = self.get(paths::METHODS).await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        serde_json::from_value(r.body).unwrap()
    }
}

/// The token of the continue link in a sign-up e-mail.
pub fn link_token(email: &str) -> String {
    let start = email.find("#token=").expect("a continue link") + "#token=".len();
    email[start..]
        .split(|c: char| c.is_whitespace())
        .next()
        .unwrap()
        .to_owned()
}

/// Any wrong code: the right one with its last digit changed.
pub fn wrong(code: &str) -> String {
    let last = code.as_bytes()[5] - b'0';
    format!("{}{}", &code[..5], (last + 1) % 10)
}

pub fn challenge_id(r: &Reply) -> String {
    r.body["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no challenge in {:?}", r.body))
        .to_owned()
}
