//! Request extractors that answer bad input with the contract's JSON errors.

use crate::error::AppError;
use crate::i18n;
use crate::secrets::token_hash;
use crate::state::AppState;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use phone_mfa_contract::{ErrorCode, Language, SessionStage, BROWSER_COOKIE, SESSION_COOKIE};
use serde::de::DeserializeOwned;

/// A JSON body. Wrong types, missing or unknown fields, invalid UTF-8 and oversized
/// bodies all become a 4xx with a message saying what was wrong.
pub struct Body<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(Body(value)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

fn json_rejection(rejection: JsonRejection) -> AppError {
    match rejection {
        JsonRejection::MissingJsonContentType(_) => AppError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::InvalidRequest,
            i18n::SEND_JSON,
        ),
        JsonRejection::JsonDataError(e) => AppError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::InvalidRequest,
            i18n::bad_field(e.body_text()),
        ),
        JsonRejection::JsonSyntaxError(_) => AppError::bad_request(i18n::NOT_JSON),
        JsonRejection::BytesRejection(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => AppError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::PayloadTooLarge,
            i18n::error(ErrorCode::PayloadTooLarge),
        ),
        other => AppError::bad_request(i18n::unreadable(other.body_text())),
    }
}

/// A path parameter. A value that does not parse (`/api/methods/abc`) is a 400 with
/// the contract's JSON error, not axum's plain-text rejection (rule W7).
pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(value)| Path(value))
            .map_err(|_| AppError::bad_request(i18n::BAD_PATH))
    }
}

/// The signed-in (or half-signed-in) person behind the session cookie.
#[derive(Debug, Clone)]
pub struct Session {
    pub token_hash: Vec<u8>,
    pub account_id: i64,
    pub email: String,
    pub stage: SessionStage,
    pub last_factor_at: i64,
    pub mfa_required: bool,
    pub epcs_prescriber: bool,
    /// What texts, calls and emails to this account are written in.
    pub language: Language,
}

impl Session {
    pub fn require_signed_in(&self) -> Result<(), AppError> {
        if self.stage == SessionStage::SignedIn {
            Ok(())
        } else {
            Err(AppError::wrong_stage(i18n::error(ErrorCode::WrongStage)))
        }
    }
}

/// The value of the cookie `wanted`, if the request has it.
pub fn cookie_value(headers: &axum::http::HeaderMap, wanted: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == wanted)
        .map(|(_, value)| value.to_owned())
}

pub fn session_cookie_value(parts: &Parts) -> Option<String> {
    cookie_value(&parts.headers, SESSION_COOKIE)
}

/// What a sign-in needs of the browser itself: its remembered-browser cookie, if any,
/// and its User-Agent (to name it by, should it be remembered).
pub struct Browser {
    pub remembered_token: Option<String>,
    pub user_agent: String,
}

impl<S: Send + Sync> FromRequestParts<S> for Browser {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Browser {
            remembered_token: cookie_value(&parts.headers, BROWSER_COOKIE),
            user_agent: parts
                .headers
                .get(header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .chars()
                .take(512)
                .collect(),
        })
    }
}

impl FromRequestParts<AppState> for Session {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let token = session_cookie_value(parts).ok_or_else(AppError::unauthenticated)?;
        let hash = token_hash(&token);
        let now = state.now();
        let mut tx = state.store.begin().await?;
        let session = crate::domain::sessions::find(&mut tx, hash, now).await;
        // An idle session is ended as well as refused: commit either way.
        tx.commit().await?;
        session
    }
}
