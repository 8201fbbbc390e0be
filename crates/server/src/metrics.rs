//! Prometheus metrics (issue 18), recorded through the `metrics` facade and rendered
//! by `metrics-exporter-prometheus` at `/metrics`. Labels name kinds of things only
//! (a channel, a country, an outcome, a route template): never a number, an address,
//! a token or an id.
//!
//! SMS pumping shows as `phone_mfa_code_sends_total` rising for one `country`; the
//! README has the alert.

use crate::state::AppState;
use crate::store;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use std::time::Instant;

/// Seconds: the buckets of every `*_seconds` histogram (a code's courier call, a
/// request), from a fast database answer to a provider near its timeout.
const SECONDS_BUCKETS: &[f64] = &[0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

/// The process's recorder, installed on first use (every server of a process, tests
/// included, records into it).
pub fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), SECONDS_BUCKETS)
            .expect("buckets are not empty")
            .install_recorder()
            .expect("no other metrics recorder is installed")
    })
}

/// Drains the histograms' samples into their buckets every few seconds (the exporter
/// leaves it to its owner when it serves no HTTP itself); without it they would pile up
/// between scrapes, or for ever where nothing scrapes.
pub async fn upkeep(state: AppState) {
    let mut stopping = state.stopping.subscribe();
    while !*stopping.borrow() {
        handle().run_upkeep();
        tokio::select! {
            _ = tokio::time::sleep(std::time::Duration::from_secs(5)) => {}
            _ = stopping.changed() => {}
        }
    }
}

/// A code handed to the courier: `outcome` is the provider's first word (`queued`,
/// `delivered`, `failed`...) or `error` when it could not be reached.
pub fn code_sent(channel: &'static str, country: String, outcome: &'static str, seconds: f64) {
    metrics::counter!("phone_mfa_code_sends_total", "channel" => channel, "country" => country, "outcome" => outcome)
        .increment(1);
    metrics::histogram!("phone_mfa_courier_seconds", "channel" => channel).record(seconds);
}

/// A send refused by one of the send limits (`phone_burst`, `phone`, `ip`, `account`).
pub fn send_refused(limit: &'static str) {
    metrics::counter!("phone_mfa_send_refusals_total", "limit" => limit).increment(1);
}

/// A typed code checked: `right`, `wrong`, `expired`, `used`, `locked`.
pub fn code_checked(outcome: &'static str) {
    metrics::counter!("phone_mfa_code_checks_total", "outcome" => outcome).increment(1);
}

/// An account locked after too many wrong codes.
pub fn locked_out() {
    metrics::counter!("phone_mfa_lockouts_total").increment(1);
}

/// A provider's report on a text or call (Twilio's status callback).
pub fn delivery_reported(status: &'static str) {
    metrics::counter!("phone_mfa_delivery_reports_total", "status" => status).increment(1);
}

/// Every request: its route template (`/api/challenges/{id}/verify`, never the id),
/// method and status, and how long it took.
pub async fn track_requests(req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".into());
    // Known methods only: any other name a client sends would be a new series.
    let method = match *req.method() {
        axum::http::Method::GET => "GET",
        axum::http::Method::POST => "POST",
        axum::http::Method::PUT => "PUT",
        axum::http::Method::PATCH => "PATCH",
        axum::http::Method::DELETE => "DELETE",
        axum::http::Method::HEAD => "HEAD",
        axum::http::Method::OPTIONS => "OPTIONS",
        _ => "other",
    };
    let started = Instant::now();
    let res = next.run(req).await;
    let status = res.status().as_u16().to_string();
    metrics::counter!("phone_mfa_http_requests_total", "route" => route.clone(), "method" => method, "status" => status)
        .increment(1);
    metrics::histogram!("phone_mfa_http_request_seconds", "route" => route)
        .record(started.elapsed().as_secs_f64());
    res
}

/// `GET /metrics`: the figures, with the outbox's queue read now.
pub async fn render(State(state): State<AppState>) -> Response {
    let now = state.now();
    match state
        .store
        .read(async |c| store::deliveries::waiting(c).await)
        .await
    {
        Ok((count, oldest)) => {
            metrics::gauge!("phone_mfa_outbox_waiting").set(count as f64);
            metrics::gauge!("phone_mfa_outbox_oldest_age_seconds")
                .set(oldest.map_or(0, |t| (now - t).max(0)) as f64);
        }
        Err(e) => tracing::warn!(error = %e, "the outbox cannot be measured"),
    }
    (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4"),
        )],
        handle().render(),
    )
        .into_response()
}
