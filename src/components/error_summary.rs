use crate::i18n::*;
use leptos::html;
use leptos::prelude::*;

/// One problem to fix: the id of the field it concerns and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field_id: &'static str,
    pub message: String,
}

/// When the error summary takes focus.
#[derive(Debug, Clone, Copy, Default)]
pub enum SummaryFocus {
    /// Whenever a new list of errors is set: for forms that set their errors on submit.
    #[default]
    OnNewErrors,
    /// Each time this count changes (the form's submits, counted): the list follows the
    /// fields as the person types without pulling focus away from the field.
    OnSubmit(Signal<u32>),
    /// Never: focus stays in the one field, its text selected for correction (the code
    /// screen), and the alert is the one announcement.
    Never,
}

/// The GOV.UK error-summary pattern: a box at the top listing each problem as a link to
/// its field. It is the screen's one announcement of its errors (an alert; the fields'
/// own messages are not live regions, so nothing is said twice), and it is focused
/// after a submit so the person can jump to each field.
#[component]
pub fn ErrorSummary(
    #[prop(into)] errors: Signal<Vec<FieldError>>,
    #[prop(optional)] focus: SummaryFocus,
) -> impl IntoView {
    let i18n = use_i18n();
    // Drawn (and so announced) again only when the list itself changes, not each time
    // a field's check runs and finds the same problem.
    let errors = Memo::new(move |_| errors.get());
    let node = NodeRef::<html::Div>::new();
    let take_focus = move || {
        if let Some(el) = node.get_untracked() {
            // After this frame's DOM updates: the box may still be `hidden` right now.
            request_animation_frame(move || {
                let _ = el.focus();
            });
        }
    };
    match focus {
        SummaryFocus::OnNewErrors => Effect::new(move |_| {
            if !errors.get().is_empty() {
                node.track();
                take_focus();
            }
        }),
        SummaryFocus::OnSubmit(submits) => Effect::new(move |previous: Option<u32>| {
            let n = submits.get();
            if previous.is_some_and(|p| p != n) && !errors.get_untracked().is_empty() {
                take_focus();
            }
            n
        }),
        SummaryFocus::Never => Effect::new(|_| {}),
    };
    view! {
        <div
            class="error-summary"
            tabindex="-1"
            node_ref=node
            aria-labelledby="error-summary-title"
            hidden=move || errors.get().is_empty()
        >
            <div role="alert">
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
        </div>
    }
}
