use crate::i18n::*;
use leptos::prelude::*;
use phone_mfa_contract::code::normalize_code;
use wasm_bindgen::JsCast;

/// The one-time-code field: one input (not six boxes), so paste, autofill and WebOTP
/// all work (WCAG 2.2 "Accessible Authentication"). "123 456" or "#123456" are fine;
/// at the sixth digit it submits itself. What is typed stays as typed: a seventh digit
/// or a letter is pointed out (by the screen, through `error`), never silently dropped.
#[component]
pub fn CodeInput(
    /// What is typed, as typed.
    value: RwSignal<String>,
    /// Called with the six digits once complete (typed, pasted or filled by WebOTP).
    on_complete: Callback<String>,
    /// A problem with the code, shown beside it.
    #[prop(into)]
    error: Signal<Option<String>>,
    /// While a check is running or the account is locked.
    #[prop(into)]
    disabled: Signal<bool>,
    /// Ask the browser for the code from an incoming text (WebOTP) where it can.
    #[prop(optional)]
    webotp: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let accept = move |raw: String| {
        let code = normalize_code(&raw).ok();
        value.set(raw);
        if let Some(code) = code.filter(|_| !disabled.get_untracked()) {
            on_complete.run(code);
        }
    };
    if webotp {
        listen_for_webotp(accept);
    }
    view! {
        <div class=move || if error.get().is_some() { "field field-invalid" } else { "field" }>
            <label for="code">{t!(i18n, code.label)}</label>
            // Not a live region: the screen's error summary is the one announcement.
            <p id="code-error" class="field-error" hidden=move || error.get().is_none()>
                <span class="visually-hidden">{t!(i18n, app.error_prefix)}</span>
                {move || error.get()}
            </p>
            <input
                id="code"
                name="code"
                class="code-input"
                type="text"
                inputmode="numeric"
                autocomplete="one-time-code"
                spellcheck="false"
                aria-describedby=move || if error.get().is_some() { "code-error" } else { "" }
                aria-invalid=move || error.get().is_some().to_string()
                prop:value=move || value.get()
                prop:disabled=move || disabled.get()
                on:input=move |ev| accept(event_target_value(&ev))
            />
        </div>
    }
}

/// WebOTP: `navigator.credentials.get({ otp: { transport: ["sms"] } })` resolves with
/// the code from a text ending in `@host #123456`. Aborted when the screen closes.
fn listen_for_webotp(accept: impl Fn(String) + 'static) {
    let Some(window) = web_sys::window() else { return };
    if !js_sys::Reflect::has(&window, &"OTPCredential".into()).unwrap_or(false) {
        return;
    }
    let Ok(controller) = web_sys::AbortController::new() else {
        return;
    };
    let options = web_sys::CredentialRequestOptions::new();
    let otp = js_sys::Object::new();
    let transport = js_sys::Array::of1(&"sms".into());
    let _ = js_sys::Reflect::set(&otp, &"transport".into(), &transport);
    let _ = js_sys::Reflect::set(&options, &"otp".into(), &otp);
    options.set_signal(&controller.signal());
    let Ok(promise) = window.navigator().credentials().get_with_options(&options) else {
        return;
    };
    let abort = controller.clone();
    on_cleanup(move || abort.abort());
    leptos::task::spawn_local(async move {
        if let Ok(credential) = wasm_bindgen_futures::JsFuture::from(promise).await {
            if let Some(code) = js_sys::Reflect::get(&credential, &"code".into())
                .ok()
                .and_then(|c| c.dyn_into::<js_sys::JsString>().ok())
            {
                accept(String::from(code));
            }
        }
    });
}
