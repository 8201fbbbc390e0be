//! The one list of screens. Each entry gives a screen's component, its paths, how its
//! code loads, and its states in the design gallery; the routes, the wasm chunks, the
//! preloads after sign-in and the gallery's navigation are all generated from it, so a
//! screen is added, moved or split in one place.
//!
//! Loading:
//! - `(eager)`: in the app's first download (the sign-in screen, and what must show
//!   when a download fails);
//! - `(lazy <chunk>::<screen>)`: in `<chunk>`, fetched when one of its screens is first
//!   opened;
//! - `(preloaded <chunk>::<screen>)`: in `<chunk>`, also fetched in the background once
//!   there is a session (`preload_later_screens`), so a step never waits for the next
//!   screen.
//!
//! Screens share a chunk where they share most of their code: the split makes a file
//! for each set of chunks that use a piece of code, so one chunk per screen cut the
//! shared code into 126 files, 14 to 61 per screen. On slow 4G each file costs a round
//! trip, six at a time: Lighthouse put a screen's LCP up by about 25 ms a file and 4 ms
//! a KB (issue 21's note). With four chunks a screen needs about 8 files.
//! - `signed_out`: opened without a session (create an account, a recovery code, "this
//!   wasn't me"), so fetched only when opened;
//! - `phone`: the number and its confirmation, kept apart so the phone screen stays
//!   small (its size guard, xtask/src/bench.rs);
//! - `methods`: choosing, adding and listing ways in (setup, the app, recovery codes,
//!   the dashboard);
//! - `codes`: entering a code, at sign-in or to confirm it's you, and troubleshooting.
//!
//! `<screen>` names the screen's own module in this file.
//!
//! Release builds made by xtask set `--cfg phone_mfa_split`: each chunk is then a
//! wasm-split point, which `cargo xtask build` cuts out of the app's wasm into a file
//! fetched on demand (xtask/src/split.rs), so the sign-in screen downloads only what it
//! needs (issue 8). Other builds (`trunk serve`, the browser tests) keep one wasm; a
//! lazy route is then an ordinary async view.
//!
//! Written with `wasm_split`'s `fallible` option rather than Leptos' `#[lazy_route]`:
//! there a chunk that fails to download (a flaky connection) panics, which ends the
//! whole app; here the person sees [`ScreenUnavailable`] and can try again.
//!
//! First paint: `first paint [title <key>, …]` names the words a screen shows before the
//! app's code has arrived, written into its addresses' pages by `cargo xtask build`
//! (xtask/src/first_paint.rs says which parts there are). Only words the screen's first
//! render shows whatever the session holds; the macro itself ignores them.
//!
//! Gallery states: `group: ["id" => state, …]`. `group` names the screen in the
//! gallery's list (`gallery.screens.<group>`), `id` is the state's address
//! (`/gallery/<id>`), and `state` both its label (`gallery.states.<state>`) and the
//! function in `crate::gallery::states` that renders it with the screen's own component.

#[cfg(feature = "gallery")]
use crate::i18n::*;
use crate::routes::{
    app_setup::SetUpApp,
    choose_method::ChooseMethod,
    code::EnterCode,
    confirmed::PhoneConfirmed,
    continue_sign_up::ContinueSignUp,
    create_account::CreateAccount,
    current_method::{Reauthenticate, SignInMethod},
    dashboard::Dashboard,
    not_found::NotFound,
    phone::EnterPhone,
    recovery_codes::SaveRecoveryCodes,
    recovery_sign_in::UseRecoveryCode,
    sign_in::SignIn,
    success::AccountSecure,
    this_wasnt_me::ThisWasntMe,
    troubleshooting::NoCode,
    unavailable::ScreenUnavailable,
};
use leptos::prelude::*;
use leptos_router::components::{Route, Routes};
use leptos_router::{path, Lazy, LazyRoute};

