use crate::i18n::*;
use leptos::html;
use leptos::prelude::*;

/// One problem to fix: the id of the field it concerns and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field_id: &'static str,
    pub message: String,
}

/// The GOV.UK error-summary pattern: a box at the top listing each problem as a link to
/// its field, focused when it appears so it is read out and the person can jump.
#[component]
pub fn ErrorSummary(#[prop(into)] errors: Signal<Vec<FieldError>>) -> impl IntoView {
    let i18n = use_i18n();
    let node = NodeRef::<html::Div>::new();
    Effect::new(move |_| {
        if !errors.get().is_empty() {
            if let Some(el) = node.get() {
                // After this frame's DOM updates: the box is still `hidden` right now.
                request_animation_frame(move || {
                    let _ = el.focus();
                });
            }
        }
    });
    view! {
        <div
            class="error-summary"
            role="alert"
            tabindex="-1"
            node_ref=node
            aria-labelledby="error-summary-title"
            hidden=move || errors.get().is_empty()
        >
            <h2 id="error-summary-title">{t!(i18n, app.error_summary_title)}</h2>
            <ul>
                {move || {
                    errors
                        .get()
                        .into_iter()
                        .map(|e| {
                            view! {
                                <li>
                                    <a href=format!("#{}", e.field_id)>{e.message}</a>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
        </div>
    }
}
