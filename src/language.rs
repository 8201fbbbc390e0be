//! The person's language: English or Spanish, from the browser unless they chose
//! (remembered in localStorage), switchable on every screen, set on
//! `<html lang>`, sent to the server with every request, and kept on the account so
//! texts, calls and emails come in it too.
//!
//! Every string lives in locales/en.json and locales/es.json; `crate::i18n` is generated
//! from them by build.rs. The helpers here turn the contract's enums into words.

use crate::i18n::*;
use leptos::prelude::*;
use phone_mfa_contract::code::CodeProblem;
use phone_mfa_contract::phone::PhoneProblem;
use phone_mfa_contract::recovery::RecoveryCodeProblem;
use phone_mfa_contract::Language;

/// localStorage key of a language the person chose (absent: follow the browser).
/// Nothing the server needs, so not a cookie.
pub const LANGUAGE_KEY: &str = "phone_mfa_lang";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The language the person chose before, if they did.
pub fn remembered() -> Option<Locale> {
    match storage()?.get_item(LANGUAGE_KEY).ok()??.as_str() {
        "en" => Some(Locale::en),
        "es" => Some(Locale::es),
        _ => None,
    }
}

fn remember(locale: Locale) {
    if let Some(s) = storage() {
        // Private modes may refuse: the choice then lasts for this page only.
        let _ = s.set_item(LANGUAGE_KEY, locale.as_str());
    }
}

pub fn to_language(locale: Locale) -> Language {
    match locale {
        Locale::en => Language::En,
        Locale::es => Language::Es,
    }
}

/// The words for a phone-number problem, in the current language.
pub fn phone_problem(i18n: leptos_i18n::I18nContext<Locale>, problem: PhoneProblem) -> String {
    match problem {
        PhoneProblem::Empty => t_string!(i18n, phone_problem.empty),
        PhoneProblem::Extension => t_string!(i18n, phone_problem.extension),
        PhoneProblem::InvalidCharacters => t_string!(i18n, phone_problem.invalid_characters),
        PhoneProblem::TooShort => t_string!(i18n, phone_problem.too_short),
        PhoneProblem::TooLong => t_string!(i18n, phone_problem.too_long),
        PhoneProblem::NotValidInCountry => t_string!(i18n, phone_problem.not_valid_in_country),
        PhoneProblem::CountryNotSupported => t_string!(i18n, phone_problem.country_not_supported),
        PhoneProblem::PremiumRate => t_string!(i18n, phone_problem.premium_rate),
        PhoneProblem::SharedCost => t_string!(i18n, phone_problem.shared_cost),
        PhoneProblem::NotAPersonalPhone => t_string!(i18n, phone_problem.not_a_personal_phone),
    }
    .to_string()
}

/// The words for a typed-code problem, in the current language.
pub fn code_problem(i18n: leptos_i18n::I18nContext<Locale>, problem: CodeProblem) -> String {
    match problem {
        CodeProblem::Empty => t_string!(i18n, code_problem.empty),
        CodeProblem::NotDigits => t_string!(i18n, code_problem.not_digits),
        CodeProblem::MissingDigits => t_string!(i18n, code_problem.missing_digits),
        CodeProblem::ExtraDigits => t_string!(i18n, code_problem.extra_digits),
    }
    .to_string()
}

/// The words for a typed recovery-code problem, in the current language.
pub fn recovery_problem(i18n: leptos_i18n::I18nContext<Locale>, problem: RecoveryCodeProblem) -> String {
    match problem {
        RecoveryCodeProblem::Empty => t_string!(i18n, recovery_problem.empty).to_string(),
        RecoveryCodeProblem::NotRecoveryCode => {
            t_string!(i18n, recovery_problem.not_recovery_code).to_string()
        }
        RecoveryCodeProblem::WrongLength => t_string!(
            i18n,
            recovery_problem.wrong_length,
            recovery_chars = phone_mfa_contract::policy::RECOVERY_CODE_CHARS
        )
        .to_string(),
    }
}

/// A selector country's name in the current language (the region code if unknown).
pub fn country_name(i18n: leptos_i18n::I18nContext<Locale>, region: &str) -> String {
    match region {
        "US" => t_string!(i18n, countries.US),
        "CA" => t_string!(i18n, countries.CA),
        "PR" => t_string!(i18n, countries.PR),
        "GU" => t_string!(i18n, countries.GU),
        "VI" => t_string!(i18n, countries.VI),
        "AS" => t_string!(i18n, countries.AS),
        "MP" => t_string!(i18n, countries.MP),
        "MX" => t_string!(i18n, countries.MX),
        "GB" => t_string!(i18n, countries.GB),
        "ES" => t_string!(i18n, countries.ES),
        other => return other.to_owned(),
    }
    .to_string()
}

/// The language switch shown on every screen: a native select, labelled, that changes
/// the whole app at once (no reload, nothing typed is lost).
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let on_change = move |ev: leptos::ev::Event| {
        let chosen = match event_target_value(&ev).as_str() {
            "es" => Locale::es,
            _ => Locale::en,
        };
        remember(chosen);
        i18n.set_locale(chosen);
    };
    view! {
        <div class="language-switch">
            <label for="language">{t!(i18n, app.language)}</label>
            // Each language is named in itself, so a person who can't read the current
            // one still finds theirs.
            <select id="language" name="language" on:change=on_change
                prop:value=move || i18n.get_locale().as_str()>
                <option value="en" lang="en" selected=move || i18n.get_locale() == Locale::en>"English"</option>
                <option value="es" lang="es" selected=move || i18n.get_locale() == Locale::es>"Español"</option>
            </select>
        </div>
    }
}