/// Generates, from the table below: a `LazyRoute` per chunk (in a module named after
/// it), the `AppRoutes` component, `preload_later_screens`, and (with the gallery)
/// `GALLERY_STATES`.
macro_rules! screens {
    ($(
        $screen:ident at [$($path:tt),*], $load:tt,
            $(first paint [$($first_paint:tt)*],)?
            gallery $group:ident: [$($id:literal => $state:ident),* $(,)?];
    )*) => {
        $(screens!(@chunk $screen $load);)*

        /// Every route of the app ("page not found" for any other address).
        #[component]
        pub fn AppRoutes() -> impl IntoView {
            // Requests end with their screen: leaving a path cancels what was asked on it.
            let location = leptos_router::hooks::use_location();
            crate::api::follow_screens(location.pathname);
            Effect::new(move |_| crate::api::screen_changed(&location.pathname.get()));
            view! {
                <Routes fallback=NotFound>
                    $($(
                        <Route path=path!($path) view={screens!(@view $screen $load)} />
                    )*)*
                </Routes>
            }
        }

        /// Fetches the code of every `preloaded` screen in the background, once (a no-op
        /// in unsplit builds). Called when a password is sent and whenever there is a
        /// session: from then on any of them is a click away, and a screen must not wait
        /// for its code, or stay clickable while it loads, when a step completes.
        pub(crate) fn preload_later_screens() {
            use std::sync::atomic::{AtomicBool, Ordering};
            static STARTED: AtomicBool = AtomicBool::new(false);
            if STARTED.swap(true, Ordering::Relaxed) {
                return;
            }
            $(screens!(@preload $load);)*
        }

        /// Every state of the design gallery, in the order of its list.
        #[cfg(feature = "gallery")]
        pub const GALLERY_STATES: &[crate::gallery::GalleryState] = &[$($(
            crate::gallery::GalleryState {
                id: $id,
                group: stringify!($group),
                screen: |i18n| t_string!(i18n, gallery.screens.$group).to_string(),
                label: |i18n| t_string!(i18n, gallery.states.$state).to_string(),
                render: crate::gallery::states::$state,
            },
        )*)*];
    };

    (@view $screen:ident (eager)) => { $screen };
    (@view $screen:ident ($load:ident $chunk:ident :: $name:ident)) => {
        Lazy::<$name::Screen>::new()
    };

    (@preload (preloaded $chunk:ident :: $name:ident)) => {
        leptos::task::spawn_local(<$name::Screen as LazyRoute>::preload());
    };
    (@preload ($($other:tt)*)) => {};

    // An eager screen is named so the compiler checks it exists, though it has no chunk.
    (@chunk $screen:ident (eager)) => {
        const _: fn() -> AnyView = || view! { <$screen /> }.into_any();
    };
    (@chunk $screen:ident ($load:ident $chunk:ident :: $name:ident)) => {
        mod $name {
            use super::*;

            #[derive(Clone)]
            pub struct Screen;

            #[cfg(phone_mfa_split)]
            mod split {
                use super::*;
                use leptos::wasm_split::{wasm_split, SplitLoaderError};

                // Named after the screen: the functions of one chunk need names of
                // their own.
                #[wasm_split($chunk, wasm_split_path = ::leptos::wasm_split, preload(preload), fallible)]
                pub fn $name() -> Result<AnyView, SplitLoaderError> {
                    Ok(view! { <$screen /> }.into_any())
                }
            }

            impl LazyRoute for Screen {
                fn data() -> Self {
                    Screen
                }

                #[cfg(phone_mfa_split)]
                async fn view(_this: Self) -> AnyView {
                    split::$name()
                        .await
                        .unwrap_or_else(|_| view! { <ScreenUnavailable /> }.into_any())
                }

                #[cfg(not(phone_mfa_split))]
                async fn view(_this: Self) -> AnyView {
                    view! { <$screen /> }.into_any()
                }

                #[cfg(phone_mfa_split)]
                async fn preload() {
                    // A failed download is not remembered: opening the screen tries again.
                    let _ = split::preload().await;
                }
            }
        }
    };
}

