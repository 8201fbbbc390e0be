//! Every request and answer of the JSON API under `/api`.
//!
//! Paths are constants here so the app and the server cannot disagree on them.

use crate::phone::{Channels, LineKind, PhoneProblem};
use serde::{Deserialize, Serialize};

/// Header every state-changing request must carry (CSRF defence, OWASP cheat sheet):
/// a cross-site form cannot set it, and a cross-site `fetch` that sets it needs a CORS
/// pre-flight the server never grants.
pub const CSRF_HEADER: &str = "x-phone-mfa";
/// The value the app sends in [`CSRF_HEADER`].
pub const CSRF_HEADER_VALUE: &str = "1";
/// The session cookie. `__Host-` pins it to this origin, path `/`, Secure.
pub const SESSION_COOKIE: &str = "__Host-phone_mfa_session";
/// A remembered browser's cookie ("Don't ask again on this browser"): a random token,
/// stored hashed and bound to one account, that lets a sign-in skip the second factor
/// (never a re-authentication). Separate from the session, so signing out keeps it.
pub const BROWSER_COOKIE: &str = "__Host-phone_mfa_browser";

/// The file `cargo xtask build` writes beside index.html: for each app address whose
/// screen is split out of the main wasm, a copy of index.html that also preloads that
/// screen's chunks (a JSON object, address to file name). The server answers the
/// address with it, so a deep link downloads its screen while the main module
/// compiles instead of after it runs.
pub const ROUTE_PRELOADS_FILE: &str = "route-preloads.json";

pub mod paths {
    pub const HEALTH: &str = "/api/health";
    pub const HEALTH_READY: &str = "/api/health/ready";
    pub const SIGN_UP: &str = "/api/auth/sign-up";
    pub const SIGN_UP_CONFIRM: &str = "/api/auth/sign-up/confirm";
    pub const SIGN_IN: &str = "/api/auth/sign-in";
    pub const SIGN_OUT: &str = "/api/auth/sign-out";
    pub const SESSION: &str = "/api/session";
    pub const SESSION_LANGUAGE: &str = "/api/session/language";
    pub const SKIP_MFA: &str = "/api/mfa/skip";
    pub const MFA_OPTIONS: &str = "/api/mfa/options";
    pub const PHONE_CHECK: &str = "/api/phone/check";
    pub const CHALLENGES: &str = "/api/challenges";
    pub const TOTP_VERIFY: &str = "/api/totp/verify";
    pub const METHODS: &str = "/api/methods";
    /// Authenticator-app setup: a new key (and its QR code) for this session.
    pub const APP_SETUP: &str = "/api/app/setup";
    /// Authenticator-app setup: the app's first code, which adds the method.
    pub const APP_CONFIRM: &str = "/api/app/confirm";
    /// A new set of recovery codes (the old set stops working).
    pub const RECOVERY_CODES: &str = "/api/recovery-codes";
    /// The second factor of a sign-in, with a recovery code instead of the phone.
    pub const RECOVERY_SIGN_IN: &str = "/api/recovery-codes/sign-in";
    /// Browsers that skip the second factor at sign-in ("forget all": DELETE).
    pub const REMEMBERED_BROWSERS: &str = "/api/remembered-browsers";
    pub const CHANGE_REPORT: &str = "/api/change-report";
    pub const CHANGE_REPORT_UNDO: &str = "/api/change-report/undo";
    pub const DEV_OUTBOX: &str = "/api/dev/outbox";
    pub const DEV_CLOCK: &str = "/api/dev/clock";
    pub const OPENAPI: &str = "/api/openapi.json";

