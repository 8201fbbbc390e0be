use crate::components::Page;
use leptos::prelude::*;

/// The end of setup: the account is now secure.
#[component]
pub fn AccountSecure() -> impl IntoView {
    view! {
        <Page title="Your account is now secure">
            <div class="alert success" role="status">
                <p>"Multi-factor authentication is set up. Next time you sign in, we'll ask for a code sent to your phone."</p>
            </div>
            <p>"If you change your phone number, smartphone or phone carrier, update your number in Sign in & Security."</p>
            <a class="button primary" href="/account">"Go to Sign in & Security"</a>
        </Page>
    }
}
