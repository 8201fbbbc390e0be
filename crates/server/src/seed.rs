//! Demo accounts for dev mode, one per situation in the product description. Printed by
//! `cargo xtask run`; documented in the README.

use crate::secrets::hash_password;
use rusqlite::{params, Transaction};

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
pub fn seed_demo_accounts(tx: &Transaction, now: i64) -> rusqlite::Result<()> {
    let hash = hash_password(DEMO_PASSWORD);
    for demo in DEMO_ACCOUNTS {
        let inserted = tx.execute(
            "INSERT OR IGNORE INTO accounts (email, password_hash, epcs_prescriber, mfa_required, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![demo.email, hash, demo.epcs_prescriber, demo.mfa_required, now],
        )?;
        if inserted == 0 {
            continue;
        }
        let id = tx.last_insert_rowid();
        if demo.authenticator_app {
            tx.execute(
                "INSERT INTO methods (account_id, kind, totp_secret, is_default, created_at) VALUES (?1, 'authenticator_app', ?2, 1, ?3)",
                params![id, DEMO_TOTP_SECRET, now],
            )?;
        }
        if let Some(phone) = demo.phone {
            tx.execute(
                "INSERT INTO methods (account_id, kind, phone_e164, sms_ok, default_channel, is_default, created_at) VALUES (?1, 'phone', ?2, 1, 'sms', ?3, ?4)",
                params![id, phone, !demo.authenticator_app, now],
            )?;
        }
    }
    Ok(())
}
