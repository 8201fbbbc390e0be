//! The design gallery (`/gallery`): every screen in every state, from made-up data,
//! rendered by the very components of the real flow. The states are listed once, in
//! `crate::screens`; each is a function in `states`. Built only with the `gallery`
//! feature (on by default; a production build turns it off, and none of this ships).
//!
//! A state's address can carry how to show it, so a designer can share exactly what
//! they see: `/gallery/code-locked?lang=es&theme=dark&width=320`. The screens' buttons
//! work, but no request leaves the browser: the gallery says what would have been sent.

mod fixtures;
pub mod states;

use crate::i18n::*;
use crate::routes::not_found::NotFound;
use crate::screens::GALLERY_STATES;
use leptos::prelude::*;
use leptos_i18n::I18nContext;
use leptos_router::hooks::{use_params_map, use_query_map};
use wasm_bindgen::JsCast;

/// The query parameters that say how to show a state, kept on every link of the list.
const VIEW_PARAMS: [&str; 3] = ["lang", "theme", "width"];
/// Stage widths offered (CSS pixels): a small phone, a common phone, a tablet.
const WIDTHS: [u32; 3] = [320, 390, 768];

/// `?theme=light|dark`: that theme whatever the system's. The palette is written once,
/// in style/tokens.css (light on `:root`, dark in its `prefers-color-scheme: dark`
/// block); this copies the wanted one onto `<html>` as inline custom properties, which
/// win over both. `None` takes them off again.
fn force_theme(theme: Option<&str>) {
    let Some(root) = document()
        .document_element()
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    else {
        return;
    };
    let inline = root.style();
    for i in (0..inline.length()).rev() {
        let name = inline.item(i);
        if name.starts_with("--color") || name == "color-scheme" {
            let _ = inline.remove_property(&name);
        }
    }
    let Some(theme) = theme.filter(|t| matches!(*t, "light" | "dark")) else {
        return;
    };
    let sheets = document().style_sheets();
    for i in 0..sheets.length() {
        let Some(sheet) = sheets
            .item(i)
            .and_then(|s| s.dyn_into::<web_sys::CssStyleSheet>().ok())
        else {
            continue;
        };
        let Ok(rules) = sheet.css_rules() else { continue };
        for j in 0..rules.length() {
            let Some(rule) = rules.item(j) else { continue };
            let palette = match rule.dyn_ref::<web_sys::CssMediaRule>() {
                Some(media) if media.condition_text().contains("prefers-color-scheme: dark") => {
                    if theme != "dark" {
                        continue;
                    }
                    media.css_rules().item(0)
                }
                Some(_) => continue,
                None if theme == "light" => Some(rule),
                None => continue,
            };
            let Some(style_rule) = palette.and_then(|r| r.dyn_into::<web_sys::CssStyleRule>().ok()) else {
                continue;
            };
            if style_rule.selector_text() != ":root" {
                continue;
            }
            let tokens = style_rule.style();
            for k in 0..tokens.length() {
                let name = tokens.item(k);
                if name.starts_with("--color") {
                    if let Ok(value) = tokens.get_property_value(&name) {
                        let _ = inline.set_property(&name, value.trim());
                    }
                }
            }
        }
    }
    let _ = inline.set_property("color-scheme", theme);
}

/// One state of one screen, with its own address: `/gallery/<id>`.
pub struct GalleryState {
    pub id: &'static str,
    /// The screen's group in the list (states of one screen are listed together).
    pub group: &'static str,
    pub screen: fn(I18nContext<Locale>) -> String,
    pub label: fn(I18nContext<Locale>) -> String,
    /// Puts the state's data in place and renders the screen's own component.
    pub render: fn(I18nContext<Locale>) -> AnyView,
}

/// The server's catalogues, for what the server would say in a state (an error, a
/// reason), in the gallery's language: the gallery calls no server, and must not
/// write the server's words a second time.
static SERVER_WORDS: std::sync::LazyLock<[serde_json::Value; 2]> = std::sync::LazyLock::new(|| {
    let parse = |json: &str| serde_json::from_str(json).unwrap_or_default();
    [
        parse(include_str!("../../locales/server/en.json")),
        parse(include_str!("../../locales/server/es.json")),
    ]
});

/// The server's words for `key` (its `_one`/`_other` form for `count`, filled in).
pub fn server_says(i18n: I18nContext<Locale>, key: &str, count: Option<i64>) -> String {
    use phone_mfa_contract::catalogue::{fill, plural_key};
    // Tracked: the stage renders the state again when the language changes.
    let words = &SERVER_WORDS[match i18n.get_locale() {
        Locale::en => 0,
        Locale::es => 1,
    }];
    let find = |key: &str| {
        key.split('.')
            .try_fold(words, |node, part| node.get(part))
            .and_then(|v| v.as_str())
    };
    let text = count
        .and_then(|n| find(&plural_key(key, n)))
        .or_else(|| find(key))
        .unwrap_or_else(|| panic!("locales/server lacks {key}"));
    fill(text, |name| {
        (name == "count").then(|| count.unwrap_or_default().to_string())
    })
    .unwrap_or_else(|missing| panic!("{key} needs a value for {missing}"))
}

