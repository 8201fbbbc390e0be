//! What every handler shares.

use crate::clock::Clock;
use crate::config::Config;
use crate::couriers::{CodeCourier, Mailer};
use crate::store::Store;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState(pub Arc<Inner>);

pub struct Inner {
    pub config: Config,
    pub store: Store,
    pub clock: Arc<dyn Clock>,
    /// The movable clock of a development server (`POST /api/dev/clock`); `None` in
    /// production mode, and when a test supplies its own clock.
    pub dev_clock: Option<Arc<crate::clock::OffsetClock>>,
    pub courier: Arc<dyn CodeCourier>,
    pub mailer: Arc<dyn Mailer>,
    /// The Content-Security-Policy, with the hashes of the built index.html's inline scripts.
    pub csp: String,
    /// index.html with preload links for the screen, per app address (issue 21).
    pub route_pages: crate::http::web::RoutePages,
    /// The cap on concurrent password hashes (rule G7).
    pub hash_slots: crate::domain::passwords::HashSlots,
    /// Woken after a transaction that queued a message commits, so a delivery worker
    /// starts on it at once (domain/deliveries.rs).
    pub deliveries_due: tokio::sync::Notify,
    /// Set when the server is stopping: delivery workers finish the message in hand
    /// and take no other (`crate::serve_until`).
    pub stopping: tokio::sync::watch::Sender<bool>,
    /// When a delivery worker last went round its loop (ms since the Unix epoch, real
    /// time): the readiness check's sign that the workers are alive.
    pub workers_seen_ms: std::sync::atomic::AtomicU64,
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    pub fn now(&self) -> i64 {
        self.clock.now()
    }
}

/// Real time in milliseconds (not the app's clock, which dev mode and tests move).
pub fn wall_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}
