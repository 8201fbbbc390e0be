//! The HTTP surface: the JSON API under `/api` and the built SPA for everything else.

pub mod alternatives;
pub mod auth;
pub mod change_reports;
pub mod codes;
pub mod dev;
pub mod extract;
pub mod methods;
pub mod mfa;
pub mod twilio;
pub mod web;

use crate::i18n;
use crate::state::AppState;

use axum::extract::State;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::routing::{any, delete, get, post, put};
use axum::{middleware, Json, Router};
use phone_mfa_contract::{paths, Health, Readiness};
use std::convert::Infallible;
use std::net::SocketAddr;

/// The caller's IP address, for the per-IP send limit and the audit log. This server
/// is meant to face the network itself; behind a proxy, take it from the proxy's header.
pub struct ClientIp(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        Ok(ClientIp(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(addr)| addr.ip().to_string())
                .unwrap_or_else(|| "unknown".into()),
        ))
    }
}

#[utoipa::path(get, path = "/api/health", tag = "health", responses((status = 200, body = Health)))]
async fn health() -> Json<Health> {
    Json(Health {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
    })
}

/// A worker goes round its loop at least this often, unless it is in the middle of a
/// message (at most the attempt limit, 60 s).
const WORKERS_SILENT_MS: u64 = 90_000;

/// `GET /api/health/ready`: for a load balancer or an orchestrator's readiness probe.
/// `/api/health` stays the cheap liveness check (it touches nothing).
#[utoipa::path(get, path = "/api/health/ready", tag = "health",
    responses((status = 200, body = Readiness), (status = 503, description = "Not ready", body = Readiness)))]
async fn ready(State(state): State<AppState>) -> (axum::http::StatusCode, Json<Readiness>) {
    let database = state.store.reachable().await.is_ok();
    let seen = state.workers_seen_ms.load(std::sync::atomic::Ordering::Relaxed);
    let delivery_workers = crate::state::wall_ms().saturating_sub(seen) < WORKERS_SILENT_MS;
    let stopping = *state.stopping.borrow();
    let ready = database && delivery_workers && !stopping;
    let status = if ready {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        Json(Readiness {
            ready,
            database,
            delivery_workers,
            stopping,
        }),
    )
}

pub fn api(state: &AppState) -> Router<AppState> {
    let mut api = Router::new()
        .route(paths::HEALTH, get(health))
        .route(paths::HEALTH_READY, get(ready))
        .route(paths::SIGN_UP, post(auth::sign_up))
        .route(paths::SIGN_UP_CONFIRM, post(auth::confirm_sign_up))
        .route(paths::CHANGE_REPORT, post(change_reports::look))
        .route(paths::CHANGE_REPORT_UNDO, post(change_reports::undo))
        .route(paths::SIGN_IN, post(auth::sign_in))
        .route(paths::SIGN_OUT, post(auth::sign_out))
        .route(paths::SESSION, get(auth::current))
        .route(paths::SESSION_LANGUAGE, put(auth::set_language))
        .route(paths::SKIP_MFA, post(auth::skip))
        .route(paths::MFA_OPTIONS, get(mfa::options))
        .route(paths::PHONE_CHECK, post(mfa::check))
        .route(paths::CHALLENGES, post(codes::start))
        .route("/api/challenges/{id}/resend", post(codes::resend))
        .route("/api/challenges/{id}/verify", post(codes::verify))
        .route("/api/challenges/{id}/delivery", get(codes::delivery))
        .route(paths::TOTP_VERIFY, post(codes::totp_verify))
        .route(paths::METHODS, get(methods::list))
        .route(
            "/api/methods/{id}",
            delete(methods::remove).patch(methods::update),
        )
        .route(paths::APP_SETUP, post(alternatives::setup))
        .route(paths::APP_CONFIRM, post(alternatives::confirm))
        .route(paths::RECOVERY_CODES, post(alternatives::new_recovery_codes))
        .route(paths::RECOVERY_SIGN_IN, post(alternatives::recovery_sign_in))
        .route(
            paths::REMEMBERED_BROWSERS,
            delete(alternatives::forget_all_browsers),
        )
        .route(
            "/api/remembered-browsers/{id}",
            delete(alternatives::forget_browser),
        )
        .route(paths::OPENAPI, get(crate::openapi::document));
    if state.config.dev_mode {
        api = api
            .route(paths::DEV_OUTBOX, get(dev::outbox))
            .route(paths::DEV_CLOCK, get(dev::clock_now).post(dev::clock));
    }
    api.route(
        "/api/{*rest}",
        any(|| async { crate::error::AppError::not_found(i18n::NO_SUCH_ENDPOINT) }),
    )
    .layer(middleware::from_fn(web::csrf_guard))
    .layer(middleware::from_fn(web::no_store))
}

pub fn router(state: AppState) -> Router {
    let mut public = Router::new();
    if state.config.metrics_public {
        public = public.route("/metrics", get(crate::metrics::render));
    }
    public
        // Twilio's reports: form-encoded and signed, so outside the app's CSRF guard
        // (its requests are checked by their signature instead).
        .route("/api/twilio/status/{challenge}/{send_seq}", post(twilio::status))
        .merge(api(&state))
        .merge(state.route_pages.routes(Router::new()))
        .fallback_service(web::spa(&state.config.dist_dir))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            web::security_headers,
        ))
        .layer(axum::extract::DefaultBodyLimit::max(web::MAX_BODY_BYTES))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            std::time::Duration::from_secs(15),
        ))
        // Outside the timeout, so a timed-out API request is answered as JSON too.
        .layer(middleware::from_fn(web::json_errors))
        // Every answer below, refusals and timeouts included, is in the request's language.
        .layer(middleware::from_fn(i18n::answer_in_request_language))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .layer(middleware::from_fn(crate::metrics::track_requests))
        .with_state(state)
}

/// `/metrics` alone, for a listener of its own (`PHONE_MFA_METRICS_ADDR`).
pub fn metrics_router(state: AppState) -> Router {
    Router::new()
        .route("/metrics", get(crate::metrics::render))
        .with_state(state)
}
