use crate::api;
use crate::components::Page;
use crate::flow::Auth;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;

/// The token in a sign-up link's fragment (`#token=...`). A fragment never reaches a
/// server log, a proxy or a Referer header (rule W5).
pub fn token_from_fragment(hash: &str) -> Option<String> {
    hash.trim_start_matches('#')
        .split('&')
        .find_map(|pair| pair.strip_prefix("token="))
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

/// The sign-up e-mail's link (`/create-account/continue#token=...`): creates the
/// account, then on to choosing an MFA method. A used or expired link says so and
/// offers a new one.
#[component]
pub fn ContinueSignUp() -> impl IntoView {
    let i18n = use_i18n();
    let auth = Auth::get();
    let failed = RwSignal::new(None::<String>);
    let navigate = use_navigate();
    let location = window().location();
    let token = token_from_fragment(&location.hash().unwrap_or_default());
    // The token is used once: take it out of the address bar and the history entry.
    if let Ok(history) = window().history() {
        let path = location.pathname().unwrap_or_default();
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path));
    }
    match token {
        None => failed.set(Some(t_string!(i18n, continue_sign_up.no_token).to_string())),
        Some(token) => leptos::task::spawn_local(async move {
            match api::confirm_sign_up(token).await {
                Ok(session) => {
                    auth.session.set(Some(session));
                    // Replace: Back must not return to a link that is now used up.
                    navigate(
                        "/setup",
                        NavigateOptions {
                            replace: true,
                            ..Default::default()
                        },
                    );
                }
                Err(e) => failed.set(Some(e.message())),
            }
        }),
    }
    view! {
        {move || match failed.get() {
            Some(message) => view! { <LinkExpired message=message /> }.into_any(),
            None => view! {
                <Page title=Signal::derive(move || t_string!(i18n, continue_sign_up.working).to_string())>
                    <p role="status">{t!(i18n, continue_sign_up.wait)}</p>
                </Page>
            }
            .into_any(),
        }}
    }
}

/// A sign-up link that cannot be used (used, expired, cut short by a mail program).
#[component]
pub fn LinkExpired(message: String) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Page title=Signal::derive(move || t_string!(i18n, continue_sign_up.failed_title).to_string())>
            // No live region: the page's heading takes focus and is announced, and
            // the reason is read right after it (one announcement per event).
            <p class="alert error">{message}</p>
            <a class="button primary" href="/create-account">{t!(i18n, continue_sign_up.start_again)}</a>
            <p>{t!(i18n, continue_sign_up.have_account)} <a href="/sign-in">{t!(i18n, create_account.sign_in)}</a></p>
        </Page>
    }
}

#[cfg(test)]
mod tests {
    use super::token_from_fragment;

    #[test]
    fn the_token_is_read_from_the_fragment_only() {
        assert_eq!(token_from_fragment("#token=abc-_9"), Some("abc-_9".into()));
        assert_eq!(token_from_fragment("#x=1&token=abc"), Some("abc".into()));
        assert_eq!(token_from_fragment("#token="), None);
        assert_eq!(token_from_fragment(""), None);
        assert_eq!(token_from_fragment("#tokens=abc"), None);
    }
}
