//! Web hardening (security rules, "Web"): CSRF checks, security headers, the CSP with
//! the hashes of the SPA's inline bootstrap script, and serving the built SPA (each
//! address with preload links for its screen).

use crate::error::AppError;
use crate::i18n;
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine;
use phone_mfa_contract::{ErrorCode, CSRF_HEADER, CSRF_HEADER_VALUE, ROUTE_PRELOADS_FILE};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::Path;
use tower_http::services::{ServeDir, ServeFile};

/// API bodies are small JSON objects; anything bigger is refused unread.
pub const MAX_BODY_BYTES: usize = 16 * 1024;

fn csrf_rejected(message: i18n::Msg) -> Response {
    axum::response::IntoResponse::into_response(AppError::new(
        StatusCode::FORBIDDEN,
        ErrorCode::CsrfRejected,
        message,
    ))
}

/// State-changing API requests must be same-site JSON carrying the custom header: a
/// cross-site form or `text/plain` beacon can do none of that.
pub async fn csrf_guard(req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let headers = req.headers();
    if headers
        .get("sec-fetch-site")
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"cross-site"))
    {
        return csrf_rejected(i18n::error(ErrorCode::CsrfRejected));
    }
    if headers.get(CSRF_HEADER).map(|v| v.as_bytes()) != Some(CSRF_HEADER_VALUE.as_bytes()) {
        return csrf_rejected(i18n::MISSING_CSRF_HEADER);
    }
    let has_body = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .map_or(headers.contains_key(header::TRANSFER_ENCODING), |len| len != "0");
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| {
            ct.split(';')
                .next()
                .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json"))
        });
    if has_body && !json {
        return axum::response::IntoResponse::into_response(AppError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::CsrfRejected,
            i18n::SEND_JSON,
        ));
    }
    next.run(req).await
}

/// Every error the API answers is the contract's JSON error (rule W7), including the
/// ones axum and tower-http make before a handler runs: an unknown HTTP method (405),
/// a timeout (408). Handlers' own errors are JSON already and pass untouched.
pub async fn json_errors(req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let res = next.run(req).await;
    let status = res.status();
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !api || is_json || !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    let (code, message) = match status {
        StatusCode::METHOD_NOT_ALLOWED => (ErrorCode::InvalidRequest, i18n::METHOD_NOT_ALLOWED),
        StatusCode::REQUEST_TIMEOUT => (ErrorCode::Busy, i18n::TIMED_OUT),
        StatusCode::PAYLOAD_TOO_LARGE => (
            ErrorCode::PayloadTooLarge,
            i18n::error(ErrorCode::PayloadTooLarge),
        ),
        StatusCode::NOT_FOUND => (ErrorCode::NotFound, i18n::NO_SUCH_ENDPOINT),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (ErrorCode::InvalidRequest, i18n::SEND_JSON),
        s if s.is_server_error() => (ErrorCode::Internal, i18n::error(ErrorCode::Internal)),
        _ => (ErrorCode::InvalidRequest, i18n::BAD_PATH),
    };
    let mut answer = axum::response::IntoResponse::into_response(AppError::new(status, code, message));
    for name in [header::ALLOW, header::RETRY_AFTER] {
        if let Some(v) = res.headers().get(&name) {
            answer.headers_mut().insert(name, v.clone());
        }
    }
    answer
}

/// API answers hold personal data: never cached (ASVS 14.3).
pub async fn no_store(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// The CSP: scripts only from this origin, wasm allowed to compile, and the built
/// index.html's inline bootstrap allowed by its hash: no 'unsafe-inline', no 'unsafe-eval'.
/// Styles likewise: the stylesheets index.html carries inline (so the page paints without
/// waiting for another request, issue 21) are allowed by their hashes, nothing else inline.
pub fn content_security_policy(index_html: Option<&str>) -> String {
    let sources =
        |hashes: Vec<String>| -> String { hashes.iter().map(|h| format!(" 'sha256-{h}'")).collect() };
    let scripts = sources(index_html.map(inline_script_hashes).unwrap_or_default());
    let styles = sources(index_html.map(inline_style_hashes).unwrap_or_default());
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{scripts}; style-src 'self'{styles}; img-src 'self' data:; \
         connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    )
}

/// Base64 SHA-256 of every inline `<script>` body (those without `src`).
pub fn inline_script_hashes(html: &str) -> Vec<String> {
    inline_hashes(html, "script")
}

/// Base64 SHA-256 of every `<style>` body.
pub fn inline_style_hashes(html: &str) -> Vec<String> {
    inline_hashes(html, "style")
}

fn inline_hashes(html: &str, tag: &str) -> Vec<String> {
    let (open, close) = (format!("<{tag}"), format!("</{tag}>"));
    let mut hashes = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find(&open) {
        let after = &rest[start..];
        let Some(open_end) = after.find('>') else { break };
        let open_tag = &after[..open_end];
        let body_start = open_end + 1;
        let Some(end) = after[body_start..].find(&close) else {
            break;
        };
        let body = &after[body_start..body_start + end];
        // `<scripts>` or `<style-x>` is not the tag; a script with `src` has no body to hash.
        let is_tag = open_tag[open.len()..]
            .chars()
            .next()
            .is_none_or(|c| c.is_whitespace());
        if is_tag && !open_tag.contains(" src=") && !body.trim().is_empty() {
            hashes.push(base64::engine::general_purpose::STANDARD.encode(Sha256::digest(body.as_bytes())));
        }
        rest = &after[body_start + end..];
    }
    hashes
}

