//! Demo accounts for dev mode, one per situation in the product description. Printed by
//! `cargo xtask run`; documented in the README.

use crate::domain::app_setup;
use crate::secrets::{hash_password, seal};
use crate::store::{self, Conn, StoreResult};
use phone_mfa_contract::{Channel, Language};

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
/// `secret`: the server secret, which demo apps' secrets are sealed with.
pub async fn seed_demo_accounts(c: &mut Conn, secret: &[u8], now: i64) -> StoreResult<()> {
    // Instances starting together on one PostgreSQL seed one at a time.
    store::lock_keys(c, &["seed-demo-accounts"]).await?;
    let hash = hash_password(DEMO_PASSWORD);
    for demo in DEMO_ACCOUNTS {
        if store::accounts::id_for_email(c, demo.email).await?.is_some() {
            continue;
        }
        let account = store::accounts::NewAccount {
            email: demo.email,
            password_hash: &hash,
            language: Language::En,
            epcs_prescriber: demo.epcs_prescriber,
            mfa_required: demo.mfa_required,
        };
        let id = store::accounts::create(c, &account, now).await?;
        if demo.authenticator_app {
            let sealed = seal(secret, &app_setup::seal_context(id), DEMO_TOTP_SECRET);
            store::methods::add_authenticator_app(c, id, &sealed, true, now).await?;
        }
        if let Some(phone) = demo.phone {
            store::methods::add_phone(c, id, phone, true, Channel::Sms, !demo.authenticator_app, now).await?;
        }
    }
    Ok(())
}
