//! Every call to the server, typed with the contract crate. Nothing else in the app
//! talks HTTP.

use crate::i18n::*;
use gloo_net::http::{Request, RequestBuilder};
use leptos::prelude::{GetUntracked, Memo};
use phone_mfa_contract::*;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::cell::{Cell, RefCell};
use web_sys::{AbortController, AbortSignal};

/// Why a call did not give the answer hoped for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The server answered with an error the person can act on.
    Api(ApiError),
    /// An answer came, but not the one the contract describes (a proxy's HTML error page,
    /// a body cut short, a 2xx that does not parse): `status` is the HTTP status it had.
    Unreadable { status: u16 },
    /// No answer at all: offline, server down, connection cut.
    Network,
    /// The screen that asked has gone, so the request was cancelled: nobody is waiting
    /// for its answer (see `screen_changed`).
    Abandoned,
}

thread_local! {
    /// The language requests ask the server to answer in (kept by `crate::App`).
    static LANGUAGE: Cell<Language> = const { Cell::new(Language::En) };
}

/// Sets the language every following request asks the server to answer in.
pub fn set_language(language: Language) {
    LANGUAGE.with(|l| l.set(language));
}

fn language() -> Language {
    LANGUAGE.with(Cell::get)
}

impl Failure {
    /// What to tell the person: the server's words (already in their language), or
    /// ours when there was no answer.
    pub fn message(&self) -> String {
        match self {
            Failure::Api(e) => e.message.clone(),
            Failure::Unreadable { status } => {
                td_string!(locale(), app.server_error, status = *status).to_string()
            }
            // Nobody reads the message of an abandoned request; should a caller show it,
            // "try again" is true of it.
            Failure::Network | Failure::Abandoned => td_string!(locale(), app.network_error).to_string(),
        }
    }
    pub fn code(&self) -> Option<ErrorCode> {
        self.api().map(|e| e.error)
    }
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Failure::Api(e) => Some(e),
            Failure::Unreadable { .. } | Failure::Network | Failure::Abandoned => None,
        }
    }
}

pub type ApiResult<T> = Result<T, Failure>;

fn locale() -> Locale {
    match language() {
        Language::En => Locale::en,
        Language::Es => Locale::es,
    }
}

/// Every request names the language in use (it may differ from the browser's).
fn in_language(builder: RequestBuilder) -> RequestBuilder {
    builder.header("Accept-Language", language().tag())
}

/// State-changing requests carry the CSRF header the server insists on.
fn guarded(builder: RequestBuilder) -> RequestBuilder {
    in_language(builder).header(CSRF_HEADER, CSRF_HEADER_VALUE)
}

/// Whose a request is: the screen that made it, or the whole app.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// Cancelled when the person leaves the screen that made it: its answer would go
    /// nowhere, and the browser's connections are freed for the next screen.
    Screen,
    /// Runs to the end wherever the person goes: the session and language everyone
    /// shares.
    App,
}

thread_local! {
    /// The router's path, once the screen table follows it (`follow_screens`).
    static ROUTER_PATH: Cell<Option<Memo<String>>> = const { Cell::new(None) };
    /// The screen requests in flight: an id, the path of the screen that made each
    /// (the router's path when it was sent), and how to cancel it.
    static SCREEN_REQUESTS: RefCell<Vec<(u64, String, AbortController)>> = const { RefCell::new(Vec::new()) };
    static NEXT_REQUEST: Cell<u64> = const { Cell::new(0) };
}

/// Tags screen requests with the router's path from now on. The router's, not the
/// address bar's: on a link click the router moves to the new path before the address
/// bar changes, and a new screen's first requests must carry the new path.
pub fn follow_screens(pathname: Memo<String>) {
    ROUTER_PATH.with(|p| p.set(Some(pathname)));
}

/// The person is now on `path` (called by the router's screen table whenever the path
/// changes): every screen request made on another path is cancelled. A request made
/// by the new screen carries the new path, so however the two interleave, it stays.
pub fn screen_changed(path: &str) {
    SCREEN_REQUESTS.with(|requests| {
        requests.borrow_mut().retain(|(_, made_on, controller)| {
            let stays = made_on == path;
            if !stays {
                controller.abort();
            }
            stays
        })
    });
}

