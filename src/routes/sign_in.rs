use crate::api;
use crate::components::{ErrorSummary, FieldError, Page, TextField};
use crate::flow::Auth;
use crate::i18n::*;
use crate::routes::{go, home_for};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use phone_mfa_contract::policy::SESSION_IDLE_SECS;
use phone_mfa_contract::SignInRequest;

/// A state of the sign-in screen to start in, for the design gallery
/// (`crate::preview`; never set in production builds).
#[derive(Debug, Clone, Default)]
pub struct SignInPreview {
    pub errors: Vec<FieldError>,
    /// Opened because the session ended (`?signed_out=1`).
    pub signed_out: bool,
}

/// Where a screen sends someone whose session has ended: sign in, told why.
pub const SIGNED_OUT_PATH: &str = "/sign-in?signed_out=1";

/// Sign in: the password half. Where it leads depends on the account: setup, the
/// second factor, or straight to the dashboard.
#[component]
pub fn SignIn() -> impl IntoView {
    let i18n = use_i18n();
    let auth = Auth::get();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let preview = crate::preview::preview::<SignInPreview>();
    let signed_out = match &preview {
        Some(p) => p.signed_out,
        None => use_query_map().get_untracked().get("signed_out").is_some(),
    };
    let errors = RwSignal::new(preview.map(|p| p.errors).unwrap_or_default());
    let submit = Action::new_local(|req: &SignInRequest| {
        let req = req.clone();
        async move { api::sign_in(&req).await }
    });
    Effect::new(move |_| {
        if let Some(result) = submit.value().get() {
            match result {
                Ok(session) => {
                    let to = home_for(&session);
                    auth.session.set(Some(session));
                    go(to, false);
                }
                Err(e) => errors.set(vec![FieldError {
                    field_id: "email",
                    message: e.message(),
                }]),
            }
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut problems = vec![];
        if email.get_untracked().trim().is_empty() {
            problems.push(FieldError {
                field_id: "email",
                message: t_string!(i18n, sign_in.email_missing).to_string(),
            });
        }
        if password.get_untracked().is_empty() {
            problems.push(FieldError {
                field_id: "password",
                message: t_string!(i18n, sign_in.password_missing).to_string(),
            });
        }
        errors.set(problems.clone());
        if problems.is_empty() {
            // The next screen's code downloads while the password is checked.
            crate::preload_later_screens();
            submit.dispatch_local(SignInRequest {
                email: email.get_untracked(),
                password: password.get_untracked(),
            });
        }
    };
    view! {
        <Page title=Signal::derive(move || t_string!(i18n, sign_in.title).to_string())>
            <ErrorSummary errors=errors />
            {signed_out.then(|| view! {
                <div class="alert info" id="signed-out">
                    <p>{t!(i18n, sign_in.signed_out, minutes = SESSION_IDLE_SECS / 60)}</p>
                </div>
            })}
            <form on:submit=on_submit novalidate>
                <TextField id="email" label=Signal::derive(move || t_string!(i18n, sign_in.email).to_string()) input_type="email" autocomplete="username" value=email errors=errors />
                <TextField id="password" label=Signal::derive(move || t_string!(i18n, sign_in.password).to_string()) input_type="password" autocomplete="current-password" value=password errors=errors />
                <button type="submit" class="button primary" prop:disabled=move || submit.pending().get()
                    aria-busy=move || submit.pending().get().to_string()>
                    {move || if submit.pending().get() { t_string!(i18n, sign_in.submitting) } else { t_string!(i18n, sign_in.submit) }}
                </button>
            </form>
            <p>{t!(i18n, sign_in.new_here)} <a href="/create-account">{t!(i18n, sign_in.create_account)}</a></p>
        </Page>
    }
}