screens! {
    SignIn at ["/", "/sign-in"], (eager),
        first paint [title sign_in.title],
        gallery sign_in: [
            "sign-in" => sign_in_empty,
            "sign-in-missing" => sign_in_missing,
            "sign-in-refused" => sign_in_refused,
            "sign-in-signed-out" => sign_in_signed_out,
        ];
    CreateAccount at ["/create-account"], (lazy signed_out::create_account),
        first paint [title create_account.title],
        gallery create_account: [
            "create-account" => create_account_empty,
            "create-account-errors" => create_account_errors,
            "create-account-check-email" => create_account_check_email,
        ];
    ContinueSignUp at ["/create-account/continue"], (lazy signed_out::continue_sign_up),
        gallery create_account: ["create-account-link-expired" => create_account_link_expired];
    ChooseMethod at ["/setup"], (preloaded methods::choose_method),
        first paint [title choose_method.title, intro choose_method.intro],
        gallery choose_method: [
            "choose-method" => choose_method_recommended,
            "choose-method-required" => choose_method_required,
            "choose-method-medical-provider" => choose_method_prescriber,
        ];
    EnterPhone at ["/setup/phone"], (preloaded phone::enter_phone),
        first paint [back app.back, title phone.title],
        gallery phone: [
            "phone-empty" => phone_empty,
            "phone-invalid" => phone_invalid,
            "phone-extension" => phone_extension,
            "phone-landline" => phone_landline,
            "phone-valid" => phone_valid,
            "phone-sending" => phone_sending,
            "phone-server-error" => phone_server_error,
            "phone-change" => phone_change,
        ];
    EnterCode at ["/verify"], (preloaded codes::enter_code),
        gallery code: [
            "code-fresh" => code_fresh,
            "code-sign-in" => code_sign_in,
            "code-voice" => code_voice,
            "code-resend-ready" => code_resend_ready,
            "code-wrong-3-left" => code_wrong_3_left,
            "code-wrong-1-left" => code_wrong_1_left,
            "code-locked" => code_locked,
            "code-new-sent" => code_new_sent,
            "code-rate-limited" => code_rate_limited,
            "code-expired" => code_expired,
            "code-landline" => code_landline,
            "code-delivered" => code_delivered,
            "code-opted-out" => code_opted_out,
            "code-undelivered-landline" => code_undelivered_landline,
            "code-unreachable" => code_unreachable,
            "code-blocked" => code_blocked,
            "code-call-not-answered" => code_call_not_answered,
        ];
    SetUpApp at ["/setup/app"], (preloaded methods::app_setup),
        first paint [back app.back, title app_setup.title, intro app_setup.intro],
        gallery app_setup: [
            "app-setup" => app_setup_fresh,
            "app-setup-wrong-code" => app_setup_wrong_code,
            "app-setup-expired" => app_setup_expired,
        ];
    // Shown once, after the first method is set up or new codes are asked for.
    SaveRecoveryCodes at ["/recovery-codes"], (preloaded methods::recovery_codes),
        first paint [title recovery_codes.title],
        gallery recovery_codes: [
            "recovery-codes" => recovery_codes_shown,
            "recovery-codes-gone" => recovery_codes_gone,
        ];
    PhoneConfirmed at ["/setup/confirmed"], (preloaded phone::phone_confirmed),
        gallery confirmed: [
            "confirmed" => confirmed_setup,
            "confirmed-changed" => confirmed_changed,
        ];
    AccountSecure at ["/setup/secure"], (preloaded methods::account_secure),
        first paint [title secure.title],
        gallery secure: ["secure" => secure_done];
    SignInMethod at ["/sign-in/verify"], (preloaded codes::sign_in_method),
        first paint [title current_method.title_sign_in, intro current_method.intro_sign_in],
        gallery sign_in_method: [
            "sign-in-method" => sign_in_method_both,
            "sign-in-method-wrong-app-code" => sign_in_method_wrong_app_code,
        ];
    // "I do not have access to my phone": rare, so fetched only when opened.
    UseRecoveryCode at ["/sign-in/recovery"], (lazy signed_out::recovery_sign_in),
        first paint [back app.back, title recovery_sign_in.title],
        gallery recovery_sign_in: [
            "recovery-sign-in" => recovery_sign_in_empty,
            "recovery-sign-in-wrong" => recovery_sign_in_wrong,
        ];
    Reauthenticate at ["/account/confirm"], (preloaded codes::reauthenticate),
        first paint [back app.cancel, title current_method.title_reauth, intro current_method.intro_reauth],
        gallery confirm: ["confirm-its-you" => confirm_before_adding];
    Dashboard at ["/account"], (preloaded methods::dashboard),
        first paint [title dashboard.title, wide],
        gallery dashboard: [
            "dashboard-no-mfa" => dashboard_no_mfa,
            "dashboard-one" => dashboard_one,
            "dashboard-two" => dashboard_two,
            "dashboard-five" => dashboard_five,
            "dashboard-remove-confirm" => dashboard_remove_confirm,
            "dashboard-saved" => dashboard_saved,
            "dashboard-removed" => dashboard_removed,
            "dashboard-prescriber" => dashboard_prescriber,
            "dashboard-alternatives" => dashboard_alternatives,
            "dashboard-recovered" => dashboard_recovered,
        ];
    NoCode at ["/help/no-code"], (preloaded codes::no_code),
        first paint [title no_code.title, intro no_code.intro],
        gallery no_code: ["no-code" => no_code_nothing];
    // The link in every account-change e-mail: opened signed out, often on a phone.
    ThisWasntMe at ["/this-wasnt-me"], (lazy signed_out::this_wasnt_me),
        first paint [title this_wasnt_me.title],
        gallery this_wasnt_me: [
            "this-wasnt-me" => this_wasnt_me_asking,
            "this-wasnt-me-done" => this_wasnt_me_done,
            "this-wasnt-me-no-room" => this_wasnt_me_no_room,
            "this-wasnt-me-used" => this_wasnt_me_used,
        ];
    // Shown in place of a screen whose chunk failed to download: no path of its own.
    ScreenUnavailable at [], (eager),
        gallery unavailable: ["unavailable" => unavailable_offline];
    // Any address that is no screen (the router's fallback): no path of its own.
    NotFound at [], (eager),
        gallery not_found: ["not-found" => not_found_page];
    GalleryRoute at ["/gallery", "/gallery/:state"], (lazy gallery::gallery),
        gallery gallery: [];
}

/// The design gallery where it is built in, "page not found" where it is not.
#[component]
fn GalleryRoute() -> impl IntoView {
    #[cfg(feature = "gallery")]
    let screen = view! { <crate::gallery::Gallery /> }.into_any();
    #[cfg(not(feature = "gallery"))]
    let screen = view! { <NotFound /> }.into_any();
    screen
}
