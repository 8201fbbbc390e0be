use crate::components::{ErrorSummary, FieldError, Page, SummaryFocus};
use crate::flow::{safe_next, Auth};
use crate::i18n::*;
use crate::routes::go;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// Recovery codes just made, shown once (login.gov's backup codes): copy, download as a
/// text file, print; Continue once the person says they saved them. The codes live only
/// in this tab's memory: a reload shows how to get new ones instead.
#[component]
pub fn SaveRecoveryCodes() -> impl IntoView {
    let i18n = use_i18n();
    let auth = Auth::get();
    let next = safe_next(use_query_map().get_untracked().get("next"), "/account");
    let codes = auth.new_recovery_codes;
    let saved = RwSignal::new(false);
    let told = RwSignal::new(None::<String>);
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let as_text = move || {
        let email = auth.session.get_untracked().map(|s| s.email).unwrap_or_default();
        let mut lines = vec![
            t_string!(i18n, recovery_codes.file_heading, email = email).to_string(),
            t_string!(i18n, recovery_codes.file_note).to_string(),
            String::new(),
        ];
        lines.extend(codes.get_untracked());
        lines.join("\n") + "\n"
    };
    let copy = move |_| {
        let text = as_text();
        // Cleared first, so a second copy is announced again.
        told.set(None);
        leptos::task::spawn_local(async move {
            if crate::browser::copy_text(&text).await {
                told.set(Some(t_string!(i18n, recovery_codes.copied).to_string()));
            }
        });
    };
    let download = move |_| {
        crate::browser::download_text("phone-mfa-recovery-codes.txt", &as_text());
    };
    let next = StoredValue::new(next);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if saved.get_untracked() {
            // Shown once: gone from memory as the person moves on.
            codes.set(Vec::new());
            go(&next.get_value(), true);
        } else {
            errors.set(vec![FieldError {
                field_id: "codes-saved",
                message: t_string!(i18n, recovery_codes.must_save).to_string(),
            }]);
        }
    };
    let saved_error = move || errors.get().first().map(|e| e.message.clone());
    view! {
        <Page title=Signal::derive(move || t_string!(i18n, recovery_codes.title).to_string()) sign_out=true>
            {move || if codes.with(Vec::is_empty) {
                view! {
                    <p class="alert warning" id="codes-gone">{t!(i18n, recovery_codes.gone)}</p>
                    <a class="button primary" href="/account">{t!(i18n, secure.to_dashboard)}</a>
                }.into_any()
            } else {
                view! {
                    <ErrorSummary errors=errors focus=SummaryFocus::OnNewErrors />
                    <p>{t!(i18n, recovery_codes.intro)}</p>
                    <ol class="recovery-codes printable" aria-label=move || t_string!(i18n, recovery_codes.list_label).to_string()>
                        {codes.get().into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
                    </ol>
                    <div class="recovery-actions no-print">
                        <button type="button" class="button secondary" id="copy-codes" on:click=copy>{t!(i18n, recovery_codes.copy)}</button>
                        <button type="button" class="button secondary" id="download-codes" on:click=download>{t!(i18n, recovery_codes.download)}</button>
                        <button type="button" class="button secondary" id="print-codes" on:click=move |_| crate::browser::print_page()>{t!(i18n, recovery_codes.print)}</button>
                    </div>
                    <p role="status" class="hint no-print">{move || told.get()}</p>
                    <form class="no-print" novalidate on:submit=on_submit>
                        <div class="choice" class:has-error=move || saved_error().is_some()>
                            <input type="checkbox" id="codes-saved" prop:checked=move || saved.get()
                                aria-describedby=move || saved_error().map(|_| "codes-saved-error")
                                aria-invalid=move || saved_error().is_some().then_some("true")
                                on:change=move |ev| { saved.set(event_target_checked(&ev)); errors.set(Vec::new()); } />
                            <label for="codes-saved">{t!(i18n, recovery_codes.saved)}</label>
                        </div>
                        <p id="codes-saved-error" class="field-error" hidden=move || saved_error().is_none()>{saved_error}</p>
                        <button type="submit" class="button primary" id="codes-continue">{t!(i18n, app.continue_label)}</button>
                    </form>
                }.into_any()
            }}
        </Page>
    }
}
