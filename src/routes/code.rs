use crate::api::{self, Failure};
use crate::components::{use_now_ms, CodeInput, ErrorSummary, FieldError, Page};
use crate::flow::{clear_pending, load_pending, mm_ss, now_ms, save_pending, Auth, PendingCode};
use crate::i18n::*;
use crate::language::code_problem;
use crate::routes::go;
use leptos::prelude::*;
use leptos_i18n::I18nContext;
use phone_mfa_contract::code::normalize_code;
use phone_mfa_contract::policy::{ATTEMPTS_LEFT_WARNING_AT, CODE_TTL_SECS, LOCKOUT_SECS};
use phone_mfa_contract::{
    Channel, DeliveryProblem, DeliveryStatus, DeliveryView, ErrorCode, Purpose, VerifiedView,
};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// How the code screen follows a text or call the provider has not settled: first
/// after 3 s, then twice as long each time up to 24 s, for 2 minutes after the send
/// (many carriers never report past "sent"). Never while the tab is hidden, and not
/// again after the server refuses (the session ended, the code is gone).
const DELIVERY_POLL_FIRST_MS: u32 = 3_000;
const DELIVERY_POLL_MAX_MS: u32 = 24_000;
const DELIVERY_POLL_FOR_MS: f64 = 120_000.0;

/// Words for where the code went.
fn sent_line(i18n: I18nContext<Locale>, p: &PendingCode) -> impl IntoView {
    let masked = p.challenge.masked_phone.clone();
    // The masked number is one word: never broken across lines.
    let phone = move || view! { <span class="nowrap">{masked.clone()}</span> };
    match p.challenge.channel {
        Channel::Sms => t!(i18n, code.sent_sms, phone).into_any(),
        Channel::Voice => t!(i18n, code.sent_voice, phone).into_any(),
    }
}

/// What the person is told of the delivery: `Ok` when it arrived, `Err` with the next
/// step when it will not; nothing while it is on its way.
pub fn delivery_line(
    i18n: I18nContext<Locale>,
    channel: Channel,
    sms_ok: bool,
    d: &DeliveryView,
) -> Option<Result<String, String>> {
    use DeliveryProblem::*;
    let sms = channel == Channel::Sms;
    let line = match (d.status, d.problem) {
        (DeliveryStatus::Delivered, _) if sms => Ok(t_string!(i18n, code.delivery_delivered_sms)),
        (DeliveryStatus::Delivered, _) => Ok(t_string!(i18n, code.delivery_delivered_voice)),
        (status, problem) if status.is_failure() => Err(match problem {
            Some(OptedOut) => t_string!(i18n, code.delivery_opted_out),
            Some(Landline) => t_string!(i18n, code.delivery_landline),
            Some(Unreachable) if sms => t_string!(i18n, code.delivery_unreachable_sms),
            // A call that failed offers a text only where the number takes texts.
            Some(Unreachable) if sms_ok => t_string!(i18n, code.delivery_unreachable_voice),
            Some(Unreachable) => t_string!(i18n, code.delivery_unreachable_voice_only),
            Some(Blocked) => t_string!(i18n, code.delivery_blocked),
            Some(NotAnswered) if sms_ok => t_string!(i18n, code.delivery_not_answered),
            Some(NotAnswered) => t_string!(i18n, code.delivery_not_answered_voice_only),
            Some(Other) | None if sms => t_string!(i18n, code.delivery_other_sms),
            Some(Other) | None if sms_ok => t_string!(i18n, code.delivery_other_voice),
            Some(Other) | None => t_string!(i18n, code.delivery_other_voice_only),
        }),
        _ => return None,
    };
    Some(line.map(|s| s.to_string()).map_err(|s| s.to_string()))
}

/// The warning once few attempts are left ("1 attempt" / "3 attempts": plural rules
/// of the current language).
pub fn attempts_warning(i18n: I18nContext<Locale>, attempts_left: Option<u32>) -> Option<String> {
    match attempts_left {
        Some(n) if n <= ATTEMPTS_LEFT_WARNING_AT => {
            Some(t_string!(i18n, code.attempts_left, count = n, minutes = LOCKOUT_SECS / 60).to_string())
        }
        _ => None,
    }
}

