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
        crate::routes::health,
        crate::routes::auth::sign_up,
        crate::routes::auth::confirm_sign_up,
        crate::routes::auth::sign_in,
        crate::routes::auth::sign_out,
        crate::routes::auth::current,
        crate::routes::auth::set_language,
        crate::routes::auth::skip,
        crate::routes::mfa::options,
        crate::routes::mfa::check,
        crate::routes::challenges::start,
        crate::routes::challenges::resend,
        crate::routes::challenges::verify,
        crate::routes::challenges::totp_verify,
        crate::routes::methods::list,
        crate::routes::methods::update,
        crate::routes::methods::remove,
        crate::routes::dev::outbox,
    )
)]
pub struct ApiDoc;

pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
