//! Time, injectable so tests can step past a lockout or an expiry without waiting.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

pub trait Clock: Send + Sync + 'static {
    /// Unix time in seconds.
    fn now(&self) -> i64;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0)
    }
}

/// A clock that only moves when told to.
#[derive(Clone)]
pub struct ManualClock(Arc<AtomicI64>);

impl ManualClock {
    pub fn new(start: i64) -> Self {
        ManualClock(Arc::new(AtomicI64::new(start)))
    }
    pub fn advance(&self, secs: i64) {
        self.0.fetch_add(secs, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// The development server's clock: real time plus an offset that only grows, moved by
/// `POST /api/dev/clock` so browser tests need not sleep. Never used in production mode.
#[derive(Default)]
pub struct OffsetClock(AtomicI64);

impl OffsetClock {
    /// Moves the clock `secs` forward; returns the offset now.
    pub fn advance(&self, secs: i64) -> i64 {
        self.0.fetch_add(secs, Ordering::SeqCst) + secs
    }
    pub fn offset(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

impl Clock for OffsetClock {
    fn now(&self) -> i64 {
        SystemClock.now() + self.offset()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_offset_clock_runs_ahead_of_real_time_by_what_it_was_moved() {
        let clock = OffsetClock::default();
        let before = SystemClock.now();
        assert_eq!(clock.advance(30), 30);
        assert_eq!(clock.advance(11), 41);
        let now = clock.now();
        assert!((before + 41..=SystemClock.now() + 41).contains(&now), "{now}");
    }
}
