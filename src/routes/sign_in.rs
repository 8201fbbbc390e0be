use crate::api;
use crate::components::{ErrorSummary, FieldError, Page, TextField};
use crate::flow::Auth;
use crate::i18n::*;
use crate::routes::{go, home_for};
use leptos::prelude::*;
use phone_mfa_contract::SignInRequest;

/// Sign in: the password half. Where it leads depends on the account: setup, the
/// second factor, or straight to the dashboard.
#[component]
pub fn SignIn() -> impl IntoView {
    let i18n = use_i18n();
    let auth = Auth::get();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<FieldError>::new());
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
