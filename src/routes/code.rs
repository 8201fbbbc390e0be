use crate::api::{self, Failure};
use crate::components::{
    use_now_ms, CodeInput, ErrorSummary, FieldError, Page, RememberBrowser, StepBack, SummaryFocus,
};
use crate::flow::{
    clear_pending, expiry_stage, load_pending, mm_ss, now_ms, save_pending, Auth, ExpiryStage, PendingCode,
};
use crate::i18n::*;
use crate::language::code_problem;
use crate::routes::go;
use crate::routes::sign_in::SIGNED_OUT_PATH;
use leptos::prelude::*;
use leptos_i18n::I18nContext;
use phone_mfa_contract::code::{normalize_code, problem_while_typing};
use phone_mfa_contract::policy::{
    ATTEMPTS_LEFT_WARNING_AT, CODE_TTL_SECS, LOCKOUT_SECS, SENDS_LEFT_SHOWN_AT,
};
use phone_mfa_contract::{
    Channel, DeliveryProblem, DeliveryStatus, DeliveryView, ErrorCode, Purpose, VerifiedView,
};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use wasm_bindgen::JsCast;

/// How the code screen follows a text or call the provider has not settled: first
/// after 3 s, then twice as long each time up to 24 s, for 2 minutes after the send
/// (many carriers never report past "sent"). Never while the tab is hidden, and not
/// again after the server refuses (the session ended, the code is gone).
const DELIVERY_POLL_FIRST_MS: u32 = 3_000;
const DELIVERY_POLL_MAX_MS: u32 = 24_000;
const DELIVERY_POLL_FOR_MS: f64 = 120_000.0;

/// Words for where the code went: the whole number just typed, with a way back to
/// correct it (GOV.UK); a number already on the account by its last four digits.
fn sent_line(i18n: I18nContext<Locale>, p: &PendingCode) -> impl IntoView {
    let to = p.destination();
    // The number is one word: never broken across lines.
    let phone = move || view! { <span class="nowrap">{to.clone()}</span> };
    let words = match p.challenge.channel {
        Channel::Sms => t!(i18n, code.sent_sms, phone).into_any(),
        Channel::Voice => t!(i18n, code.sent_voice, phone).into_any(),
    };
    // When, as a time of day: true after a reload too, and read once (the countdown
    // on screen is hidden from screen readers).
    let expires_at = p.received_at_ms + p.challenge.expires_in_s as f64 * 1000.0;
    let until = clock_time(i18n, expires_at);
    let expires = move || t_string!(i18n, code.expires_at, time = until.clone()).to_string();
    let change = p.entered.is_some().then(|| {
        let href = phone_screen_for(p);
        view! {
            " "
            <a href=href>{t!(i18n, code.change)}<span class="visually-hidden">{t!(i18n, code.change_what)}</span></a>
        }
    });
    view! { {words} {change} " " {expires} }
}

/// The phone screen this code's number came from (where "Change" and "Use a different
/// number" go; it fills in what was typed).
fn phone_screen_for(p: &PendingCode) -> String {
    match p.entered.as_ref().and_then(|e| e.change_of) {
        Some(id) => format!("/setup/phone?change={id}"),
        None => "/setup/phone".into(),
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

/// The one message the code screen shows above the field, most important first (a
/// locked account is not also told it has one attempt left, an expired code is not
/// also "on its way").
#[derive(Debug, Clone, PartialEq)]
enum Banner {
    /// Too many wrong codes, until this clock time (words that stay still: the
    /// countdown beside them is hidden from screen readers).
    Locked { until: String },
    /// The code expired: a new one is one action away (login.gov).
    Expired,
    /// The text or call will not arrive, and what to do instead.
    DeliveryFailed(String),
    /// A new code was sent (until the provider reports on it).
    Sent(String),
    /// The provider says it arrived.
    Delivered(String),
    /// Few attempts are left (after a reload; a wrong code says it beside the field).
    AttemptsLeft(String),
}

impl Banner {
    /// Said at once, interrupting (an alert), rather than when the reader is free.
    fn urgent(&self) -> bool {
        matches!(
            self,
            Banner::Locked { .. } | Banner::Expired | Banner::DeliveryFailed(_)
        )
    }
}

/// A time of day in the person's language ("2:41 PM", "14:41").
fn clock_time(i18n: I18nContext<Locale>, at_ms: f64) -> String {
    let date = js_sys::Date::new(&at_ms.into());
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"hour".into(), &"numeric".into());
    let _ = js_sys::Reflect::set(&options, &"minute".into(), &"2-digit".into());
    date.to_locale_time_string_with_options(i18n.get_locale_untracked().as_str(), &options)
        .into()
}

/// After an action that took focus away (the focused control was disabled while it
/// ran), puts it somewhere sensible once the screen has settled: the code field, its
/// text selected for correction when `select`; or, when the field cannot be used,
/// the first of `fallbacks` that is on screen.
fn refocus(select: bool, fallbacks: &'static [&'static str]) {
    request_animation_frame(move || {
        let doc = document();
        let field = doc
            .get_element_by_id("code")
            .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
            .filter(|f| !f.disabled());
        if let Some(field) = field {
            let _ = field.focus();
            if select {
                field.select();
            }
            return;
        }
        for selector in fallbacks {
            if let Some(el) = doc
                .query_selector(selector)
                .ok()
                .flatten()
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = el.focus();
                return;
            }
        }
    });
}

