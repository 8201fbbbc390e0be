use crate::api;
use crate::components::{ErrorSummary, FieldError, Page, TextField};
use crate::flow::Auth;
use crate::routes::go;
use leptos::prelude::*;
use phone_mfa_contract::policy::MIN_PASSWORD_CHARS;
use phone_mfa_contract::SignUpRequest;

/// Create an account, then straight on to choosing an MFA method.
#[component]
pub fn CreateAccount() -> impl IntoView {
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
                message: "Enter an email address, like name@example.com".into(),
            });
        }
        if password.get_untracked().chars().count() < MIN_PASSWORD_CHARS {
            problems.push(FieldError {
                field_id: "password",
                message: format!("Your password must be at least {MIN_PASSWORD_CHARS} characters"),
            });
        }
        errors.set(problems.clone());
        if problems.is_empty() {
            submit.dispatch_local(SignUpRequest {
                email: email.get_untracked(),
                password: password.get_untracked(),
            });
        }
    };
    view! {
        <Page title="Create your account">
            <ErrorSummary errors=errors />
            <form on:submit=on_submit novalidate>
                <TextField id="email" label="Email address" input_type="email" autocomplete="email" value=email errors=errors />
                <TextField id="password" label="Create a password" input_type="password" autocomplete="new-password" value=password errors=errors help=format!("At least {MIN_PASSWORD_CHARS} characters. A few unrelated words work well.") />
                <button type="submit" class="button primary" prop:disabled=move || submit.pending().get()
                    aria-busy=move || submit.pending().get().to_string()>
                    {move || if submit.pending().get() { "Creating your account…" } else { "Create account" }}
                </button>
            </form>
            <p>"Already have an account? " <a href="/sign-in">"Sign in"</a></p>
        </Page>
    }
}