/// A state of the code screen to start in, for the design gallery
/// (`crate::preview`; never set in production builds).
#[derive(Debug, Clone)]
pub struct CodePreview {
    pub pending: PendingCode,
    pub attempts_left: Option<u32>,
    pub error: Option<String>,
}

/// Enter the 6-digit code: the same screen for setup, sign-in, re-authentication and a
/// phone change. Everything about the code on its way is here: where it went, when a
/// new one may be sent, the other channel, a different number, and what to do when
/// nothing arrives.
#[component]
pub fn EnterCode() -> impl IntoView {
    let i18n = use_i18n();
    // The gallery's state, or (always, in production) the code in sessionStorage.
    let preview = crate::preview::preview::<CodePreview>();
    let is_preview = preview.is_some();
    let auth = Auth::get();
    let preview_attempts = preview.as_ref().and_then(|p| p.attempts_left);
    let preview_error = preview.as_ref().and_then(|p| p.error.clone());
    let pending = RwSignal::new(match preview {
        Some(p) => Some(p.pending),
        None => load_pending(),
    });
    let now = use_now_ms();
    let code = RwSignal::new(String::new());
    let error = RwSignal::new(preview_error);
    // Back on this screen (a reload) with few attempts left: the warning shows at once.
    let attempts_left = RwSignal::new(preview_attempts.or_else(|| {
        pending
            .get_untracked()
            .map(|p| p.challenge.attempts_left)
            .filter(|n| *n <= ATTEMPTS_LEFT_WARNING_AT)
    }));
    let status = RwSignal::new(None::<String>);

    let verify = Action::new_local(move |code: &String| {
        let code = code.clone();
        let id = pending
            .get_untracked()
            .map(|p| p.challenge.id)
            .unwrap_or_default();
        async move { api::verify(&id, &code).await }
    });
    let resend = Action::new_local(move |channel: &Option<Channel>| {
        let channel = *channel;
        let id = pending
            .get_untracked()
            .map(|p| p.challenge.id)
            .unwrap_or_default();
        async move { api::resend(&id, channel).await }
    });

    let locked_for = move || pending.get().map(|p| p.locked_for_s(now.get())).unwrap_or(0);
    let expired = move || {
        pending
            .get()
            .map(|p| p.expires_in_s(now.get()) == 0)
            .unwrap_or(false)
    };
    let resend_wait = move || pending.get().map(|p| p.resend_wait_s(now.get())).unwrap_or(0);
    let busy = Signal::derive(move || verify.pending().get() || resend.pending().get());
    let locked = move || locked_for() > 0;
    let resend_blocked = move || busy.get() || resend_wait() > 0 || locked();

    // How the text or call is getting on: asked every few seconds while the provider
    // has not given its final word on this send (the gallery's states ask nothing).
    let delivery = move || {
        pending.get().map(|p| {
            (
                p.challenge.channel,
                p.challenge.channels.sms,
                p.challenge.delivery,
            )
        })
    };
    let line = move || delivery().and_then(|(c, sms_ok, d)| delivery_line(i18n, c, sms_ok, &d));
    let failed = move || delivery().is_some_and(|(_, _, d)| d.status.is_failure());
    // After a send that failed for good, the other channel is offered at once (the
    // server waives the wait for a switch, not for the same channel again).
    let switch_blocked = move || busy.get() || (resend_wait() > 0 && !failed()) || locked();
    let alive = Arc::new(AtomicBool::new(true));
    on_cleanup({
        let alive = alive.clone();
        move || alive.store(false, Ordering::Relaxed)
    });
    if !is_preview {
        leptos::task::spawn_local(async move {
            let mut delay = DELIVERY_POLL_FIRST_MS;
            // The send being followed (a resend starts over), and whether the server
            // refused to say more about it.
            let mut following: Option<(String, u64)> = None;
            let mut refused = false;
            while alive.load(Ordering::Relaxed) {
                gloo_timers::future::TimeoutFuture::new(delay).await;
                let Some(p) = pending.try_get_untracked().flatten() else {
                    continue;
                };
                let send = (p.challenge.id.clone(), p.received_at_ms as u64);
                if following.as_ref() != Some(&send) {
                    following = Some(send);
                    delay = DELIVERY_POLL_FIRST_MS;
                    refused = false;
                }
                if refused
                    || document().hidden()
                    || p.challenge.delivery.status.is_final()
                    || now_ms() - p.received_at_ms > DELIVERY_POLL_FOR_MS
                {
                    continue;
                }
                let id = p.challenge.id.clone();
                let report = match api::delivery(&id).await {
                    Ok(report) => report,
                    Err(Failure::Api(_)) => {
                        refused = true;
                        continue;
                    }
                    Err(_) => continue,
                };
                delay = (delay * 2).min(DELIVERY_POLL_MAX_MS);
                // Only if the code is still the one asked about (not resent meanwhile).
                pending.update(|p| {
                    if let Some(p) = p
                        .as_mut()
                        .filter(|p| p.challenge.id == id && p.challenge.delivery.status <= report.status)
                    {
                        p.challenge.delivery = report;
                        save_pending(p);
                    }
                });
            }
        });
    }

    let lock = move |secs: i64| {
        pending.update(|p| {
            if let Some(p) = p {
                p.locked_until_ms = Some(now_ms() + secs as f64 * 1000.0);
                save_pending(p);
            }
        })
    };

    Effect::new(move |_| {
        let Some(result) = verify.value().get() else {
            return;
        };
        match result {
            Ok(VerifiedView { session, .. }) => {
                let next = pending
                    .get_untracked()
                    .map(|p| p.next)
                    .unwrap_or_else(|| "/account".into());
                auth.session.set(Some(session));
                clear_pending();
                go(&next, true);
            }
            Err(Failure::Api(e)) => {
                code.set(String::new());
                match e.error {
                    ErrorCode::CodeWrong => attempts_left.set(e.attempts_left),
                    ErrorCode::LockedOut => lock(e.retry_after_s.unwrap_or(600)),
                    ErrorCode::CodeExpired => pending.update(|p| {
                        if let Some(p) = p {
                            p.challenge.expires_in_s = 0;
                        }
                    }),
                    _ => {}
                }
                error.set(Some(e.message));
            }
            Err(network) => error.set(Some(network.message())),
        }
    });

    Effect::new(move |_| {
        let Some(result) = resend.value().get() else {
            return;
        };
        match result {
            Ok(challenge) => {
                let how = match challenge.channel {
                    Channel::Sms => t_string!(i18n, code.resent_sms),
                    Channel::Voice => t_string!(i18n, code.resent_voice),
                };
                attempts_left.set(Some(challenge.attempts_left).filter(|n| *n <= ATTEMPTS_LEFT_WARNING_AT));
                pending.update(|p| {
                    if let Some(p) = p {
                        p.challenge = challenge;
                        p.received_at_ms = now_ms();
                        save_pending(p);
                    }
                });
                error.set(None);
                code.set(String::new());
                status.set(Some(how.to_string()));
            }
            Err(Failure::Api(e)) => {
                if let Some(wait) = e.retry_after_s {
                    if e.error == ErrorCode::LockedOut {
                        lock(wait);
                    } else {
                        // The server's figure wins: count down from what it said.
                        pending.update(|p| {
                            if let Some(p) = p {
                                let elapsed = ((now_ms() - p.received_at_ms) / 1000.0) as i64;
                                p.challenge.resend_in_s = elapsed + wait;
                                if let Some(left) = e.sends_left {
                                    p.challenge.sends_left = left;
                                }
                            }
                        });
                    }
                }
                status.set(None);
                error.set(Some(e.message));
            }
            Err(network) => error.set(Some(network.message())),
        }
    });

    let submit = move |digits: String| {
        if busy.get_untracked() || locked() {
            return;
        }
        match normalize_code(&digits) {
            Ok(c) => {
                error.set(None);
                status.set(None);
                verify.dispatch_local(c);
            }
            Err(p) => error.set(Some(code_problem(i18n, p))),
        }
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        submit(code.get_untracked());
    };
    let errors = Signal::derive(move || {
        error
            .get()
            .map(|m| {
                vec![FieldError {
                    field_id: "code",
                    message: m,
                }]
            })
            .unwrap_or_default()
    });
    let title = Signal::derive(move || {
        match pending.get().map(|p| p.challenge.channel) {
            Some(Channel::Voice) => t_string!(i18n, code.title_voice),
            Some(Channel::Sms) => t_string!(i18n, code.title_sms),
            None => t_string!(i18n, code.title_none),
        }
        .to_string()
    });

    view! {
        <Page title=title>
            {move || match pending.get() {
                None => view! {
                    <p>{t!(i18n, code.none_pending)}</p>
                    <p><a href="/">{t!(i18n, app.start_again)}</a></p>
                }.into_any(),
                Some(p) => {
                    let other = p.challenge.channel.other();
                    let can_switch = other == Channel::Voice || p.challenge.channels.sms;
                    let new_number = matches!(p.challenge.purpose, Purpose::Setup | Purpose::PhoneChange);
                    view! {
                        <ErrorSummary errors=errors />
                        <p class="sent-to">{sent_line(i18n, &p)} {t!(i18n, code.expires, minutes = CODE_TTL_SECS / 60)}</p>
                        <p class="alert warning" role="status" hidden=move || attempts_warning(i18n, attempts_left.get()).is_none()>
                            {move || attempts_warning(i18n, attempts_left.get())}
                        </p>
                        <p class="alert error" role="alert" hidden=move || !locked()>
                            {move || t_string!(i18n, code.locked, time = mm_ss(locked_for())).to_string()}
                        </p>
                        <p class="alert info" hidden=move || !expired() || locked()>
                            {t!(i18n, code.expired)}
                        </p>
                        <p class="alert success" role="status" hidden=move || status.get().is_none()>{move || status.get()}</p>
                        <p class="alert success" role="status" id="delivery-ok"
                            hidden=move || !matches!(line(), Some(Ok(_)))>
                            {move || line().and_then(Result::ok)}
                        </p>
                        <p class="alert error" role="alert" id="delivery-failed"
                            hidden=move || !matches!(line(), Some(Err(_)))>
                            {move || line().and_then(Result::err)}
                        </p>
                        <form on:submit=on_submit novalidate>
                            <CodeInput
                                value=code
                                on_complete=Callback::new(submit)
                                error=error
                                disabled=Signal::derive(move || busy.get() || locked())
                                webotp=p.challenge.channel == Channel::Sms
                            />
                            <button type="submit" class="button primary" prop:disabled=move || busy.get() || locked()
                                aria-busy=move || verify.pending().get().to_string()>
                                {move || if verify.pending().get() { t_string!(i18n, code.checking) } else { t_string!(i18n, app.continue_label) }}
                            </button>
                        </form>
                        <div class="resend">
                            <h2>{t!(i18n, code.didnt_get_it)}</h2>
                            <button type="button" class="button secondary" id="resend"
                                prop:disabled=resend_blocked
                                on:click=move |_| { resend.dispatch_local(None); }>
                                {move || match resend_wait() {
                                    0 => t_string!(i18n, code.send_new).to_string(),
                                    s => t_string!(i18n, code.send_new_in, time = mm_ss(s)).to_string(),
                                }}
                            </button>
                            {can_switch.then(|| view! {
                                <button type="button" class="button link" id="switch-channel"
                                    prop:disabled=switch_blocked
                                    on:click=move |_| { resend.dispatch_local(Some(other)); }>
                                    {move || match other { Channel::Voice => t_string!(i18n, code.call_instead), Channel::Sms => t_string!(i18n, code.text_instead) }}
                                </button>
                            })}
                            <p class="small" aria-live="polite">
                                {move || pending.get().map(|p| {
                                    let left = p.challenge.sends_left;
                                    t_string!(i18n, code.sends_left, count = left).to_string()
                                })}
                            </p>
                            {new_number.then(|| view! { <p><a href="/setup/phone">{t!(i18n, code.different_number)}</a></p> })}
                            <p><a href="/help/no-code">{t!(i18n, code.no_code)}</a></p>
                        </div>
                    }.into_any()
                }
            }}
        </Page>
    }
}
