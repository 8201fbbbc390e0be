//! What the "choose a method" and "enter your phone" screens ask the server.

use crate::error::{AppError, AppResult};
use crate::http::extract::{Body, Session};
use crate::i18n;
use crate::state::AppState;
use crate::store;
use axum::extract::State;
use axum::Json;
use phone_mfa_contract::phone::{check_phone, mask_e164};
use phone_mfa_contract::policy::MAX_PHONES_PER_ACCOUNT;
use phone_mfa_contract::{ApiError, MethodKind, MethodOption, MfaOptions, PhoneCheck, PhoneInput};

/// `GET /api/mfa/options`: the methods this account may set up.
#[utoipa::path(get, path = "/api/mfa/options", tag = "setup",
    responses((status = 200, body = MfaOptions), (status = 401, body = ApiError)))]
pub async fn options(State(state): State<AppState>, session: Session) -> AppResult<Json<MfaOptions>> {
    let methods = state
        .store
        .write(async |tx| store::methods::list(tx, session.account_id).await)
        .await
        .map_err(AppError::from)?;
    let phones = methods.iter().filter(|m| m.kind == MethodKind::Phone).count();
    let language = i18n::request_language();
    let app_reason = methods
        .iter()
        .any(|m| m.kind == MethodKind::AuthenticatorApp)
        .then(|| i18n::APP_ALREADY_ADDED.render(language));
    let phone_reason = if session.epcs_prescriber {
        Some(i18n::EPCS_REASON.render(language))
    } else if phones >= MAX_PHONES_PER_ACCOUNT {
        Some(i18n::phones_full().render(language))
    } else {
        None
    };
    Ok(Json(MfaOptions {
        options: vec![
            // The stronger method first (NIST SP 800-63B rev 4 §3.2.9, rule A8).
            MethodOption {
                kind: MethodKind::AuthenticatorApp,
                available: app_reason.is_none(),
                unavailable_reason: app_reason,
                restricted: false,
            },
            MethodOption {
                kind: MethodKind::Phone,
                available: phone_reason.is_none(),
                unavailable_reason: phone_reason,
                restricted: true,
            },
        ],
        mfa_required: session.mfa_required,
        phones_left: MAX_PHONES_PER_ACCOUNT.saturating_sub(phones),
        support_email: state.config.support_email(),
    }))
}

/// `POST /api/phone/check`: the server's verdict on a number, by the same rules the
/// app runs as the person types. Sends nothing.
#[utoipa::path(post, path = "/api/phone/check", tag = "setup", request_body = PhoneInput,
    responses((status = 200, body = PhoneCheck), (status = 422, description = "The number breaks a rule (see phone_problem)", body = ApiError)))]
pub async fn check(
    State(state): State<AppState>,
    _session: Session,
    Body(input): Body<PhoneInput>,
) -> AppResult<Json<PhoneCheck>> {
    let phone = check_phone(&input.number, &input.region, |r| state.config.country_allowed(r))
        .map_err(AppError::phone)?;
    Ok(Json(PhoneCheck {
        masked: mask_e164(&phone.e164),
        national: phone.national,
        region: phone.region,
        kind: phone.kind,
        channels: phone.channels,
    }))
}
