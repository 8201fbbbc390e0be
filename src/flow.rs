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
    /// Recovery codes just made, until the person has saved them: in memory only (never
    /// in storage), so they are gone with the tab, as a shown-once secret should be.
    pub new_recovery_codes: RwSignal<Vec<String>>,
}

impl Auth {
    pub fn provide() -> Auth {
        let auth = Auth {
            session: RwSignal::new(None),
            new_recovery_codes: RwSignal::new(Vec::new()),
        };
        provide_context(auth);
        auth
    }
    pub fn get() -> Auth {
        expect_context::<Auth>()
    }
}

/// A new number as the person typed it on the phone screen (setup, a change): the code
/// screen shows it whole with "Change" (GOV.UK), and going back fills it in again, so
/// nothing typed is lost. Kept in sessionStorage with the code on its way.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnteredPhone {
    /// What was typed, as typed.
    pub number: String,
    /// The selected country (ISO region).
    pub region: String,
    /// The number in international format, as checked ("+1 201-555-0123").
    pub display: String,
    /// The phone method whose number this replaces (a change), if any.
    pub change_of: Option<i64>,
}

/// A code the person is waiting for, and where to go once it is accepted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PendingCode {
    pub challenge: ChallengeView,
    /// Path to open after the code is accepted; [`METHOD_PLACEHOLDER`] in it becomes the
    /// id of the method the code added or changed.
    pub next: String,
    /// The new number it went to, when the person has just typed it.
    #[serde(default)]
    pub entered: Option<EnteredPhone>,
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
            entered: None,
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

    /// Where the number went, as the code screen says it: the whole number just typed,
    /// otherwise the server's masked one (its last four digits).
    pub fn destination(&self) -> String {
        match &self.entered {
            Some(e) => e.display.clone(),
            None => self.challenge.masked_phone.clone(),
        }
    }

    /// Seconds of lockout left (0: not locked).
    pub fn locked_for_s(&self, now_ms: f64) -> i64 {
        self.locked_until_ms
            .map(|until| ((until - now_ms) / 1000.0).ceil().max(0.0) as i64)
            .unwrap_or(0)
    }
}

/// Stands in a `next` path for the id of a method that exists only once the code is
/// accepted (a phone being added).
pub const METHOD_PLACEHOLDER: &str = "{method}";

impl PendingCode {
    /// Where to go once the code was accepted, `method` being the one it added or changed.
    pub fn next_after(&self, method: Option<i64>) -> String {
        match method {
            Some(id) => self.next.replace(METHOD_PLACEHOLDER, &id.to_string()),
            None => self.next.clone(),
        }
    }
}

/// sessionStorage: this tab has had a session, so a guard that finds none can say it
/// ended (rather than greet a first visit with "you were signed out").
const HAD_SESSION_KEY: &str = "phone-mfa.had-session";

pub fn note_signed_in() {
    if let Some(s) = storage() {
        let _ = s.set_item(HAD_SESSION_KEY, "1");
    }
}

/// Whether this tab had a session (and forgets it).
pub fn take_had_session() -> bool {
    let Some(s) = storage() else { return false };
    let had = s.get_item(HAD_SESSION_KEY).ok().flatten().is_some();
    let _ = s.remove_item(HAD_SESSION_KEY);
    had
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

/// The moments a screen reader hears how long the code has left (login.gov): the
/// countdown on screen changes every second and is hidden from screen readers; this
/// changes only when a threshold is crossed, so a polite live region speaks four times
/// at most. `None` while more than 5 minutes are left (the screen said "10 minutes"
/// when the code was sent) and once it has expired (an alert says so).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpiryStage {
    FiveMinutes,
    OneMinute,
    ThirtySeconds,
}

impl ExpiryStage {
    /// The time left it announces.
    pub fn seconds(self) -> i64 {
        match self {
            ExpiryStage::FiveMinutes => 300,
            ExpiryStage::OneMinute => 60,
            ExpiryStage::ThirtySeconds => 30,
        }
    }
}

pub fn expiry_stage(expires_in_s: i64) -> Option<ExpiryStage> {
    [
        ExpiryStage::ThirtySeconds,
        ExpiryStage::OneMinute,
        ExpiryStage::FiveMinutes,
    ]
    .into_iter()
    .find(|s| expires_in_s > 0 && expires_in_s <= s.seconds())
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
                masked_phone: "•••-•••-0123".into(),
                new_phone: None,
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
    fn expiry_is_announced_at_five_minutes_one_minute_and_thirty_seconds_only() {
        let stages: Vec<_> = (0..=600).rev().map(expiry_stage).collect();
        let mut changes: Vec<Option<ExpiryStage>> = vec![];
        for s in stages {
            if changes.last() != Some(&s) {
                changes.push(s);
            }
        }
        use ExpiryStage::*;
        assert_eq!(
            changes,
            [
                None,
                Some(FiveMinutes),
                Some(OneMinute),
                Some(ThirtySeconds),
                None
            ]
        );
        assert_eq!(expiry_stage(300), Some(FiveMinutes));
        assert_eq!(expiry_stage(301), None);
        assert_eq!(expiry_stage(30), Some(ThirtySeconds));
    }

    #[test]
    fn the_code_screen_names_a_number_just_typed_in_full() {
        let mut p = pending();
        assert_eq!(p.destination(), "•••-•••-0123");
        p.entered = Some(EnteredPhone {
            number: "(201) 555-0123".into(),
            region: "US".into(),
            display: "+1 201-555-0123".into(),
            change_of: None,
        });
        assert_eq!(p.destination(), "+1 201-555-0123");
    }

    #[test]
    fn countdowns_read_as_minutes_and_seconds() {
        assert_eq!(mm_ss(600), "10:00");
        assert_eq!(mm_ss(5), "0:05");
    }
}
