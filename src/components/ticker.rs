use leptos::prelude::*;
use std::time::Duration;

/// The browser's clock, updated every second while the calling component lives:
/// drives countdowns without each one keeping its own timer.
pub fn use_now_ms() -> ReadSignal<f64> {
    let (now, set_now) = signal(crate::flow::now_ms());
    if let Ok(handle) =
        set_interval_with_handle(move || set_now.set(crate::flow::now_ms()), Duration::from_secs(1))
    {
        on_cleanup(move || handle.clear());
    }
    now
}
