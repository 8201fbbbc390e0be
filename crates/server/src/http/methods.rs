//! The "Sign in & Security" dashboard: list, change and remove methods.

use crate::domain::accounts::{self, audit};
use crate::domain::change_reports::{self, Change};
use crate::domain::deliveries;
use crate::error::{AppError, AppResult};
use crate::http::extract::{Body, Path, Session};
use crate::http::ClientIp;
use crate::i18n;
use crate::state::AppState;
use crate::store;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use phone_mfa_contract::phone::mask_e164;
use phone_mfa_contract::{ApiError, Channel, ErrorCode, MethodKind, MethodView, UpdateMethodRequest};

/// `GET /api/methods`.
#[utoipa::path(get, path = "/api/methods", tag = "dashboard",
    responses((status = 200, body = Vec<MethodView>), (status = 403, body = ApiError)))]
pub async fn list(State(state): State<AppState>, session: Session) -> AppResult<Json<Vec<MethodView>>> {
    session.require_signed_in()?;
    let methods = state
        .store
        .write(async |tx| -> AppResult<_> { Ok(store::methods::list(tx, session.account_id).await?) })
        .await?;
    Ok(Json(methods.iter().map(accounts::MethodRow::view).collect()))
}

/// `PATCH /api/methods/{id}`: the default channel (text or call) and the default method.
/// Neither weakens the account, so no re-authentication is asked for.
#[utoipa::path(patch, path = "/api/methods/{id}", tag = "dashboard", request_body = UpdateMethodRequest,
    params(("id" = i64, Path, description = "Method id")),
    responses((status = 200, body = MethodView), (status = 404, body = ApiError), (status = 422, body = ApiError)))]
pub async fn update(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    session: Session,
    Path(id): Path<i64>,
    Body(req): Body<UpdateMethodRequest>,
) -> AppResult<Json<MethodView>> {
    session.require_signed_in()?;
    let now = state.now();
    let view = state
        .store
        .write(async |tx| -> AppResult<_> {
            // One request at a time per account, on every server (crate::store).
            store::lock_account(tx, session.account_id).await?;
            let method = accounts::method(tx, session.account_id, id).await?;
            if let Some(channel) = req.default_channel {
                if method.kind != MethodKind::Phone {
                    return Err(AppError::bad_request(i18n::ONLY_PHONES_HAVE_CHANNELS));
                }
                if channel == Channel::Sms && !method.sms_ok {
                    return Err(AppError::new(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        ErrorCode::ChannelNotSupported,
                        i18n::error(ErrorCode::ChannelNotSupported),
                    ));
                }
                store::methods::set_default_channel(tx, session.account_id, id, channel).await?;
            }
            if req.make_default == Some(true) {
                store::methods::make_default(tx, session.account_id, id).await?;
            }
            audit(
                tx,
                Some(session.account_id),
                "method_updated",
                &format!("method={id}"),
                &ip,
                now,
            )
            .await?;
            Ok(accounts::method(tx, session.account_id, id).await?.view())
        })
        .await?;
    Ok(Json(view))
}

/// `DELETE /api/methods/{id}`: never the last method; needs a recent second factor.
/// Ends every other session of the account (rule A7).
#[utoipa::path(delete, path = "/api/methods/{id}", tag = "dashboard",
    params(("id" = i64, Path, description = "Method id")),
    responses((status = 204, description = "Removed; the account is e-mailed"),
              (status = 403, description = "Re-authentication required", body = ApiError),
              (status = 409, description = "The last method", body = ApiError)))]
pub async fn remove(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    session: Session,
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    let now = state.now();
    accounts::require_recent_factor(&session, now)?;
    let origin = state.config.public_origin();
    state
        .store
        .write(async |tx| -> AppResult<_> {
            // One request at a time per account, on every server (crate::store).
            store::lock_account(tx, session.account_id).await?;
            let methods = store::methods::list(tx, session.account_id).await?;
            let method = methods
                .iter()
                .find(|m| m.id == id)
                .ok_or_else(|| AppError::not_found(i18n::METHOD_NOT_ON_ACCOUNT))?;
            change_reports::require_changes_allowed(tx, session.account_id, true, now).await?;
            if methods.len() == 1 {
                return Err(AppError::new(
                    StatusCode::CONFLICT,
                    ErrorCode::LastMethod,
                    i18n::error(ErrorCode::LastMethod),
                ));
            }
            accounts::remove_method(tx, session.account_id, method, &methods).await?;
            crate::domain::sessions::after_methods_changed(tx, session.account_id, &session.token_hash)
                .await?;
            audit(
                tx,
                Some(session.account_id),
                "method_removed",
                &method
                    .phone_e164
                    .as_deref()
                    .map(mask_e164)
                    .unwrap_or_else(|| "authenticator_app".into()),
                &ip,
                now,
            )
            .await?;
            if let Some(e164) = &method.phone_e164 {
                let text = i18n::old_number_text(session.language, false, &origin);
                deliveries::queue_text(tx, e164, &text, now).await?;
            }
            let notice =
                change_reports::notice(tx, &session, &Change::method_removed(method), &origin, now).await?;
            Ok::<_, AppError>(deliveries::queue(tx, &notice, now).await?)
        })
        .await?;
    state.deliveries_due.notify_one();
    Ok(StatusCode::NO_CONTENT)
}
