use crate::api;
use crate::components::Page;
use crate::flow::Auth;
use crate::i18n::*;
use crate::routes::continue_sign_up::token_from_fragment;
use leptos::prelude::*;
use leptos_i18n::I18nContext;
use phone_mfa_contract::policy::{CHANGES_PAUSED_SECS, MAX_PHONES_PER_ACCOUNT};
use phone_mfa_contract::{AccountChangeView, ChangeReportView, ChangeReportedView, ErrorCode, UndoOutcome};

/// Where the screen is.
#[derive(Clone)]
enum Step {
    Checking,
    Asking(ChangeReportView),
    Done(ChangeReportedView),
    /// The link can't be used: why.
    Failed(String),
}

/// "This wasn't me": the link in an account-change e-mail
/// (`/this-wasnt-me#token=...`). Shows what changed; if the person did not make it,
/// undoes it and secures the account (the server ends every session and pauses
/// method changes), then says what happened and what to do next.
#[component]
pub fn ThisWasntMe() -> impl IntoView {
    let i18n = use_i18n();
    let step = RwSignal::new(Step::Checking);
    let location = window().location();
    let token = token_from_fragment(&location.hash().unwrap_or_default());
    // Out of the address bar and the history entry: the page may be left open or shared.
    if let Ok(history) = window().history() {
        let path = location.pathname().unwrap_or_default();
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path));
    }
    let failed = move |e: api::Failure| step.set(Step::Failed(e.message()));
    match token.clone() {
        // The text to a number that left an account links here without a token.
        None => step.set(Step::Failed(t_string!(i18n, this_wasnt_me.no_token).to_string())),
        Some(token) => leptos::task::spawn_local(async move {
            match api::look_at_change(token).await {
                Ok(report) => step.set(Step::Asking(report)),
                Err(api::Failure::Abandoned) => {}
                Err(e) => failed(e),
            }
        }),
    }
    let undo = Action::new_local(move |_: &()| api::report_change(token.clone().unwrap_or_default()));
    let problem = RwSignal::new(None::<String>);
    let auth = Auth::get();
    Effect::new(move |_| match undo.value().get() {
        Some(Ok(done)) => {
            // The server ended every session, this browser's too.
            auth.session.set(None);
            step.set(Step::Done(done));
        }
        Some(Err(e))
            if matches!(
                e.code(),
                Some(ErrorCode::ReportLinkUsed | ErrorCode::ReportLinkExpired)
            ) =>
        {
            failed(e)
        }
        Some(Err(e)) => problem.set(Some(e.message())),
        None => {}
    });
    view! {
        {move || match step.get() {
            Step::Checking => view! {
                <Page title=Signal::derive(move || t_string!(i18n, this_wasnt_me.title).to_string())>
                    <p role="status">{t!(i18n, continue_sign_up.wait)}</p>
                </Page>
            }
            .into_any(),
            Step::Asking(report) => view! {
                <ReportChange
                    report=report
                    on_confirm=Callback::new(move |_| {
                        problem.set(None);
                        undo.dispatch(());
                    })
                    busy=undo.pending()
                    problem=problem
                />
            }
            .into_any(),
            Step::Done(done) => view! { <ChangeUndone done=done /> }.into_any(),
            Step::Failed(message) => view! { <ReportLinkFailed message=message /> }.into_any(),
        }}
    }
}

/// A time the server gave (Unix seconds) in the person's language, like "December 1,
/// 2026 at 9:30 AM".
fn when(i18n: I18nContext<Locale>, unix_s: i64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(unix_s as f64 * 1000.0));
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"dateStyle".into(), &"long".into());
    let _ = js_sys::Reflect::set(&options, &"timeStyle".into(), &"short".into());
    date.to_locale_string(i18n.get_locale_untracked().as_str(), &options)
        .into()
}

/// What changed, in words.
fn describe(i18n: I18nContext<Locale>, change: &AccountChangeView) -> String {
    match change {
        AccountChangeView::PhoneAdded { masked_phone } => {
            t_string!(i18n, this_wasnt_me.phone_added, phone = masked_phone.clone()).to_string()
        }
        AccountChangeView::PhoneChanged {
            from_masked,
            to_masked,
        } => t_string!(
            i18n,
            this_wasnt_me.phone_changed,
            from = from_masked.clone(),
            to = to_masked.clone()
        )
        .to_string(),
        AccountChangeView::PhoneRemoved { masked_phone } => {
            t_string!(i18n, this_wasnt_me.phone_removed, phone = masked_phone.clone()).to_string()
        }
        AccountChangeView::AppRemoved => t_string!(i18n, this_wasnt_me.app_removed).to_string(),
        AccountChangeView::AppAdded => t_string!(i18n, this_wasnt_me.app_added).to_string(),
        AccountChangeView::RecoveryCodesReplaced => {
            t_string!(i18n, this_wasnt_me.recovery_codes_replaced).to_string()
        }
    }
}

