use crate::api;
use crate::components::Page;
use crate::flow::Auth;
use crate::i18n::*;
use crate::routes::{confirm_then, go, use_session_guard};
use leptos::html;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use phone_mfa_contract::policy::MAX_PHONES_PER_ACCOUNT;
use phone_mfa_contract::{
    Channel, ErrorCode, MethodKind, MethodView, RememberedBrowserView, UpdateMethodRequest,
};
use wasm_bindgen::JsCast;

/// A state of the dashboard to start in, for the design gallery
/// (`crate::preview`; never set in production builds).
#[derive(Debug, Clone, Default)]
pub struct DashboardPreview {
    /// The remove confirmation open for this method.
    pub confirming: Option<i64>,
    /// The banner after a change ("Saved.", "The method was removed…").
    pub status: Option<String>,
}

/// A day in the person's language ("Dec 1, 2026"), from Unix seconds.
fn day(i18n: leptos_i18n::I18nContext<Locale>, unix_s: i64) -> String {
    let date = js_sys::Date::new(&(unix_s as f64 * 1000.0).into());
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"dateStyle".into(), &"medium".into());
    date.to_locale_date_string(i18n.get_locale_untracked().as_str(), &options)
        .into()
}

/// What a finished step elsewhere asks this screen to say (`?done=...`).
/// The count comes from the session, never from the address (anyone can write a link).
fn done_message(i18n: leptos_i18n::I18nContext<Locale>, codes_left: Option<u32>) -> Option<String> {
    let query = use_query_map().get_untracked();
    match query.get("done").as_deref() {
        Some("app_added") => Some(t_string!(i18n, dashboard.app_added).to_string()),
        Some("recovered") => {
            codes_left.map(|left| t_string!(i18n, dashboard.recovered, count = left).to_string())
        }
        _ => None,
    }
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
    let status = RwSignal::new(
        preview
            .status
            .or_else(|| done_message(i18n, auth.session.get_untracked().map(|s| s.recovery_codes_left))),
    );
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
    // New recovery codes: after re-authentication, shown once on their own screen.
    let new_codes = Action::new_local(|_: &()| api::new_recovery_codes());
    Effect::new(move |_| {
        let Some(result) = new_codes.value().get() else {
            return;
        };
        match result {
            Ok(view) => {
                auth.session.set(Some(view.session));
                auth.new_recovery_codes.set(view.codes);
                go("/recovery-codes?next=/account", false);
            }
            Err(e) if e.code() == Some(ErrorCode::ReauthRequired) => confirm_then("/account"),
            Err(e) => {
                status.set(None);
                problem.set(Some(e.message()));
                focus_banner("dashboard-problem");
            }
        }
    });
    // Back from confirming it's you to get new codes: get them.
    if use_query_map().get_untracked().get("then").as_deref() == Some("new_recovery_codes")
        && auth
            .session
            .get_untracked()
            .is_some_and(|s| s.reauth_valid_for_s > 0)
    {
        // Once: Back to this address must not make yet another set.
        go("/account", true);
        new_codes.dispatch_local(());
    }
    // Forget one remembered browser, or all (`None`).
    // The answer carries which it was: an action's input is gone once it has answered.
    let forget = Action::new_local(|id: &Option<i64>| {
        let id = *id;
        async move { (id, api::forget_browsers(id).await) }
    });
    Effect::new(move |_| {
        let Some((which, result)) = forget.value().get() else {
            return;
        };
        match result {
            Ok(session) => {
                let all = which.is_none();
                // This very browser let this session in without a code: forgotten, it
                // asks for one now.
                if session.stage != phone_mfa_contract::SessionStage::SignedIn {
                    let home = crate::routes::home_for(&session);
                    auth.session.set(Some(session));
                    go(home, true);
                    return;
                }
                auth.session.set(Some(session));
                problem.set(None);
                status.set(Some(if all {
                    t_string!(i18n, dashboard.all_forgotten).to_string()
                } else {
                    t_string!(i18n, dashboard.forgotten).to_string()
                }));
                focus_banner("dashboard-status");
            }
            Err(e) => {
                status.set(None);
                problem.set(Some(e.message()));
                focus_banner("dashboard-problem");
            }
        }
    });
    let browser_row = move |b: RememberedBrowserView| {
        let name = if b.name.is_empty() {
            t_string!(i18n, dashboard.browser_unknown).to_string()
        } else {
            b.name.clone()
        };
        let used = t_string!(i18n, dashboard.browser_used, date = day(i18n, b.last_used_at)).to_string();
        // Two browsers may share a name: the label says which by its last use too.
        let label = format!(
            "{} ({used})",
            t_string!(i18n, dashboard.forget_named, name = name.clone())
        );
        let id = b.id;
        view! {
            <li class="browser">
                <span class="name">{name}</span>
                " "
                <span class="hint">{used}</span>
                " "
                <button type="button" class="button link" aria-label=label prop:disabled=move || forget.pending().get()
                    on:click=move |_| { forget.dispatch_local(Some(id)); }>{t!(i18n, dashboard.forget)}</button>
            </li>
        }
    };

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
            {move || (!known.get() || auth.session.with(Option::is_none)).then(|| view! {
                <p class="loading">{t!(i18n, methods.loading)}</p>
            })}
            {move || {
                if !known.get() {
                        return None;
                    }
                let session = auth.session.get()?;
                let count = session.methods.len();
                let reauth_ok = session.reauth_valid_for_s > 0;
                let phones = session.methods.iter().filter(|m| m.kind == MethodKind::Phone).count();
                let has_app = session.methods.iter().any(|m| m.kind == MethodKind::AuthenticatorApp);
                let add_target = if count == 0 { None } else { Some("/setup/phone") };
                // Adding a method asks for a current one first (nothing to ask for before the first).
                let app_target = move || {
                    if count == 0 || reauth_ok { go("/setup/app", false) } else { confirm_then("/setup/app") }
                };
                let codes_left = session.recovery_codes_left;
                let browsers = session.remembered_browsers.clone();
                let has_browsers = !browsers.is_empty();
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
                    // The stronger method first (rule A8).
                    {(!has_app).then(|| view! {
                        <div class="method add">
                            <h3 id="add-app-name">{t!(i18n, methods.app)}</h3>
                            <p class="hint">{t!(i18n, dashboard.app_hint)}</p>
                            // Named with its method: two "Set up" buttons must not sound alike.
                            <button type="button" class="button primary" id="setup-app" aria-labelledby="setup-app add-app-name" on:click=move |_| app_target()>
                                {t!(i18n, dashboard.set_up)}
                            </button>
                        </div>
                    })}
                    // Only what this account can use is offered: a prescriber of
                    // controlled substances is told why there is no phone to add.
                    {if !session.phone_allowed {
                        view! { <p class="hint" id="phone-not-allowed">{t!(i18n, dashboard.phone_not_allowed)}</p> }.into_any()
                    } else {
                        view! {
                            <div class="method add">
                                <h3 id="add-phone-name">{t!(i18n, methods.phone)}</h3>
                                <p class="hint">{t!(i18n, dashboard.phone_hint)}</p>
                                {if phones >= MAX_PHONES_PER_ACCOUNT {
                                    view! { <p class="hint">{t!(i18n, dashboard.phones_full, count = MAX_PHONES_PER_ACCOUNT)}</p> }.into_any()
                                } else {
                                    view! {
                                        <button type="button" class="button secondary" id="setup-phone" aria-labelledby="setup-phone add-phone-name" on:click=move |_| match add_target {
                                            // Adding a method always asks for the current one first.
                                            Some(t) => confirm_then(t),
                                            None => go("/setup/phone", false),
                                        }>{t!(i18n, dashboard.set_up)}</button>
                                    }.into_any()
                                }}
                            </div>
                        }.into_any()
                    }}
                    {(count > 0).then(|| view! {
                        <h2>{t!(i18n, dashboard.recovery_title)}</h2>
                        <p id="recovery-left">{if codes_left == 0 {
                            t_string!(i18n, dashboard.recovery_none).to_string()
                        } else {
                            t_string!(i18n, dashboard.recovery_left, count = codes_left).to_string()
                        }}</p>
                        <p class="hint" id="recovery-replaces">{t!(i18n, dashboard.recovery_replaces)}</p>
                        <button type="button" class="button secondary" id="new-recovery-codes" aria-describedby="recovery-replaces"
                            prop:disabled=move || new_codes.pending().get()
                            on:click=move |_| {
                                if reauth_ok { new_codes.dispatch_local(()); } else { confirm_then("/account?then=new_recovery_codes") }
                            }>{t!(i18n, dashboard.recovery_get)}</button>
                        <h2>{t!(i18n, dashboard.browsers_title)}</h2>
                        {if has_browsers {
                            view! {
                                <ul class="browsers" id="remembered-browsers">
                                    {browsers.into_iter().map(browser_row).collect_view()}
                                </ul>
                                <button type="button" class="button secondary" id="forget-all"
                                    prop:disabled=move || forget.pending().get()
                                    on:click=move |_| { forget.dispatch_local(None); }>{t!(i18n, dashboard.forget_all)}</button>
                            }.into_any()
                        } else {
                            view! { <p class="hint" id="no-remembered-browsers">{t!(i18n, dashboard.browsers_none)}</p> }.into_any()
                        }}
                    })}
                })
            }}
        </Page>
    }
}
