use crate::api;
use crate::components::Page;
use crate::flow::Auth;
use crate::i18n::*;
use crate::routes::{go, use_session_guard};
use leptos::html;
use leptos::prelude::*;
use phone_mfa_contract::policy::MAX_PHONES_PER_ACCOUNT;
use phone_mfa_contract::{Channel, ErrorCode, MethodKind, MethodView, UpdateMethodRequest};
use wasm_bindgen::JsCast;

/// Sends the person to confirm it's them, then on to `next`.
fn confirm_then(next: &str) {
    go(
        &format!("/account/confirm?next={}", js_sys::encode_uri_component(next)),
        false,
    );
}

/// A state of the dashboard to start in, for the design gallery
/// (`crate::preview`; never set in production builds).
#[derive(Debug, Clone, Default)]
pub struct DashboardPreview {
    /// The remove confirmation open for this method.
    pub confirming: Option<i64>,
    /// The banner after a change ("Saved.", "The method was removed…").
    pub status: Option<String>,
}

/// Focuses the banner that says how an action went: the control that started it has
/// gone (a removed method's buttons, "Make default" once it is) or was disabled.
fn focus_banner(id: &'static str) {
    request_animation_frame(move || {
        if let Some(el) = document()
            .get_element_by_id(id)
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    });
}

