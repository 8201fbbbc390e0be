//! Only mounts the app; everything else is in the library so tests can import it.
fn main() {
    console_error_panic_hook::set_once();
    // The first render runs in a task of its own. This function runs in the task that
    // finishes compiling the wasm (V8 completes a streamed module on the main thread);
    // with the render in it too, sign-in's load was one task of 55-70 ms, over the
    // 50 ms that blocks input (issue 21, item 4). The frame in index.html stays on
    // screen between the two.
    leptos::prelude::set_timeout(mount, std::time::Duration::ZERO);
}

fn mount() {
    // index.html's frame gives way to the app in the same task: no paint between them.
    if let Some(frame) = leptos::prelude::document().get_element_by_id("boot") {
        frame.remove();
    }
    leptos::mount::mount_to_body(phone_mfa::App);
}
