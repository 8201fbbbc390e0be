use crate::i18n::*;
use leptos::prelude::*;
use phone_mfa_contract::policy::REMEMBER_BROWSER_SECS;

/// "Don't ask again on this browser for 30 days", with the warning about shared
/// computers read with it. Off unless the person turns it on.
#[component]
pub fn RememberBrowser(checked: RwSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let days = REMEMBER_BROWSER_SECS / (24 * 60 * 60);
    view! {
        <div class="choice remember">
            <input type="checkbox" id="remember-browser" aria-describedby="remember-browser-hint"
                prop:checked=move || checked.get()
                on:change=move |ev| checked.set(event_target_checked(&ev)) />
            <label for="remember-browser">{t!(i18n, current_method.remember_browser, days)}</label>
            <p id="remember-browser-hint" class="hint">{t!(i18n, current_method.remember_warning)}</p>
        </div>
    }
}
