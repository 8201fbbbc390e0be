//! The design gallery (`/gallery`): every screen in every state, from made-up data,
//! rendered by the very components of the real flow. The states are listed once, in
//! `crate::screens`; each is a function in `states`. Built only with the `gallery`
//! feature (on by default; a production build turns it off, and none of this ships).

mod fixtures;
pub mod states;

use crate::i18n::*;
use crate::routes::not_found::NotFound;
use crate::screens::GALLERY_STATES;
use leptos::prelude::*;
use leptos_i18n::I18nContext;
use leptos_router::hooks::use_params_map;

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
    let stage = move || {
        let id = current();
        match GALLERY_STATES.iter().find(|s| s.id == id) {
            Some(state) => (state.render)(i18n),
            None => view! { <NotFound /> }.into_any(),
        }
    };
    view! {
        <div class="gallery">
            <nav class="gallery-nav" aria-label=move || t_string!(i18n, gallery.nav_label)>
                <p class="gallery-title">{t!(i18n, gallery.title)}</p>
                <ul>{nav}</ul>
            </nav>
            <div class="gallery-stage" data-state=current>
                {stage}
            </div>
        </div>
    }
}
