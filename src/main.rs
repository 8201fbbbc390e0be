//! Only mounts the app; everything else is in the library so tests can import it.
fn main() {
    console_error_panic_hook::set_once();
    // The first render runs in a task of its own. This function runs in the task that
    // finishes compiling the wasm (V8 completes a streamed module on the main thread);
    // with the render in it too, sign-in's load was one task of 55-70 ms, over the
    // 50 ms that blocks input (issue 21, item 4). The frame in index.html stays on
    // screen between the two.
    //
    // And not before the page's first paint has been presented (first_paint.rs): on a
    // fast load the wasm can be ready before it, and the words that came with the page
    // are to reach the screen first. On a slow phone this waits for nothing.
    phone_mfa::first_paint::after_first_paint(mount);
}

fn mount() {
    // index.html's frame gives way to the app in the same task: no paint between them.
    // Its card stays until the first screen renders (first_paint.rs).
    phone_mfa::first_paint::take_frame();
    leptos::mount::mount_to_body(phone_mfa::App);
}
