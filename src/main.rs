//! Only mounts the app; everything else is in the library so tests can import it.
fn main() {
    console_error_panic_hook::set_once();
    // The first render runs in a task of its own. This function runs in the task that
    // finishes compiling the wasm (V8 completes a streamed module on the main thread);
    // with the render in it too, sign-in's load was one task of 55-70 ms, over the
    // 50 ms that blocks input (issue 21, item 4). The frame in index.html stays on
    // screen between the two.
    //
    // And not before the page's first paint: a frame callback runs just before the next
    // paint, and a task it starts runs after it. On a slow phone the page painted long
    // ago and this costs at most a frame; on a fast load, where the wasm can be ready
    // before the first paint, the words that came with the page are painted first
    // (first_paint.rs) instead of waiting for the mount.
    leptos::prelude::request_animation_frame(|| {
        leptos::prelude::set_timeout(mount, std::time::Duration::ZERO);
    });
}

fn mount() {
    // index.html's frame gives way to the app in the same task: no paint between them.
    // Its card stays until the first screen renders (first_paint.rs).
    phone_mfa::first_paint::take_frame();
    leptos::mount::mount_to_body(phone_mfa::App);
}
