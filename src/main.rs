//! Only mounts the app; everything else is in the library so tests can import it.
fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(phone_mfa::App);
}
