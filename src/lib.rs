//! Phone MFA, the single-page app: every screen of text-message and phone-call
//! multi-factor authentication, written with Leptos (client-side rendered).
//!
//! `api` is all HTTP, `flow` the state shared between screens, `components` the
//! building blocks and `routes` one screen a file.

pub mod api;
pub mod components;
pub mod flow;
#[cfg(feature = "gallery")]
pub mod gallery;
pub mod routes;
pub mod validation;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::hooks::use_location;
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
    // The worker trunk builds from src/bin/validator.rs (index.html, data-type="worker").
    validation::Validator::web_worker("/validator_loader.js").provide();
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
                    <Route path=path!("/setup") view=|| view! { <ChooseMethod /> } />
                    <Route path=path!("/setup/phone") view=|| view! { <EnterPhone /> } />
                    <Route path=path!("/setup/confirmed") view=PhoneConfirmed />
                    <Route path=path!("/setup/secure") view=AccountSecure />
                    <Route path=path!("/verify") view=|| view! { <EnterCode /> } />
                    <Route path=path!("/sign-in/verify") view=SignInMethod />
                    <Route path=path!("/account") view=Dashboard />
                    <Route path=path!("/account/confirm") view=Reauthenticate />
                    <Route path=path!("/help/no-code") view=NoCode />
                    <Route path=path!("/gallery") view=GalleryRoute />
                    <Route path=path!("/gallery/:state") view=GalleryRoute />
                </Routes>
            </main>
            <Footer />
        </Router>
    }
}

/// The design gallery where it is built in, "page not found" where it is not.
#[component]
fn GalleryRoute() -> impl IntoView {
    #[cfg(feature = "gallery")]
    let screen = view! { <gallery::Gallery /> }.into_any();
    #[cfg(not(feature = "gallery"))]
    let screen = view! { <NotFound /> }.into_any();
    screen
}

/// The footer, with the server's status except in the gallery (which calls no server).
#[component]
fn Footer() -> impl IntoView {
    let location = use_location();
    let in_gallery = move || location.pathname.get().starts_with("/gallery");
    view! {
        <footer class="site-footer">
            <Show when=move || !in_gallery()>
                <ServerStatus />
            </Show>
        </footer>
    }
}
