//! Every call to the server, typed with the contract crate. Nothing else in the app
//! talks HTTP.

use crate::i18n::*;
use gloo_net::http::{Request, RequestBuilder, Response};
use phone_mfa_contract::*;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::cell::Cell;

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
            Failure::Network => td_string!(locale(), app.network_error).to_string(),
        }
    }
    pub fn code(&self) -> Option<ErrorCode> {
        self.api().map(|e| e.error)
    }
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Failure::Api(e) => Some(e),
            Failure::Unreadable { .. } | Failure::Network => None,
        }
    }
}

pub type ApiResult<T> = Result<T, Failure>;

/// The contract's answer, or why there is none: an error the server explained, or an
/// answer that is not what the contract describes (whatever its status).
async fn read<T: DeserializeOwned>(res: Response) -> ApiResult<T> {
    let unreadable = Failure::Unreadable { status: res.status() };
    if res.ok() {
        return res.json::<T>().await.map_err(|_| unreadable);
    }
    res.json::<ApiError>()
        .await
        .map_err(|_| unreadable)
        .and_then(|e| Err(Failure::Api(e)))
}

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

/// A GET of an API path (every read below goes through it).
pub async fn get<T: DeserializeOwned>(path: &str) -> ApiResult<T> {
    let res = in_language(Request::get(path))
        .send()
        .await
        .map_err(|_| Failure::Network)?;
    read(res).await
}

async fn post<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> ApiResult<T> {
    let req = guarded(Request::post(path))
        .json(body)
        .map_err(|_| Failure::Network)?;
    let res = req.send().await.map_err(|_| Failure::Network)?;
    read(res).await
}

async fn send_empty(builder: RequestBuilder) -> ApiResult<()> {
    let res = guarded(builder).send().await.map_err(|_| Failure::Network)?;
    if res.ok() {
        Ok(())
    } else {
        read::<()>(res).await
    }
}

pub async fn health() -> ApiResult<Health> {
    get(paths::HEALTH).await
}

pub async fn session() -> ApiResult<SessionView> {
    get(paths::SESSION).await
}

pub async fn set_account_language(language: Language) -> ApiResult<SessionView> {
    let req = guarded(Request::put(paths::SESSION_LANGUAGE))
        .json(&LanguageRequest { language })
        .map_err(|_| Failure::Network)?;
    let res = req.send().await.map_err(|_| Failure::Network)?;
    read(res).await
}

/// Answers the same whether or not the address has an account: an e-mail is on its way.
pub async fn sign_up(req: &SignUpRequest) -> ApiResult<SignUpAccepted> {
    post(paths::SIGN_UP, req).await
}

/// The sign-up e-mail's link: creates the account and its session.
pub async fn confirm_sign_up(token: String) -> ApiResult<SessionView> {
    post(paths::SIGN_UP_CONFIRM, &SignUpConfirmRequest { token }).await
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

pub async fn verify(id: &str, code: &str) -> ApiResult<VerifiedView> {
    post(
        &paths::challenge_verify(id),
        &VerifyCodeRequest {
            code: code.to_owned(),
        },
    )
    .await
}

pub async fn verify_totp(purpose: Purpose, code: &str) -> ApiResult<VerifiedView> {
    post(
        paths::TOTP_VERIFY,
        &TotpVerifyRequest {
            purpose,
            code: code.to_owned(),
        },
    )
    .await
}

pub async fn update_method(id: i64, req: &UpdateMethodRequest) -> ApiResult<MethodView> {
    let builder = guarded(Request::patch(&paths::method(id)));
    let res = builder
        .json(req)
        .map_err(|_| Failure::Network)?
        .send()
        .await
        .map_err(|_| Failure::Network)?;
    read(res).await
}

pub async fn remove_method(id: i64) -> ApiResult<()> {
    send_empty(Request::delete(&paths::method(id))).await
}
