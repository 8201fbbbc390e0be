use crate::i18n::*;
use crate::language::{country_name, phone_problem};
use crate::validation::{Validator, Verdict};
use leptos::prelude::*;
use phone_mfa_contract::phone::{has_extension, PhoneProblem, COUNTRIES};

/// The region of the browser's language ("en-US" -> "US") if it is one we list, so a
/// person abroad starts with their own country; the United States otherwise.
pub fn default_region() -> String {
    let lang = web_sys::window()
        .and_then(|w| w.navigator().language())
        .unwrap_or_default();
    lang.rsplit(['-', '_'])
        .next()
        .filter(|r| r.len() == 2)
        .map(|r| r.to_ascii_uppercase())
        .filter(|r| COUNTRIES.iter().any(|c| c.region == r))
        .unwrap_or_else(|| "US".into())
}

/// What can be said about a number without the validator: nothing typed, or an
/// extension (said the moment it is typed, even before the validator has loaded).
pub fn quick_verdict(number: &str) -> Option<Verdict> {
    if number.trim().is_empty() {
        Some(Err(PhoneProblem::Empty))
    } else if has_extension(number) {
        Some(Err(PhoneProblem::Extension))
    } else {
        None
    }
}

/// Whether a problem should be shown while the person is still typing: an extension or
/// a letter is wrong however the number ends, "too short" is not worth saying yet.
pub fn show_while_typing(problem: PhoneProblem) -> bool {
    matches!(
        problem,
        PhoneProblem::Extension | PhoneProblem::InvalidCharacters | PhoneProblem::TooLong
    )
}

/// What the number field says is wrong, if anything: the server's word on this number,
/// else the check's (every problem once touched, before that only those more typing
/// cannot fix). The screen's error summary lists the same words.
pub fn field_message(
    i18n: leptos_i18n::I18nContext<Locale>,
    server_error: Option<String>,
    checked: Option<Verdict>,
    touched: bool,
) -> Option<String> {
    if server_error.is_some() {
        return server_error;
    }
    match checked {
        Some(Err(p)) if touched || show_while_typing(p) => Some(phone_problem(i18n, p)),
        _ => None,
    }
}

/// Country selector and phone number field, validated in wasm as the person types.
#[component]
pub fn PhoneInput(
    /// The typed number.
    number: RwSignal<String>,
    /// The selected country (ISO region).
    region: RwSignal<String>,
    /// Set once the person has tried to continue or left the field: every problem shows.
    touched: RwSignal<bool>,
    /// An error from the server about this number, shown like a local one.
    #[prop(into)]
    server_error: Signal<Option<String>>,
    /// The verdict on what is typed now (`None` until the validator has answered).
    checked: RwSignal<Option<Verdict>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let validator = Validator::get();
    // The field is on screen: the validator can start downloading (after this render).
    Effect::new(move |_| validator.warm_up());
    // Ask about every change; keep only the answer to the latest question.
    let asking = validator;
    Effect::new(move |_| {
        let (n, r) = (number.get(), region.get());
        match quick_verdict(&n) {
            Some(v) => {
                asking.supersede();
                checked.set(Some(v));
            }
            None => {
                // Unknown until the validator answers; Continue meanwhile lets the server decide.
                checked.set(None);
                asking.check(&n, &r);
            }
        }
    });
    let answers = validator;
    Effect::new(move |_| {
        if let Some((id, verdict)) = answers.verdict.get() {
            if id == answers.latest() {
                checked.set(Some(verdict));
            }
        }
    });
    let message =
        Signal::derive(move || field_message(i18n, server_error.get(), checked.get(), touched.get()));
    let hint = move || match checked.get()? {
        Ok(phone) if !phone.channels.sms => {
            Some(t_string!(i18n, phone.landline_hint, number = phone.national).to_string())
        }
        Ok(phone) => Some(t_string!(i18n, phone.send_to_hint, number = phone.national).to_string()),
        Err(_) => None,
    };
    let describedby = move || {
        let mut ids = vec!["phone-help"];
        if message.get().is_some() {
            ids.push("phone-error");
        }
        if hint().is_some() && message.get().is_none() {
            ids.push("phone-hint");
        }
        ids.join(" ")
    };
    view! {
        <div class=move || if message.get().is_some() { "field field-invalid" } else { "field" }>
            <label for="country">{t!(i18n, phone.country)}</label>
            <select
                id="country"
                name="country"
                autocomplete="tel-country-code"
                on:change=move |ev| region.set(event_target_value(&ev))
                prop:value=move || region.get()
            >
                {COUNTRIES
                    .iter()
                    .map(|c| {
                        view! {
                            <option value=c.region selected=move || region.get() == c.region>
                                {move || format!("{} (+{})", country_name(i18n, c.region), c.calling_code)}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <label for="phone">{t!(i18n, phone.number)}</label>
            <p id="phone-help" class="help">{t!(i18n, phone.help)}</p>
            // Not a live region: the screen's error summary is the one announcement.
            <p id="phone-error" class="field-error" hidden=move || message.get().is_none()>
                <span class="visually-hidden">{t!(i18n, app.error_prefix)}</span>
                {move || message.get()}
            </p>
            <input
                id="phone"
                name="phone"
                type="tel"
                autocomplete="tel"
                inputmode="tel"
                spellcheck="false"
                aria-describedby=describedby
                aria-invalid=move || message.get().is_some().to_string()
                prop:value=move || number.get()
                on:input=move |ev| number.set(event_target_value(&ev))
                on:blur=move |_| {
                    if !number.get_untracked().trim().is_empty() {
                        touched.set(true)
                    }
                }
            />
            <p id="phone-hint" class="hint" aria-live="polite" hidden=move || message.get().is_some() || hint().is_none()>
                {hint}
            </p>
        </div>
    }
}
