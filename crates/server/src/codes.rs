//! One-time code requests ("challenges") as stored: one row per request, its code only
//! as a keyed MAC, bound to the account and session it was sent for (rule C5).

use crate::columns::Col;
use crate::error::{AppError, AppResult};
use crate::extract::Session;
use crate::i18n;
use phone_mfa_contract::policy::CODE_TTL_SECS;
use phone_mfa_contract::{Channel, Purpose};
use rusqlite::{params, OptionalExtension, Transaction};

/// A code request about to be stored.
pub struct NewChallenge<'a> {
    pub id: &'a str,
    pub account_id: i64,
    pub session_hash: &'a [u8],
    pub purpose: Purpose,
    /// The phone method it is for (sign-in, re-authentication, phone change).
    pub method_id: Option<i64>,
    pub phone_e164: &'a str,
    pub sms_ok: bool,
    pub channel: Channel,
    pub code_mac: &'a [u8],
    pub now: i64,
}

/// A stored code request.
pub struct ChallengeRow {
    pub id: String,
    pub purpose: Purpose,
    pub method_id: Option<i64>,
    pub phone_e164: String,
    pub sms_ok: bool,
    pub channel: Channel,
    pub code_mac: Vec<u8>,
    pub sent_at: i64,
    pub expires_at: i64,
    pub consumed_at: Option<i64>,
}

/// Stores a request whose code is valid [`CODE_TTL_SECS`] from now.
pub fn insert(tx: &Transaction, c: &NewChallenge) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO challenges (id, account_id, session_hash, purpose, method_id, phone_e164, sms_ok, channel, code_mac, sent_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            c.id, c.account_id, c.session_hash, Col(c.purpose), c.method_id, c.phone_e164, c.sms_ok,
            Col(c.channel), c.code_mac, c.now, c.now + CODE_TTL_SECS
        ],
    )
    .map(|_| ())
}

/// A request is only reachable from the session (and so the account) it was sent for.
pub fn load(tx: &Transaction, session: &Session, id: &str) -> AppResult<ChallengeRow> {
    tx.query_row(
        "SELECT id, purpose, method_id, phone_e164, sms_ok, channel, code_mac, sent_at, expires_at, consumed_at
         FROM challenges WHERE id = ?1 AND account_id = ?2 AND session_hash = ?3",
        params![id, session.account_id, session.token_hash],
        |r| {
            Ok(ChallengeRow {
                id: r.get(0)?,
                purpose: r.get::<_, Col<Purpose>>(1)?.0,
                method_id: r.get(2)?,
                phone_e164: r.get(3)?,
                sms_ok: r.get(4)?,
                channel: r.get::<_, Col<Channel>>(5)?.0,
                code_mac: r.get(6)?,
                sent_at: r.get(7)?,
                expires_at: r.get(8)?,
                consumed_at: r.get(9)?,
            })
        },
    )
    .optional()?
    .ok_or_else(|| AppError::not_found(i18n::CODE_REQUEST_GONE))
}

/// A new code for the request (a resend): the old one is void, the clock starts again.
pub fn renew(
    tx: &Transaction,
    id: &str,
    code_mac: &[u8],
    channel: Channel,
    now: i64,
) -> rusqlite::Result<()> {
    tx.execute(
        "UPDATE challenges SET code_mac = ?1, channel = ?2, sent_at = ?3, expires_at = ?4 WHERE id = ?5",
        params![code_mac, Col(channel), now, now + CODE_TTL_SECS, id],
    )
    .map(|_| ())
}

/// Uses the request up (rule C3): true for the one caller that claims it, in the same
/// transaction that checked the code.
pub fn claim(tx: &Transaction, id: &str, now: i64) -> rusqlite::Result<bool> {
    let claimed = tx.execute(
        "UPDATE challenges SET consumed_at = ?1 WHERE id = ?2 AND consumed_at IS NULL",
        params![now, id],
    )?;
    Ok(claimed == 1)
}
