use crate::i18n::*;
use leptos::html;
use leptos::prelude::*;

/// A screen's frame: sets the page title and moves focus to the heading when the
/// screen opens, so screen-reader and keyboard users start at the top of the new screen.
#[component]
pub fn Page(
    /// The screen's one h1, also used in the document title.
    #[prop(into)]
    title: Signal<String>,
    /// Extra class for the card (e.g. "wide" for the dashboard).
    #[prop(optional)]
    class: &'static str,
    children: Children,
) -> impl IntoView {
    let i18n = use_i18n();
    let heading = NodeRef::<html::H1>::new();
    Effect::new(move |_| {
        document().set_title(&t_string!(i18n, app.title_suffix, title = title.get()).to_string());
    });
    Effect::new(move |_| {
        if let Some(h1) = heading.get() {
            let _ = h1.focus();
        }
    });
    view! {
        <section class=format!("card {class}")>
            <h1 tabindex="-1" node_ref=heading>{move || title.get()}</h1>
            {children()}
        </section>
    }
}
