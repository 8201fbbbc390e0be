//! The phone-number validator, run in a Web Worker (trunk `data-type="worker"`).
//!
//! `phonenumber` carries libphonenumber's metadata and hundreds of regular expressions:
//! over a megabyte of wasm, and a first parse that builds its tables for hundreds of
//! milliseconds. Here it loads after the page is up and works off the main thread, so
//! the sign-in screen does not download it and typing a number never waits for it.
//! The page talks to it with JSON messages (`ValidationRequest` / `ValidationReply`).

#[cfg(target_arch = "wasm32")]
fn main() {
    use phone_mfa_contract::phone::{check_phone, ValidationReply, ValidationRequest};
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::{JsCast, JsValue};
    use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

    console_error_panic_hook::set_once();
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let replies = scope.clone();
    let clock = scope.performance().expect("workers have performance.now()");
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let Some(text) = event.data().as_string() else {
            return;
        };
        let Ok(request) = serde_json::from_str::<ValidationRequest>(&text) else {
            return;
        };
        let started = clock.now();
        // Every listed country is offered; the server's allow-list has the final word.
        let result = check_phone(&request.number, &request.region, |_| true);
        let took_ms = clock.now() - started;
        if let Ok(json) = serde_json::to_string(&ValidationReply {
            id: request.id,
            result,
            took_ms,
        }) {
            let _ = replies.post_message(&JsValue::from_str(&json));
        }
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    // Build the metadata now, while the person reads the screen, not on their first key.
    let _ = check_phone("2015550123", "US", |_| true);
    let _ = scope.post_message(&JsValue::from_str("ready"));
}

/// Natively there is no worker; the binary exists for the browser build only.
#[cfg(not(target_arch = "wasm32"))]
fn main() {}
