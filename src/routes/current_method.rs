use crate::api;
use crate::components::{CodeInput, ErrorSummary, FieldError, Page, RememberBrowser, StepBack, SummaryFocus};
use crate::flow::{now_ms, safe_next, save_pending, Auth, PendingCode};
use crate::i18n::*;
use crate::language::code_problem;
use crate::routes::{go, use_session_guard};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use phone_mfa_contract::code::{normalize_code, problem_while_typing};
use phone_mfa_contract::{Channel, MethodKind, MethodView, Purpose, StartChallengeRequest};

/// The authenticator-app form open with this error, for the design gallery
/// (`crate::preview`; never set in production builds).
#[derive(Debug, Clone)]
pub struct AppCodePreview {
    pub code: String,
    pub error: String,
}

/// Confirm it's you with a method you already have: the second step of sign-in
/// (`Purpose::SignIn`) and the re-authentication before changing methods
/// (`Purpose::Reauth`).
#[component]
pub fn CurrentMethod(purpose: Purpose) -> impl IntoView {
    let i18n = use_i18n();
    let known = use_session_guard();
    let auth = Auth::get();
    let next = safe_next(use_query_map().get_untracked().get("next"), "/account");
    let errors = RwSignal::new(Vec::<FieldError>::new());
    // The summary takes focus when an action fails, never as a code is typed.
    let submits = RwSignal::new(0u32);
    let preview = crate::preview::preview::<AppCodePreview>();
    let show_app = RwSignal::new(preview.is_some());
    let app_code = RwSignal::new(preview.as_ref().map(|p| p.code.clone()).unwrap_or_default());
    let app_error = RwSignal::new(preview.map(|p| p.error));

    let send = Action::new_local(move |req: &StartChallengeRequest| {
        let req = req.clone();
        async move { api::start_challenge(&req).await }
    });
    let next_after_code = next.clone();
    Effect::new(move |_| {
        let Some(result) = send.value().get() else { return };
        match result {
            Ok(challenge) => {
                save_pending(&PendingCode::new(challenge, next_after_code.clone(), now_ms()));
                go("/verify", false);
            }
            Err(e) => {
                errors.set(vec![FieldError {
                    field_id: "methods",
                    message: e.message(),
                }]);
                submits.update(|n| *n += 1);
            }
        }
    });
    // "Don't ask again on this browser" (a sign-in only).
    let remember = RwSignal::new(false);
    let totp = Action::new_local(move |code: &String| {
        let code = code.clone();
        let remember = purpose == Purpose::SignIn && remember.get_untracked();
        async move { api::verify_totp(purpose, &code, remember).await }
    });
    Effect::new(move |_| {
        let Some(result) = totp.value().get() else { return };
        match result {
            Ok(v) => {
                auth.session.set(Some(v.session));
                go(&next, true);
            }
            Err(e) => {
                // The code stays, selected, for correction.
                app_error.set(Some(e.message()));
                request_animation_frame(|| {
                    if let Some(field) = document()
                        .get_element_by_id("code")
                        .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(e).ok())
                    {
                        let _ = field.focus();
                        field.select();
                    }
                });
            }
        }
    });
    let submit_app = move |typed: String| {
        if totp.pending().get_untracked() {
            return;
        }
        match normalize_code(&typed) {
            Ok(code) => {
                app_error.set(None);
                totp.dispatch_local(code);
            }
            Err(p) => {
                app_error.set(Some(code_problem(i18n, p)));
                submits.update(|n| *n += 1);
            }
        }
    };
    // As on the code screen: a problem more typing cannot fix is said as it is typed,
    // and the summary lists what the fields say.
    let app_field_error = Signal::derive(move || {
        problem_while_typing(&app_code.get())
            .map(|p| code_problem(i18n, p))
            .or_else(|| app_error.get())
    });
    let summary = Signal::derive(move || {
        let mut all = errors.get();
        if let Some(message) = app_field_error.get() {
            all.push(FieldError {
                field_id: "code",
                message,
            });
        }
        all
    });
    let busy = move || send.pending().get() || totp.pending().get();
    let phone_row = move |m: MethodView| {
        let sms = m.channels.map(|c| c.sms).unwrap_or(false);
        let masked = m.masked_phone.clone().unwrap_or_default();
        let (masked_text, masked_call) = (masked.clone(), masked.clone());
        let id = m.id;
        let start = move |channel: Channel| {
            send.dispatch_local(StartChallengeRequest {
                purpose,
                channel,
                phone: None,
                method_id: Some(id),
            });
        };
        view! {
            <li class="method">
                <h2>{t!(i18n, methods.phone)}</h2>
                <p class="masked">{masked}</p>
                <div class="actions">
                    <button type="button" class="button primary" prop:disabled=move || !sms || busy()
                        aria-label=move || t_string!(i18n, current_method.text_me_at, phone = masked_text.clone()).to_string()
                        on:click=move |_| start(Channel::Sms)>{t!(i18n, phone.text_me)}</button>
                    <button type="button" class="button secondary" prop:disabled=busy
                        aria-label=move || t_string!(i18n, current_method.call_me_at, phone = masked_call.clone()).to_string()
                        on:click=move |_| start(Channel::Voice)>{t!(i18n, phone.call_me)}</button>
                </div>
            </li>
        }
    };
    let app_row = move || {
        view! {
            <li class="method">
                <h2>{t!(i18n, methods.app)}</h2>
                <button type="button" class="button secondary" aria-expanded=move || show_app.get().to_string()
                    on:click=move |_| show_app.update(|v| *v = !*v)>{t!(i18n, current_method.use_app)}</button>
                <form hidden=move || !show_app.get() on:submit=move |ev: leptos::ev::SubmitEvent| {
                    ev.prevent_default();
                    submit_app(app_code.get_untracked());
                }>
                    <CodeInput value=app_code on_complete=Callback::new(submit_app) error=app_field_error
                        disabled=Signal::derive(move || totp.pending().get()) />
                    {(purpose == Purpose::SignIn).then(|| view! { <RememberBrowser checked=remember /> })}
                    <button type="submit" class="button primary" prop:disabled=move || totp.pending().get()>{t!(i18n, app.continue_label)}</button>
                </form>
            </li>
        }
    };
    let signing_in = purpose == Purpose::SignIn;
    let title = Signal::derive(move || {
        if signing_in {
            t_string!(i18n, current_method.title_sign_in)
        } else {
            t_string!(i18n, current_method.title_reauth)
        }
        .to_string()
    });
    let intro = move || {
        if signing_in {
            t_string!(i18n, current_method.intro_sign_in)
        } else {
            t_string!(i18n, current_method.intro_reauth)
        }
    };
    view! {
        // Signing in, the way out is signing out; confirming it's you before a change,
        // Cancel goes back to Sign in & Security.
        <Page title=title sign_out=signing_in
            back=Signal::stored((!signing_in).then(|| StepBack::Cancel("/account".into())))>
            <ErrorSummary errors=summary focus=SummaryFocus::OnSubmit(submits.into()) />
            <p>{intro}</p>
            // Until the methods are known, a line that says so: what comes under it
            // would otherwise jump down when they arrive (a layout shift).
            <Show when=move || known.get()
                fallback=move || view! { <p class="loading">{t!(i18n, methods.loading)}</p> }>
                <ul class="methods" id="methods" tabindex="-1">
                    {move || {
                        let methods = auth.session.get().map(|s| s.methods).unwrap_or_default();
                        methods
                            .into_iter()
                            .map(|m| match m.kind {
                                MethodKind::Phone => phone_row(m).into_any(),
                                MethodKind::AuthenticatorApp => app_row().into_any(),
                            })
                            .collect_view()
                    }}
                </ul>
                // Lost the phone: a recovery code instead (a sign-in only; changing
                // methods needs a method the person has).
                {signing_in.then(|| view! {
                    <p><a href="/sign-in/recovery" id="no-phone-access">{t!(i18n, current_method.no_phone_access)}</a></p>
                })}
            </Show>
        </Page>
    }
}

#[component]
pub fn SignInMethod() -> impl IntoView {
    view! { <CurrentMethod purpose=Purpose::SignIn /> }
}

#[component]
pub fn Reauthenticate() -> impl IntoView {
    view! { <CurrentMethod purpose=Purpose::Reauth /> }
}
