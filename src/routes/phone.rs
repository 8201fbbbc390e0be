use crate::api;
use crate::components::phone_input::{default_region, field_message};
use crate::components::{ErrorSummary, FieldError, Page, PhoneInput, StepBack, SummaryFocus};
use crate::flow::{load_pending, now_ms, save_pending, Auth, EnteredPhone, PendingCode, METHOD_PLACEHOLDER};
use crate::i18n::*;
use crate::routes::{go, use_session_guard};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use phone_mfa_contract::{Channel, ErrorCode, PhoneInput as PhoneBody, Purpose, StartChallengeRequest};

/// A state of the phone screen to start in, for the design gallery
/// (`crate::preview`; never set in production builds).
#[derive(Debug, Clone, Default)]
pub struct PhonePreview {
    pub number: String,
    pub region: Option<String>,
    pub touched: bool,
    pub server_error: Option<String>,
    /// Show the screen as if the code were being sent.
    pub sending: bool,
    /// Show the "change number" variant.
    pub change: Option<i64>,
}

/// Setup step 2 (and "change number"): enter the phone number, choose "Text me" or
/// "Call me", Continue sends the code.
#[component]
pub fn EnterPhone() -> impl IntoView {
    let i18n = use_i18n();
    let auth = Auth::get();
    let previewed = crate::preview::preview::<PhonePreview>();
    let in_preview = previewed.is_some();
    let preview = previewed.unwrap_or_default();
    if !in_preview {
        use_session_guard();
    }
    // `?change=<method id>`: replacing the number of an existing phone method.
    let change: Option<i64> = if in_preview {
        preview.change
    } else {
        use_query_map()
            .get_untracked()
            .get("change")
            .and_then(|v| v.parse().ok())
    };
    // Back from the code screen ("Change", "Use a different number"): what was typed is
    // there again, as typed.
    let typed_before = if in_preview {
        None
    } else {
        load_pending()
            .and_then(|p| p.entered)
            .filter(|e| e.change_of == change)
    };
    let number = RwSignal::new(
        typed_before
            .as_ref()
            .map_or_else(|| preview.number.clone(), |e| e.number.clone()),
    );
    let region = RwSignal::new(
        typed_before
            .as_ref()
            .map(|e| e.region.clone())
            .or_else(|| preview.region.clone())
            .unwrap_or_else(default_region),
    );
    let touched = RwSignal::new(preview.touched);
    let channel = RwSignal::new(Channel::Sms);
    let server_error = RwSignal::new(preview.server_error.clone());
    // A refusal of the chosen channel (a number that cannot take texts).
    let channel_error = RwSignal::new(None::<String>);
    // The summary appears on Continue (or with the gallery's server error), then
    // follows the fields as they are corrected.
    let submits = RwSignal::new(0u32);
    let summary_shown = RwSignal::new(preview.server_error.is_some());
    let checked = RwSignal::new(None::<crate::validation::Verdict>);
    let sms_possible = move || !matches!(checked.get(), Some(Ok(p)) if !p.channels.sms);
    // A landline cannot take a text: switch to a call rather than let Continue fail.
    Effect::new(move |_| {
        if !sms_possible() && channel.get_untracked() == Channel::Sms {
            channel.set(Channel::Voice);
        }
    });
    // A server's verdict on a number no longer applies once the number changes.
    Effect::new(move |first_run: Option<()>| {
        number.track();
        region.track();
        if first_run.is_some() {
            server_error.set(None);
            channel_error.set(None);
        }
    });
    Effect::new(move |first_run: Option<()>| {
        channel.track();
        if first_run.is_some() {
            channel_error.set(None);
        }
    });
    let errors = Signal::derive(move || {
        if !summary_shown.get() {
            return vec![];
        }
        let mut all = vec![];
        if let Some(message) = field_message(i18n, server_error.get(), checked.get(), touched.get()) {
            all.push(FieldError {
                field_id: "phone",
                message,
            });
        }
        if let Some(message) = channel_error.get() {
            all.push(FieldError {
                field_id: "channel-sms",
                message,
            });
        }
        all
    });
    // Adding a phone beside others (from Sign in & Security) ends back there; the
    // first one continues to "Your account is now secure".
    let has_methods = move || {
        auth.session
            .with(|s| s.as_ref().is_some_and(|s| !s.methods.is_empty()))
    };
    let send = Action::new_local(|req: &StartChallengeRequest| {
        let req = req.clone();
        async move { api::start_challenge(&req).await }
    });
    Effect::new(move |_| {
        let Some(result) = send.value().get() else { return };
        match result {
            Ok(challenge) => {
                let next = match change {
                    Some(id) => format!("/setup/confirmed?changed={id}"),
                    None if has_methods() => format!("/setup/confirmed?added={METHOD_PLACEHOLDER}"),
                    None => "/setup/confirmed".into(),
                };
                // The server's reading of the number (the validator may not have
                // answered yet), as typed if it gave none.
                let display = challenge
                    .new_phone
                    .clone()
                    .unwrap_or_else(|| number.get_untracked());
                let mut pending = PendingCode::new(challenge, next, now_ms());
                pending.entered = Some(EnteredPhone {
                    number: number.get_untracked(),
                    region: region.get_untracked(),
                    display,
                    change_of: change,
                });
                save_pending(&pending);
                go("/verify", false);
            }
            Err(e) if e.code() == Some(ErrorCode::ReauthRequired) => {
                let here = match change {
                    Some(id) => format!("/setup/phone?change={id}"),
                    None => "/setup/phone".into(),
                };
                go(
                    &format!("/account/confirm?next={}", js_sys::encode_uri_component(&here)),
                    false,
                );
            }
            Err(e) => {
                match e.api().and_then(|a| a.field.as_deref()) {
                    Some("channel") => channel_error.set(Some(e.message())),
                    _ => server_error.set(Some(e.message())),
                }
                summary_shown.set(true);
                submits.update(|n| *n += 1);
            }
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        touched.set(true);
        match checked.get_untracked() {
            Some(Err(_)) => {
                summary_shown.set(true);
                submits.update(|n| *n += 1);
            }
            // Valid, or not checked yet (the validator still loading): the server checks anyway.
            Some(Ok(_)) | None => {
                send.dispatch_local(StartChallengeRequest {
                    purpose: if change.is_some() {
                        Purpose::PhoneChange
                    } else {
                        Purpose::Setup
                    },
                    channel: channel.get_untracked(),
                    phone: Some(PhoneBody {
                        number: number.get_untracked(),
                        region: region.get_untracked(),
                    }),
                    method_id: change,
                });
            }
        }
    };
    let sending = preview.sending;
    let busy = Signal::derive(move || sending || send.pending().get());
    // Changing a number or adding one beside others was started from Sign in &
    // Security: Cancel goes back there. The first one goes back to choosing a method.
    let back = Signal::derive(move || {
        Some(if change.is_some() || has_methods() {
            StepBack::Cancel("/account".into())
        } else {
            StepBack::Back("/setup".into())
        })
    });
    view! {
        <Page title=Signal::derive(move || if change.is_some() { t_string!(i18n, phone.title_change) } else { t_string!(i18n, phone.title) }.to_string())
            back=back sign_out=true>
            <ErrorSummary errors=errors focus=SummaryFocus::OnSubmit(submits.into()) />
            <form on:submit=on_submit novalidate>
                <PhoneInput number=number region=region touched=touched server_error=server_error checked=checked />
                <fieldset class="channels" aria-describedby=move || channel_error.get().map(|_| "channel-error")>
                    <legend>{t!(i18n, phone.channel_legend)}</legend>
                    <p id="channel-error" class="field-error" hidden=move || channel_error.get().is_none()>
                        <span class="visually-hidden">{t!(i18n, app.error_prefix)}</span>
                        {move || channel_error.get()}
                    </p>
                    <div class="choice">
                        <input type="radio" name="channel" id="channel-sms" value="sms"
                            prop:checked=move || channel.get() == Channel::Sms
                            prop:disabled=move || !sms_possible()
                            aria-describedby="channel-sms-hint"
                            on:change=move |_| channel.set(Channel::Sms) />
                        <label for="channel-sms">{t!(i18n, phone.text_me)}</label>
                        <p id="channel-sms-hint" class="hint">
                            {move || if sms_possible() { t_string!(i18n, phone.rates_may_apply) } else { t_string!(i18n, phone.cannot_text) }}
                        </p>
                    </div>
                    <div class="choice">
                        <input type="radio" name="channel" id="channel-voice" value="voice"
                            prop:checked=move || channel.get() == Channel::Voice
                            on:change=move |_| channel.set(Channel::Voice) />
                        <label for="channel-voice">{t!(i18n, phone.call_me)}</label>
                    </div>
                </fieldset>
                <button type="submit" class="button primary" prop:disabled=move || busy.get()
                    aria-busy=move || busy.get().to_string()>
                    {move || if busy.get() { t_string!(i18n, phone.sending) } else { t_string!(i18n, app.continue_label) }}
                </button>
            </form>
            <p class="small">{t!(i18n, phone.no_extensions)}</p>
        </Page>
    }
}
