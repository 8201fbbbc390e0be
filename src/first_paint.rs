//! The card index.html paints before the app's code has arrived (issue 21): on an
//! address's own page it holds the screen's first words (xtask/src/first_paint.rs), on
//! index.html grey bars. The app's mount removes index.html's frame and draws its own
//! header in the same task, but a screen opened directly may still wait for its chunk
//! and its session: the card stays in `<main>` until the first screen renders in its
//! place (CSS hides it in the same frame: style/components.css), so the words painted
//! with the HTML never blink out.

use leptos::prelude::*;
use std::cell::RefCell;

thread_local! {
    /// The frame's cards, from the mount (before the app exists) to [`FirstPaintCard`].
    static CARDS: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Removes index.html's frame, keeping its card for [`FirstPaintCard`]. Called just
/// before the app mounts, in the same task: nothing is painted between the two.
pub fn take_frame() {
    let Some(frame) = document().get_element_by_id("boot") else {
        return;
    };
    let cards = frame
        .query_selector("main")
        .ok()
        .flatten()
        .map(|main| main.inner_html());
    frame.remove();
    CARDS.with(|c| *c.borrow_mut() = cards);
}

/// How many frames the mount waits, at most, for the page's first paint to be reported
/// (about a third of a second): a page with nothing to paint yet does not hold it longer.
const MOUNT_WAITS_FRAMES: u32 = 20;

/// Runs `mount` in a task of its own once the page's words have reached the screen: once
/// the browser has reported the first contentful paint (it does so when the frame has
/// been presented). Removing the frame before that would make that paint never count:
/// Chromium forgets a paint whose element is gone before the frame is presented, and
/// Lighthouse then saw the app's heading, drawn later, as the page's largest paint. On a
/// slow phone the page painted long before the app's code arrived, and this waits for
/// nothing.
pub fn after_first_paint(mount: fn()) {
    wait_for_first_paint(mount, 0);
}

fn wait_for_first_paint(mount: fn(), frames: u32) {
    let painted = window()
        .performance()
        .is_some_and(|p| p.get_entries_by_name("first-contentful-paint").length() > 0);
    if painted || frames >= MOUNT_WAITS_FRAMES {
        set_timeout(mount, std::time::Duration::ZERO);
    } else {
        request_animation_frame(move || wait_for_first_paint(mount, frames + 1));
    }
}

/// Whether a screen has rendered yet (provided by the app around its screens).
#[derive(Clone, Copy)]
struct ScreenShown(RwSignal<bool>);

/// Provides what [`FirstPaintCard`] and [`screen_shown`] share: call once, above both.
pub fn provide() {
    provide_context(ScreenShown(RwSignal::new(false)));
}

/// The frame's card, in `<main>` before the screens, until the first one renders.
#[component]
pub fn FirstPaintCard() -> impl IntoView {
    let shown = use_context::<ScreenShown>().map(|s| s.0);
    let cards = CARDS.with(|c| c.borrow_mut().take());
    move || {
        let gone = shown.is_none_or(|s| s.get());
        // The frame's own markup, taken from this page: `display: contents` keeps the
        // card where it was, a child of <main> as far as layout goes.
        (!gone).then(|| {
            cards
                .clone()
                .map(|html| view! { <div class="boot" aria-hidden="true" inner_html=html></div> })
        })
    }
}

/// Called by every screen (`Page`) once rendered: the first-paint card has done its job.
pub fn screen_shown() {
    if let Some(ScreenShown(shown)) = use_context() {
        if !shown.get_untracked() {
            shown.set(true);
        }
    }
}
