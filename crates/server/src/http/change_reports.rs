//! "This wasn't me": the link in every account-change e-mail (domain::change_reports).
//! No session is needed: the link's token is the proof, and the person may be signed
//! out, or on another device. The token travels in the body, never in a URL.

use crate::domain::change_reports;
use crate::domain::sessions;
use crate::error::AppResult;
use crate::http::extract::Body;
use crate::http::ClientIp;
use crate::state::AppState;
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::Json;
use phone_mfa_contract::{ApiError, ChangeReportRequest, ChangeReportView, ChangeReportedView};

/// `POST /api/change-report`: what the link is about. Changes nothing.
#[utoipa::path(post, path = "/api/change-report", tag = "accounts", request_body = ChangeReportRequest,
    responses((status = 200, body = ChangeReportView),
              (status = 410, description = "The link expired, never existed, or was used (`report_link_used`)", body = ApiError)))]
pub async fn look(
    State(state): State<AppState>,
    Body(req): Body<ChangeReportRequest>,
) -> AppResult<Json<ChangeReportView>> {
    let now = state.now();
    let view = state
        .store
        .write(async |tx| change_reports::look(tx, req.token.trim(), now).await)
        .await?;
    Ok(Json(view))
}

/// `POST /api/change-report/undo`: "this wasn't me", confirmed. Undoes the change,
/// ends every session of the account (this browser's too), pauses method changes for
/// a day and records it in the audit log. The link is used up.
#[utoipa::path(post, path = "/api/change-report/undo", tag = "accounts", request_body = ChangeReportRequest,
    responses((status = 200, body = ChangeReportedView),
              (status = 410, description = "The link expired, never existed, or was used (`report_link_used`)", body = ApiError)))]
pub async fn undo(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Body(req): Body<ChangeReportRequest>,
) -> AppResult<(HeaderMap, Json<ChangeReportedView>)> {
    let now = state.now();
    let view = state
        .store
        .write(async |tx| change_reports::report(tx, &state.config.secret, req.token.trim(), &ip, now).await)
        .await?;
    let mut headers = HeaderMap::new();
    headers.insert(header::SET_COOKIE, sessions::clear_cookie());
    Ok((headers, Json(view)))
}
