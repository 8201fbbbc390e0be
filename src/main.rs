//! Only mounts the app; everything else is in the library so tests can import it.
fn main() {
    console_error_panic_hook::set_once();
    // index.html's frame gives way to the app in the same task: no paint between them.
    if let Some(frame) = leptos::prelude::document().get_element_by_id("boot") {
        frame.remove();
    }
    leptos::mount::mount_to_body(phone_mfa::App);
}
