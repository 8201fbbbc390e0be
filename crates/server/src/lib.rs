//! The Phone MFA reference backend: accounts and sessions, text and voice one-time
//! codes with their guessing and send limits, the "Sign in & Security" methods, and
//! the built SPA, served by axum over SQLite or PostgreSQL.

pub mod clock;
pub mod config;
pub mod couriers;
pub mod domain;
pub mod error;
pub mod http;
pub mod i18n;
pub mod metrics;
pub mod openapi;
pub mod secrets;
pub mod seed;
pub mod state;
pub mod store;
pub mod totp;

use clock::Clock;
use config::Config;
use couriers::{CodeCourier, DevOutbox, Mailer};
use state::{AppState, Inner};
use std::sync::Arc;
use store::Store;

/// How to build a server: its configuration plus the pieces tests replace.
pub struct Builder {
    pub config: Config,
    /// The server's time: real time (movable in dev mode), or a test's own clock.
    pub clock: Arc<dyn Clock>,
    dev_clock: Option<Arc<clock::OffsetClock>>,
    pub courier: Option<Arc<dyn CodeCourier>>,
    pub mailer: Option<Arc<dyn Mailer>>,
}

impl Builder {
    pub fn new(config: Config) -> Self {
        let dev_clock = config.dev_mode.then(|| Arc::new(clock::OffsetClock::default()));
        Builder {
            clock: match &dev_clock {
                Some(dev) => dev.clone(),
                None => Arc::new(clock::SystemClock),
            },
            dev_clock,
            config,
            courier: None,
            mailer: None,
        }
    }

    /// Opens (creating and migrating) the database, seeds demo accounts in dev mode,
    /// and returns the application's state.
    pub async fn build(self) -> Result<AppState, String> {
        let store = Store::open(&self.config.database, &self.config.database_pool).await?;
        if self.config.dev_mode {
            let now = self.clock.now();
            let seeded = async {
                let mut tx = store.begin().await?;
                seed::seed_demo_accounts(&mut tx, &self.config.secret, now).await?;
                tx.commit().await
            };
            seeded
                .await
                .map_err(|e| format!("cannot seed demo accounts: {e}"))?;
        }
        // Secrets of authenticator apps added before they were stored sealed.
        let sealed = domain::app_setup::seal_plain_secrets(&store, &self.config.secret)
            .await
            .map_err(|e| format!("cannot seal authenticator-app secrets: {e}"))?;
        if sealed > 0 {
            tracing::info!(sealed, "authenticator-app secrets stored in clear were sealed");
        }
        // Record from the start (the first scrape sees what came before it).
        metrics::handle();
        let outbox = Arc::new(DevOutbox {
            store: store.clone(),
            clock: self.clock.clone(),
        });
        let index = std::fs::read_to_string(self.config.dist_dir.join("index.html")).ok();
        let csp = http::web::content_security_policy(index.as_deref());
        let route_pages = http::web::RoutePages::read(&self.config.dist_dir);
        let courier: Arc<dyn CodeCourier> = match (self.courier, &self.config.twilio) {
            (Some(c), _) => c,
            (None, Some(twilio)) => Arc::new(couriers::twilio::Twilio::new(
                twilio.clone(),
                self.config.public_origin(),
            )),
            (None, None) => outbox.clone(),
        };
        let mailer: Arc<dyn Mailer> = match (self.mailer, &self.config.smtp) {
            (Some(m), _) => m,
            (None, Some(smtp)) => Arc::new(couriers::smtp::Smtp::new(smtp)?),
            (None, None) => outbox,
        };
        // Only while the dev clock is the server's clock (a test may have replaced it).
        let dev_clock = self
            .dev_clock
            .filter(|dev| Arc::ptr_eq(&(dev.clone() as Arc<dyn Clock>), &self.clock));
        let hash_slots = domain::passwords::HashSlots::new(self.config.password_hashing.permits);
        Ok(AppState(Arc::new(Inner {
            hash_slots,
            courier,
            mailer,
            config: self.config,
            store,
            clock: self.clock,
            dev_clock,
            csp,
            route_pages,
            deliveries_due: tokio::sync::Notify::new(),
            stopping: tokio::sync::watch::channel(false).0,
            workers_seen_ms: std::sync::atomic::AtomicU64::new(0),
        })))
    }
}

/// Serves `state` on an already-bound listener, with the workers that deliver queued
/// messages beside it, until the future is dropped (the workers with it).
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    serve_until(listener, state, std::future::pending()).await
}

/// How long a stop waits for requests and deliveries in flight before it gives up on
/// them (a client that never finishes its request must not keep the process alive;
/// orchestrators send SIGKILL after 30 s).
const DRAIN_LIMIT: std::time::Duration = std::time::Duration::from_secs(25);

/// Serves until `stop` completes, then stops gracefully: no new connection is
/// accepted, requests in flight are answered, then each delivery worker finishes the
/// message in hand (it would otherwise wait out its claim, 2 minutes, before another
/// instance could send it), and then it returns; all within [`DRAIN_LIMIT`].
pub async fn serve_until(
    listener: tokio::net::TcpListener,
    state: AppState,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..domain::deliveries::WORKERS {
        workers.spawn(domain::deliveries::work(state.clone()));
    }
    workers.spawn(domain::retention::work(state.clone()));
    workers.spawn(metrics::upkeep(state.clone()));
    let (draining, mut drain_started) = tokio::sync::watch::channel(false);
    let app = http::router(state.clone());
    let served = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        stop.await;
        tracing::info!("stopping: no new connections; finishing the requests and deliveries in flight");
        draining.send_replace(true);
    });
    let served = std::future::IntoFuture::into_future(served);
    let deadline = async move {
        let _ = drain_started.wait_for(|started| *started).await;
        tokio::time::sleep(DRAIN_LIMIT).await;
    };
    let served = tokio::select! {
        served = served => served,
        _ = deadline => {
            tracing::warn!("stopping: requests still in flight after the drain limit are dropped");
            Ok(())
        }
    };
    // The workers go on through the drain (requests in flight queue messages), and
    // stop only now, whatever ended the serving.
    state.stopping.send_replace(true);
    if tokio::time::timeout(DRAIN_LIMIT, async {
        while workers.join_next().await.is_some() {}
    })
    .await
    .is_err()
    {
        tracing::warn!("stopping: a delivery still in hand after the drain limit is left to its claim");
        workers.abort_all();
    }
    tracing::info!("stopped");
    served
}
