//! One error type for every handler, answered as the contract's JSON `ApiError`, its
//! message in the language the request asked for (`crate::i18n`).

use crate::i18n::{self, Msg};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use phone_mfa_contract::phone::PhoneProblem;
use phone_mfa_contract::{ApiError, ErrorCode};

/// Boxed: an error travels through every `Result` of every handler, and the happy path
/// should not pay for moving its few hundred bytes.
#[derive(Debug)]
pub struct AppError(Box<ErrorParts>);

#[derive(Debug)]
pub struct ErrorParts {
    pub status: StatusCode,
    /// Everything but the message, which is rendered as the answer is written (the
    /// error may be made on a database thread that does not know the request).
    pub body: ApiError,
    pub message: Msg,
}

pub type AppResult<T> = Result<T, AppError>;

impl std::ops::Deref for AppError {
    type Target = ErrorParts;
    fn deref(&self) -> &ErrorParts {
        &self.0
    }
}

impl std::ops::DerefMut for AppError {
    fn deref_mut(&mut self) -> &mut ErrorParts {
        &mut self.0
    }
}

impl AppError {
    pub fn new(status: StatusCode, code: ErrorCode, message: impl Into<Msg>) -> Self {
        AppError(Box::new(ErrorParts {
            status,
            body: ApiError::new(code, String::new()),
            message: message.into(),
        }))
    }
    pub fn bad_request(message: impl Into<Msg>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, ErrorCode::InvalidRequest, message)
    }
    pub fn unauthenticated() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            ErrorCode::Unauthenticated,
            i18n::error(ErrorCode::Unauthenticated),
        )
    }
    pub fn wrong_stage(message: impl Into<Msg>) -> Self {
        Self::new(StatusCode::FORBIDDEN, ErrorCode::WrongStage, message)
    }
    pub fn reauth_required() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            ErrorCode::ReauthRequired,
            i18n::error(ErrorCode::ReauthRequired),
        )
    }
    pub fn not_found(message: impl Into<Msg>) -> Self {
        Self::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, message)
    }
    pub fn phone(problem: PhoneProblem) -> Self {
        let mut e = Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::Phone,
            i18n::phone_problem(problem),
        );
        e.body.phone_problem = Some(problem);
        e.body.field = Some("phone".into());
        e
    }
    /// 429 with a `Retry-After` header and `retry_after_s` in the body.
    pub fn too_many(code: ErrorCode, message: impl Into<Msg>, retry_after_s: i64) -> Self {
        let mut e = Self::new(StatusCode::TOO_MANY_REQUESTS, code, message);
        e.body.retry_after_s = Some(retry_after_s.max(1));
        e
    }
    pub fn field(mut self, field: &str) -> Self {
        self.body.field = Some(field.into());
        self
    }
    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::Internal,
            i18n::error(ErrorCode::Internal),
        )
    }
}

impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        // A constraint the database refused is a request that lost a race with another
        // (every rule is re-checked in the transaction first): a clear 409, not a 500.
        if crate::store::is_conflict(&err) {
            tracing::warn!(error = %err, "constraint refused a change");
            return AppError::new(
                StatusCode::CONFLICT,
                ErrorCode::Conflict,
                i18n::error(ErrorCode::Conflict),
            );
        }
        // The database is out of reach: the transaction did nothing, so neither does
        // the request (no code is sent before its transaction commits).
        if crate::store::is_unavailable(&err) {
            tracing::error!(error = %err, "database unavailable");
            let mut e = AppError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorCode::Unavailable,
                i18n::error(ErrorCode::Unavailable),
            );
            e.body.retry_after_s = Some(5);
            return e;
        }
        tracing::error!(error = %err, "database error");
        AppError::internal()
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let ErrorParts {
            status,
            mut body,
            message,
        } = *self.0;
        let retry = body.retry_after_s;
        body.message = message.render(i18n::request_language());
        let mut response = (status, Json(body)).into_response();
        if let Some(secs) = retry {
            if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        response
    }
}
