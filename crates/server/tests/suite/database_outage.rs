//! When the database cannot be reached, the API answers 503 with a JSON error and does
//! nothing, sends nothing; when it comes back, so does the service (issue 15).
//! PostgreSQL only: the server reaches it through a proxy this test can cut. (The
//! embedded SQLite file has no network to lose; `cargo xtask test` runs this suite on
//! PostgreSQL as well.)
use crate::common;

use common::*;
use phone_mfa_contract::*;
use phone_mfa_server::store::Location;
use std::sync::{Arc, Mutex};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::task::JoinHandle;

/// A TCP proxy to PostgreSQL that can be cut (every connection closed, new ones
/// refused) and restored on the same port.
struct Proxy {
    port: u16,
    upstream: String,
    tasks: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl Proxy {
    async fn start(upstream: &str) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let proxy = Proxy {
            port,
            upstream: upstream.to_owned(),
            tasks: Default::default(),
        };
        proxy.serve(listener);
        proxy
    }

    fn serve(&self, listener: TcpListener) {
        let upstream = self.upstream.clone();
        let tasks = self.tasks.clone();
        let accept = tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                let upstream = upstream.clone();
                let pipe = tokio::spawn(async move {
                    if let Ok(mut server) = TcpStream::connect(&upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
                tasks.lock().unwrap().push(pipe);
            }
        });
        self.tasks.lock().unwrap().push(accept);
    }

    fn cut(&self) {
        for task in self.tasks.lock().unwrap().drain(..) {
            task.abort();
        }
    }

    async fn restore(&self) {
        let socket = TcpSocket::new_v4().unwrap();
        socket.set_reuseaddr(true).unwrap();
        socket.bind(([127, 0, 0, 1], self.port).into()).unwrap();
        self.serve(socket.listen(64).unwrap());
    }
}

/// `postgres://user@host:port/db?...` -> (`host:port`, the URL with `replacement` there).
fn swap_authority(url: &str, replacement: &str) -> (String, String) {
    let (scheme, rest) = url.split_once("://").unwrap();
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let (user, host) = match authority.rsplit_once('@') {
        Some((user, host)) => (format!("{user}@"), host),
        None => (String::new(), authority),
    };
    let host = if host.contains(':') {
        host.to_owned()
    } else {
        format!("{host}:5432")
    };
    (host, format!("{scheme}://{user}{replacement}{tail}"))
}

/// Rules W7 (the contract's JSON error, never a bare 5xx page) and S7 (no courier call).
#[tokio::test]
async fn an_unreachable_database_gets_503_and_nothing_is_sent_then_service_resumes() {
    if postgres_base_url().is_none() {
        eprintln!("the database outage test runs in the PostgreSQL suite (PHONE_MFA_TEST_DATABASE_URL)");
        return;
    }
    let fresh = FreshDatabase::new().await;
    let Location::Postgres(url) = &fresh.location else {
        unreachable!()
    };
    let (upstream, _) = swap_authority(url, "");
    let proxy = Proxy::start(&upstream).await;
    let (_, proxied) = swap_authority(url, &format!("127.0.0.1:{}", proxy.port));
    let s = server_with(|c| {
        c.database = Location::Postgres(proxied);
        c.database_pool.acquire_timeout = std::time::Duration::from_millis(500);
    })
    .await;
    let c = s.signed_up("outage@example.com").await;

    proxy.cut();
    for _ in 0..3 {
        let r = c
            .start(Purpose::Setup, Channel::Sms, Some("2015550123"), None)
            .await;
        assert_eq!((r.status, r.error()), (503, "unavailable"), "{:?}", r.body);
        assert!(r.headers.contains_key("retry-after"));
        assert!(!r.body["message"].as_str().unwrap().is_empty());
    }
    let r = c
        .post(
            paths::SIGN_IN,
            serde_json::json!({"email": "outage@example.com", "password": PASSWORD}),
        )
        .await;
    assert_eq!((r.status, r.error()), (503, "unavailable"), "{:?}", r.body);
    assert_eq!(s.sends(), 0, "no code is sent while the database is away");

    proxy.restore().await;
    let mut r = c
        .start(Purpose::Setup, Channel::Sms, Some("2015550123"), None)
        .await;
    for _ in 0..20 {
        if r.status != 503 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        r = c
            .start(Purpose::Setup, Channel::Sms, Some("2015550123"), None)
            .await;
    }
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert_eq!(s.sends(), 1);
    drop(fresh);
}

#[test]
fn the_proxy_rewrites_only_the_host() {
    assert_eq!(
        swap_authority(
            "postgres://pg@127.0.0.1:5432/test?options[search_path]=t_x",
            "127.0.0.1:9"
        ),
        (
            "127.0.0.1:5432".to_owned(),
            "postgres://pg@127.0.0.1:9/test?options[search_path]=t_x".to_owned()
        )
    );
    assert_eq!(
        swap_authority("postgres://localhost/db", "h:1"),
        ("localhost:5432".to_owned(), "postgres://h:1/db".to_owned())
    );
}
