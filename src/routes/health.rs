use crate::api;
use leptos::prelude::*;

/// A small line in the footer saying the server is reachable: the thin slice through
/// every layer (SPA -> gloo-net -> axum -> JSON).
#[component]
pub fn ServerStatus() -> impl IntoView {
    let health = LocalResource::new(api::health);
    view! {
        <p class="server-status" data-testid="server-status">
            <Suspense fallback=|| "Checking the server…">
                {move || {
                    health
                        .get()
                        .map(|h| match h {
                            Ok(h) => format!("Server: {} (version {})", h.status, h.version),
                            Err(_) => "Server: unreachable".to_owned(),
                        })
                }}
            </Suspense>
        </p>
    }
}
