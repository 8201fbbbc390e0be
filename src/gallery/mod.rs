//! The design gallery (`/gallery`): every screen in every state, from fixture data,
//! rendered by the very components of the real flow. Built only with the `gallery`
//! feature (on by default; a production build turns it off).

use crate::i18n::*;
use leptos_i18n::I18nContext;
mod fixtures;

use crate::flow::{now_ms, Auth};
use crate::routes::choose_method::ChooseMethod;
use crate::routes::code::{CodePreview, EnterCode};
use crate::routes::confirmed::PhoneConfirmed;
use crate::routes::continue_sign_up::LinkExpired;
use crate::routes::create_account::{CheckYourEmail, CreateAccount};
use crate::routes::current_method::{Reauthenticate, SignInMethod};
use crate::routes::dashboard::Dashboard;
use crate::routes::phone::{EnterPhone, PhonePreview};
use crate::routes::sign_in::SignIn;
use crate::routes::success::AccountSecure;
use crate::routes::troubleshooting::NoCode;
use fixtures::*;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use phone_mfa_contract::{Channel, SessionStage};

/// One state of one screen, with its own URL: `/gallery/<id>`, and its names in the
/// gallery's list (in the current language).
pub struct GalleryState {
    pub id: &'static str,
    /// Which screen (states of one screen are listed together).
    pub screen_key: &'static str,
    pub screen: fn(I18nContext<Locale>) -> String,
    pub label: fn(I18nContext<Locale>) -> String,
}

macro_rules! states {
    ($($id:literal, $screen:ident, $label:ident;)*) => {
        pub const STATES: &[GalleryState] = &[$(GalleryState {
            id: $id,
            screen_key: stringify!($screen),
            screen: |i18n| t_string!(i18n, gallery.screens.$screen).to_string(),
            label: |i18n| t_string!(i18n, gallery.states.$label).to_string(),
        }),*];
    };
}

states! {
    "sign-in", sign_in, sign_in_empty;
    "create-account", create_account, create_account_empty;
    "create-account-check-email", create_account, create_account_check_email;
    "create-account-link-expired", create_account, create_account_link_expired;
    "choose-method", choose_method, choose_method_recommended;
    "choose-method-required", choose_method, choose_method_required;
    "choose-method-medical-provider", choose_method, choose_method_prescriber;
    "phone-empty", phone, phone_empty;
    "phone-invalid", phone, phone_invalid;
    "phone-extension", phone, phone_extension;
    "phone-landline", phone, phone_landline;
    "phone-valid", phone, phone_valid;
    "phone-sending", phone, phone_sending;
    "phone-server-error", phone, phone_server_error;
    "phone-change", phone, phone_change;
    "code-fresh", code, code_fresh;
    "code-voice", code, code_voice;
    "code-resend-ready", code, code_resend_ready;
    "code-wrong-3-left", code, code_wrong_3_left;
    "code-locked", code, code_locked;
    "code-expired", code, code_expired;
    "code-landline", code, code_landline;
    "confirmed", confirmed, confirmed_setup;
    "secure", secure, secure_done;
    "sign-in-method", sign_in_method, sign_in_method_both;
    "confirm-its-you", confirm, confirm_before_adding;
    "dashboard-no-mfa", dashboard, dashboard_no_mfa;
    "dashboard-one", dashboard, dashboard_one;
    "dashboard-two", dashboard, dashboard_two;
    "dashboard-five", dashboard, dashboard_five;
    "no-code", no_code, no_code_nothing;
    "unavailable", unavailable, unavailable_offline;
}

fn phone_preview(number: &str, region: &str, touched: bool) -> PhonePreview {
    PhonePreview {
        active: true,
        number: number.into(),
        region: Some(region.into()),
        touched,
        ..Default::default()
    }
}

fn code_preview(pending: crate::flow::PendingCode) -> CodePreview {
    CodePreview {
        pending,
        attempts_left: None,
        error: None,
    }
}

