//! Every number that is a security policy, in one place, named for what it limits.
//!
//! Sources are in `shared/guide/security-rules.md` (NIST SP 800-63B, OWASP ASVS,
//! login.gov's public defaults). The server enforces these; the app only mirrors
//! them to explain what is happening.

/// A one-time code is exactly this many ASCII digits.
pub const CODE_LENGTH: usize = 6;
/// A code is valid this long after it was sent (NIST 5.1.3.2, login.gov `otp_valid_for`).
pub const CODE_TTL_SECS: i64 = 10 * 60;
/// Wrong codes an account may enter before it is locked (login.gov `login_otp_confirmation_max_attempts`).
pub const MAX_WRONG_CODES: u32 = 10;
/// How long a lockout lasts (login.gov `lockout_period_in_minutes`).
pub const LOCKOUT_SECS: i64 = 10 * 60;
/// Show "N attempts left" once N is at most this (login.gov `otp_min_attempts_remaining_warning_count`).
pub const ATTEMPTS_LEFT_WARNING_AT: u32 = 3;
/// The code screen says how many more codes may be sent once this few are left (before
/// that, the count is noise).
pub const SENDS_LEFT_SHOWN_AT: u32 = 3;

/// Wait between two sends of the same challenge (Okta `SHOW_RESEND_TIMEOUT`).
pub const RESEND_COOLDOWN_SECS: i64 = 30;
/// Sends to one phone number, across all accounts, in [`PHONE_SEND_WINDOW_SECS`].
pub const PHONE_SENDS_PER_WINDOW: u32 = 10;
pub const PHONE_SEND_WINDOW_SECS: i64 = 5 * 60;
/// Short bursts to one phone number (login.gov `short_term_phone_otp_max_attempts`).
pub const PHONE_BURST_SENDS: u32 = 2;
pub const PHONE_BURST_WINDOW_SECS: i64 = 10;
/// Sends from one IP address in [`IP_SEND_WINDOW_SECS`] (login.gov `otps_per_ip_limit`).
pub const IP_SENDS_PER_WINDOW: u32 = 25;
pub const IP_SEND_WINDOW_SECS: i64 = 5 * 60;
/// Sends for one account in [`ACCOUNT_SEND_WINDOW_SECS`] (login.gov `phone_confirmation_max_attempts`).
pub const ACCOUNT_SENDS_PER_WINDOW: u32 = 20;
pub const ACCOUNT_SEND_WINDOW_SECS: i64 = 24 * 60 * 60;
/// Phone numbers one account may hold (login.gov `max_phone_numbers_per_account`).
pub const MAX_PHONES_PER_ACCOUNT: usize = 5;

/// Adding, changing or removing a method needs a second factor this recent (login.gov `reauthn_window`).
pub const REAUTH_WINDOW_SECS: i64 = 20 * 60;
/// A signed-in session lives this long without use.
pub const SESSION_IDLE_SECS: i64 = 30 * 60;
/// Minimum password length for a new account (NIST 5.1.1.2 / ASVS 2.1.1).
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Longest password accepted (ASVS 2.1.2 allows at least 64; the bound keeps hashing cheap).
pub const MAX_PASSWORD_CHARS: usize = 128;

/// Wrong passwords (G7, ASVS 5.0 6.3.1, NIST rev 4 3.2.2) cost nothing up to these
/// counts; from then on each one holds the key for a delay that doubles from
/// [`PASSWORD_FIRST_DELAY_SECS`] to [`PASSWORD_MAX_DELAY_SECS`], and while it is held even
/// the right password is refused. One address guessing one account:
pub const PASSWORD_FREE_FAILURES_PER_ACCOUNT_IP: u32 = 5;
/// One account, guessed from anywhere: looser, so an attacker elsewhere needs many
/// addresses to reach it, and never held for an address the owner signed in from
/// ([`KNOWN_ADDRESS_SECS`]).
pub const PASSWORD_FREE_FAILURES_PER_ACCOUNT: u32 = 20;
/// One address, across every account it tries (password spraying).
pub const PASSWORD_FREE_FAILURES_PER_IP: u32 = 50;
pub const PASSWORD_FIRST_DELAY_SECS: i64 = 60;
pub const PASSWORD_MAX_DELAY_SECS: i64 = 15 * 60;
/// A key's wrong passwords are forgotten after this long without a new one.
pub const PASSWORD_FAILURE_MEMORY_SECS: i64 = 24 * 60 * 60;
/// An address from which the account completed a sign-in (password and second factor)
/// in this long is "known": the per-account cap does not hold it, so guessing from
/// elsewhere cannot lock the owner out of their usual places.
pub const KNOWN_ADDRESS_SECS: i64 = 90 * 24 * 60 * 60;
/// How long a password check waits for a free hashing slot before the answer is 503
/// (the slots, one per core, keep memory flat under a burst: argon2 takes 19 MiB each).
pub const PASSWORD_HASH_QUEUE_WAIT_MS: u64 = 2_000;
/// Sign-up e-mails to one address in [`SIGN_UP_EMAIL_WINDOW_SECS`], whether it has an
/// account or not (so the limit tells nothing), and from one IP: sign-up must not become
/// a way to flood someone's mailbox.
pub const SIGN_UP_EMAILS_PER_ADDRESS: u32 = 3;
pub const SIGN_UP_EMAILS_PER_IP: u32 = 20;
pub const SIGN_UP_EMAIL_WINDOW_SECS: i64 = 60 * 60;
/// How long the link in the sign-up e-mail stays valid.
pub const SIGN_UP_LINK_TTL_SECS: i64 = 60 * 60;
/// How long the "this wasn't me" link in an account-change e-mail works: long enough
/// for someone who reads mail weekly (issue 17).
pub const CHANGE_REPORT_LINK_TTL_SECS: i64 = 7 * 24 * 60 * 60;
/// After someone reports a change they did not make, no method can be added, changed
/// or removed for this long, so whoever made it cannot simply make it again.
pub const CHANGES_PAUSED_SECS: i64 = 24 * 60 * 60;

/// Recovery codes in a set (login.gov issues 10 backup codes).
pub const RECOVERY_CODE_COUNT: usize = 10;
/// Characters of a recovery code, from a 32-letter alphabet: 65 bits each, above the
/// 64 NIST SP 800-63B rev 4 §4.2 asks of a recovery code.
pub const RECOVERY_CODE_CHARS: usize = 13;
/// "Don't ask again on this browser" lasts this long (login.gov `remember_device_expiration_days`).
pub const REMEMBER_BROWSER_SECS: i64 = 30 * 24 * 60 * 60;
/// Browsers one account may have remembered at once; remembering another forgets the
/// one used longest ago.
pub const MAX_REMEMBERED_BROWSERS: usize = 10;
/// A new authenticator-app key must be confirmed within this long.
pub const APP_SETUP_TTL_SECS: i64 = 10 * 60;

/// Countries a code may be sent to unless the server is configured otherwise.
/// The United States and its territories that share +1, Canada, Mexico, the UK and Spain:
/// the people this product serves, and no more, because every other destination is
/// only a toll-fraud risk (Twilio Geo Permissions).
pub const DEFAULT_ALLOWED_COUNTRIES: &[&str] = &["US", "PR", "GU", "VI", "AS", "MP", "CA", "MX", "GB", "ES"];