pub async fn security_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    if let Ok(csp) = HeaderValue::from_str(&state.csp) {
        h.insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    h.insert(
        header::STRICT_TRANSPORT_SECURITY,
        HeaderValue::from_static("max-age=31536000; includeSubDomains"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    if !path.starts_with("/api/") && !h.contains_key(header::CACHE_CONTROL) {
        h.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(static_cache_control(&path, h)),
        );
    }
    res
}

/// trunk names built assets `name-<16 hex digits>...`: such a name never changes content,
/// so it can be cached for a year. Everything else (index.html) is revalidated.
fn static_cache_control(path: &str, headers: &axum::http::HeaderMap) -> &'static str {
    let html = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("text/html"));
    let file = path.rsplit('/').next().unwrap_or("");
    let hashed = file
        .split(['-', '_', '.'])
        .any(|part| (12..=16).contains(&part.len()) && part.bytes().all(|b| b.is_ascii_hexdigit()));
    if !html && hashed {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    }
}

/// Per app address, the page to answer with instead of index.html: the same page with
/// preload links for that address's screen chunks (written by `cargo xtask build`, listed
/// in the build's [`ROUTE_PRELOADS_FILE`]). Without them the browser learns of a chunk
/// only once the main wasm has downloaded, compiled and routed: on a slow phone, seconds
/// later. The links come after the main module's own, so they never delay it.
#[derive(Default)]
pub struct RoutePages(Vec<(String, std::path::PathBuf)>);

impl RoutePages {
    /// The pages of the build in `dist`; none when it has no manifest (a debug build, or
    /// `trunk serve`'s, keeps one wasm). A manifest or page that is not right is logged
    /// and left out: these pages only make the app faster, index.html always works.
    pub fn read(dist: &Path) -> RoutePages {
        let manifest = dist.join(ROUTE_PRELOADS_FILE);
        let Ok(json) = std::fs::read_to_string(&manifest) else {
            return RoutePages::default();
        };
        let index = std::fs::read_to_string(dist.join("index.html")).unwrap_or_default();
        match RoutePages::check(&json, &index, |file| {
            std::fs::read_to_string(dist.join(file)).ok()
        }) {
            Ok(pages) => RoutePages(
                pages
                    .into_iter()
                    .map(|(route, file)| (route, dist.join(file)))
                    .collect(),
            ),
            Err(e) => {
                tracing::warn!(file = %manifest.display(), error = %e, "pages with preload links left out");
                RoutePages::default()
            }
        }
    }

    /// Each address and its page, from the manifest. An address must be one of the
    /// app's own (not the API's), a page a plain file name of the build whose inline
    /// scripts and styles are index.html's (so the CSP, made from index.html, lets them
    /// apply).
    pub fn check(
        json: &str,
        index_html: &str,
        read: impl Fn(&str) -> Option<String>,
    ) -> Result<Vec<(String, String)>, String> {
        let routes: BTreeMap<String, String> = serde_json::from_str(json).map_err(|e| e.to_string())?;
        let inline = |html: &str| (inline_script_hashes(html), inline_style_hashes(html));
        let index_inline = inline(index_html);
        let mut pages = Vec::new();
        for (route, file) in routes {
            // Never one of the server's own routes (a second route there would stop the
            // router from being built).
            let app_address = route.starts_with('/')
                && !route.starts_with("/api/")
                && route != "/metrics"
                && route
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"/-".contains(&b));
            if !app_address {
                return Err(format!("{route:?} is not an address of the app"));
            }
            let plain = file.ends_with(".html")
                && file
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
            if !plain {
                return Err(format!("{file:?} is not a page of the build"));
            }
            let page = read(&file).ok_or_else(|| format!("{file} is missing"))?;
            if inline(&page) != index_inline {
                return Err(format!(
                    "{file} has other inline scripts or styles than index.html"
                ));
            }
            pages.push((route, file));
        }
        Ok(pages)
    }

    /// Routes each address to its page (sent precompressed, like index.html).
    pub fn routes<S: Clone + Send + Sync + 'static>(&self, mut router: axum::Router<S>) -> axum::Router<S> {
        for (route, page) in &self.0 {
            router = router.route_service(
                route,
                ServeFile::new(page).precompressed_br().precompressed_gzip(),
            );
        }
        router
    }
}

/// The built SPA: files as they are (brotli or gzip when built alongside), and
/// index.html for every other path so the app's own routes load on reload.
pub fn spa(dist: &Path) -> ServeDir<ServeFile> {
    ServeDir::new(dist)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(
            ServeFile::new(dist.join("index.html"))
                .precompressed_br()
                .precompressed_gzip(),
        )
}
