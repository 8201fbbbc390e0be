//! When a screen's code cannot be fetched (release builds load later screens as wasm
//! chunks, see src/screens.rs): say so, and offer to try again. A failed
//! fetch is not remembered, so trying again fetches it afresh.

use crate::components::Page;
use crate::i18n::*;
use leptos::prelude::*;

#[component]
pub fn ScreenUnavailable() -> impl IntoView {
    let i18n = use_i18n();
    let retry = move |_| {
        // The screen never rendered, so nothing typed is lost by loading it again.
        let _ = window().location().reload();
    };
    view! {
        <Page title=Signal::derive(move || t_string!(i18n, unavailable.title).to_string())>
            <p>{t!(i18n, unavailable.check_connection)}</p>
            <button type="button" class="button primary" on:click=retry>
                {t!(i18n, unavailable.try_again)}
            </button>
        </Page>
    }
}
