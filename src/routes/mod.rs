//! One screen a file (see `crate::screens` for the paths, chunks and gallery states).

pub mod app_setup;
pub mod choose_method;
pub mod code;
pub mod confirmed;
pub mod continue_sign_up;
pub mod create_account;
pub mod current_method;
pub mod dashboard;
pub mod not_found;
pub mod phone;
pub mod recovery_codes;
pub mod recovery_sign_in;
pub mod sign_in;
pub mod success;
pub mod this_wasnt_me;
pub mod troubleshooting;
pub mod unavailable;

use crate::api;
use crate::flow::Auth;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;
use phone_mfa_contract::{ErrorCode, SessionStage, SessionView};

/// Where a session at this stage belongs.
pub fn home_for(session: &SessionView) -> &'static str {
    match session.stage {
        SessionStage::MfaSetup => "/setup",
        SessionStage::MfaPending => "/sign-in/verify",
        SessionStage::SignedIn => "/account",
    }
}

/// Loads the session if this screen was opened directly (reload, bookmark), and sends
/// the person to sign in when there is none. Returns whether it is known yet.
pub fn use_session_guard() -> Signal<bool> {
    let auth = Auth::get();
    let navigate = use_navigate();
    if auth.session.get_untracked().is_none() {
        // `api::session` is not cancelled with this screen: the session it loads is the
        // whole app's.
        leptos::task::spawn_local(async move {
            match api::session().await {
                Ok(s) => auth.session.set(Some(s)),
                Err(e) if e.code() == Some(ErrorCode::Unauthenticated) => navigate(
                    {
                        // Nothing of a session that ended stays in this tab (a typed
                        // number among it); say why only to someone who had one.
                        crate::flow::clear_pending();
                        if crate::flow::take_had_session() {
                            sign_in::SIGNED_OUT_PATH
                        } else {
                            "/sign-in"
                        }
                    },
                    NavigateOptions {
                        replace: true,
                        ..Default::default()
                    },
                ),
                Err(_) => {}
            }
        });
    }
    Signal::derive(move || auth.session.get().is_some())
}

/// Sends the person to confirm it's them (re-authentication), then on to `next`.
pub fn confirm_then(next: &str) {
    go(
        &format!("/account/confirm?next={}", js_sys::encode_uri_component(next)),
        false,
    );
}

/// A `navigate` that replaces the current history entry (a finished step should not
/// be reachable with Back).
pub fn go(to: &str, replace: bool) {
    let navigate = use_navigate();
    navigate(
        to,
        NavigateOptions {
            replace,
            ..Default::default()
        },
    );
}
