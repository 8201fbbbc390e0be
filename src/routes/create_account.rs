use crate::api;
use crate::components::{ErrorSummary, FieldError, Page, TextField};
use crate::flow::Auth;
use crate::i18n::*;
use crate::language::to_language;
use crate::routes::go;
use leptos::prelude::*;
use phone_mfa_contract::policy::MIN_PASSWORD_CHARS;
use phone_mfa_contract::SignUpRequest;

/// Create an account, then straight on to choosing an MFA method.
#[component]
pub fn CreateAccount() -> impl IntoView {
    let i18n = use_i18n();
    let auth = Auth::get();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let submit = Action::new_local(|req: &SignUpRequest| {
        let req = req.clone();
        async move { api::sign_up(&req).await }
    });
    Effect::new(move |_| {
        if let Some(result) = submit.value().get() {
            match result {
                Ok(session) => {
                    auth.session.set(Some(session));
                    go("/setup", false);
                }
                Err(e) => {
                    let field_id = if e.api().and_then(|a| a.field.as_deref()) == Some("password") {
                        "password"
                    } else {
                        "email"
                    };
                    errors.set(vec![FieldError {
                        field_id,
                        message: e.message(),
                    }]);
                }
            }
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut problems = vec![];
        if !email.get_untracked().contains('@') {
            problems.push(FieldError {
                field_id: "email",
                message: t_string!(i18n, create_account.email_invalid).to_string(),
            });
        }
        if password.get_untracked().chars().count() < MIN_PASSWORD_CHARS {
            problems.push(FieldError {
                field_id: "password",
                message: t_string!(i18n, create_account.password_short, min = MIN_PASSWORD_CHARS).to_string(),
            });
        }
        errors.set(problems.clone());
        if problems.is_empty() {
            // The next screen's code downloads while the account is created.
            crate::preload_later_screens();
            submit.dispatch_local(SignUpRequest {
                email: email.get_untracked(),
                password: password.get_untracked(),
                language: Some(to_language(i18n.get_locale_untracked())),
            });
        }
    };
    view! {
        <Page title=Signal::derive(move || t_string!(i18n, create_account.title).to_string())>
            <ErrorSummary errors=errors />
            <form on:submit=on_submit novalidate>
                <TextField id="email" label=Signal::derive(move || t_string!(i18n, create_account.email).to_string()) input_type="email" autocomplete="email" value=email errors=errors />
                <TextField id="password" label=Signal::derive(move || t_string!(i18n, create_account.password).to_string()) input_type="password" autocomplete="new-password" value=password errors=errors help=Signal::derive(move || t_string!(i18n, create_account.password_help, min = MIN_PASSWORD_CHARS).to_string()) />
                <button type="submit" class="button primary" prop:disabled=move || submit.pending().get()
                    aria-busy=move || submit.pending().get().to_string()>
                    {move || if submit.pending().get() { t_string!(i18n, create_account.submitting) } else { t_string!(i18n, create_account.submit) }}
                </button>
            </form>
            <p>{t!(i18n, create_account.have_account)} <a href="/sign-in">{t!(i18n, create_account.sign_in)}</a></p>
        </Page>
    }
}