/// One message for a wrong code: what went wrong and, once few are left, how many
/// tries remain.
pub fn wrong_code_message(
    i18n: I18nContext<Locale>,
    server_says: &str,
    attempts_left: Option<u32>,
) -> String {
    match attempts_warning(i18n, attempts_left) {
        Some(warning) => format!("{}. {warning}", server_says.trim_end_matches('.')),
        None => server_says.to_owned(),
    }
}

/// Focuses the first of `selectors` on screen, once the screen has settled.
fn focus_first(selectors: &'static [&'static str]) {
    request_animation_frame(move || {
        for selector in selectors {
            if let Some(el) = document()
                .query_selector(selector)
                .ok()
                .flatten()
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = el.focus();
                return;
            }
        }
    });
}

/// A state of the code screen to start in, for the design gallery
/// (`crate::preview`; never set in production builds).
#[derive(Debug, Clone)]
pub struct CodePreview {
    pub pending: PendingCode,
    pub attempts_left: Option<u32>,
    pub error: Option<String>,
    /// "A new code was sent" (the state after a resend).
    pub sent: Option<String>,
    /// A refused resend (a send limit).
    pub resend_problem: Option<String>,
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
    let preview_sent = preview.as_ref().and_then(|p| p.sent.clone());
    let preview_resend_problem = preview.as_ref().and_then(|p| p.resend_problem.clone());
    let pending = RwSignal::new(match preview {
        Some(p) => Some(p.pending),
        None => load_pending(),
    });
    let now = use_now_ms();
    let code = RwSignal::new(String::new());
    // The server's (or the last submit's) word on the code: it stands until the code
    // is changed.
    let error = RwSignal::new(preview_error);
    // A refused "Send a new code" / "Call me instead", shown beside those buttons.
    let resend_problem = RwSignal::new(preview_resend_problem);
    // Back on this screen (a reload) with few attempts left: the warning shows at once.
    let attempts_left = RwSignal::new(preview_attempts.or_else(|| {
        pending
            .get_untracked()
            .map(|p| p.challenge.attempts_left)
            .filter(|n| *n <= ATTEMPTS_LEFT_WARNING_AT)
    }));
    let status = RwSignal::new(preview_sent);
    // "N attempts left" on its own is for a screen opened (or reloaded) with few left;
    // after a wrong code it is part of that code's message, and not said again.
    let attempts_banner = RwSignal::new(true);

