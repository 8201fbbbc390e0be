use crate::components::Page;
use crate::flow::Auth;
use crate::i18n::*;
use crate::routes::go;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use phone_mfa_contract::MethodKind;

/// Setup, after the code: the number is confirmed; Continue completes the setup.
#[component]
pub fn PhoneConfirmed() -> impl IntoView {
    let i18n = use_i18n();
    let auth = Auth::get();
    let changed = use_query_map().get_untracked().get("changed").is_some();
    let phone = move || {
        auth.session
            .get()
            .and_then(|s| s.methods.into_iter().rev().find(|m| m.kind == MethodKind::Phone))
            .and_then(|m| m.masked_phone)
    };
    view! {
        <Page title=Signal::derive(move || if changed { t_string!(i18n, confirmed.title_changed) } else { t_string!(i18n, confirmed.title) }.to_string())>
            <p>{move || phone().map(|p| t_string!(i18n, confirmed.send_to, phone = p).to_string())}</p>
            <button type="button" class="button primary" on:click=move |_| go("/setup/secure", true)>{t!(i18n, app.continue_label)}</button>
        </Page>
    }
}
