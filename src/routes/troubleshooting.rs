use crate::components::Page;
use crate::flow::load_pending;
use crate::i18n::*;
use leptos::prelude::*;
use phone_mfa_contract::Purpose;

/// "I didn't receive a text message or phone call": the checklist from the help
/// article, then the ways forward.
#[component]
pub fn NoCode() -> impl IntoView {
    let i18n = use_i18n();
    let pending = load_pending();
    let can_change_number = pending
        .as_ref()
        .is_some_and(|p| matches!(p.challenge.purpose, Purpose::Setup | Purpose::PhoneChange));
    view! {
        <Page title=Signal::derive(move || t_string!(i18n, no_code.title).to_string())>
            <p>{t!(i18n, no_code.intro)}</p>
            <ol class="checklist">
                <li>{t!(i18n, no_code.connection)}</li>
                <li>{t!(i18n, no_code.os)}</li>
                <li>{t!(i18n, no_code.provider)}</li>
                <li>{t!(i18n, no_code.restart)}</li>
                <li>{t!(i18n, no_code.try_again_hint)}</li>
            </ol>
            {match pending {
                Some(_) => view! { <a class="button primary" href="/verify">{t!(i18n, no_code.try_again)}</a> }.into_any(),
                None => view! { <a class="button primary" href="/">{t!(i18n, app.start_again)}</a> }.into_any(),
            }}
            {can_change_number.then(|| view! { <p><a href="/setup/phone">{t!(i18n, code.different_number)}</a></p> })}
        </Page>
    }
}
