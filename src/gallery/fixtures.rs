//! Made-up data for the gallery: every screen state without an account or a code.

use crate::flow::{now_ms, PendingCode};
use phone_mfa_contract::phone::Channels;
use phone_mfa_contract::*;

pub fn phone(id: i64, last4: &str, is_default: bool, sms: bool, channel: Channel) -> MethodView {
    MethodView {
        id,
        kind: MethodKind::Phone,
        masked_phone: Some(format!("•••-•••-{last4}")),
        default_channel: Some(channel),
        channels: Some(Channels { sms, voice: true }),
        is_default,
        created_at: 1_790_000_000,
    }
}

pub fn authenticator_app(id: i64, is_default: bool) -> MethodView {
    MethodView {
        id,
        kind: MethodKind::AuthenticatorApp,
        masked_phone: None,
        default_channel: None,
        channels: None,
        is_default,
        created_at: 1_790_000_000,
    }
}

pub fn session(stage: SessionStage, methods: Vec<MethodView>) -> SessionView {
    SessionView {
        email: "pat@example.com".into(),
        stage,
        mfa_required: false,
        reauth_valid_for_s: 900,
        methods,
        language: Language::En,
        phone_allowed: true,
        recovery_codes_left: 10,
        remembered_browsers: Vec::new(),
    }
}

pub fn options(phone_unavailable: Option<String>, mfa_required: bool) -> MfaOptions {
    MfaOptions {
        options: vec![
            MethodOption {
                kind: MethodKind::AuthenticatorApp,
                available: true,
                unavailable_reason: None,
                restricted: false,
            },
            MethodOption {
                kind: MethodKind::Phone,
                available: phone_unavailable.is_none(),
                unavailable_reason: phone_unavailable,
                restricted: true,
            },
        ],
        mfa_required,
        phones_left: 5,
        support_email: "support@example.com".into(),
    }
}

/// A new authenticator-app key, as the server answers it: a real QR code of a made-up
/// key (drawn from the same matrix format the server sends).
pub fn app_setup() -> AppSetupView {
    AppSetupView {
        key: "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP".into(),
        uri: "otpauth://totp/Phone%20MFA:pat%40example%2Ecom?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP".into(),
        qr: QrView {
            size: 21,
            path: QR_EXAMPLE.into(),
        },
        expires_in_s: 600,
    }
}

/// A 21-module QR code's three finder patterns and some data, enough to look like one
/// (the gallery shows the layout; the server's tests check real codes).
const QR_EXAMPLE: &str = "M0 0h7v1h-7zM0 6h7v1h-7zM0 0h1v7h-1zM6 0h1v7h-1zM2 2h3v3h-3z\
M14 0h7v1h-7zM14 6h7v1h-7zM14 0h1v7h-1zM20 0h1v7h-1zM16 2h3v3h-3z\
M0 14h7v1h-7zM0 20h7v1h-7zM0 14h1v7h-1zM6 14h1v7h-1zM2 16h3v3h-3z\
M8 1h1v1h-1zM10 3h2v1h-2zM9 8h3v1h-3zM14 9h2v2h-2zM8 12h1v3h-1zM11 14h2v1h-2zM17 16h3v1h-3zM12 18h1v2h-1zM15 19h2v1h-2zM9 10h1v1h-1z";

/// Ten recovery codes as the server shows them.
pub fn recovery_codes() -> Vec<String> {
    [
        "7KQ4-M2XH-9PD3T",
        "H3ZC-8WNR-4F6VB",
        "Q9TD-5JEM-2KXA7",
        "B6YR-1VGC-8NH4S",
        "M4FW-7TQZ-3DJ9E",
        "X2KP-6HSB-5RC8N",
        "D8NV-3ZAQ-7GM1W",
        "T5GJ-9CXE-6YP2K",
        "R1HM-4BDW-8QV5Z",
        "W7CS-2NKT-1JF6A",
    ]
    .map(String::from)
    .to_vec()
}

pub fn remembered_browser(id: i64, name: &str, days_ago: i64) -> RememberedBrowserView {
    RememberedBrowserView {
        id,
        name: name.into(),
        created_at: 1_790_000_000,
        last_used_at: 1_796_000_000 - days_ago * 86_400,
        expires_at: 1_798_000_000,
    }
}

/// A code on its way, `age_s` seconds old.
pub fn pending(channel: Channel, sms_ok: bool, age_s: f64, resend_in_s: i64) -> PendingCode {
    PendingCode::new(
        ChallengeView {
            id: "gallery".into(),
            purpose: Purpose::Setup,
            channel,
            masked_phone: "•••-•••-0123".into(),
            new_phone: None,
            channels: Channels {
                sms: sms_ok,
                voice: true,
            },
            expires_in_s: 600,
            resend_in_s,
            sends_left: 18,
            attempts_left: 10,
            delivery: Default::default(),
        },
        "/setup/confirmed",
        now_ms() - age_s * 1000.0,
    )
}