    pub fn challenge_resend(id: &str) -> String {
        format!("{CHALLENGES}/{id}/resend")
    }
    pub fn challenge_verify(id: &str) -> String {
        format!("{CHALLENGES}/{id}/verify")
    }
    /// How the code's text or call is getting on (polled by the code screen).
    pub fn challenge_delivery(id: &str) -> String {
        format!("{CHALLENGES}/{id}/delivery")
    }
    /// Where Twilio reports on one send of a challenge (`send_seq`: 1, then one more per
    /// resend, tells sends apart).
    pub fn twilio_status(challenge_id: &str, send_seq: i64) -> String {
        format!("/api/twilio/status/{challenge_id}/{send_seq}")
    }
    pub fn method(id: i64) -> String {
        format!("{METHODS}/{id}")
    }
    pub fn remembered_browser(id: i64) -> String {
        format!("{REMEMBERED_BROWSERS}/{id}")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    pub status: String,
    pub version: String,
}

/// `GET /api/health/ready`: whether this instance should get traffic now (200) or
/// not (503): its database answers, its delivery workers are running, it is not
/// stopping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Readiness {
    pub ready: bool,
    pub database: bool,
    pub delivery_workers: bool,
    pub stopping: bool,
}

// ---------------------------------------------------------------- accounts

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SignUpRequest {
    pub email: String,
    pub password: String,
    /// The language to write to this account in (default: the request's `Accept-Language`).
    #[serde(default)]
    pub language: Option<Language>,
}

/// The answer to a sign-up, the same whether or not the address already has an
/// account (rule A9): an e-mail is on its way, with a link to continue (a new address)
/// or a notice that someone tried (an address with an account).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignUpAccepted {
    pub email: String,
    /// How long the link in the e-mail works.
    pub link_valid_for_s: i64,
}

/// The token from the sign-up e-mail's link (`/create-account/continue#token=...`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SignUpConfirmRequest {
    pub token: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SignInRequest {
    pub email: String,
    pub password: String,
}

/// Where a session stands. Only `SignedIn` reaches the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SessionStage {
    /// Password accepted, the account has no second factor yet: set one up (or skip,
    /// where the partner does not require it).
    MfaSetup,
    /// Password accepted, a second factor is owed.
    MfaPending,
    SignedIn,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionView {
    pub email: String,
    pub stage: SessionStage,
    /// A partner this account uses requires MFA: "Skip for now" is not offered.
    pub mfa_required: bool,
    /// Seconds left of the re-authentication window (0: adding, changing or removing
    /// a method needs a fresh second factor first).
    pub reauth_valid_for_s: i64,
    /// The account's second factors (numbers masked). Empty during setup.
    pub methods: Vec<MethodView>,
    /// The language texts, calls and emails to this account are in.
    pub language: Language,
    /// Whether this account may use Text Message or Phone Call at all (not a medical
    /// provider who prescribes controlled substances): screens do not offer it otherwise.
    pub phone_allowed: bool,
    /// Recovery codes of the account not used yet.
    #[serde(default)]
    pub recovery_codes_left: u32,
    /// Browsers that skip the second factor at sign-in, most recently used first.
    #[serde(default)]
    pub remembered_browsers: Vec<RememberedBrowserView>,
}

/// A browser someone chose "Don't ask again on this browser" on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RememberedBrowserView {
    pub id: i64,
    /// Approximate, from the browser's User-Agent ("Firefox on Windows").
    pub name: String,
    /// Unix seconds.
    pub created_at: i64,
    pub last_used_at: i64,
    /// After this (Unix seconds) the browser is asked for a code again.
    pub expires_at: i64,
}

// ---------------------------------------------------------------- methods

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MethodKind {
    /// Text message or phone call.
    Phone,
    /// An authenticator app (TOTP, RFC 6238).
    AuthenticatorApp,
}

/// The languages people can use Phone MFA in: the app's words, and the texts, calls
/// and emails the server sends to the account.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Language {
    #[default]
    En,
    Es,
}

impl Language {
    pub const ALL: [Language; 2] = [Language::En, Language::Es];

    /// The BCP 47 tag, as in `<html lang>` and `Accept-Language`.
    pub fn tag(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Es => "es",
        }
    }

    /// The language of a tag such as "es", "es-MX" or "EN_us" (`None` if not ours).
    pub fn from_tag(tag: &str) -> Option<Language> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        Language::ALL.into_iter().find(|l| l.tag() == primary)
    }

    /// The first of our languages in an `Accept-Language` header, by the order and
    /// weights the browser gave (`q=0` means "not this one").
    pub fn from_accept_language(header: &str) -> Option<Language> {
        let mut ranked: Vec<(f32, usize, Language)> = header
            .split(',')
            .enumerate()
            .filter_map(|(i, part)| {
                let mut pieces = part.split(';');
                let lang = Language::from_tag(pieces.next()?)?;
                let q = pieces
                    .find_map(|p| p.trim().strip_prefix("q=").map(|q| q.trim().parse::<f32>().ok()))
                    .unwrap_or(Some(1.0))?;
                (q > 0.0).then_some((q, i, lang))
            })
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        ranked.first().map(|r| r.2)
    }
}