/// A screen request's place in [`SCREEN_REQUESTS`], removed when it ends. A request
/// dropped unfinished is cancelled (once it has finished, aborting does nothing).
struct InFlight(u64);

impl Drop for InFlight {
    fn drop(&mut self) {
        SCREEN_REQUESTS.with(|requests| {
            requests.borrow_mut().retain(|(id, _, controller)| {
                if *id == self.0 {
                    controller.abort();
                }
                *id != self.0
            })
        });
    }
}

/// Registers a screen request: its abort signal, and the entry to drop when it ends.
fn ends_with_its_screen() -> Option<(AbortSignal, InFlight)> {
    let path = match ROUTER_PATH.with(Cell::get) {
        Some(pathname) => pathname.try_get_untracked()?,
        // No router (a component mounted alone, as in the browser tests).
        None => web_sys::window()?.location().pathname().ok()?,
    };
    let controller = AbortController::new().ok()?;
    let signal = controller.signal();
    let id = NEXT_REQUEST.with(|n| {
        n.set(n.get() + 1);
        n.get()
    });
    SCREEN_REQUESTS.with(|requests| requests.borrow_mut().push((id, path, controller)));
    Some((signal, InFlight(id)))
}

/// Whether a failed fetch (or reading its body) failed because it was cancelled.
fn cancelled(error: &gloo_net::Error) -> bool {
    matches!(error, gloo_net::Error::JsError(e) if e.name == "AbortError")
}

#[cfg(feature = "gallery")]
pub use stand_in::*;

/// The design gallery's (and the browser tests') stand-in for the server. Built only
/// with the `gallery` feature: production has no way to hold or answer a request.
#[cfg(feature = "gallery")]
mod stand_in {
    use std::cell::RefCell;

    /// Told each request's method and path before it is sent (see [`stand_in`]).
    pub type StandIn = Box<dyn Fn(&str, &str) -> StandInAnswer>;

    /// What becomes of a request a stand-in was told of.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub enum StandInAnswer {
        /// It goes to the network as usual.
        Send,
        /// It never leaves the browser and never answers: the screen stays as it is while
        /// a request is in flight (the design gallery).
        Hold,
        /// The stand-in answers it: this status and JSON body, read as the server's (the
        /// browser tests' server).
        Answer(u16, String),
    }

    thread_local! {
        /// Set by the design gallery: requests are handed to it instead of the network.
        static STAND_IN: RefCell<Option<StandIn>> = const { RefCell::new(None) };
    }

    /// From now on (until `None`), every request is first told to `stand_in` (its method
    /// and path), which decides what becomes of it. The design gallery holds them all,
    /// so its screens act but reach no server; browser tests answer for a server.
    pub fn stand_in(stand_in: Option<StandIn>) {
        STAND_IN.with(|s| *s.borrow_mut() = stand_in);
    }

    /// What the stand-in, if any, makes of this request.
    pub(super) fn decide(request: &gloo_net::http::Request) -> Option<StandInAnswer> {
        STAND_IN.with(|s| {
            s.borrow().as_ref().map(|tell| {
                let url = request.url();
                let path = url.strip_prefix(&super::origin()).unwrap_or(&url).to_owned();
                tell(request.method().as_ref(), &path)
            })
        })
    }
}

/// What to expect of a successful answer.
enum Answer {
    /// The contract's JSON for the call.
    Json,
    /// Nothing to read (204 No Content): the call's answer is `()`.
    Empty,
}

