use crate::components::Page;
use crate::flow::Auth;
use crate::routes::go;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use phone_mfa_contract::MethodKind;

/// Setup, after the code: the number is confirmed; Continue completes the setup.
#[component]
pub fn PhoneConfirmed() -> impl IntoView {
    let auth = Auth::get();
    let changed = use_query_map().get_untracked().get("changed").is_some();
    let phone = move || {
        auth.session
            .get()
            .and_then(|s| s.methods.into_iter().rev().find(|m| m.kind == MethodKind::Phone))
            .and_then(|m| m.masked_phone)
    };
    view! {
        <Page title=if changed { "Your new number is confirmed" } else { "Your phone number is confirmed" }>
            <p>{move || phone().map(|p| format!("We'll send your security codes to {p}."))}</p>
            <button type="button" class="button primary" on:click=move |_| go("/setup/secure", true)>"Continue"</button>
        </Page>
    }
}
