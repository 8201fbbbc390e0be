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
    let heading = NodeRef::<html::H1>::new();
    Effect::new(move |_| {
        document().set_title(&format!("{} - Phone MFA", title.get()));
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
