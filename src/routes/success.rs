use crate::components::Page;
use crate::flow::Auth;
use crate::i18n::*;
use leptos::prelude::*;
use phone_mfa_contract::MethodKind;

/// The end of setup: the account is now secure. What the next sign-in asks for is said
/// for the method just set up.
#[component]
pub fn AccountSecure() -> impl IntoView {
    let i18n = use_i18n();
    let auth = Auth::get();
    let by_app = move || {
        auth.session.with(|s| {
            s.as_ref()
                .and_then(|s| s.methods.iter().find(|m| m.is_default))
                .is_some_and(|m| m.kind == MethodKind::AuthenticatorApp)
        })
    };
    view! {
        <Page title=Signal::derive(move || t_string!(i18n, secure.title).to_string()) sign_out=true>
            <div class="alert success" role="status">
                <p>{move || if by_app() { t_string!(i18n, secure.done_app) } else { t_string!(i18n, secure.done) }}</p>
            </div>
            {move || (!by_app()).then(|| view! { <p>{t!(i18n, secure.keep_current)}</p> })}
            <a class="button primary" href="/account">{t!(i18n, secure.to_dashboard)}</a>
        </Page>
    }
}