/// The screen for a state, with the account data it needs put in place first. The
/// server's words in it (errors, reasons) come in the gallery's current language, as
/// the server would send them.
fn render(i18n: leptos_i18n::I18nContext<Locale>, id: &str) -> AnyView {
    let auth = Auth::get();
    let app_soon = t_string!(i18n, gallery.fixture_app_soon).to_string();
    let options = move |phone_unavailable: Option<String>, required| {
        options(phone_unavailable, required, app_soon.clone())
    };
    // Untracked: the screen reads the session as it is created; nothing should re-run.
    let put = move |view| auth.session.update_untracked(|s| *s = Some(view));
    let signed_in = move |methods| put(session(SessionStage::SignedIn, methods));
    match id {
        "sign-in" => view! { <SignIn /> }.into_any(),
        "create-account" => view! { <CreateAccount /> }.into_any(),
        "create-account-check-email" => {
            view! { <CheckYourEmail email="new.person@example.com".to_owned() on_again=|| {} /> }.into_any()
        }
        "create-account-link-expired" => {
            let message = t_string!(i18n, gallery.fixture_link_expired).to_string();
            view! { <LinkExpired message=message /> }.into_any()
        }
        "choose-method" => view! { <ChooseMethod preview=options(None, false) /> }.into_any(),
        "choose-method-required" => view! { <ChooseMethod preview=options(None, true) /> }.into_any(),
        "choose-method-medical-provider" => {
            let epcs = t_string!(i18n, gallery.fixture_epcs).to_string();
            view! { <ChooseMethod preview=options(Some(epcs), true) /> }.into_any()
        }
        "phone-empty" => view! { <EnterPhone preview=phone_preview("", "US", false) /> }.into_any(),
        "phone-invalid" => view! { <EnterPhone preview=phone_preview("201 555", "US", true) /> }.into_any(),
        "phone-extension" => {
            view! { <EnterPhone preview=phone_preview("201-555-0123 ext. 2", "US", false) /> }.into_any()
        }
        "phone-landline" => {
            view! { <EnterPhone preview=phone_preview("020 7946 0018", "GB", false) /> }.into_any()
        }
        "phone-valid" => {
            view! { <EnterPhone preview=phone_preview("(201) 555-0123", "US", false) /> }.into_any()
        }
        "phone-sending" => {
            let p = PhonePreview {
                sending: true,
                ..phone_preview("(201) 555-0123", "US", false)
            };
            view! { <EnterPhone preview=p /> }.into_any()
        }
        "phone-server-error" => {
            let p = PhonePreview {
                server_error: Some(t_string!(i18n, gallery.fixture_rate_limited).to_string()),
                ..phone_preview("(201) 555-0123", "US", true)
            };
            view! { <EnterPhone preview=p /> }.into_any()
        }
        "phone-change" => {
            let p = PhonePreview {
                change: Some(1),
                ..phone_preview("", "US", false)
            };
            view! { <EnterPhone preview=p /> }.into_any()
        }
        "code-fresh" => {
            view! { <EnterCode preview=code_preview(pending(Channel::Sms, true, 0.0, 30)) /> }.into_any()
        }
        "code-voice" => {
            view! { <EnterCode preview=code_preview(pending(Channel::Voice, true, 0.0, 30)) /> }.into_any()
        }
        "code-resend-ready" => {
            view! { <EnterCode preview=code_preview(pending(Channel::Sms, true, 45.0, 30)) /> }.into_any()
        }
        "code-wrong-3-left" => {
            let p = CodePreview {
                attempts_left: Some(3),
                error: Some(t_string!(i18n, gallery.fixture_code_wrong).to_string()),
                ..code_preview(pending(Channel::Sms, true, 40.0, 30))
            };
            view! { <EnterCode preview=p /> }.into_any()
        }
        "code-locked" => {
            let mut p = pending(Channel::Sms, true, 60.0, 30);
            p.locked_until_ms = Some(now_ms() + 600_000.0);
            let p = CodePreview {
                error: Some(
                    t_string!(
                        i18n,
                        gallery.fixture_locked,
                        minutes = phone_mfa_contract::policy::LOCKOUT_SECS / 60
                    )
                    .to_string(),
                ),
                ..code_preview(p)
            };
            view! { <EnterCode preview=p /> }.into_any()
        }
        "code-expired" => {
            view! { <EnterCode preview=code_preview(pending(Channel::Sms, true, 601.0, 30)) /> }.into_any()
        }
        "code-landline" => {
            view! { <EnterCode preview=code_preview(pending(Channel::Voice, false, 0.0, 30)) /> }.into_any()
        }
        "confirmed" => {
            signed_in(vec![phone(1, "23", true, true, Channel::Sms)]);
            view! { <PhoneConfirmed /> }.into_any()
        }
        "secure" => view! { <AccountSecure /> }.into_any(),
        "sign-in-method" => {
            put(session(
                SessionStage::MfaPending,
                vec![
                    phone(1, "23", true, true, Channel::Sms),
                    authenticator_app(2, false),
                ],
            ));
            view! { <SignInMethod /> }.into_any()
        }
        "confirm-its-you" => {
            signed_in(vec![
                authenticator_app(1, true),
                phone(2, "23", false, true, Channel::Sms),
            ]);
            view! { <Reauthenticate /> }.into_any()
        }
        "dashboard-no-mfa" => {
            signed_in(vec![]);
            view! { <Dashboard /> }.into_any()
        }
        "dashboard-one" => {
            signed_in(vec![phone(1, "23", true, true, Channel::Sms)]);
            view! { <Dashboard /> }.into_any()
        }
        "dashboard-two" => {
            signed_in(vec![
                authenticator_app(1, true),
                phone(2, "23", false, false, Channel::Voice),
            ]);
            view! { <Dashboard /> }.into_any()
        }
        "dashboard-five" => {
            let mut methods = vec![authenticator_app(1, true)];
            for (i, last2) in ["23", "45", "67", "89", "01"].iter().enumerate() {
                let channel = if i % 2 == 0 { Channel::Sms } else { Channel::Voice };
                methods.push(phone(i as i64 + 2, last2, false, true, channel));
            }
            signed_in(methods);
            view! { <Dashboard /> }.into_any()
        }
        "no-code" => view! { <NoCode /> }.into_any(),
        "unavailable" => view! { <crate::routes::unavailable::ScreenUnavailable /> }.into_any(),
        _ => view! { <crate::routes::not_found::NotFound /> }.into_any(),
    }
}