/// Sets the language of the signed-in account (texts, calls and emails use it).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LanguageRequest {
    pub language: Language,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// A text message.
    Sms,
    /// A phone call that reads the code aloud.
    Voice,
}

impl Channel {
    pub fn other(self) -> Channel {
        match self {
            Channel::Sms => Channel::Voice,
            Channel::Voice => Channel::Sms,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MethodView {
    pub id: i64,
    pub kind: MethodKind,
    /// For phone methods: the number with all but the last four digits hidden.
    pub masked_phone: Option<String>,
    /// For phone methods: text or call, as the person chose.
    pub default_channel: Option<Channel>,
    /// For phone methods: which channels the number can take.
    pub channels: Option<Channels>,
    /// The method offered first at sign-in.
    pub is_default: bool,
    /// Unix seconds.
    pub created_at: i64,
}

/// A kind of method offered on the "choose a method" screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MethodOption {
    pub kind: MethodKind,
    pub available: bool,
    /// Why it is not available, in words (e.g. for prescribers of controlled substances).
    pub unavailable_reason: Option<String>,
    /// NIST SP 800-63B calls text and voice codes "restricted": said on screen, with
    /// stronger methods offered beside it.
    pub restricted: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MfaOptions {
    pub options: Vec<MethodOption>,
    pub mfa_required: bool,
    /// Phone numbers the account may still add.
    pub phones_left: usize,
    /// Where a person who cannot use any method offered here gets help (the operator's
    /// `PHONE_MFA_SUPPORT_EMAIL`).
    pub support_email: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateMethodRequest {
    pub default_channel: Option<Channel>,
    pub make_default: Option<bool>,
}

// ---------------------------------------------------------------- phones

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PhoneInput {
    /// As typed or pasted.
    pub number: String,
    /// Selected country (ISO region), used when the number has no `+`.
    pub region: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PhoneCheck {
    pub masked: String,
    pub national: String,
    pub region: String,
    pub kind: LineKind,
    pub channels: Channels,
}

// ---------------------------------------------------------------- challenges

/// What a code is for. A code is only valid for the purpose it was sent for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// First text/phone method of the account, or one added as a secondary method.
    Setup,
    /// The second factor of a sign-in.
    SignIn,
    /// Proving it is still you before changing methods.
    Reauth,
    /// Confirming a new number for an existing phone method.
    PhoneChange,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StartChallengeRequest {
    pub purpose: Purpose,
    pub channel: Channel,
    /// The new number (setup, phone change).
    pub phone: Option<PhoneInput>,
    /// The phone method to use (sign-in, reauth) or to change (phone change).
    pub method_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ResendRequest {
    /// Switch channel ("Call me instead"); the same channel when absent.
    pub channel: Option<Channel>,
}

/// A code on its way. Every answer that sends a code says when the next send is
/// allowed, so the app can count down from the server's figure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChallengeView {
    pub id: String,
    pub purpose: Purpose,
    pub channel: Channel,
    pub masked_phone: String,
    /// A number the person has just typed (setup, a change), whole and in international
    /// format, so the code screen can show it with "Change" (GOV.UK). Never a number
    /// already on the account: those are only ever shown masked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_phone: Option<String>,
    pub channels: Channels,
    pub expires_in_s: i64,
    pub resend_in_s: i64,
    /// Sends left for this account today.
    pub sends_left: u32,
    pub attempts_left: u32,
    /// How far the latest text or call has got, as far as the server knows yet.
    #[serde(default)]
    pub delivery: DeliveryView,
}

/// Where a code's text or call stands, as the provider reports it (Twilio's statuses),
/// in the order a delivery moves through them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Handed to the provider, not yet to a carrier.
    #[default]
    Queued,
    /// Handed to the carrier (a call: ringing or answered); most carriers say no more.
    Sent,
    /// The phone received it (a call: it was answered and ended).
    Delivered,
    /// The carrier could not deliver it (a call: busy or not answered).
    Undelivered,
    /// It could not be sent at all.
    Failed,
}

impl DeliveryStatus {
    /// No later report changes this one.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Delivered | Self::Undelivered | Self::Failed)
    }
    /// Nothing will arrive: the person needs another way.
    pub fn is_failure(self) -> bool {
        matches!(self, Self::Undelivered | Self::Failed)
    }
}

/// Why a text or call did not arrive, for the next step the person is offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeliveryProblem {
    /// The number replied STOP to our texts: it gets none until it replies START.
    OptedOut,
    /// A landline, or a number that cannot take texts: a call works.
    Landline,
    /// The phone is off, out of coverage or the number is not in service.
    Unreachable,
    /// The carrier or the provider blocked the message.
    Blocked,
    /// The call was not answered, or the line was busy.
    NotAnswered,
    /// Any other reason the provider gave.
    Other,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeliveryView {
    pub status: DeliveryStatus,
    /// Set when `status` is a failure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<DeliveryProblem>,
    /// The provider's error code (Twilio's, e.g. 21610), for support.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct VerifyCodeRequest {
    pub code: String,
    /// "Don't ask again on this browser": honoured for a sign-in code only.
    #[serde(default)]
    pub remember_browser: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TotpVerifyRequest {
    pub purpose: Purpose,
    pub code: String,
    /// "Don't ask again on this browser": honoured for a sign-in only.
    #[serde(default)]
    pub remember_browser: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VerifiedView {
    pub session: SessionView,
    /// The method this code created or changed, if any.
    pub method: Option<MethodView>,
    /// New recovery codes, shown once: when the account's first method was just set up.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recovery_codes: Vec<String>,
}

// ---------------------------------------------------------------- authenticator app

/// A new authenticator-app key for this session, until confirmed with a code from the
/// app. The key is shown once, here; the server keeps it encrypted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppSetupView {
    /// The shared secret in base32 (RFC 4648, no padding), for typing into the app.
    pub key: String,
    /// The `otpauth://totp/...` URI the QR code holds.
    pub uri: String,
    pub qr: QrView,
    /// The key must be confirmed within this long, or set up again.
    pub expires_in_s: i64,
}

/// A QR code as an SVG path: the dark modules of a `size` x `size` grid, one unit
/// each, to draw inside a quiet zone (no image service, no script).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QrView {
    pub size: u32,
    pub path: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AppConfirmRequest {
    pub code: String,
}

// ---------------------------------------------------------------- recovery codes

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RecoveryCodeRequest {
    pub code: String,
}

/// A new set of recovery codes, shown once (grouped as `XXXX-XXXX-XXXXX`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecoveryCodesView {
    pub codes: Vec<String>,
    pub session: SessionView,
}

// ---------------------------------------------------------------- "this wasn't me"

/// The token from an account-change e-mail's link (`/this-wasnt-me#token=...`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChangeReportRequest {
    pub token: String,
}

/// A change to the account's methods that an e-mail told the owner of (numbers masked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AccountChangeView {
    PhoneAdded {
        masked_phone: String,
    },
    AppAdded,
    PhoneChanged {
        from_masked: String,
        to_masked: String,
    },
    PhoneRemoved {
        masked_phone: String,
    },
    AppRemoved,
    /// A new set of recovery codes replaced the old one.
    RecoveryCodesReplaced,
}

/// What an account-change link is about, before the person decides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangeReportView {
    pub change: AccountChangeView,
    /// When the change was made (Unix seconds).
    pub made_at: i64,
}