/// "Sign in & Security": the account's methods, with set up, change number, text or
/// call, and remove.
#[component]
pub fn Dashboard() -> impl IntoView {
    let i18n = use_i18n();
    let preview = crate::preview::preview::<DashboardPreview>();
    let known = if preview.is_some() {
        Signal::stored(true)
    } else {
        use_session_guard()
    };
    let preview = preview.unwrap_or_default();
    let auth = Auth::get();
    let status = RwSignal::new(preview.status);
    let problem = RwSignal::new(None::<String>);
    let confirming = RwSignal::new(preview.confirming);

    // `api::session` is the app's, not the screen's: it runs to the end even if the
    // person leaves, and the session it refreshes is the whole app's.
    let refresh = move || {
        leptos::task::spawn_local(async move {
            if let Ok(s) = api::session().await {
                auth.session.set(Some(s));
            }
        })
    };
    let remove = Action::new_local(|id: &i64| api::remove_method(*id));
    Effect::new(move |_| {
        let Some(result) = remove.value().get() else {
            return;
        };
        confirming.set(None);
        match result {
            Ok(()) => {
                problem.set(None);
                status.set(Some(t_string!(i18n, dashboard.removed).to_string()));
                refresh();
                focus_banner("dashboard-status");
            }
            Err(e) if e.code() == Some(ErrorCode::ReauthRequired) => confirm_then("/account"),
            Err(e) => {
                status.set(None);
                problem.set(Some(e.message()));
                focus_banner("dashboard-problem");
            }
        }
    });
    let update = Action::new_local(|(id, req): &(i64, UpdateMethodRequest)| {
        let (id, req) = (*id, req.clone());
        async move { api::update_method(id, &req).await }
    });
    Effect::new(move |_| {
        let Some(result) = update.value().get() else {
            return;
        };
        match result {
            Ok(_) => {
                problem.set(None);
                status.set(Some(t_string!(i18n, dashboard.saved).to_string()));
                refresh();
                // The rows are drawn again from the refreshed session ("Make default"
                // is gone once it is; a radio is a new element): say it worked where
                // focus can land.
                focus_banner("dashboard-status");
            }
            Err(e) => {
                status.set(None);
                problem.set(Some(e.message()));
                focus_banner("dashboard-problem");
            }
        }
    });
    // The remove confirmation: a modal dialog (the platform's), so focus goes into it,
    // stays there, and Escape or Cancel closes it and returns focus to "Remove".
    let dialog = NodeRef::<html::Dialog>::new();
    Effect::new(move |_| {
        let Some(d) = dialog.get() else { return };
        match confirming.get() {
            Some(_) if !d.open() => {
                let _ = d.show_modal();
            }
            None if d.open() => d.close(),
            _ => {}
        }
    });
    let confirm_words = move || {
        let id = confirming.get()?;
        let method = auth.session.get()?.methods.into_iter().find(|m| m.id == id)?;
        Some(match method.masked_phone {
            Some(phone) => t_string!(i18n, dashboard.confirm_remove_phone, phone = phone).to_string(),
            None => t_string!(i18n, dashboard.confirm_remove_app).to_string(),
        })
    };

    let method_row = move |m: MethodView, count: usize, reauth_ok: bool, phone_allowed: bool| {
        let id = m.id;
        let masked = m.masked_phone.clone().unwrap_or_default();
        let is_phone = m.kind == MethodKind::Phone;
        let name = move || {
            if is_phone {
                t_string!(i18n, methods.phone)
            } else {
                t_string!(i18n, methods.app)
            }
        };
        let sms_ok = m.channels.map(|c| c.sms).unwrap_or(false);
        let channel = m.default_channel;
        let radio = move |value: Channel, label: AnyView| {
            let input_id = format!(
                "channel-{id}-{}",
                if value == Channel::Sms { "sms" } else { "voice" }
            );
            view! {
                <span class="choice inline">
                    <input type="radio" name=format!("channel-{id}") id=input_id.clone()
                        prop:checked=channel == Some(value)
                        disabled=value == Channel::Sms && !sms_ok
                        on:change=move |_| { update.dispatch_local((id, UpdateMethodRequest { default_channel: Some(value), make_default: None })); } />
                    <label for=input_id>{label}</label>
                </span>
            }
        };
        view! {
            <li class="method">
                <h3>{name} {m.is_default.then(|| view! { <span class="badge">{t!(i18n, dashboard.default)}</span> })}</h3>
                {is_phone.then(|| view! {
                    <p class="masked">{masked.clone()}</p>
                    <fieldset class="inline-choices">
                        <legend>{t!(i18n, dashboard.send_by)}</legend>
                        {radio(Channel::Sms, t!(i18n, dashboard.text_message).into_any())}
                        {radio(Channel::Voice, t!(i18n, dashboard.phone_call).into_any())}
                    </fieldset>
                })}
                <div class="actions">
                    // A number this account may not use for codes cannot be changed to another.
                    {(is_phone && phone_allowed).then(|| {
                        let target = format!("/setup/phone?change={id}");
                        view! {
                            <button type="button" class="button secondary" on:click=move |_| {
                                if reauth_ok { go(&target, false) } else { confirm_then(&target) }
                            }>{t!(i18n, dashboard.change_number)}</button>
                        }
                    })}
                    {(!m.is_default).then(|| view! {
                        <button type="button" class="button link" on:click=move |_| {
                            update.dispatch_local((id, UpdateMethodRequest { default_channel: None, make_default: Some(true) }));
                        }>{t!(i18n, dashboard.make_default)}</button>
                    })}
                    <button type="button" class="button danger" prop:disabled=count <= 1
                        aria-describedby=(count <= 1).then(|| format!("only-{id}"))
                        on:click=move |_| {
                            if reauth_ok { confirming.set(Some(id)) } else { confirm_then("/account") }
                        }>{t!(i18n, dashboard.remove)}</button>
                </div>
                {(count <= 1).then(|| view! { <p id=format!("only-{id}") class="hint">{t!(i18n, dashboard.only_method)}</p> })}
            </li>
        }
    };

    view! {
        <Page title=Signal::derive(move || t_string!(i18n, dashboard.title).to_string()) class="wide" sign_out=true>
            <div role="status">
                <p class="alert success" id="dashboard-status" tabindex="-1" hidden=move || status.get().is_none()>{move || status.get()}</p>
            </div>
            <div role="alert">
                <p class="alert error" id="dashboard-problem" tabindex="-1" hidden=move || problem.get().is_none()>{move || problem.get()}</p>
            </div>
            <dialog node_ref=dialog class="confirm-dialog" aria-labelledby="confirm-remove-words"
                on:close=move |_| confirming.set(None)>
                <p id="confirm-remove-words">{confirm_words}</p>
                <button type="button" class="button danger" id="confirm-remove" prop:disabled=move || remove.pending().get()
                    on:click=move |_| { if let Some(id) = confirming.get_untracked() { remove.dispatch_local(id); } }>
                    {t!(i18n, dashboard.yes_remove)}
                </button>
                // The safe choice is where focus starts.
                <button type="button" class="button secondary" autofocus on:click=move |_| confirming.set(None)>
                    {t!(i18n, dashboard.cancel)}
                </button>
            </dialog>
            {move || {
                if !known.get() {
                        return None;
                    }
                let session = auth.session.get()?;
                let count = session.methods.len();
                let reauth_ok = session.reauth_valid_for_s > 0;
                let phones = session.methods.iter().filter(|m| m.kind == MethodKind::Phone).count();
                let add_target = if count == 0 { None } else { Some("/setup/phone") };
                Some(view! {
                    <p>{t!(i18n, dashboard.signed_in_as, email = session.email.clone())}</p>
                    {(count == 0).then(|| view! {
                        <div class="alert warning">
                            <p>{t!(i18n, dashboard.not_protected)}</p>
                        </div>
                    })}
                    <h2>{t!(i18n, dashboard.your_methods)}</h2>
                    <ul class="methods">
                        {session.methods.into_iter().map(|m| method_row(m, count, reauth_ok, session.phone_allowed)).collect_view()}
                    </ul>
                    <h2>{t!(i18n, dashboard.add_method)}</h2>
                    // Only what this account can use is offered: a prescriber of
                    // controlled substances is told why there is no phone to add.
                    {if !session.phone_allowed {
                        view! { <p class="hint" id="phone-not-allowed">{t!(i18n, dashboard.phone_not_allowed)}</p> }.into_any()
                    } else {
                        view! {
                            <div class="method add">
                                <h3>{t!(i18n, methods.phone)}</h3>
                                <p class="hint">{t!(i18n, dashboard.phone_hint)}</p>
                                {if phones >= MAX_PHONES_PER_ACCOUNT {
                                    view! { <p class="hint">{t!(i18n, dashboard.phones_full, count = MAX_PHONES_PER_ACCOUNT)}</p> }.into_any()
                                } else {
                                    view! {
                                        <button type="button" class="button primary" id="setup-phone" on:click=move |_| match add_target {
                                            // Adding a method always asks for the current one first.
                                            Some(t) => confirm_then(t),
                                            None => go("/setup/phone", false),
                                        }>{t!(i18n, dashboard.set_up)}</button>
                                    }.into_any()
                                }}
                            </div>
                        }.into_any()
                    }}
                })
            }}
        </Page>
    }
}