/// The question: did you make this change?
#[component]
pub fn ReportChange(
    report: ChangeReportView,
    on_confirm: Callback<()>,
    #[prop(into)] busy: Signal<bool>,
    #[prop(into)] problem: Signal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let what = describe(i18n, &report.change);
    let made_at = report.made_at;
    let hours = CHANGES_PAUSED_SECS / 3600;
    view! {
        <Page title=Signal::derive(move || t_string!(i18n, this_wasnt_me.title).to_string())>
            <p class="callout">
                {what}" "
                {move || t_string!(i18n, this_wasnt_me.made_at, when = when(i18n, made_at)).to_string()}
            </p>
            <p>{t!(i18n, this_wasnt_me.if_not_you, hours = hours)}</p>
            {move || problem.get().map(|message| view! { <p class="alert error" role="alert">{message}</p> })}
            <button
                type="button"
                class="button primary"
                prop:disabled=move || busy.get()
                aria-disabled=move || busy.get().then_some("true")
                on:click=move |_| on_confirm.run(())
            >
                {t!(i18n, this_wasnt_me.undo)}
            </button>
            <p>{t!(i18n, this_wasnt_me.it_was_me)} " " <a href="/account">{t!(i18n, this_wasnt_me.go_to_account)}</a></p>
        </Page>
    }
}

/// Done: what was undone, what the server did to secure the account, what next.
#[component]
pub fn ChangeUndone(done: ChangeReportedView) -> impl IntoView {
    let i18n = use_i18n();
    let outcome = match (&done.outcome, &done.change) {
        (UndoOutcome::Undone, _) => t_string!(i18n, this_wasnt_me.undone).to_string(),
        (UndoOutcome::NothingToUndo, _) => t_string!(i18n, this_wasnt_me.nothing_to_undo).to_string(),
        (
            UndoOutcome::NoRoom,
            AccountChangeView::PhoneRemoved { masked_phone: phone }
            | AccountChangeView::PhoneChanged {
                from_masked: phone, ..
            },
        ) => t_string!(
            i18n,
            this_wasnt_me.no_room,
            phone = phone.clone(),
            max = MAX_PHONES_PER_ACCOUNT
        )
        .to_string(),
        (UndoOutcome::NoRoom, _) => t_string!(i18n, this_wasnt_me.nothing_to_undo).to_string(),
    };
    let until = done.changes_paused_until;
    let later = done.later_changes_undone;
    view! {
        <Page title=Signal::derive(move || t_string!(i18n, this_wasnt_me.done_title).to_string())>
            <ul class="checklist">
                <li>
                    {outcome}
                    {(later > 0).then(|| view! { " " {move || t_string!(i18n, this_wasnt_me.later_undone, count = later).to_string()} })}
                </li>
                <li>{t!(i18n, this_wasnt_me.signed_out)}</li>
                <li>{move || t_string!(i18n, this_wasnt_me.paused, when = when(i18n, until)).to_string()}</li>
            </ul>
            <h2>{t!(i18n, this_wasnt_me.next_title)}</h2>
            <ol class="checklist">
                <li>{t!(i18n, this_wasnt_me.next_sign_in)}</li>
                <li>{t!(i18n, this_wasnt_me.next_password)}</li>
            </ol>
            <a class="button primary" href="/sign-in">{t!(i18n, sign_in.submit)}</a>
        </Page>
    }
}

/// A link that can't be used: expired, used, made up, or without its token.
#[component]
pub fn ReportLinkFailed(message: String) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Page title=Signal::derive(move || t_string!(i18n, this_wasnt_me.failed_title).to_string())>
            // No live region: the heading takes focus and is announced, the reason right after.
            <p class="alert error">{message}</p>
            <a class="button primary" href="/sign-in">{t!(i18n, sign_in.submit)}</a>
        </Page>
    }
}