/// Sends a request (a screen's, unless `scope` says otherwise) and reads the contract's
/// answer: `T`, or why there is none.
async fn call<B: Serialize, T: DeserializeOwned>(
    builder: RequestBuilder,
    body: Option<&B>,
    answer: Answer,
    scope: Scope,
) -> ApiResult<T> {
    let screen = (scope == Scope::Screen).then(ends_with_its_screen).flatten();
    let builder = builder.abort_signal(screen.as_ref().map(|(signal, _)| signal));
    let request = match body {
        Some(body) => builder.json(body),
        None => builder.build(),
    }
    // Only a body that does not serialize fails here; the contract's types always do.
    .map_err(|_| Failure::Network)?;
    #[cfg(feature = "gallery")]
    let answered = match stand_in::decide(&request) {
        None | Some(StandInAnswer::Send) => None,
        Some(StandInAnswer::Hold) => {
            drop(screen);
            return std::future::pending().await;
        }
        Some(StandInAnswer::Answer(status, body)) => Some(
            web_sys::Response::new_with_opt_str_and_init(Some(&body), &{
                let init = web_sys::ResponseInit::new();
                init.set_status(status);
                init
            })
            .map(gloo_net::http::Response::from)
            .map_err(|_| Failure::Network)?,
        ),
    };
    #[cfg(not(feature = "gallery"))]
    let answered: Option<gloo_net::http::Response> = None;
    let sent = match answered {
        Some(res) => Ok(res),
        None => request.send().await,
    };
    let res = sent.map_err(|e| {
        if cancelled(&e) {
            Failure::Abandoned
        } else {
            Failure::Network
        }
    })?;
    // An answer came but cannot be read: cut short by the screen ending, or not the
    // contract's (a proxy's HTML error page, a body cut off, a 2xx that does not parse).
    let unreadable = |e: gloo_net::Error| {
        if cancelled(&e) {
            Failure::Abandoned
        } else {
            Failure::Unreadable { status: res.status() }
        }
    };
    let result = match (res.ok(), answer) {
        (true, Answer::Json) => res.json::<T>().await.map_err(unreadable),
        (true, Answer::Empty) => serde_json::from_value(serde_json::Value::Null)
            .map_err(|e| unreadable(gloo_net::Error::SerdeError(e))),
        (false, _) => match res.json::<ApiError>().await {
            Ok(e) => Err(Failure::Api(e)),
            Err(e) => Err(unreadable(e)),
        },
    };
    drop(screen);
    result
}

#[cfg(feature = "gallery")]
fn origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

/// A GET of an API path (every read below goes through it).
pub async fn get<T: DeserializeOwned>(path: &str) -> ApiResult<T> {
    call(
        in_language(Request::get(path)),
        None::<&()>,
        Answer::Json,
        Scope::Screen,
    )
    .await
}

async fn post<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> ApiResult<T> {
    call(
        guarded(Request::post(path)),
        Some(body),
        Answer::Json,
        Scope::Screen,
    )
    .await
}

/// A state-changing request whose success has no body.
async fn send_empty(builder: RequestBuilder) -> ApiResult<()> {
    call(guarded(builder), None::<&()>, Answer::Empty, Scope::Screen).await
}

pub async fn health() -> ApiResult<Health> {
    call(
        in_language(Request::get(paths::HEALTH)),
        None::<&()>,
        Answer::Json,
        Scope::App,
    )
    .await
}

/// The app's session: shared by every screen, so never cancelled with one.
pub async fn session() -> ApiResult<SessionView> {
    call(
        in_language(Request::get(paths::SESSION)),
        None::<&()>,
        Answer::Json,
        Scope::App,
    )
    .await
}

pub async fn set_account_language(language: Language) -> ApiResult<SessionView> {
    let req = LanguageRequest { language };
    call(
        guarded(Request::put(paths::SESSION_LANGUAGE)),
        Some(&req),
        Answer::Json,
        Scope::App,
    )
    .await
}

/// Answers the same whether or not the address has an account: an e-mail is on its way.
pub async fn sign_up(req: &SignUpRequest) -> ApiResult<SignUpAccepted> {
    post(paths::SIGN_UP, req).await
}

/// The sign-up e-mail's link: creates the account and its session.
pub async fn confirm_sign_up(token: String) -> ApiResult<SessionView> {
    post(paths::SIGN_UP_CONFIRM, &SignUpConfirmRequest { token }).await
}