/// `/gallery` and `/gallery/<state>`: a side list of every state, and the state itself
/// ("page not found" for an address that is no state).
#[component]
pub fn Gallery() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let view_param = move |name: &str| query.with(|q| q.get(name));
    // Shown in the language of the address, without making it the person's choice.
    Effect::new(move |_| match view_param("lang").as_deref() {
        Some("en") => i18n.set_locale(Locale::en),
        Some("es") => i18n.set_locale(Locale::es),
        _ => {}
    });
    Effect::new(move |_| force_theme(view_param("theme").as_deref()));
    on_cleanup(|| force_theme(None));
    let width = move || {
        view_param("width")
            .and_then(|w| w.parse::<u32>().ok())
            .filter(|w| (240..=1600).contains(w))
    };
    // Every link of the list keeps how the state is shown.
    let view_query = move || {
        let kept: Vec<String> = VIEW_PARAMS
            .iter()
            .filter_map(|name| {
                view_param(name).map(|v| format!("{name}={}", js_sys::encode_uri_component(&v)))
            })
            .collect();
        if kept.is_empty() {
            String::new()
        } else {
            format!("?{}", kept.join("&"))
        }
    };
    // What the screen would have asked the server, had this been the app.
    let would_send = RwSignal::new(None::<String>);
    crate::api::stand_in(Some(Box::new(move |method, path| {
        would_send.set(Some(format!("{method} {path}")));
        crate::api::StandInAnswer::Hold
    })));
    on_cleanup(|| crate::api::stand_in(None));
    let current = move || {
        params
            .get()
            .get("state")
            .unwrap_or_else(|| GALLERY_STATES[0].id.to_owned())
    };
    let nav = {
        // Consecutive states of the same screen form a group.
        let mut groups: Vec<(&GalleryState, Vec<&GalleryState>)> = vec![];
        for s in GALLERY_STATES {
            match groups.last_mut() {
                Some((first, list)) if first.group == s.group => list.push(s),
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
                                    let href = move || format!("/gallery/{}{}", s.id, view_query());
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
    let stage = move || {
        let id = current();
        would_send.set(None);
        match GALLERY_STATES.iter().find(|s| s.id == id) {
            Some(state) => (state.render)(i18n),
            None => view! { <NotFound /> }.into_any(),
        }
    };
    let selected = move |name: &str, value: &str| view_param(name).as_deref() == Some(value);
    view! {
        <div class="gallery">
            <nav class="gallery-nav" aria-label=move || t_string!(i18n, gallery.nav_label)>
                <p class="gallery-title">{t!(i18n, gallery.title)}</p>
                // A plain GET form: the choice lands in the address, ready to share.
                <form class="gallery-view" method="get">
                    <label for="gallery-theme">{t!(i18n, gallery.theme)}</label>
                    <select id="gallery-theme" name="theme">
                        <option value="" selected=move || view_param("theme").is_none()>{t!(i18n, gallery.theme_system)}</option>
                        <option value="light" selected=move || selected("theme", "light")>{t!(i18n, gallery.theme_light)}</option>
                        <option value="dark" selected=move || selected("theme", "dark")>{t!(i18n, gallery.theme_dark)}</option>
                    </select>
                    <label for="gallery-lang">{t!(i18n, app.language)}</label>
                    <select id="gallery-lang" name="lang">
                        <option value="en" lang="en" selected=move || i18n.get_locale() == Locale::en>"English"</option>
                        <option value="es" lang="es" selected=move || i18n.get_locale() == Locale::es>"Español"</option>
                    </select>
                    <label for="gallery-width">{t!(i18n, gallery.width)}</label>
                    <select id="gallery-width" name="width">
                        <option value="" selected=move || width().is_none()>{t!(i18n, gallery.width_full)}</option>
                        {WIDTHS.map(|w| view! {
                            <option value=w.to_string() selected=move || width() == Some(w)>{format!("{w} px")}</option>
                        })}
                    </select>
                    <button type="submit" class="button secondary">{t!(i18n, gallery.show)}</button>
                </form>
                <ul>{nav}</ul>
            </nav>
            // Through the CSSOM (`style:`), which the CSP allows; a style attribute it
            // would refuse.
            <div class="gallery-stage" class:sized=move || width().is_some() data-state=current
                style:width=move || width().map(|w| format!("{w}px"))>
                <p class="gallery-notice" role="status">
                    {move || would_send.get().map(|request| t_string!(i18n, gallery.would_send, request = request).to_string())}
                </p>
                {stage}
            </div>
        </div>
    }
}
