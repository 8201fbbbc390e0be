use crate::components::Page;
use crate::i18n::*;
use leptos::prelude::*;

#[component]
pub fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Page title=Signal::derive(move || t_string!(i18n, not_found.title).to_string())>
            <p>{t!(i18n, not_found.check_address)}</p>
            <p><a href="/">{t!(i18n, not_found.go_to_start)}</a></p>
        </Page>
    }
}
