//! `methods`: an account's phones and authenticator app.

use super::{Col, Conn, Flag, StoreResult};
use phone_mfa_contract::phone::{mask_e164, Channels};
use phone_mfa_contract::{Channel, MethodKind, MethodView};
use sqlx::Row;

#[derive(Debug, Clone)]
pub struct MethodRow {
    pub id: i64,
    pub kind: MethodKind,
    pub phone_e164: Option<String>,
    pub sms_ok: bool,
    pub default_channel: Option<Channel>,
    pub totp_secret: Option<String>,
    pub totp_last_step: i64,
    pub is_default: bool,
    pub created_at: i64,
}

impl MethodRow {
    pub fn view(&self) -> MethodView {
        MethodView {
            id: self.id,
            kind: self.kind,
            masked_phone: self.phone_e164.as_deref().map(mask_e164),
            default_channel: self.default_channel,
            channels: (self.kind == MethodKind::Phone).then_some(Channels {
                sms: self.sms_ok,
                voice: true,
            }),
            is_default: self.is_default,
            created_at: self.created_at,
        }
    }
}

/// The account's methods, the default first.
pub async fn list(c: &mut Conn, account_id: i64) -> StoreResult<Vec<MethodRow>> {
    let rows = sqlx::query(
        "SELECT id, kind, phone_e164, sms_ok, default_channel, totp_secret, totp_last_step, is_default, created_at
         FROM methods WHERE account_id = $1 ORDER BY is_default DESC, id",
    )
    .bind(account_id)
    .fetch_all(&mut *c)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(MethodRow {
                id: r.try_get(0)?,
                kind: r.try_get::<Col<MethodKind>, _>(1)?.0,
                phone_e164: r.try_get(2)?,
                sms_ok: r.try_get::<Flag, _>(3)?.0,
                default_channel: r.try_get::<Option<Col<Channel>>, _>(4)?.map(|c| c.0),
                totp_secret: r.try_get(5)?,
                totp_last_step: r.try_get(6)?,
                is_default: r.try_get::<Flag, _>(7)?.0,
                created_at: r.try_get(8)?,
            })
        })
        .collect()
}

/// A confirmed phone; returns the method's id.
pub async fn add_phone(
    c: &mut Conn,
    account_id: i64,
    e164: &str,
    sms_ok: bool,
    channel: Channel,
    is_default: bool,
    now: i64,
) -> StoreResult<i64> {
    sqlx::query_scalar(
        "INSERT INTO methods (account_id, kind, phone_e164, sms_ok, default_channel, is_default, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(account_id)
    .bind(Col(MethodKind::Phone))
    .bind(e164)
    .bind(sms_ok)
    .bind(Col(channel))
    .bind(is_default)
    .bind(now)
    .fetch_one(&mut *c)
    .await
}

/// An authenticator app with its shared secret, sealed (`secrets::seal`); returns the method's id.
pub async fn add_authenticator_app(
    c: &mut Conn,
    account_id: i64,
    secret: &str,
    is_default: bool,
    now: i64,
) -> StoreResult<i64> {
    sqlx::query_scalar(
        "INSERT INTO methods (account_id, kind, totp_secret, is_default, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(account_id)
    .bind(Col(MethodKind::AuthenticatorApp))
    .bind(secret)
    .bind(is_default)
    .bind(now)
    .fetch_one(&mut *c)
    .await
}

pub async fn change_phone(
    c: &mut Conn,
    account_id: i64,
    method_id: i64,
    e164: &str,
    sms_ok: bool,
    default_channel: Channel,
) -> StoreResult<()> {
    sqlx::query("UPDATE methods SET phone_e164 = $1, sms_ok = $2, default_channel = $3 WHERE id = $4 AND account_id = $5")
        .bind(e164)
        .bind(sms_ok)
        .bind(Col(default_channel))
        .bind(method_id)
        .bind(account_id)
        .execute(&mut *c)
        .await
        .map(|_| ())
}

/// Every authenticator app's stored secret: (method, account, secret as stored).
pub async fn app_secrets(c: &mut Conn) -> StoreResult<Vec<(i64, i64, String)>> {
    let rows = sqlx::query(
        "SELECT id, account_id, totp_secret FROM methods WHERE kind = $1 AND totp_secret IS NOT NULL",
    )
    .bind(Col(MethodKind::AuthenticatorApp))
    .fetch_all(&mut *c)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
        .collect()
}

pub async fn set_app_secret(c: &mut Conn, method_id: i64, secret: &str) -> StoreResult<()> {
    sqlx::query("UPDATE methods SET totp_secret = $1 WHERE id = $2")
        .bind(secret)
        .bind(method_id)
        .execute(&mut *c)
        .await
        .map(|_| ())
}

/// The authenticator-app time step just accepted: no code of it or before is accepted again.
pub async fn use_totp_step(c: &mut Conn, method_id: i64, step: i64) -> StoreResult<()> {
    sqlx::query("UPDATE methods SET totp_last_step = $1 WHERE id = $2")
        .bind(step)
        .bind(method_id)
        .execute(&mut *c)
        .await
        .map(|_| ())
}

pub async fn set_default_channel(
    c: &mut Conn,
    account_id: i64,
    method_id: i64,
    channel: Channel,
) -> StoreResult<()> {
    sqlx::query("UPDATE methods SET default_channel = $1 WHERE id = $2 AND account_id = $3")
        .bind(Col(channel))
        .bind(method_id)
        .bind(account_id)
        .execute(&mut *c)
        .await
        .map(|_| ())
}

/// Makes one method the account's default, and only that one.
pub async fn make_default(c: &mut Conn, account_id: i64, method_id: i64) -> StoreResult<()> {
    sqlx::query("UPDATE methods SET is_default = (id = $1) WHERE account_id = $2")
        .bind(method_id)
        .bind(account_id)
        .execute(&mut *c)
        .await
        .map(|_| ())
}

pub async fn delete(c: &mut Conn, account_id: i64, method_id: i64) -> StoreResult<()> {
    sqlx::query("DELETE FROM methods WHERE id = $1 AND account_id = $2")
        .bind(method_id)
        .bind(account_id)
        .execute(&mut *c)
        .await
        .map(|_| ())
}