    // "Don't ask again on this browser": offered when the code is a sign-in's.
    let remember = RwSignal::new(false);
    let verify = Action::new_local(move |code: &String| {
        let code = code.clone();
        let (id, signing_in) = pending
            .get_untracked()
            .map(|p| (p.challenge.id, p.challenge.purpose == Purpose::SignIn))
            .unwrap_or_default();
        let remember = signing_in && remember.get_untracked();
        async move { api::verify(&id, &code, remember).await }
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
    let expires_in = move || pending.get().map(|p| p.expires_in_s(now.get())).unwrap_or(0);
    let expired = move || pending.get().is_some() && expires_in() == 0;
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
                        // A later word on the send (one with words for the person)
                        // replaces "a new code was sent".
                        if delivery_line(i18n, p.challenge.channel, p.challenge.channels.sms, &report)
                            .is_some()
                        {
                            status.set(None);
                        }
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

    // The lock's alert had focus; when the lock ends it goes: focus the field again.
    Effect::new(move |was_locked: Option<bool>| {
        let now_locked = locked();
        if was_locked == Some(true) && !now_locked {
            let lost = document()
                .active_element()
                .is_none_or(|e| e.tag_name() == "BODY" || !e.is_connected());
            if lost {
                refocus(false, &[]);
            }
        }
        now_locked
    });

    // A problem more typing cannot fix (a letter, a seventh digit) is said as it is
    // typed; otherwise the last answer about the code, until the code changes.
    let field_error = Signal::derive(move || {
        let typed = code.get();
        match problem_while_typing(&typed) {
            Some(p) => Some(code_problem(i18n, p)),
            None => error.get(),
        }
    });
    Effect::new(move |first: Option<()>| {
        code.track();
        if first.is_some() {
            error.set(None);
        }
    });

    Effect::new(move |_| {
        let Some(result) = verify.value().get() else {
            return;
        };
        attempts_banner.set(false);
        match result {
            Ok(VerifiedView {
                session,
                method,
                recovery_codes,
            }) => {
                let next = pending
                    .get_untracked()
                    .map(|p| p.next_after(method.map(|m| m.id)))
                    .unwrap_or_else(|| "/account".into());
                auth.session.set(Some(session));
                // The account's first method: its recovery codes, shown after the
                // confirmation (crate::routes::confirmed).
                if !recovery_codes.is_empty() {
                    auth.new_recovery_codes.set(recovery_codes);
                }
                clear_pending();
                go(&next, true);
            }
            Err(Failure::Api(e)) => match e.error {
                // The session ended (30 minutes idle): sign in again, told why.
                ErrorCode::Unauthenticated => {
                    clear_pending();
                    go(SIGNED_OUT_PATH, true);
                }
                ErrorCode::CodeWrong => {
                    attempts_left.set(e.attempts_left);
                    error.set(Some(wrong_code_message(i18n, &e.message, e.attempts_left)));
                    refocus(true, &[]);
                }
                // The banner says it (and only it): the field is off until the lock ends.
                ErrorCode::LockedOut => {
                    lock(e.retry_after_s.unwrap_or(LOCKOUT_SECS));
                    refocus(false, &["#code-alert .alert"]);
                }
                ErrorCode::CodeExpired => {
                    pending.update(|p| {
                        if let Some(p) = p {
                            p.challenge.expires_in_s = 0;
                        }
                    });
                    // login.gov: a new code is one action away, and focus is on it.
                    focus_first(&["#code-alert button", "#code-alert .alert"]);
                }
                _ => {
                    error.set(Some(e.message));
                    refocus(true, &[]);
                }
            },
            Err(network) => {
                error.set(Some(network.message()));
                refocus(true, &[]);
            }
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
                // One message for the new send: with what the provider already said of
                // it, if its answer says (a later report replaces the message).
                let words = match delivery_line(
                    i18n,
                    challenge.channel,
                    challenge.channels.sms,
                    &challenge.delivery,
                ) {
                    Some(Ok(arrived)) => format!("{how} {arrived}"),
                    _ => how.to_string(),
                };
                attempts_left.set(Some(challenge.attempts_left).filter(|n| *n <= ATTEMPTS_LEFT_WARNING_AT));
                pending.update(|p| {
                    if let Some(p) = p {
                        p.challenge = challenge;
                        p.received_at_ms = now_ms();
                        save_pending(p);
                    }
                });
                resend_problem.set(None);
                code.set(String::new());
                error.set(None);
                status.set(Some(words));
                // The person's next step is typing the new code.
                refocus(false, &[]);
            }
            Err(Failure::Api(e)) if e.error == ErrorCode::Unauthenticated => {
                clear_pending();
                go(SIGNED_OUT_PATH, true);
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
                if e.error != ErrorCode::LockedOut {
                    resend_problem.set(Some(e.message));
                }
                // The refusal beside the buttons (the lock's alert if that was it).
                focus_first(&["#resend-error:not([hidden])", "#code-alert .alert"]);
            }
            Err(network) => {
                resend_problem.set(Some(network.message()));
                refocus(false, &["#resend-error"]);
            }
        }
    });

    let submit = move |typed: String| {
        if busy.get_untracked() || locked() {
            return;
        }
        match normalize_code(&typed) {
            Ok(c) => {
                error.set(None);
                status.set(None);
                verify.dispatch_local(c);
            }
            Err(p) => {
                error.set(Some(code_problem(i18n, p)));
                refocus(true, &[]);
            }
        }
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        submit(code.get_untracked());
    };
    let send_again = move |channel: Option<Channel>| {
        resend_problem.set(None);
        resend.dispatch_local(channel);
    };
    // The summary lists exactly what the screen shows beside its controls.
    let errors = Signal::derive(move || {
        let mut all = vec![];
        if let Some(message) = field_error.get() {
            all.push(FieldError {
                field_id: "code",
                message,
            });
        }
        if let Some(message) = resend_problem.get() {
            all.push(FieldError {
                field_id: "resend",
                message,
            });
        }
        all
    });
    let banner = Memo::new(move |_| {
        let p = pending.get()?;
        if locked() {
            let until = p.locked_until_ms.unwrap_or_default();
            return Some(Banner::Locked {
                until: clock_time(i18n, until),
            });
        }
        if expired() {
            return Some(Banner::Expired);
        }
        let line = line();
        if let Some(Err(words)) = line {
            return Some(Banner::DeliveryFailed(words));
        }
        if let Some(words) = status.get() {
            return Some(Banner::Sent(words));
        }
        if let Some(Ok(words)) = line {
            return Some(Banner::Delivered(words));
        }
        if error.get().is_none() && attempts_banner.get() {
            return attempts_warning(i18n, attempts_left.get()).map(Banner::AttemptsLeft);
        }
        None
    });
    let render = move |b: Banner| -> AnyView {
        match b {
            Banner::Locked { until } => view! {
                <div class="alert error" tabindex="-1">
                    <p>{t_string!(i18n, code.locked_until, time = until).to_string()}</p>
                </div>
            }
            .into_any(),
            Banner::Expired => view! {
                <div class="alert info" tabindex="-1">
                    <p>{t!(i18n, code.expired, minutes = CODE_TTL_SECS / 60)}</p>
                    <button type="button" class="button primary" prop:disabled=resend_blocked
                        on:click=move |_| send_again(None)>
                        {t!(i18n, code.send_new)}
                    </button>
                </div>
            }
            .into_any(),
            Banner::DeliveryFailed(words) => {
                view! { <div class="alert error" id="delivery-failed" tabindex="-1"><p>{words}</p></div> }
                    .into_any()
            }
            Banner::Delivered(words) => {
                view! { <div class="alert success" id="delivery-ok"><p>{words}</p></div> }.into_any()
            }
            Banner::Sent(words) => view! { <div class="alert success"><p>{words}</p></div> }.into_any(),
            Banner::AttemptsLeft(words) => {
                view! { <div class="alert warning"><p>{words}</p></div> }.into_any()
            }
        }
    };
    // Heard four times at most (5 and 1 minutes, 30 s left; expiry is the alert).
    let stage = Memo::new(move |_| expiry_stage(expires_in()));
    // Said only when a threshold is crossed while the screen is open: opened (or
    // reloaded) with 4 minutes left, nothing claims "5 minutes".
    let stage_words = RwSignal::new(None::<String>);
    Effect::new(move |seen: Option<Option<ExpiryStage>>| {
        let now = stage.get();
        if seen.is_some_and(|before| before != now) {
            stage_words.set(now.map(|s| match s.seconds() {
                secs if secs >= 60 => {
                    t_string!(i18n, code.expires_soon, count = (secs / 60) as u32).to_string()
                }
                secs => t_string!(i18n, code.expires_in_seconds, seconds = secs).to_string(),
            }));
        }
        now
    });
    let title = Signal::derive(move || {
        match pending.get().map(|p| p.challenge.channel) {
            Some(Channel::Voice) => t_string!(i18n, code.title_voice),
            Some(Channel::Sms) => t_string!(i18n, code.title_sms),
            None => t_string!(i18n, code.title_none),
        }
        .to_string()
    });
    // Rendered again only when the code on its way is replaced, not every second.
    let shown = Memo::new(move |_| pending.get().map(|p| (p.challenge.id.clone(), p.received_at_ms)));

    let back = Signal::derive(move || {
        let p = pending.get()?;
        let from_account = auth
            .session
            .with(|s| s.as_ref().is_some_and(|s| !s.methods.is_empty()));
        Some(match p.challenge.purpose {
            Purpose::SignIn => StepBack::Back("/sign-in/verify".into()),
            Purpose::Reauth | Purpose::PhoneChange => StepBack::Cancel("/account".into()),
            Purpose::Setup if from_account => StepBack::Cancel("/account".into()),
            Purpose::Setup => StepBack::Back(phone_screen_for(&p)),
        })
    });

    // The parts that follow the code on its way (where it went, the channel's buttons)
    // are drawn again for each send; the live regions and the summary never are: a
    // region added with its words is not reliably read.
    let per_send = move || shown.get().and(pending.get_untracked());
    view! {
        <Page title=title back=back sign_out=true>
            <Show when=move || shown.with(Option::is_some) fallback=move || view! {
                <p>{t!(i18n, code.none_pending)}</p>
                <p><a href="/">{t!(i18n, app.start_again)}</a></p>
            }>
                <ErrorSummary errors=errors focus=SummaryFocus::Never />
                {move || per_send().map(|p| view! {
                    <p class="sent-to">{sent_line(i18n, &p)}</p>
                })}
                <p class="hint">{t!(i18n, code.do_not_share)}</p>
                // One message at a time, in one of two live regions that stay in place.
                <div id="code-alert" role="alert">{move || banner.get().filter(Banner::urgent).map(render)}</div>
                <div id="code-status" role="status">{move || banner.get().filter(|b| !b.urgent()).map(render)}</div>
                // Every second on screen; never read out (the region below is).
                <p class="countdown" aria-hidden="true" hidden=move || !locked()>
                    {move || t_string!(i18n, code.locked_countdown, time = mm_ss(locked_for())).to_string()}
                </p>
                <p class="countdown" aria-hidden="true" hidden=move || locked() || expired()>
                    {move || t_string!(i18n, code.expires_countdown, time = mm_ss(expires_in())).to_string()}
                </p>
                <p class="visually-hidden" aria-live="polite" id="expiry-announcement">{move || stage_words.get()}</p>
                {move || per_send().map(|p| {
                    let other = p.challenge.channel.other();
                    let can_switch = other == Channel::Voice || p.challenge.channels.sms;
                    let new_number = p.entered.is_some()
                        || matches!(p.challenge.purpose, Purpose::Setup | Purpose::PhoneChange);
                    let different_number = phone_screen_for(&p);
                    let signing_in = p.challenge.purpose == Purpose::SignIn;
                    view! {
                        <form on:submit=on_submit novalidate>
                            <CodeInput
                                value=code
                                on_complete=Callback::new(submit)
                                error=field_error
                                disabled=Signal::derive(move || busy.get() || locked())
                                webotp=p.challenge.channel == Channel::Sms
                            />
                            {signing_in.then(|| view! { <RememberBrowser checked=remember /> })}
                            <button type="submit" class="button primary" prop:disabled=move || busy.get() || locked()
                                aria-busy=move || verify.pending().get().to_string()>
                                {move || if verify.pending().get() { t_string!(i18n, code.checking) } else { t_string!(i18n, app.continue_label) }}
                            </button>
                        </form>
                        <div class="resend">
                            <h2>{t!(i18n, code.didnt_get_it)}</h2>
                            // Always a link that works (WCAG 2.2 "Consistent Help"), even
                            // while the buttons below wait.
                            <p><a href="/help/no-code">{t!(i18n, code.no_code)}</a></p>
                            {signing_in.then(|| view! {
                                <p><a href="/sign-in/recovery" id="no-phone-access">{t!(i18n, current_method.no_phone_access)}</a></p>
                            })}
                            <p id="resend-error" class="field-error" tabindex="-1" hidden=move || resend_problem.get().is_none()>
                                <span class="visually-hidden">{t!(i18n, app.error_prefix)}</span>
                                {move || resend_problem.get()}
                            </p>
                            <button type="button" class="button secondary" id="resend"
                                prop:disabled=resend_blocked
                                aria-busy=move || (resend.pending().get() && resend.input().get() == Some(None)).to_string()
                                on:click=move |_| send_again(None)>
                                {t!(i18n, code.send_new)}
                                // The wait, on screen only: a name that changes every
                                // second would be read again and again.
                                <span aria-hidden="true">
                                    {move || match resend_wait() {
                                        // While locked the lock's own countdown is the one that matters.
                                        s if s > 0 && !locked() => t_string!(i18n, code.available_in, time = mm_ss(s)).to_string(),
                                        _ => String::new(),
                                    }}
                                </span>
                            </button>
                            {can_switch.then(|| view! {
                                <button type="button" class="button link" id="switch-channel"
                                    prop:disabled=switch_blocked
                                    on:click=move |_| send_again(Some(other))>
                                    {move || match other { Channel::Voice => t_string!(i18n, code.call_instead), Channel::Sms => t_string!(i18n, code.text_instead) }}
                                </button>
                            })}
                            // The budget only when it matters.
                            <p class="small" id="sends-left" hidden=move || pending.get().is_none_or(|p| p.challenge.sends_left > SENDS_LEFT_SHOWN_AT)>
                                {move || pending.get().map(|p| {
                                    t_string!(i18n, code.sends_left, count = p.challenge.sends_left).to_string()
                                })}
                            </p>
                            {new_number.then(|| view! { <p><a href=different_number>{t!(i18n, code.different_number)}</a></p> })}
                        </div>
                    }
                })}
            </Show>
        </Page>
    }
}
