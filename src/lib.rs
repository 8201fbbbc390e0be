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
pub mod language;
pub mod routes;
pub mod validation;

// `crate::i18n`: the locales, keys and `t!` macros generated from locales/*.json by build.rs.
include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));

use crate::i18n::*;
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::hooks::use_location;
use leptos_router::{path, Lazy, LazyRoute};

/// A screen reached after the sign-in screen, as a route whose code loads when it is
/// first opened. Release builds made by xtask set `--cfg phone_mfa_split`: each such
/// screen is then a split point (its own `$chunk`) and `cargo xtask build` cuts its code
/// out of the app's wasm into chunks fetched on demand (wasm-split, see
/// xtask/src/split.rs), so the sign-in screen downloads only what it needs (issue 8).
/// Other builds (`trunk serve`, the browser tests) keep one wasm; the route is then an
/// ordinary async view.
///
/// Written with `wasm_split`'s `fallible` option rather than Leptos' `#[lazy_route]`:
/// there a chunk that fails to download (a flaky connection) panics, which ends the
/// whole app; here the person sees [`routes::unavailable::ScreenUnavailable`] and can
/// try again.
macro_rules! lazy_screen {
    ($route:ident, $chunk:ident => $view:expr) => {
        #[derive(Clone)]
        struct $route;

        #[cfg(phone_mfa_split)]
        mod $chunk {
            use super::*;
            use leptos::wasm_split::{wasm_split, SplitLoaderError};

            #[wasm_split($chunk, wasm_split_path = ::leptos::wasm_split, preload(preload), fallible)]
            pub fn view() -> Result<AnyView, SplitLoaderError> {
                Ok($view.into_any())
            }
        }

        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            #[cfg(phone_mfa_split)]
            async fn view(_this: Self) -> AnyView {
                $chunk::view().await.unwrap_or_else(|_| {
                    view! { <crate::routes::unavailable::ScreenUnavailable /> }.into_any()
                })
            }

            #[cfg(not(phone_mfa_split))]
            async fn view(_this: Self) -> AnyView {
                $view.into_any()
            }

            #[cfg(phone_mfa_split)]
            async fn preload() {
                // A failed download is not remembered: opening the screen tries again.
                let _ = $chunk::preload().await;
            }
        }
    };
}

lazy_screen!(CreateAccountScreen, create_account_chunk => view! { <CreateAccount /> });
lazy_screen!(ContinueSignUpScreen, continue_sign_up_chunk => view! { <ContinueSignUp /> });
lazy_screen!(ChooseMethodScreen, choose_method_chunk => view! { <ChooseMethod /> });
lazy_screen!(EnterPhoneScreen, enter_phone_chunk => view! { <EnterPhone /> });
lazy_screen!(PhoneConfirmedScreen, phone_confirmed_chunk => view! { <PhoneConfirmed /> });
lazy_screen!(AccountSecureScreen, account_secure_chunk => view! { <AccountSecure /> });
lazy_screen!(EnterCodeScreen, enter_code_chunk => view! { <EnterCode /> });
lazy_screen!(SignInMethodScreen, sign_in_method_chunk => view! { <SignInMethod /> });
lazy_screen!(DashboardScreen, dashboard_chunk => view! { <Dashboard /> });
lazy_screen!(ReauthenticateScreen, reauthenticate_chunk => view! { <Reauthenticate /> });
lazy_screen!(NoCodeScreen, no_code_chunk => view! { <NoCode /> });
lazy_screen!(GalleryScreen, gallery_chunk => view! { <GalleryRoute /> });