/// What undoing the change could do to the methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum UndoOutcome {
    /// The account's methods are as they were before the change.
    Undone,
    /// Nothing left to undo: the method has changed again or is already back.
    NothingToUndo,
    /// The removed number could not be put back: the account already has the most
    /// numbers it can hold.
    NoRoom,
}

/// The answer to "this wasn't me": what was undone, and how the account was secured.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangeReportedView {
    pub change: AccountChangeView,
    pub outcome: UndoOutcome,
    /// Changes to the methods made after this one (their links unused), undone with it.
    pub later_changes_undone: u32,
    /// Every session of the account was ended; this many were open.
    pub sessions_ended: u32,
    /// Until then (Unix seconds) no method can be added, changed or removed.
    pub changes_paused_until: i64,
}

// ---------------------------------------------------------------- dev outbox

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OutboxKind {
    Sms,
    Voice,
    Email,
}

/// A text, call transcript or e-mail the development courier "sent".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutboxMessage {
    pub id: i64,
    pub kind: OutboxKind,
    pub to: String,
    pub body: String,
    /// False for the documented test numbers that simulate a text or call that never arrives.
    pub delivered: bool,
    pub created_at: i64,
}

/// `POST /api/dev/clock` (dev mode only): moves the server's clock forward, so browser
/// tests step past a send limit or a code's time step instead of sleeping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DevClockRequest {
    /// Seconds to move forward, 1 to 86 400.
    pub advance_s: i64,
}

