use crate::components::Page;
use crate::flow::load_pending;
use leptos::prelude::*;
use phone_mfa_contract::Purpose;

/// "I didn't receive a text message or phone call": the checklist from the help
/// article, then the ways forward.
#[component]
pub fn NoCode() -> impl IntoView {
    let pending = load_pending();
    let can_change_number = pending
        .as_ref()
        .is_some_and(|p| matches!(p.challenge.purpose, Purpose::Setup | Purpose::PhoneChange));
    view! {
        <Page title="I didn't receive a text message or phone call">
            <p>"Texts and calls usually arrive within a minute. If yours hasn't:"</p>
            <ol class="checklist">
                <li>"Confirm you have a reliable WiFi or mobile internet connection."</li>
                <li>"Confirm your phone has the most up-to-date operating system installed."</li>
                <li>"Check with your phone provider that your service is active."</li>
                <li>"Restart your phone."</li>
                <li>"Try again: send a new code, or ask for a call instead of a text (or a text instead of a call)."</li>
            </ol>
            {match pending {
                Some(_) => view! { <a class="button primary" href="/verify">"Try again"</a> }.into_any(),
                None => view! { <a class="button primary" href="/">"Start again"</a> }.into_any(),
            }}
            {can_change_number.then(|| view! { <p><a href="/setup/phone">"Use a different number"</a></p> })}
        </Page>
    }
}