/// Fetches the code of every screen after sign-in in the background, once (a no-op in
/// unsplit builds). Called when a password is sent and whenever there is a session:
/// from then on any of them is a click away, and a screen must not wait for its code,
/// or stay clickable while it loads, when a step completes.
pub(crate) fn preload_later_screens() {
    use leptos::task::spawn_local;
    use std::sync::atomic::{AtomicBool, Ordering};
    static STARTED: AtomicBool = AtomicBool::new(false);
    if STARTED.swap(true, Ordering::Relaxed) {
        return;
    }
    spawn_local(ChooseMethodScreen::preload());
    spawn_local(EnterPhoneScreen::preload());
    spawn_local(EnterCodeScreen::preload());
    spawn_local(PhoneConfirmedScreen::preload());
    spawn_local(AccountSecureScreen::preload());
    spawn_local(SignInMethodScreen::preload());
    spawn_local(DashboardScreen::preload());
    spawn_local(ReauthenticateScreen::preload());
    spawn_local(NoCodeScreen::preload());
}
use routes::{
    choose_method::ChooseMethod,
    code::EnterCode,
    confirmed::PhoneConfirmed,
    continue_sign_up::ContinueSignUp,
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

/// The whole app, in the person's language: a header, the current screen, a footer.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <I18nContextProvider>
            <Screens />
        </I18nContextProvider>
    }
}

#[component]
fn Screens() -> impl IntoView {
    let i18n = use_i18n();
    // The browser's language (chosen by the provider) unless the person picked one here.
    // An effect, so it runs after the provider's own (which sets the browser's language
    // once mounted) and wins; it runs once, before the first paint.
    Effect::new(move |_| {
        if let Some(chosen) = language::remembered() {
            i18n.set_locale(chosen);
        }
    });
    let auth = flow::Auth::provide();
    // The sign-in screen needs none of the later screens; once there is a session, fetch
    // them all while the person reads (see `preload_later_screens`).
    Effect::new(move |_| {
        if auth.session.with(Option::is_some) {
            preload_later_screens();
        }
    });
    // The worker trunk builds from src/bin/validator.rs (index.html, data-type="worker").
    validation::Validator::web_worker("/validator_loader.js").provide();
    // Every request says which language to answer in, and a signed-in account follows
    // the language in use, so its texts, calls and emails match what the person reads.
    Effect::new(move |_| {
        let language = language::to_language(i18n.get_locale());
        api::set_language(language);
        // The design gallery's sessions are made up: it calls no server.
        let in_gallery = window()
            .location()
            .pathname()
            .is_ok_and(|p| p.starts_with("/gallery"));
        if let Some(session) = auth.session.get().filter(|_| !in_gallery) {
            if session.language != language {
                leptos::task::spawn_local(async move {
                    if let Ok(updated) = api::set_account_language(language).await {
                        auth.session.set(Some(updated));
                    }
                });
            }
        }
    });
    view! {
        <Router>
            <a class="skip-link" href="#main">{t!(i18n, app.skip_link)}</a>
            <header class="site-header">
                <a href="/" class="brand">{t!(i18n, app.name)}</a>
                <language::LanguageSwitch />
            </header>
            <main id="main">
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=SignIn />
                    <Route path=path!("/sign-in") view=SignIn />
                    <Route path=path!("/create-account") view={Lazy::<CreateAccountScreen>::new()} />
                    <Route path=path!("/create-account/continue") view={Lazy::<ContinueSignUpScreen>::new()} />
                    <Route path=path!("/setup") view={Lazy::<ChooseMethodScreen>::new()} />
                    <Route path=path!("/setup/phone") view={Lazy::<EnterPhoneScreen>::new()} />
                    <Route path=path!("/setup/confirmed") view={Lazy::<PhoneConfirmedScreen>::new()} />
                    <Route path=path!("/setup/secure") view={Lazy::<AccountSecureScreen>::new()} />
                    <Route path=path!("/verify") view={Lazy::<EnterCodeScreen>::new()} />
                    <Route path=path!("/sign-in/verify") view={Lazy::<SignInMethodScreen>::new()} />
                    <Route path=path!("/account") view={Lazy::<DashboardScreen>::new()} />
                    <Route path=path!("/account/confirm") view={Lazy::<ReauthenticateScreen>::new()} />
                    <Route path=path!("/help/no-code") view={Lazy::<NoCodeScreen>::new()} />
                    <Route path=path!("/gallery") view={Lazy::<GalleryScreen>::new()} />
                    <Route path=path!("/gallery/:state") view={Lazy::<GalleryScreen>::new()} />
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
