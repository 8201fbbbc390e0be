//! Phone MFA, the single-page app: every screen of text-message and phone-call
//! multi-factor authentication, written with Leptos (client-side rendered).
//!
//! `api` is all HTTP, `browser` the clipboard, downloads and printing, `flow` the state shared between screens, `components` the
//! building blocks, `routes` one screen a file and `screens` the one list of them
//! (paths, chunks, preloads, gallery states).

pub mod api;
pub mod browser;
pub mod components;
pub mod first_paint;
pub mod flow;
#[cfg(feature = "gallery")]
pub mod gallery;
pub mod language;
pub mod preview;
pub mod routes;
pub mod screens;
pub mod validation;

// `crate::i18n`: the locales, keys and `t!` macros generated from locales/*.json by build.rs.
include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));

use crate::i18n::*;
use leptos::prelude::*;
use leptos_router::components::Router;

pub(crate) use screens::preload_later_screens;

/// How long a screen opened directly has the network to itself before the later
/// screens' code is fetched.
const PRELOAD_WHEN_OPENED_DIRECTLY_AFTER_MS: u64 = 3_000;

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
    first_paint::provide();
    Effect::new(move |_| {
        if auth.session.with(Option::is_some) {
            flow::note_signed_in();
        }
    });
    // The sign-in screen needs none of the later screens; once there is a session, fetch
    // them all while the person reads (see `preload_later_screens`). A screen opened
    // directly (a reload, a link) with a session loads its own code first: the others
    // would compete with it on a slow phone (issue 21), so they wait a moment. Signing
    // in starts them at once, while the password is checked (routes/sign_in.rs).
    Effect::new(move |_| {
        if auth.session.with(Option::is_some) {
            set_timeout(
                preload_later_screens,
                std::time::Duration::from_millis(PRELOAD_WHEN_OPENED_DIRECTLY_AFTER_MS),
            );
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
                <first_paint::FirstPaintCard />
                <screens::AppRoutes />
            </main>
            <Footer />
        </Router>
    }
}

/// The footer: help in the same place on every screen (WCAG 2.2 "Consistent Help").
/// The server's status is for operators (`/api/health/ready`), not for the people signing in.
#[component]
fn Footer() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <footer class="site-footer">
            <p><a href="/help/no-code">{t!(i18n, app.footer_help)}</a></p>
        </footer>
    }
}