/// What an account-change e-mail's "this wasn't me" link is about (changes nothing).
pub async fn look_at_change(token: String) -> ApiResult<ChangeReportView> {
    post(paths::CHANGE_REPORT, &ChangeReportRequest { token }).await
}

/// "This wasn't me", confirmed: the change is undone and every session ended.
pub async fn report_change(token: String) -> ApiResult<ChangeReportedView> {
    post(paths::CHANGE_REPORT_UNDO, &ChangeReportRequest { token }).await
}

pub async fn sign_in(req: &SignInRequest) -> ApiResult<SessionView> {
    post(paths::SIGN_IN, req).await
}

pub async fn sign_out() -> ApiResult<()> {
    send_empty(Request::post(paths::SIGN_OUT)).await
}

pub async fn skip_mfa() -> ApiResult<SessionView> {
    post(paths::SKIP_MFA, &serde_json::json!({})).await
}

pub async fn mfa_options() -> ApiResult<MfaOptions> {
    get(paths::MFA_OPTIONS).await
}

pub async fn start_challenge(req: &StartChallengeRequest) -> ApiResult<ChallengeView> {
    post(paths::CHALLENGES, req).await
}

pub async fn resend(id: &str, channel: Option<Channel>) -> ApiResult<ChallengeView> {
    post(&paths::challenge_resend(id), &ResendRequest { channel }).await
}

/// How the code's latest text or call is getting on.
pub async fn delivery(id: &str) -> ApiResult<DeliveryView> {
    get(&paths::challenge_delivery(id)).await
}

/// `remember_browser`: "Don't ask again on this browser" (a sign-in's code only).
pub async fn verify(id: &str, code: &str, remember_browser: bool) -> ApiResult<VerifiedView> {
    post(
        &paths::challenge_verify(id),
        &VerifyCodeRequest {
            code: code.to_owned(),
            remember_browser,
        },
    )
    .await
}

pub async fn verify_totp(purpose: Purpose, code: &str, remember_browser: bool) -> ApiResult<VerifiedView> {
    post(
        paths::TOTP_VERIFY,
        &TotpVerifyRequest {
            purpose,
            code: code.to_owned(),
            remember_browser,
        },
    )
    .await
}

/// A new authenticator-app key (and its QR code) for this session.
pub async fn app_setup() -> ApiResult<AppSetupView> {
    post(paths::APP_SETUP, &serde_json::json!({})).await
}

/// The app's first code: adds the method.
pub async fn app_confirm(code: &str) -> ApiResult<VerifiedView> {
    post(
        paths::APP_CONFIRM,
        &AppConfirmRequest {
            code: code.to_owned(),
        },
    )
    .await
}

/// A new set of recovery codes (the old set stops working).
pub async fn new_recovery_codes() -> ApiResult<RecoveryCodesView> {
    post(paths::RECOVERY_CODES, &serde_json::json!({})).await
}

/// "I do not have access to my phone": a recovery code as a sign-in's second factor.
pub async fn recovery_sign_in(code: &str) -> ApiResult<VerifiedView> {
    post(
        paths::RECOVERY_SIGN_IN,
        &RecoveryCodeRequest {
            code: code.to_owned(),
        },
    )
    .await
}

/// Forgets one remembered browser (`Some(id)`) or all of them.
pub async fn forget_browsers(id: Option<i64>) -> ApiResult<SessionView> {
    let path = match id {
        Some(id) => paths::remembered_browser(id),
        None => paths::REMEMBERED_BROWSERS.to_owned(),
    };
    call(
        guarded(Request::delete(&path)),
        None::<&()>,
        Answer::Json,
        Scope::Screen,
    )
    .await
}

pub async fn update_method(id: i64, req: &UpdateMethodRequest) -> ApiResult<MethodView> {
    call(
        guarded(Request::patch(&paths::method(id))),
        Some(req),
        Answer::Json,
        Scope::Screen,
    )
    .await
}

pub async fn remove_method(id: i64) -> ApiResult<()> {
    send_empty(Request::delete(&paths::method(id))).await
}
