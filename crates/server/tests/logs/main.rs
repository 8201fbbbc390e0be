//! Tests that read what the server logs. A log subscriber is process-wide, so these
//! have a binary of their own, where no other test's lines can mix in, and they take
//! turns: each sees the lines written since its turn began.

#[path = "../common/mod.rs"]
mod common;

mod flow;
mod twilio_refusals;

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};
use tokio::sync::MutexGuard;

/// Every line the server logged, as JSON (the production format).
#[derive(Clone, Default)]
struct Lines(Arc<Mutex<Vec<u8>>>);

impl Write for Lines {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The lines logged during one test's turn.
pub struct Captured {
    lines: Lines,
    _turn: MutexGuard<'static, ()>,
}

impl Captured {
    pub fn text(&self) -> String {
        String::from_utf8(self.lines.0.lock().unwrap().clone()).unwrap()
    }
}

/// Waits for this test's turn, then captures everything logged, at every level.
pub async fn capture() -> Captured {
    static TURN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    static LINES: OnceLock<Lines> = OnceLock::new();
    let turn = TURN.lock().await;
    let lines = LINES
        .get_or_init(|| {
            let lines = Lines::default();
            let sink = lines.clone();
            tracing_subscriber::fmt()
                .json()
                .with_max_level(tracing::Level::TRACE)
                .with_writer(move || sink.clone())
                .init();
            lines
        })
        .clone();
    lines.0.lock().unwrap().clear();
    Captured { lines, _turn: turn }
}