/// `/gallery` and `/gallery/<state>`: a side list of every state, and the state itself.
#[component]
pub fn Gallery() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let current = move || {
        params
            .get()
            .get("state")
            .unwrap_or_else(|| STATES[0].id.to_owned())
    };
    let nav = {
        // Consecutive states of the same screen form a group.
        let mut groups: Vec<(&GalleryState, Vec<&GalleryState>)> = vec![];
        for s in STATES {
            match groups.last_mut() {
                Some((first, list)) if first.screen_key == s.screen_key => list.push(s),
                _ => groups.push((s, vec![s])),
            }
        }
        groups
            .into_iter()
            .map(|(first, list)| {
                let screen = first.screen;
                view! {
                    <li>
                        <span class="gallery-screen">{move || screen(i18n)}</span>
                        <ul>
                            {list
                                .into_iter()
                                .map(|s| {
                                    let href = format!("/gallery/{}", s.id);
                                    view! {
                                        <li>
                                            <a href=href aria-current=move || (current() == s.id).then_some("page")>
                                                {move || (s.label)(i18n)}
                                            </a>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <div class="gallery">
            <nav class="gallery-nav" aria-label=move || t_string!(i18n, gallery.nav_label)>
                <p class="gallery-title">{t!(i18n, gallery.title)}</p>
                <ul>{nav}</ul>
            </nav>
            <div class="gallery-stage" data-state=current>
                {move || render(i18n, &current())}
            </div>
        </div>
    }
}
