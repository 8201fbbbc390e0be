use crate::api;
use crate::components::{ErrorSummary, FieldError, Page, TextField};
use crate::i18n::*;
use crate::language::to_language;
use leptos::prelude::*;
use phone_mfa_contract::policy::{MIN_PASSWORD_CHARS, SIGN_UP_LINK_TTL_SECS};
use phone_mfa_contract::SignUpRequest;

/// Create an account: the address and a password, then "check your e-mail". The
/// e-mail's link continues (`routes::continue_sign_up`). The server answers the same
/// for an address that already has an account (its owner gets a notice instead), so
/// this screen cannot tell anyone which addresses have accounts.
#[component]
pub fn CreateAccount() -> impl IntoView {
    let sent_to = RwSignal::new(None::<String>);
    view! {
        {move || match sent_to.get() {
            Some(email) => view! { <CheckYourEmail email=email on_again=move || sent_to.set(None) /> }.into_any(),
            None => view! { <SignUpForm sent_to=sent_to /> }.into_any(),
        }}
    }
}

/// After sign-up: where the link went and what to do if it does not come.
#[component]
pub fn CheckYourEmail(email: String, on_again: impl Fn() + Send + Sync + 'static) -> impl IntoView {
    let i18n = use_i18n();
    let minutes = SIGN_UP_LINK_TTL_SECS / 60;
    view! {
        <Page title=Signal::derive(move || t_string!(i18n, create_account.check_title).to_string())>
            // The heading takes focus and is announced; no live region on top of it.
            <p class="alert success">{move || t_string!(i18n, create_account.check_sent, email = email.clone()).to_string()}</p>
            <p>{t!(i18n, create_account.check_link, minutes = minutes)}</p>
            <p>{t!(i18n, create_account.check_missing)}</p>
            <button type="button" class="button secondary" on:click=move |_| on_again()>
                {t!(i18n, create_account.check_again)}
            </button>
        </Page>
    }
}

/// The sign-up form with these problems showing, for the design gallery
/// (`crate::preview`; never set in production builds).
#[derive(Debug, Clone, Default)]
pub struct CreateAccountPreview {
    pub email: String,
    pub errors: Vec<FieldError>,
}

#[component]
fn SignUpForm(sent_to: RwSignal<Option<String>>) -> impl IntoView {
    let i18n = use_i18n();
    let preview = crate::preview::preview::<CreateAccountPreview>().unwrap_or_default();
    let email = RwSignal::new(preview.email);
    let password = RwSignal::new(String::new());
    let errors = RwSignal::new(preview.errors);
    let submit = Action::new_local(|req: &SignUpRequest| {
        let req = req.clone();
        async move { api::sign_up(&req).await }
    });
    Effect::new(move |_| {
        if let Some(result) = submit.value().get() {
            match result {
                Ok(accepted) => sent_to.set(Some(accepted.email)),
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
