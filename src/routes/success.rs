use crate::components::Page;
use crate::i18n::*;
use leptos::prelude::*;

/// The end of setup: the account is now secure.
#[component]
pub fn AccountSecure() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Page title=Signal::derive(move || t_string!(i18n, secure.title).to_string()) sign_out=true>
            <div class="alert success" role="status">
                <p>{t!(i18n, secure.done)}</p>
            </div>
            <p>{t!(i18n, secure.keep_current)}</p>
            <a class="button primary" href="/account">{t!(i18n, secure.to_dashboard)}</a>
        </Page>
    }
}