/// The dev clock after a move: how far ahead of real time it runs, and its time now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DevClock {
    pub offset_s: i64,
    pub now: i64,
}

// ---------------------------------------------------------------- errors

/// Stable error codes: the app matches on these, the message is for people. `EnumIter`
/// and `IntoStaticStr` (the name as sent) let the server's catalogue test walk them all.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::EnumIter, strum::IntoStaticStr,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ErrorCode {
    InvalidRequest,
    PayloadTooLarge,
    CsrfRejected,
    InvalidEmail,
    WeakPassword,
    InvalidCredentials,
    Unauthenticated,
    /// The session is not at the stage this needs (e.g. MFA still pending).
    WrongStage,
    ReauthRequired,
    NotFound,
    Phone,
    PhoneAlreadyAdded,
    PhoneLimitReached,
    ChannelNotSupported,
    MethodUnavailable,
    LastMethod,
    CodeFormat,
    CodeWrong,
    CodeExpired,
    LockedOut,
    ResendTooSoon,
    RateLimited,
    DeliveryFailed,
    /// The account changed in another request while this one was being answered.
    Conflict,
    /// A single-use link (the sign-up e-mail's) was used, expired, or never existed.
    LinkExpired,
    /// An account-change link ("this wasn't me") expired or never existed.
    ReportLinkExpired,
    /// An account-change link was already used: the change was reported.
    ReportLinkUsed,
    /// Someone reported a change they did not make: methods cannot be added, changed or
    /// removed until `retry_after_s` has passed.
    ChangesPaused,
    /// The server is at capacity for this kind of work; try again after `retry_after_s`.
    Busy,
    /// The server cannot reach its database: nothing was done or sent; try again after
    /// `retry_after_s`.
    Unavailable,
    Internal,
    #[serde(other)]
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiError {
    pub error: ErrorCode,
    pub message: String,
    /// For [`ErrorCode::Phone`]: which rule the number broke.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_problem: Option<PhoneProblem>,
    /// The field the error concerns, so the app can show it beside that field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempts_left: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_s: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sends_left: Option<u32>,
}

impl ApiError {
    pub fn new(error: ErrorCode, message: impl Into<String>) -> Self {
        ApiError {
            error,
            message: message.into(),
            phone_problem: None,
            field: None,
            attempts_left: None,
            retry_after_s: None,
            sends_left: None,
        }
    }
}

#[cfg(test)]
mod language_tests {
    use super::Language;

    #[test]
    fn tags_and_accept_language_headers() {
        assert_eq!(Language::from_tag("es-MX"), Some(Language::Es));
        assert_eq!(Language::from_tag("EN_us"), Some(Language::En));
        assert_eq!(Language::from_tag("fr"), None);
        assert_eq!(
            Language::from_accept_language("fr-CH, fr;q=0.9, es;q=0.8, en;q=0.7"),
            Some(Language::Es)
        );
        assert_eq!(
            Language::from_accept_language("en;q=0.2, es-419;q=0.9"),
            Some(Language::Es)
        );
        assert_eq!(Language::from_accept_language("es;q=0, en"), Some(Language::En));
        assert_eq!(Language::from_accept_language("de, fr"), None);
        assert_eq!(Language::from_accept_language(""), None);
        assert_eq!(Language::from_accept_language("es;q=abc"), None);
    }
}
