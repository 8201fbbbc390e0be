use leptos::prelude::*;
use std::time::Duration;

/// A clock a test moves by hand. Provided as context, it stands in for the browser's
/// clock in every countdown under it, so a test steps past a wait instead of sleeping.
/// The app never provides one.
#[derive(Clone, Copy)]
pub struct ManualNow(pub ReadSignal<f64>);

/// The browser's clock, updated every second while the calling component lives:
/// drives countdowns without each one keeping its own timer.
pub fn use_now_ms() -> ReadSignal<f64> {
    if let Some(ManualNow(now)) = use_context::<ManualNow>() {
        return now;
    }
    let (now, set_now) = signal(crate::flow::now_ms());
    if let Ok(handle) =
        set_interval_with_handle(move || set_now.set(crate::flow::now_ms()), Duration::from_secs(1))
    {
        on_cleanup(move || handle.clear());
    }
    now
}
