//! Demo accounts for dev mode, one per situation in the product description. Printed by
//! `cargo xtask run`; documented in the README.

use crate::secrets::hash_password;
use crate::store::{Conn, StoreResult};

/// Every demo account's password.
pub const DEMO_PASSWORD: &str = "correct horse battery staple";
/// The demo authenticator app's secret (base32): add it to any authenticator app, or
/// `oathtool --totp -b` it, to sign in with the app.
pub const DEMO_TOTP_SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

pub struct DemoAccount {
    pub email: &'static str,
    pub about: &'static str,
    pub epcs_prescriber: bool,
    pub mfa_required: bool,
    /// A phone already set up (E.164), and whether the account has the authenticator app.
    pub phone: Option<&'static str>,
    pub authenticator_app: bool,
}

pub const DEMO_ACCOUNTS: &[DemoAccount] = &[
    DemoAccount {
        email: "new@example.com",
        about: "no MFA yet: first-time setup (MFA recommended, skip allowed)",
        epcs_prescriber: false,
        mfa_required: false,
        phone: None,
        authenticator_app: false,
    },
    DemoAccount {
        email: "required@example.com",
        about: "no MFA yet, and a partner requires it: setup cannot be skipped",
        epcs_prescriber: false,
        mfa_required: true,
        phone: None,
        authenticator_app: false,
    },
    DemoAccount {
        email: "secure@example.com",
        about: "text/phone at +1 201-555-0100 and an authenticator app: sign in, dashboard",
        epcs_prescriber: false,
        mfa_required: false,
        phone: Some("+12015550100"),
        authenticator_app: true,
    },
    DemoAccount {
        email: "app-only@example.com",
        about: "authenticator app only: add text/phone as a secondary method",
        epcs_prescriber: false,
        mfa_required: false,
        phone: None,
        authenticator_app: true,
    },
    DemoAccount {
        email: "prescriber@example.com",
        about: "medical provider who prescribes controlled substances: text/phone unavailable",
        epcs_prescriber: true,
        mfa_required: true,
        phone: None,
        authenticator_app: false,
    },
];

/// Creates the demo accounts that do not exist yet.
pub async fn seed_demo_accounts(c: &mut Conn, now: i64) -> StoreResult<()> {
    // Instances starting together on one PostgreSQL seed one at a time.
    crate::store::lock_keys(c, &["seed-demo-accounts"]).await?;
    let hash = hash_password(DEMO_PASSWORD);
    for demo in DEMO_ACCOUNTS {
        let exists: Option<i64> =
            sqlx::query_scalar("SELECT id FROM accounts WHERE lower(email) = lower($1)")
                .bind(demo.email)
                .fetch_optional(&mut *c)
                .await?;
        if exists.is_some() {
            continue;
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO accounts (email, password_hash, epcs_prescriber, mfa_required, created_at)
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(demo.email)
        .bind(&hash)
        .bind(demo.epcs_prescriber)
        .bind(demo.mfa_required)
        .bind(now)
        .fetch_one(&mut *c)
        .await?;
        if demo.authenticator_app {
            sqlx::query(
                "INSERT INTO methods (account_id, kind, totp_secret, is_default, created_at) VALUES ($1, 'authenticator_app', $2, $3, $4)",
            )
            .bind(id)
            .bind(DEMO_TOTP_SECRET)
            .bind(true)
            .bind(now)
            .execute(&mut *c)
            .await?;
        }
        if let Some(phone) = demo.phone {
            sqlx::query(
                "INSERT INTO methods (account_id, kind, phone_e164, sms_ok, default_channel, is_default, created_at)
                 VALUES ($1, 'phone', $2, $3, 'sms', $4, $5)",
            )
            .bind(id)
            .bind(phone)
            .bind(true)
            .bind(!demo.authenticator_app)
            .bind(now)
            .execute(&mut *c)
            .await?;
        }
    }
    Ok(())
}
