use crate::components::FieldError;
use crate::i18n::*;
use leptos::prelude::*;

/// A labelled text input with its hint and its error, linked by `aria-describedby`.
#[component]
pub fn TextField(
    /// The input's id; error-summary links point here.
    id: &'static str,
    #[prop(into)] label: Signal<String>,
    /// `type` attribute: "email", "password", ...
    input_type: &'static str,
    autocomplete: &'static str,
    value: RwSignal<String>,
    /// The form's current problems; the one for this field is shown beside it.
    #[prop(into)]
    errors: Signal<Vec<FieldError>>,
    /// A line of help under the label.
    #[prop(optional, into)]
    help: Option<Signal<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = Memo::new(move |_| {
        errors
            .get()
            .into_iter()
            .find(|e| e.field_id == id)
            .map(|e| e.message)
    });
    let help_id = format!("{id}-help");
    let error_id = format!("{id}-error");
    let has_help = help.is_some();
    let describedby = {
        let (help_id, error_id) = (help_id.clone(), error_id.clone());
        move || {
            let mut ids = vec![];
            if has_help {
                ids.push(help_id.clone());
            }
            if error.get().is_some() {
                ids.push(error_id.clone());
            }
            ids.join(" ")
        }
    };
    view! {
        <div class=move || if error.get().is_some() { "field field-invalid" } else { "field" }>
            <label for=id>{move || label.get()}</label>
            {help.map(|h| view! { <p id=help_id.clone() class="help">{move || h.get()}</p> })}
            <p id=error_id class="field-error" hidden=move || error.get().is_none()>
                <span class="visually-hidden">{t!(i18n, app.error_prefix)}</span>
                {move || error.get()}
            </p>
            <input
                id=id
                name=id
                type=input_type
                autocomplete=autocomplete
                spellcheck="false"
                aria-describedby=describedby
                aria-invalid=move || error.get().is_some().to_string()
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
        </div>
    }
}
