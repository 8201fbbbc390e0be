//! State that outlives one screen: the signed-in session (shared through context) and
//! the code on its way (kept in sessionStorage so a reload of the code screen works).
//! The timing rules are plain Rust, tested natively.

use leptos::prelude::*;
use phone_mfa_contract::{ChallengeView, SessionView};
use serde::{Deserialize, Serialize};

/// The session as last seen from the server, shared by every screen.
#[derive(Clone, Copy)]
pub struct Auth {
    pub session: RwSignal<Option<SessionView>>,
}

impl Auth {
    pub fn provide() -> Auth {
        let auth = Auth {
            session: RwSignal::new(None),
        };
        provide_context(auth);
        auth
    }
    pub fn get() -> Auth {
        expect_context::<Auth>()
    }
}

/// A code the person is waiting for, and where to go once it is accepted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PendingCode {
    pub challenge: ChallengeView,
    /// Path to open after the code is accepted.
    pub next: String,
    /// Browser time (ms since the epoch) when the server's answer arrived: the
    /// server's "resend in" and "expires in" count from here.
    pub received_at_ms: f64,
    /// The last send was refused or the code was locked out until this time (ms), if so.
    pub locked_until_ms: Option<f64>,
}

impl PendingCode {
    pub fn new(challenge: ChallengeView, next: impl Into<String>, now_ms: f64) -> Self {
        PendingCode {
            challenge,
            next: next.into(),
            received_at_ms: now_ms,
            locked_until_ms: None,
        }
    }

    fn elapsed_s(&self, now_ms: f64) -> i64 {
        ((now_ms - self.received_at_ms) / 1000.0).floor().max(0.0) as i64
    }

    /// Seconds until "Send a new code" may be used (0: now).
    pub fn resend_wait_s(&self, now_ms: f64) -> i64 {
        (self.challenge.resend_in_s - self.elapsed_s(now_ms)).max(0)
    }

    /// Seconds the current code has left (0: expired).
    pub fn expires_in_s(&self, now_ms: f64) -> i64 {
        (self.challenge.expires_in_s - self.elapsed_s(now_ms)).max(0)
    }

    /// Seconds of lockout left (0: not locked).
    pub fn locked_for_s(&self, now_ms: f64) -> i64 {
        self.locked_until_ms
            .map(|until| ((until - now_ms) / 1000.0).ceil().max(0.0) as i64)
            .unwrap_or(0)
    }
}

const PENDING_KEY: &str = "phone-mfa.pending-code";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

pub fn save_pending(pending: &PendingCode) {
    if let (Some(s), Ok(json)) = (storage(), serde_json::to_string(pending)) {
        let _ = s.set_item(PENDING_KEY, &json);
    }
}

pub fn load_pending() -> Option<PendingCode> {
    let json = storage()?.get_item(PENDING_KEY).ok()??;
    serde_json::from_str(&json).ok()
}

pub fn clear_pending() {
    if let Some(s) = storage() {
        let _ = s.remove_item(PENDING_KEY);
    }
}

pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// A `next` path from a query string is only followed inside this app (no open redirect).
pub fn safe_next(next: Option<String>, default: &str) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n,
        _ => default.to_owned(),
    }
}

/// "m:ss" for countdowns.
pub fn mm_ss(secs: i64) -> String {
    format!("{}:{:02}", secs / 60, secs % 60)
}

#[cfg(test)]
mod tests {
    use super::*;
    use phone_mfa_contract::phone::Channels;
    use phone_mfa_contract::{Channel, Purpose};

    fn pending() -> PendingCode {
        PendingCode::new(
            ChallengeView {
                id: "c".into(),
                purpose: Purpose::Setup,
                channel: Channel::Sms,
                masked_phone: "•••-•••-••23".into(),
                channels: Channels {
                    sms: true,
                    voice: true,
                },
                expires_in_s: 600,
                resend_in_s: 30,
                sends_left: 19,
                attempts_left: 10,
                delivery: Default::default(),
            },
            "/setup/done",
            1_000_000.0,
        )
    }

    #[test]
    fn resend_countdown_follows_the_server_figure() {
        let p = pending();
        assert_eq!(p.resend_wait_s(1_000_000.0), 30);
        assert_eq!(p.resend_wait_s(1_010_500.0), 20);
        assert_eq!(p.resend_wait_s(1_031_000.0), 0);
        assert_eq!(p.expires_in_s(1_000_000.0 + 600_000.0), 0);
    }

    #[test]
    fn lockout_counts_down_to_zero() {
        let mut p = pending();
        p.locked_until_ms = Some(1_000_000.0 + 600_000.0);
        assert_eq!(p.locked_for_s(1_000_000.0), 600);
        assert_eq!(p.locked_for_s(1_599_500.0), 1);
        assert_eq!(p.locked_for_s(1_700_000.0), 0);
    }

    #[test]
    fn next_never_leaves_the_app() {
        assert_eq!(safe_next(Some("/account".into()), "/"), "/account");
        assert_eq!(safe_next(Some("//evil.example".into()), "/"), "/");
        assert_eq!(safe_next(Some("https://evil.example".into()), "/"), "/");
        assert_eq!(safe_next(None, "/account"), "/account");
    }

    #[test]
    fn countdowns_read_as_minutes_and_seconds() {
        assert_eq!(mm_ss(600), "10:00");
        assert_eq!(mm_ss(5), "0:05");
    }
}
