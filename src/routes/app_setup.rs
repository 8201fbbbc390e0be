use crate::api;
use crate::components::{CodeInput, ErrorSummary, FieldError, Page, StepBack, SummaryFocus};
use crate::flow::Auth;
use crate::i18n::*;
use crate::language::code_problem;
use crate::routes::{confirm_then, go, use_session_guard};
use leptos::prelude::*;
use phone_mfa_contract::code::{normalize_code, problem_while_typing};
use phone_mfa_contract::{AppSetupView, ErrorCode};
use wasm_bindgen::JsCast;

/// A state of the screen to start in, for the design gallery (`crate::preview`; never
/// set in production builds).
#[derive(Debug, Clone)]
pub struct AppSetupPreview {
    pub setup: AppSetupView,
    pub code: String,
    pub error: Option<String>,
    /// The key's time ran out: only "Start again" is offered.
    pub expired: bool,
}

/// What the setup screen is showing.
#[derive(Debug, Clone, PartialEq)]
enum Stage {
    Loading,
    /// The key (QR code and text) and the code form.
    Key(AppSetupView),
    /// The key expired or none could be made: only "Start again".
    Blocked,
}

/// The key as people type it: groups of four, like the apps show it.
pub fn grouped_key(key: &str) -> String {
    key.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

fn focus_code_field() {
    request_animation_frame(|| {
        if let Some(field) = document()
            .get_element_by_id("code")
            .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
        {
            let _ = field.focus();
            field.select();
        }
    });
}

/// Set up an authenticator app: scan the QR code (or type the key), then enter the
/// app's first code. Offered from "Choose a method" and, after re-authentication,
/// from Sign in & Security.
#[component]
pub fn SetUpApp() -> impl IntoView {
    let i18n = use_i18n();
    let preview = crate::preview::preview::<AppSetupPreview>();
    let known = if preview.is_some() {
        Signal::stored(true)
    } else {
        use_session_guard()
    };
    let auth = Auth::get();
    let setup = RwSignal::new(preview.as_ref().map(|p| p.setup.clone()));
    let code = RwSignal::new(preview.as_ref().map(|p| p.code.clone()).unwrap_or_default());
    let error = RwSignal::new(preview.as_ref().and_then(|p| p.error.clone()));
    let expired = RwSignal::new(preview.as_ref().is_some_and(|p| p.expired));
    let copied = RwSignal::new(false);
    let submits = RwSignal::new(0u32);

    let start = Action::new_local(|_: &()| api::app_setup());
    Effect::new(move |_| {
        let Some(result) = start.value().get() else { return };
        match result {
            Ok(view) => {
                setup.set(Some(view));
                expired.set(false);
                error.set(None);
                code.set(String::new());
            }
            Err(e) if e.code() == Some(ErrorCode::ReauthRequired) => confirm_then("/setup/app"),
            Err(e) => {
                error.set(Some(e.message()));
                submits.update(|n| *n += 1);
            }
        }
    });
    if preview.is_none() {
        start.dispatch_local(());
    }

    let confirm = Action::new_local(|code: &String| {
        let code = code.clone();
        async move { api::app_confirm(&code).await }
    });
    Effect::new(move |_| {
        let Some(result) = confirm.value().get() else {
            return;
        };
        match result {
            Ok(v) => {
                auth.session.set(Some(v.session));
                if v.recovery_codes.is_empty() {
                    go("/account?done=app_added", true);
                } else {
                    // The account's first method: its recovery codes, shown once.
                    auth.new_recovery_codes.set(v.recovery_codes);
                    go("/recovery-codes?next=/setup/secure", true);
                }
            }
            Err(e) => match e.code() {
                Some(ErrorCode::ReauthRequired) => confirm_then("/setup/app"),
                Some(ErrorCode::CodeExpired) => {
                    expired.set(true);
                    error.set(Some(e.message()));
                    submits.update(|n| *n += 1);
                }
                _ => {
                    error.set(Some(e.message()));
                    focus_code_field();
                }
            },
        }
    });
    let submit = move |typed: String| {
        if confirm.pending().get_untracked() || expired.get_untracked() {
            return;
        }
        match normalize_code(&typed) {
            Ok(code) => {
                error.set(None);
                confirm.dispatch_local(code);
            }
            Err(p) => {
                error.set(Some(code_problem(i18n, p)));
                submits.update(|n| *n += 1);
            }
        }
    };
    // A problem more typing cannot fix is said as it is typed (as on the code screen).
    let field_error = Signal::derive(move || {
        problem_while_typing(&code.get())
            .map(|p| code_problem(i18n, p))
            .or_else(|| error.get().filter(|_| !expired.get()))
    });
    // One problem at a time: with no key (it expired, or none could be made) the way
    // on is "Start again"; with a key, the code.
    let summary = Signal::derive(move || {
        let (field_id, message) = if expired.get() || setup.with(Option::is_none) {
            ("start-again", error.get())
        } else {
            ("code", field_error.get())
        };
        message
            .map(|message| vec![FieldError { field_id, message }])
            .unwrap_or_default()
    });
    let copy_key = move |_| {
        let Some(key) = setup.get_untracked().map(|s| s.key) else {
            return;
        };
        // Cleared first, so a second copy is announced again.
        copied.set(false);
        leptos::task::spawn_local(async move {
            copied.set(crate::browser::copy_text(&key).await);
        });
    };
    // Back to the choice during first setup; from Sign in & Security, Cancel goes back there.
    let back = Signal::derive(move || {
        let has_methods = auth
            .session
            .with(|s| s.as_ref().is_some_and(|s| !s.methods.is_empty()));
        Some(if has_methods {
            StepBack::Cancel("/account".into())
        } else {
            StepBack::Back("/setup".into())
        })
    });
    let steps = move |view: AppSetupView| {
        let size = view.qr.size + 8;
        let box_ = format!("-4 -4 {size} {size}");
        view! {
            <ol class="steps">
                <li>{t!(i18n, app_setup.step_open)}</li>
                <li>
                    <p>{t!(i18n, app_setup.step_scan)}</p>
                    // Drawn here from the server's matrix: no image service, no script.
                    <svg class="qr" viewBox=box_ role="img" aria-label=move || t_string!(i18n, app_setup.qr_label).to_string()
                        shape-rendering="crispEdges">
                        <rect x="-4" y="-4" width=size height=size fill="#fff" />
                        <path d=view.qr.path fill="#000" />
                    </svg>
                </li>
                <li>
                    <p id="key-label">{t!(i18n, app_setup.step_key)}</p>
                    <p><code class="key" id="key">{grouped_key(&view.key)}</code></p>
                    <button type="button" class="button secondary" id="copy-key" on:click=copy_key>{t!(i18n, app_setup.copy_key)}</button>
                    <p role="status" class="hint">{move || copied.get().then(|| t_string!(i18n, app_setup.key_copied).to_string())}</p>
                </li>
                <li>
                    <form novalidate on:submit=move |ev: leptos::ev::SubmitEvent| {
                        ev.prevent_default();
                        submit(code.get_untracked());
                    }>
                        <p>{t!(i18n, app_setup.step_code)}</p>
                        <CodeInput value=code on_complete=Callback::new(submit) error=field_error
                            disabled=Signal::derive(move || confirm.pending().get()) />
                        <button type="submit" class="button primary" prop:disabled=move || confirm.pending().get()>
                            {t!(i18n, app.continue_label)}
                        </button>
                    </form>
                </li>
            </ol>
        }
    };
    // What the screen shows, apart from messages: the steps are drawn once per key, not
    // again with each error (the field the person is typing in must stay).
    let stage = Memo::new(move |_| match (setup.get(), expired.get()) {
        (Some(view), false) => Stage::Key(view),
        (None, false) if error.with(Option::is_none) => Stage::Loading,
        _ => Stage::Blocked,
    });
    view! {
        <Page title=Signal::derive(move || t_string!(i18n, app_setup.title).to_string()) back=back sign_out=true>
            <ErrorSummary errors=summary focus=SummaryFocus::OnSubmit(submits.into()) />
            <p>{t!(i18n, app_setup.intro)}</p>
            {move || {
                if !known.get() {
                    return None;
                }
                Some(match stage.get() {
                    Stage::Key(view) => steps(view).into_any(),
                    Stage::Blocked => view! {
                        <button type="button" class="button primary" id="start-again"
                            prop:disabled=move || start.pending().get()
                            on:click=move |_| { start.dispatch_local(()); }>
                            {t!(i18n, app_setup.start_again)}
                        </button>
                    }
                    .into_any(),
                    Stage::Loading => view! { <p class="loading">{t!(i18n, app_setup.loading)}</p> }.into_any(),
                })
            }}
        </Page>
    }
}
