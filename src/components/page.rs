use crate::api;
use crate::flow::{clear_pending, Auth};
use crate::i18n::*;
use leptos::html;
use leptos::prelude::*;

/// The way back from a step: to the step before, or (a change started from Sign in &
/// Security) cancelling back there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepBack {
    Back(String),
    Cancel(String),
}

/// A screen's frame: sets the page title and moves focus to the heading when the
/// screen opens, so screen-reader and keyboard users start at the top of the new screen.
/// A step of a flow also has its way back (above the heading, GOV.UK's back link) and a
/// way out (sign out, below everything).
#[component]
pub fn Page(
    /// The screen's one h1, also used in the document title.
    #[prop(into)]
    title: Signal<String>,
    /// Extra class for the card (e.g. "wide" for the dashboard).
    #[prop(optional)]
    class: &'static str,
    /// Back or Cancel, on a step that has a step before it (it may depend on the
    /// session, which a reloaded screen learns after its first render).
    #[prop(optional, into)]
    back: Option<Signal<Option<StepBack>>>,
    /// Offer "Sign out" (every step of setup and sign-in).
    #[prop(optional)]
    sign_out: bool,
    children: Children,
) -> impl IntoView {
    let i18n = use_i18n();
    let heading = NodeRef::<html::H1>::new();
    Effect::new(move |_| {
        document().set_title(&t_string!(i18n, app.title_suffix, title = title.get()).to_string());
    });
    Effect::new(move |_| {
        crate::first_paint::screen_shown();
        if let Some(h1) = heading.get() {
            // In the next frame, before it is painted: focusing now would make the
            // browser lay the page out inside the render's task, which on a page's
            // first load is long enough already (issue 21, item 4).
            request_animation_frame(move || {
                let _ = h1.focus();
            });
        }
    });
    let back = move || {
        let (href, label) = match back?.get()? {
            StepBack::Back(href) => (href, t_string!(i18n, app.back).to_string()),
            StepBack::Cancel(href) => (href, t_string!(i18n, app.cancel).to_string()),
        };
        Some(view! { <a class="back-link" href=href>{label}</a> })
    };
    view! {
        <section class=format!("card {class}")>
            {back}
            <h1 tabindex="-1" node_ref=heading>{move || title.get()}</h1>
            {children()}
            {sign_out.then(|| view! { <SignOut /> })}
        </section>
    }
}

/// Ends the session on the server and opens the sign-in screen; the code on its way,
/// if any, is forgotten.
#[component]
pub fn SignOut() -> impl IntoView {
    let i18n = use_i18n();
    let auth = Auth::get();
    let sign_out = Action::new_local(|_: &()| api::sign_out());
    Effect::new(move |_| {
        // Whatever the answer: a session the server no longer knows is signed out too,
        // and a network failure still leaves this browser signed out.
        if sign_out.value().get().is_some() {
            clear_pending();
            let _ = crate::flow::take_had_session();
            auth.session.set(None);
            crate::routes::go("/sign-in", true);
        }
    });
    view! {
        <p class="sign-out">
            <button type="button" class="button link" id="sign-out"
                prop:disabled=move || sign_out.pending().get()
                on:click=move |_| { sign_out.dispatch_local(()); }>
                {t!(i18n, app.sign_out)}
            </button>
        </p>
    }
}
