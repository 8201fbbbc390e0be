//! The API described as OpenAPI 3, generated from the handlers and the contract types
//! (utoipa), served at `GET /api/openapi.json`.

use axum::Json;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Phone MFA API",
        description = "Text-message and phone-call multi-factor authentication: accounts, sessions, one-time codes and sign-in methods. State-changing requests need `Content-Type: application/json` and the `x-phone-mfa: 1` header; the session is the `__Host-phone_mfa_session` cookie. Error messages are in the language of `Accept-Language` (English or Spanish); texts, calls and emails in the account's language (`PUT /api/session/language`)."
    ),
    paths(
        crate::http::health,
        crate::http::ready,
        crate::http::auth::sign_up,
        crate::http::auth::confirm_sign_up,
        crate::http::change_reports::look,
        crate::http::change_reports::undo,
        crate::http::auth::sign_in,
        crate::http::auth::sign_out,
        crate::http::auth::current,
        crate::http::auth::set_language,
        crate::http::auth::skip,
        crate::http::mfa::options,
        crate::http::mfa::check,
        crate::http::codes::start,
        crate::http::codes::resend,
        crate::http::codes::verify,
        crate::http::codes::delivery,
        crate::http::codes::totp_verify,
        crate::http::methods::list,
        crate::http::methods::update,
        crate::http::methods::remove,
        crate::http::alternatives::setup,
        crate::http::alternatives::confirm,
        crate::http::alternatives::new_recovery_codes,
        crate::http::alternatives::recovery_sign_in,
        crate::http::alternatives::forget_browser,
        crate::http::alternatives::forget_all_browsers,
        crate::http::dev::outbox,
        crate::http::dev::clock,
        crate::http::dev::clock_now,
    )
)]
pub struct ApiDoc;

pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
