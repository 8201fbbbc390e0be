use crate::api;
use crate::components::phone_input::default_region;
use crate::components::{ErrorSummary, FieldError, Page, PhoneInput};
use crate::flow::{now_ms, save_pending, PendingCode};
use crate::i18n::*;
use crate::language::phone_problem;
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
    let number = RwSignal::new(preview.number.clone());
    let region = RwSignal::new(preview.region.clone().unwrap_or_else(default_region));
    let touched = RwSignal::new(preview.touched);
    let channel = RwSignal::new(Channel::Sms);
    let server_error = RwSignal::new(preview.server_error.clone());
    let errors = RwSignal::new(
        preview
            .server_error
            .clone()
            .map(|message| {
                vec![FieldError {
                    field_id: "phone",
                    message,
                }]
            })
            .unwrap_or_default(),
    );
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
        }
    });
    let send = Action::new_local(|req: &StartChallengeRequest| {
        let req = req.clone();
        async move { api::start_challenge(&req).await }
    });
    Effect::new(move |_| {
        let Some(result) = send.value().get() else { return };
        match result {
            Ok(challenge) => {
                let next = if change.is_some() {
                    "/setup/confirmed?changed=1"
                } else {
                    "/setup/confirmed"
                };
                save_pending(&PendingCode::new(challenge, next, now_ms()));
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
                let field_id = match e.api().and_then(|a| a.field.as_deref()) {
                    Some("channel") => "channel-sms",
                    _ => "phone",
                };
                if field_id == "phone" {
                    server_error.set(Some(e.message()));
                }
                errors.set(vec![FieldError {
                    field_id,
                    message: e.message(),
                }]);
            }
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        touched.set(true);
        match checked.get_untracked() {
            Some(Err(problem)) => errors.set(vec![FieldError {
                field_id: "phone",
                message: phone_problem(i18n, problem),
            }]),
            // Valid, or not checked yet (the validator still loading): the server checks anyway.
            Some(Ok(_)) | None => {
                errors.set(vec![]);
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
    view! {
        <Page title=Signal::derive(move || if change.is_some() { t_string!(i18n, phone.title_change) } else { t_string!(i18n, phone.title) }.to_string())>
            <ErrorSummary errors=errors />
            <form on:submit=on_submit novalidate>
                <PhoneInput number=number region=region touched=touched server_error=server_error checked=checked />
                <fieldset class="channels">
                    <legend>{t!(i18n, phone.channel_legend)}</legend>
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
