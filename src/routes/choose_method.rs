use crate::api;
use crate::components::Page;
use crate::flow::Auth;
use crate::i18n::*;
use crate::routes::{go, use_session_guard};
use leptos::prelude::*;
use phone_mfa_contract::{MethodKind, MfaOptions};

/// First-time setup, step 1: choose an MFA method. The authenticator app comes first;
/// Text Message or Phone Call is offered beside it, marked as the less secure
/// ("restricted") one (rule A8), and shown as unavailable, with the reason, where the
/// account may not use it. Where only one method is available it is chosen already.
#[component]
pub fn ChooseMethod() -> impl IntoView {
    // The gallery's options instead of the server's (never in production builds).
    let preview = crate::preview::preview::<MfaOptions>();
    let known = if preview.is_some() {
        Signal::stored(true)
    } else {
        use_session_guard()
    };
    let i18n = use_i18n();
    let auth = Auth::get();
    let options = LocalResource::new(move || {
        let preview = preview.clone();
        async move {
            match preview {
                Some(options) => Ok(options),
                None => api::mfa_options().await,
            }
        }
    });
    let choice = RwSignal::new(None::<MethodKind>);
    let error = RwSignal::new(None::<String>);
    let skip = Action::new_local(|_: &()| api::skip_mfa());
    Effect::new(move |_| {
        if let Some(result) = skip.value().get() {
            match result {
                Ok(session) => {
                    auth.session.set(Some(session));
                    go("/account", false);
                }
                Err(e) => error.set(Some(e.message())),
            }
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match choice.get_untracked() {
            Some(MethodKind::Phone) => go("/setup/phone", false),
            Some(MethodKind::AuthenticatorApp) => go("/setup/app", false),
            None => error.set(Some(
                t_string!(i18n, choose_method.choose_to_continue).to_string(),
            )),
        }
    };
    let render = move |opts: MfaOptions| {
        let required = opts.mfa_required;
        // Where nothing can be set up here (an app already added and no room for a
        // phone, say), say so and what to do rather than offer a Continue to nowhere.
        let available: Vec<MethodKind> = opts
            .options
            .iter()
            .filter(|o| o.available)
            .map(|o| o.kind)
            .collect();
        let none_available = available.is_empty();
        if let [only] = available[..] {
            choice.set(Some(only));
        }
        let support = opts.support_email.clone();
        let items = opts
            .options
            .into_iter()
            .map(|o| {
                let (label, hint) = match o.kind {
                    MethodKind::Phone => (t!(i18n, methods.phone).into_any(), t!(i18n, choose_method.phone_hint).into_any()),
                    MethodKind::AuthenticatorApp => {
                        (t!(i18n, methods.app).into_any(), t!(i18n, choose_method.app_hint).into_any())
                    }
                };
                let id = match o.kind {
                    MethodKind::Phone => "method-phone",
                    MethodKind::AuthenticatorApp => "method-app",
                };
                let kind = o.kind;
                let reason = o.unavailable_reason.clone();
                view! {
                    <div class="choice" class:unavailable=!o.available>
                        <input type="radio" name="method" id=id disabled=!o.available
                            prop:checked=move || choice.get() == Some(kind)
                            aria-describedby=format!("{id}-hint")
                            on:change=move |_| { choice.set(Some(kind)); error.set(None); } />
                        <label for=id>{label}</label>
                        <p id=format!("{id}-hint") class="hint">
                            {hint}
                            {reason.map(|r| view! { <strong class="unavailable-reason">{t!(i18n, choose_method.not_available)} {r}</strong> })}
                        </p>
                    </div>
                }
            })
            .collect_view();
        view! {
            <form on:submit=on_submit novalidate>
                <fieldset aria-describedby=move || if error.get().is_some() { "method-error" } else { "" }>
                    <legend>{t!(i18n, choose_method.legend)}</legend>
                    <p id="method-error" class="field-error" role="alert" hidden=move || error.get().is_none()>
                        {move || error.get()}
                    </p>
                    {items}
                </fieldset>
                {if none_available {
                    view! {
                        <div class="alert warning" id="none-available">
                            <p>{t!(i18n, choose_method.none_available)}</p>
                            <p>
                                {t!(i18n, choose_method.contact_support)}
                                <a href=format!("mailto:{support}")>{support.clone()}</a>
                            </p>
                        </div>
                    }
                        .into_any()
                } else {
                    view! { <button type="submit" class="button primary">{t!(i18n, app.continue_label)}</button> }.into_any()
                }}
            </form>
            {(!required).then(|| view! {
                <div class="recommendation">
                    <p>{t!(i18n, choose_method.recommended)}</p>
                    <button type="button" class="button secondary" on:click=move |_| { skip.dispatch_local(()); }
                        prop:disabled=move || skip.pending().get()>
                        {t!(i18n, choose_method.skip)}
                    </button>
                </div>
            })}
        }
    };
    view! {
        <Page title=Signal::derive(move || t_string!(i18n, choose_method.title).to_string()) sign_out=true>
            <p>{t!(i18n, choose_method.intro)}</p>
            <details class="before-you-start">
                <summary>{t!(i18n, choose_method.before_you_start)}</summary>
                <ul>
                    <li>{t!(i18n, choose_method.no_extensions)}</li>
                    <li>{t!(i18n, choose_method.not_for_prescribers)}</li>
                </ul>
            </details>
            // "Loading" until the session and the options are both known (a Transition
            // would show nothing while the session loads, then the options at once).
            {move || {
                let loading = || view! { <p class="loading">{t!(i18n, choose_method.loading)}</p> }.into_any();
                if !known.get() {
                    return loading();
                }
                match options.get() {
                    None => loading(),
                    Some(Ok(opts)) => render(opts).into_any(),
                    Some(Err(e)) => view! { <p class="alert error" role="alert">{e.message()}</p> }.into_any(),
                }
            }}
        </Page>
    }
}
