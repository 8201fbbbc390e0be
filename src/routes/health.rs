use crate::api;
use crate::i18n::*;
use leptos::prelude::*;

/// A small line in the footer saying the server is reachable: the thin slice through
/// every layer (SPA -> gloo-net -> axum -> JSON).
#[component]
pub fn ServerStatus() -> impl IntoView {
    let i18n = use_i18n();
    let health = LocalResource::new(api::health);
    view! {
        <p class="server-status" data-testid="server-status">
            <Suspense fallback=move || t_string!(i18n, app.checking_server)>
                {move || {
                    health
                        .get()
                        .map(|h| match h {
                            Ok(h) => t_string!(i18n, app.server_ok, status = h.status, version = h.version).to_string(),
                            Err(_) => t_string!(i18n, app.server_unreachable).to_string(),
                        })
                }}
            </Suspense>
        </p>
    }
}
