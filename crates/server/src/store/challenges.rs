//! `challenges`: one-time code requests as stored: one row per request, its code only
//! as a keyed MAC, bound to the account and session it was sent for (rule C5).

use super::{Col, Conn, Flag, StoreResult};
use phone_mfa_contract::policy::CODE_TTL_SECS;
use phone_mfa_contract::{Channel, DeliveryStatus, Purpose};
use sqlx::Row;

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
    /// The code before a resend and its own expiry (rule C4): it stays valid until then.
    pub previous: Option<(Vec<u8>, i64)>,
    /// How the latest send is getting on, and the provider's error code.
    pub delivery_status: DeliveryStatus,
    pub delivery_error: Option<i64>,
    /// Which send this is: 1, then one more for each resend.
    pub send_seq: i64,
}

/// Stores a request whose code is valid [`CODE_TTL_SECS`] from now.
pub async fn insert(c: &mut Conn, ch: &NewChallenge<'_>) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO challenges (id, account_id, session_hash, purpose, method_id, phone_e164, sms_ok, channel, code_mac, sent_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(ch.id)
    .bind(ch.account_id)
    .bind(ch.session_hash)
    .bind(Col(ch.purpose))
    .bind(ch.method_id)
    .bind(ch.phone_e164)
    .bind(ch.sms_ok)
    .bind(Col(ch.channel))
    .bind(ch.code_mac)
    .bind(ch.now)
    .bind(ch.now + CODE_TTL_SECS)
    .execute(&mut *c)
    .await
    .map(|_| ())
}

/// A request, reachable only from the session (and so the account) it was sent for.
pub async fn find(
    c: &mut Conn,
    id: &str,
    account_id: i64,
    session_hash: &[u8],
) -> StoreResult<Option<ChallengeRow>> {
    let row = sqlx::query(
        "SELECT id, purpose, method_id, phone_e164, sms_ok, channel, code_mac, sent_at, expires_at, consumed_at,
                prev_code_mac, prev_expires_at, delivery_status, delivery_error, send_seq
         FROM challenges WHERE id = $1 AND account_id = $2 AND session_hash = $3",
    )
    .bind(id)
    .bind(account_id)
    .bind(session_hash)
    .fetch_optional(&mut *c)
    .await?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some(ChallengeRow {
        id: row.try_get(0)?,
        purpose: row.try_get::<Col<Purpose>, _>(1)?.0,
        method_id: row.try_get(2)?,
        phone_e164: row.try_get(3)?,
        sms_ok: row.try_get::<Flag, _>(4)?.0,
        channel: row.try_get::<Col<Channel>, _>(5)?.0,
        code_mac: row.try_get(6)?,
        sent_at: row.try_get(7)?,
        expires_at: row.try_get(8)?,
        consumed_at: row.try_get(9)?,
        previous: match (
            row.try_get::<Option<Vec<u8>>, _>(10)?,
            row.try_get::<Option<i64>, _>(11)?,
        ) {
            (Some(mac), Some(expires_at)) => Some((mac, expires_at)),
            _ => None,
        },
        delivery_status: row.try_get::<Col<DeliveryStatus>, _>(12)?.0,
        delivery_error: row.try_get(13)?,
        send_seq: row.try_get(14)?,
    }))
}

/// Records how one send of a request is getting on (`send_seq` names the send: a report
/// on a send a resend has replaced changes nothing). Reports only move forward
/// (queued, sent, then a final status), whatever order they arrive in. Returns whether
/// it was recorded.
pub async fn record_delivery(
    c: &mut Conn,
    id: &str,
    send_seq: i64,
    status: DeliveryStatus,
    error: Option<i64>,
) -> StoreResult<bool> {
    let rank = |s: DeliveryStatus| match s {
        DeliveryStatus::Queued => 0,
        DeliveryStatus::Sent => 1,
        _ => 2,
    };
    sqlx::query(
        "UPDATE challenges SET delivery_status = $1, delivery_error = $2
         WHERE id = $3 AND send_seq = $4
           AND (CASE delivery_status WHEN 'queued' THEN 0 WHEN 'sent' THEN 1 ELSE 2 END) < $5",
    )
    .bind(Col(status))
    .bind(error)
    .bind(id)
    .bind(send_seq)
    .bind(rank(status))
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected() == 1)
}

/// A new code for the request (a resend). The code it replaces stays valid until its
/// own expiry (rule C4, texts arrive late); the one before that is dropped, so at most
/// two are live.
pub async fn renew(c: &mut Conn, id: &str, code_mac: &[u8], channel: Channel, now: i64) -> StoreResult<()> {
    sqlx::query(
        "UPDATE challenges SET prev_code_mac = code_mac, prev_expires_at = expires_at,
             code_mac = $1, channel = $2, sent_at = $3, expires_at = $4,
             delivery_status = 'queued', delivery_error = NULL, send_seq = send_seq + 1
         WHERE id = $5",
    )
    .bind(code_mac)
    .bind(Col(channel))
    .bind(now)
    .bind(now + CODE_TTL_SECS)
    .bind(id)
    .execute(&mut *c)
    .await
    .map(|_| ())
}

/// Uses the request up (rule C3): true for the one caller that claims it, in the same
/// transaction that checked the code. Both of its live codes die with it (rule C4).
pub async fn claim(c: &mut Conn, id: &str, now: i64) -> StoreResult<bool> {
    let claimed = sqlx::query("UPDATE challenges SET consumed_at = $1 WHERE id = $2 AND consumed_at IS NULL")
        .bind(now)
        .bind(id)
        .execute(&mut *c)
        .await?;
    Ok(claimed.rows_affected() == 1)
}

/// A session's requests follow it to its new token (see `sessions::rotate`).
pub async fn move_to_session(c: &mut Conn, from: &[u8], to: &[u8]) -> StoreResult<()> {
    sqlx::query("UPDATE challenges SET session_hash = $1 WHERE session_hash = $2")
        .bind(to)
        .bind(from)
        .execute(&mut *c)
        .await
        .map(|_| ())
}
