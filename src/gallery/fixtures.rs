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
    }
}

pub fn options(phone_unavailable: Option<String>, mfa_required: bool, app_unavailable: String) -> MfaOptions {
    MfaOptions {
        options: vec![
            MethodOption {
                kind: MethodKind::AuthenticatorApp,
                available: false,
                unavailable_reason: Some(app_unavailable),
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
