use crate::components::Page;
use leptos::prelude::*;

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <Page title="Page not found">
            <p>"If you typed the web address, check it is correct."</p>
            <p><a href="/">"Go to the start"</a></p>
        </Page>
    }
}
