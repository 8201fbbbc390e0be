//! How the design gallery starts a screen in one of its states: it provides the state
//! as context (`Preview`), and the screen, asking `preview()`, starts from it instead of
//! asking the server or the browser's storage.
//!
//! Builds without the `gallery` feature (production) have no gallery: `preview()` is
//! then a constant `None`, so the compiler drops every preview path from the screens,
//! and the gallery's made-up data (`crate::gallery`) is not compiled at all.

/// A screen's starting state, provided by the gallery.
#[derive(Clone)]
pub struct Preview<T>(pub T);

/// The state the gallery asks this screen to start in, if any.
pub fn preview<T: Clone + Send + Sync + 'static>() -> Option<T> {
    #[cfg(feature = "gallery")]
    {
        leptos::prelude::use_context::<Preview<T>>().map(|p| p.0)
    }
    #[cfg(not(feature = "gallery"))]
    {
        None
    }
}
