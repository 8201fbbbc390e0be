//! Phone MFA, the single-page app: every screen of text-message and phone-call
//! multi-factor authentication, written with Leptos (client-side rendered).
//!
//! `api` is all HTTP, `flow` the state shared between screens, `components` the
//! building blocks and `routes` one screen a file.

pub mod api;
pub mod components;
pub mod flow;
pub mod routes;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use routes::{
    choose_method::ChooseMethod,
    code::EnterCode,
    confirmed::PhoneConfirmed,
    create_account::CreateAccount,
    current_method::{Reauthenticate, SignInMethod},
    dashboard::Dashboard,
    health::ServerStatus,
    not_found::NotFound,
    phone::EnterPhone,
    sign_in::SignIn,
    success::AccountSecure,
    troubleshooting::NoCode,
};

/// The whole app: a header, the current screen, a footer.
#[component]
pub fn App() -> impl IntoView {
    flow::Auth::provide();
    view! {
        <Router>
            <a class="skip-link" href="#main">"Skip to main content"</a>
            <header class="site-header">
                <a href="/" class="brand">"Phone MFA"</a>
            </header>
            <main id="main">
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=SignIn />
                    <Route path=path!("/sign-in") view=SignIn />
                    <Route path=path!("/create-account") view=CreateAccount />
                    <Route path=path!("/setup") view=ChooseMethod />
                    <Route path=path!("/setup/phone") view=EnterPhone />
                    <Route path=path!("/setup/confirmed") view=PhoneConfirmed />
                    <Route path=path!("/setup/secure") view=AccountSecure />
                    <Route path=path!("/verify") view=EnterCode />
                    <Route path=path!("/sign-in/verify") view=SignInMethod />
                    <Route path=path!("/account") view=Dashboard />
                    <Route path=path!("/account/confirm") view=Reauthenticate />
                    <Route path=path!("/help/no-code") view=NoCode />
                </Routes>
            </main>
            <footer class="site-footer">
                <ServerStatus />
            </footer>
        </Router>
    }
}
