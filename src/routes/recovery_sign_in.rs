use crate::api;
use crate::components::{ErrorSummary, FieldError, Page, StepBack, SummaryFocus, TextField};
use crate::flow::Auth;
use crate::i18n::*;
use crate::language::recovery_problem;
use crate::routes::{go, use_session_guard};
use leptos::prelude::*;
use phone_mfa_contract::recovery::normalize_recovery_code;

/// The form open with this code and error, for the design gallery (`crate::preview`;
/// never set in production builds).
#[derive(Debug, Clone)]
pub struct RecoverySignInPreview {
    pub code: String,
    pub error: Option<String>,
}

/// "I do not have access to my phone": a recovery code instead of the second factor.
/// Counts against the same wrong-code limit as any code; a right one signs in, and
/// Sign in & Security then says how many are left.
#[component]
pub fn UseRecoveryCode() -> impl IntoView {
    let i18n = use_i18n();
    let preview = crate::preview::preview::<RecoverySignInPreview>();
    if preview.is_none() {
        use_session_guard();
    }
    let auth = Auth::get();
    let code = RwSignal::new(preview.as_ref().map(|p| p.code.clone()).unwrap_or_default());
    let errors = RwSignal::new(
        preview
            .and_then(|p| p.error)
            .map(|message| {
                vec![FieldError {
                    field_id: "recovery-code",
                    message,
                }]
            })
            .unwrap_or_default(),
    );
    let submit = Action::new_local(|code: &String| {
        let code = code.clone();
        async move { api::recovery_sign_in(&code).await }
    });
    Effect::new(move |_| {
        let Some(result) = submit.value().get() else {
            return;
        };
        match result {
            Ok(v) => {
                let left = v.session.recovery_codes_left;
                auth.session.set(Some(v.session));
                go(&format!("/account?done=recovered&left={left}"), true);
            }
            Err(e) => errors.set(vec![FieldError {
                field_id: "recovery-code",
                message: e.message(),
            }]),
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if submit.pending().get_untracked() {
            return;
        }
        match normalize_recovery_code(&code.get_untracked()) {
            Ok(normalized) => {
                errors.set(Vec::new());
                submit.dispatch_local(normalized);
            }
            Err(p) => errors.set(vec![FieldError {
                field_id: "recovery-code",
                message: recovery_problem(i18n, p),
            }]),
        }
    };
    view! {
        <Page title=Signal::derive(move || t_string!(i18n, recovery_sign_in.title).to_string()) sign_out=true
            back=Signal::stored(Some(StepBack::Back("/sign-in/verify".into())))>
            <ErrorSummary errors=errors focus=SummaryFocus::OnNewErrors />
            <p>{t!(i18n, recovery_sign_in.intro)}</p>
            <form novalidate on:submit=on_submit>
                <TextField id="recovery-code" input_type="text" autocomplete="off" value=code errors=errors
                    label=Signal::derive(move || t_string!(i18n, recovery_sign_in.label).to_string())
                    help=Signal::derive(move || t_string!(i18n, recovery_sign_in.hint).to_string()) />
                <button type="submit" class="button primary" prop:disabled=move || submit.pending().get()>
                    {t!(i18n, app.continue_label)}
                </button>
            </form>
            <p class="hint">{t!(i18n, recovery_sign_in.no_codes)}</p>
        </Page>
    }
}
