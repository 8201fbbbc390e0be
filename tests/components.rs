//! Browser tests of the app's components, in headless Chromium through chromedriver:
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown -p phone-mfa`.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use phone_mfa::components::{CodeInput, ErrorSummary, FieldError, Page, PhoneInput};
use phone_mfa::i18n::I18nContextProvider;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

/// A fresh container in the page for one test.
fn container() -> HtmlElement {
    let doc = document();
    let el: HtmlElement = doc.create_element("div").unwrap().unchecked_into();
    doc.body().unwrap().append_child(&el).unwrap();
    el
}

async fn tick() {
    // Let effects and the DOM catch up with a signal change.
    gloo_timers::future::TimeoutFuture::new(0).await;
    leptos::task::tick().await;
}

async fn next_frame() {
    let (tx, rx) = futures_channel_oneshot();
    request_animation_frame(tx);
    rx.await.expect("the frame callback resolves the promise");
}

/// A one-shot "it happened" future built on a JS promise.
fn futures_channel_oneshot() -> (impl FnOnce(), wasm_bindgen_futures::JsFuture) {
    let mut resolve_fn = None;
    let promise = js_sys::Promise::new(&mut |resolve, _| resolve_fn = Some(resolve));
    let resolve = resolve_fn.expect("the executor runs synchronously");
    (
        move || drop(resolve.call0(&wasm_bindgen::JsValue::NULL)),
        wasm_bindgen_futures::JsFuture::from(promise),
    )
}

fn type_into(input: &HtmlInputElement, text: &str) {
    input.set_value(text);
    input
        .dispatch_event(
            &web_sys::Event::new_with_event_init_dict("input", &{
                let init = web_sys::EventInit::new();
                init.set_bubbles(true);
                init
            })
            .unwrap(),
        )
        .unwrap();
}

/// Counts focus events inside `root`. Async tests share one page and may interleave,
/// so "was it focused" is observed as an event, not read from `activeElement` later.
fn focus_log(root: &HtmlElement) -> Rc<RefCell<Vec<String>>> {
    let log = Rc::new(RefCell::new(Vec::new()));
    let sink = log.clone();
    let on_focus = wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::FocusEvent)>::new(
        move |ev: web_sys::FocusEvent| {
            if let Some(el) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
                sink.borrow_mut()
                    .push(format!("{}.{}", el.tag_name(), el.class_name()));
            }
        },
    );
    root.add_event_listener_with_callback("focusin", on_focus.as_ref().unchecked_ref())
        .unwrap();
    on_focus.forget();
    log
}

/// A phone field in a fresh container, its validator answering in-process (the app
/// uses a worker). Returns the container, the number and region signals, and the mount.
fn mount_phone_input(
    number: &str,
    region: &str,
    touched: bool,
) -> (HtmlElement, RwSignal<String>, RwSignal<String>, impl Sized) {
    let root = container();
    let number = RwSignal::new(number.to_owned());
    let region = RwSignal::new(region.to_owned());
    let touched = RwSignal::new(touched);
    let mount = leptos::mount::mount_to(root.clone(), move || {
        phone_mfa::validation::Validator::inline(|number, region| {
            phone_mfa_contract::phone::check_phone(number, region, |_| true)
        })
        .provide();
        view! { <I18nContextProvider>
            <PhoneInput number=number region=region touched=touched
                server_error=Signal::derive(|| None::<String>) checked=RwSignal::new(None) />
        </I18nContextProvider> }
    });
    (root, number, region, mount)
}

fn query<T: JsCast>(root: &HtmlElement, selector: &str) -> T {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("{selector} missing"))
        .unchecked_into()
}

#[wasm_bindgen_test]
async fn phone_input_says_no_extensions_as_soon_as_one_is_typed() {
    let (root, number, _, _mount) = mount_phone_input("", "US", false);
    let input: HtmlInputElement = query(&root, "#phone");
    assert_eq!(input.type_(), "tel");
    assert_eq!(input.get_attribute("autocomplete").as_deref(), Some("tel"));
    let error: HtmlElement = query(&root, "#phone-error");

    type_into(&input, "201-555");
    tick().await;
    assert!(error.hidden(), "too short is not worth saying while typing");

    type_into(&input, "201-555-0123 x");
    tick().await;
    assert!(!error.hidden());
    assert!(error
        .text_content()
        .unwrap()
        .contains("extensions are not supported"));
    assert_eq!(input.get_attribute("aria-invalid").as_deref(), Some("true"));
    assert!(input
        .get_attribute("aria-describedby")
        .unwrap()
        .contains("phone-error"));
    assert_eq!(number.get_untracked(), "201-555-0123 x", "nothing typed is lost");
}

#[wasm_bindgen_test]
async fn phone_input_formats_a_pasted_number_and_spots_landlines() {
    let (root, _, region, _mount) = mount_phone_input("", "US", false);
    let input: HtmlInputElement = query(&root, "#phone");
    let hint: HtmlElement = query(&root, "#phone-hint");
    type_into(&input, "+1 (201) 555-0123");
    tick().await;
    assert!(
        hint.text_content().unwrap().contains("(201) 555-0123"),
        "{:?}",
        hint.text_content()
    );

    region.set("GB".into());
    type_into(&input, "020 7946 0018");
    tick().await;
    assert!(
        hint.text_content().unwrap().contains("landline"),
        "{:?}",
        hint.text_content()
    );
}

#[wasm_bindgen_test]
async fn phone_input_shows_every_problem_once_touched() {
    let (root, _, _, _mount) = mount_phone_input("201555", "US", true);
    tick().await;
    let error: HtmlElement = query(&root, "#phone-error");
    assert!(error.text_content().unwrap().contains("too short"));
}

#[wasm_bindgen_test]
async fn code_input_accepts_pasted_codes_and_submits_at_six_digits() {
    let root = container();
    let value = RwSignal::new(String::new());
    let submitted = RwSignal::new(Vec::<String>::new());
    let _mount = leptos::mount::mount_to(root.clone(), move || {
        view! { <I18nContextProvider>
            <CodeInput value=value on_complete=Callback::new(move |c: String| submitted.update(|s| s.push(c)))
                error=Signal::derive(|| None::<String>) disabled=Signal::derive(|| false) />
        </I18nContextProvider> }
    });
    let input: HtmlInputElement = query(&root, "#code");
    assert_eq!(
        input.get_attribute("autocomplete").as_deref(),
        Some("one-time-code")
    );
    assert_eq!(input.get_attribute("inputmode").as_deref(), Some("numeric"));
    assert_eq!(input.type_(), "text");

    // What is typed stays as typed: nothing is silently dropped.
    type_into(&input, "12a");
    tick().await;
    assert_eq!(input.value(), "12a");
    assert!(submitted.get_untracked().is_empty());

    type_into(&input, "#123 456");
    tick().await;
    assert_eq!(input.value(), "#123 456");
    assert_eq!(submitted.get_untracked(), vec!["123456".to_owned()]);

    // A seventh digit is not cut off and the rest sent.
    type_into(&input, "1234567");
    tick().await;
    assert_eq!(input.value(), "1234567");
    assert_eq!(submitted.get_untracked().len(), 1, "seven digits are not a code");

    type_into(&input, "１２３４５６");
    tick().await;
    assert_eq!(
        submitted.get_untracked().len(),
        1,
        "fullwidth digits are not turned into a code"
    );
}

#[wasm_bindgen_test]
async fn code_input_shows_its_error_beside_the_field() {
    let root = container();
    let value = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let _mount = leptos::mount::mount_to(root.clone(), move || {
        view! { <I18nContextProvider>
            <CodeInput value=value on_complete=Callback::new(|_: String| {}) error=error disabled=Signal::derive(|| false) />
        </I18nContextProvider> }
    });
    error.set(Some("That code is not right".into()));
    tick().await;
    let message: HtmlElement = query(&root, "#code-error");
    assert!(!message.hidden());
    // Not a live region: the screen's error summary is the one announcement.
    assert_eq!(message.get_attribute("aria-live"), None);
    assert_eq!(message.get_attribute("role"), None);
    let input: HtmlInputElement = query(&root, "#code");
    assert_eq!(
        input.get_attribute("aria-describedby").as_deref(),
        Some("code-error")
    );
}

#[wasm_bindgen_test]
async fn the_error_summary_is_focused_and_links_to_fields() {
    let root = container();
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let focused = focus_log(&root);
    let _mount = leptos::mount::mount_to(
        root.clone(),
        move || view! { <I18nContextProvider> <ErrorSummary errors=errors /> </I18nContextProvider> },
    );
    let summary: HtmlElement = query(&root, ".error-summary");
    assert!(summary.hidden());
    errors.set(vec![FieldError {
        field_id: "phone",
        message: "Enter a phone number".into(),
    }]);
    tick().await;
    next_frame().await;
    assert!(!summary.hidden());
    assert_eq!(*focused.borrow(), vec!["DIV.error-summary".to_owned()]);
    let link: HtmlElement = query(&root, ".error-summary a");
    assert_eq!(link.get_attribute("href").as_deref(), Some("#phone"));
}

#[wasm_bindgen_test]
async fn a_page_sets_the_title_and_moves_focus_to_its_heading() {
    let root = container();
    let focused = focus_log(&root);
    let _mount = leptos::mount::mount_to(
        root.clone(),
        || view! { <I18nContextProvider> <Page title="Check your phone"><p>"body"</p></Page> </I18nContextProvider> },
    );
    tick().await;
    assert_eq!(document().title(), "Check your phone - Phone MFA");
    // The heading takes focus in the next frame, before it is painted (not in the
    // render's task, where it would force a layout).
    next_frame().await;
    assert_eq!(*focused.borrow(), vec!["H1.".to_owned()]);
    let h1: HtmlElement = query(&root, "h1");
    assert_eq!(h1.text_content().as_deref(), Some("Check your phone"));
}

fn pending_code(resend_in_s: i64) -> phone_mfa::flow::PendingCode {
    use phone_mfa_contract::phone::Channels;
    use phone_mfa_contract::{ChallengeView, Channel, Purpose};
    phone_mfa::flow::PendingCode::new(
        ChallengeView {
            id: "test-challenge".into(),
            purpose: Purpose::Setup,
            channel: Channel::Sms,
            masked_phone: "•••-•••-0123".into(),
            new_phone: None,
            channels: Channels {
                sms: true,
                voice: true,
            },
            expires_in_s: 600,
            resend_in_s,
            sends_left: 19,
            attempts_left: 10,
            delivery: Default::default(),
        },
        "/setup/confirmed",
        phone_mfa::flow::now_ms(),
    )
}

#[wasm_bindgen_test]
async fn the_code_screen_counts_down_to_send_a_new_code() {
    phone_mfa::flow::save_pending(&pending_code(2));
    // The test's own clock: two seconds pass when the test says so, not by sleeping.
    let (now, set_now) = signal(phone_mfa::flow::now_ms());
    let root = container();
    let _mount = leptos::mount::mount_to(root.clone(), move || {
        provide_context(phone_mfa::components::ManualNow(now));
        phone_mfa::flow::Auth::provide();
        view! { <I18nContextProvider> <phone_mfa::routes::code::EnterCode /> </I18nContextProvider> }
    });
    tick().await;
    let resend: web_sys::HtmlButtonElement = query(&root, "#resend");
    assert!(root
        .text_content()
        .unwrap()
        .contains("We sent a text message with a 6-digit code to •••-•••-0123"));
    assert_eq!(
        resend.text_content().as_deref(),
        Some("Send a new code (available in 0:02)")
    );
    assert!(resend.disabled());
    set_now.set(now.get_untracked() + 1_000.0);
    tick().await;
    assert_eq!(
        resend.text_content().as_deref(),
        Some("Send a new code (available in 0:01)")
    );
    set_now.set(now.get_untracked() + 1_000.0);
    tick().await;
    assert_eq!(resend.text_content().as_deref(), Some("Send a new code"));
    assert!(!resend.disabled());
    let switch: web_sys::HtmlButtonElement = query(&root, "#switch-channel");
    assert_eq!(switch.text_content().as_deref(), Some("Call me instead"));
    phone_mfa::flow::clear_pending();
}

/// Rule G5: the code screen warns once three attempts or fewer are left, not before.
#[wasm_bindgen_test]
async fn the_code_screen_warns_at_three_attempts_left_and_not_at_four() {
    for (left, warned) in [(4, false), (3, true)] {
        let mut pending = pending_code(0);
        pending.challenge.attempts_left = left;
        phone_mfa::flow::save_pending(&pending);
        let root = container();
        let mount = leptos::mount::mount_to(root.clone(), || {
            phone_mfa::flow::Auth::provide();
            view! { <I18nContextProvider> <phone_mfa::routes::code::EnterCode /> </I18nContextProvider> }
        });
        tick().await;
        let warning = format!("You have {left} attempts left before your account is locked for 10 minutes.");
        let shown = root.query_selector_all("#code-status .alert.warning").unwrap();
        let visible: Vec<String> = (0..shown.length())
            .filter_map(|i| shown.item(i))
            .filter_map(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
            .filter(|p| !p.hidden())
            .filter_map(|p| p.text_content())
            .collect();
        assert_eq!(
            visible.iter().any(|t| t.contains(&warning)),
            warned,
            "{left} left: {visible:?}"
        );
        drop(mount);
        phone_mfa::flow::clear_pending();
    }
}

/// Rules G1, G2: while the account is locked the code screen says for how long and
/// takes no code.
#[wasm_bindgen_test]
async fn the_code_screen_shows_the_lockout_countdown() {
    let mut locked = pending_code(0);
    locked.locked_until_ms = Some(phone_mfa::flow::now_ms() + 90_000.0);
    phone_mfa::flow::save_pending(&locked);
    let root = container();
    let _mount = leptos::mount::mount_to(root.clone(), || {
        phone_mfa::flow::Auth::provide();
        view! { <I18nContextProvider> <phone_mfa::routes::code::EnterCode /> </I18nContextProvider> }
    });
    tick().await;
    let text = root.text_content().unwrap();
    assert!(
        text.contains("Try again in 1:30") || text.contains("Try again in 1:29"),
        "{text}"
    );
    let input: HtmlInputElement = query(&root, "#code");
    assert!(input.disabled(), "no codes while locked");
    // The alert says it once, in words that stay still; the countdown is not read out.
    let alert: HtmlElement = query(&root, "#code-alert");
    assert!(
        alert.text_content().unwrap().contains("you can try again at "),
        "{:?}",
        alert.text_content()
    );
    let countdown: HtmlElement = query(&root, ".countdown:not([hidden])");
    assert_eq!(countdown.get_attribute("aria-hidden").as_deref(), Some("true"));
    assert!(alert.query_selector(".countdown").unwrap().is_none());
    phone_mfa::flow::clear_pending();
}

/// The code screen shows one message at a time: locked, it does not also warn of the
/// last attempt, nor say the code is on its way.
#[wasm_bindgen_test]
async fn the_code_screen_shows_one_message_at_a_time() {
    let mut locked = pending_code(0);
    locked.challenge.attempts_left = 1;
    locked.locked_until_ms = Some(phone_mfa::flow::now_ms() + 600_000.0);
    phone_mfa::flow::save_pending(&locked);
    let root = container();
    let _mount = leptos::mount::mount_to(root.clone(), || {
        phone_mfa::flow::Auth::provide();
        view! { <I18nContextProvider> <phone_mfa::routes::code::EnterCode /> </I18nContextProvider> }
    });
    tick().await;
    let alerts = root.query_selector_all(".alert").unwrap();
    let shown: Vec<String> = (0..alerts.length())
        .filter_map(|i| alerts.item(i))
        .filter_map(|n| n.dyn_into::<HtmlElement>().ok())
        .filter(|a| !a.hidden() && a.closest("[hidden]").unwrap().is_none())
        .filter_map(|a| a.text_content())
        .collect();
    assert_eq!(shown.len(), 1, "{shown:?}");
    assert!(shown[0].contains("Too many wrong codes"), "{shown:?}");
    phone_mfa::flow::clear_pending();
}

/// login.gov's pattern: the expiry countdown changes every second on screen, but a
/// screen reader hears only 5 minutes, 1 minute and 30 seconds left; at expiry an alert
/// offers a new code in one action.
#[wasm_bindgen_test]
async fn the_code_screen_announces_expiry_at_five_minutes_one_minute_and_thirty_seconds() {
    phone_mfa::flow::save_pending(&pending_code(0));
    let start = phone_mfa::flow::now_ms();
    let (now, set_now) = signal(start);
    let root = container();
    let _mount = leptos::mount::mount_to(root.clone(), move || {
        provide_context(phone_mfa::components::ManualNow(now));
        phone_mfa::flow::Auth::provide();
        view! { <I18nContextProvider> <phone_mfa::routes::code::EnterCode /> </I18nContextProvider> }
    });
    tick().await;
    let region: HtmlElement = query(&root, "#expiry-announcement");
    assert_eq!(region.get_attribute("aria-live").as_deref(), Some("polite"));
    let countdown: HtmlElement = query(&root, ".countdown:not([hidden])");
    assert_eq!(countdown.get_attribute("aria-hidden").as_deref(), Some("true"));
    assert!(countdown.text_content().unwrap().contains("10:00"));
    let mut heard: Vec<String> = vec![];
    for second in 1..=600 {
        set_now.set(start + f64::from(second) * 1000.0);
        tick().await;
        let words = region.text_content().unwrap_or_default();
        if !words.is_empty() && heard.last() != Some(&words) {
            heard.push(words);
        }
    }
    assert_eq!(
        heard,
        [
            "Your code expires in 5 minutes.",
            "Your code expires in 1 minute.",
            "Your code expires in 30 seconds.",
        ]
    );
    let alert: HtmlElement = query(&root, "#code-alert");
    assert!(alert.text_content().unwrap().contains("This code has expired."));
    let again: web_sys::HtmlButtonElement = query(&root, "#code-alert button");
    assert_eq!(again.text_content().as_deref(), Some("Send a new code"));
    assert!(!again.disabled());
    phone_mfa::flow::clear_pending();
}

/// Answers the code screen's requests for `challenge` as a server would, until the
/// returned guard drops (also when the test fails, so no other test is affected).
#[must_use]
fn answer_for(challenge: &'static str, status: u16, body: serde_json::Value) -> impl Drop {
    use phone_mfa::api::{stand_in, StandInAnswer};
    struct Answering;
    impl Drop for Answering {
        fn drop(&mut self) {
            stand_in(None);
            phone_mfa::flow::clear_pending();
        }
    }
    stand_in(Some(Box::new(move |_, path| {
        if path.contains(challenge) {
            StandInAnswer::Answer(status, body.to_string())
        } else {
            StandInAnswer::Send
        }
    })));
    Answering
}

/// A wrong code: one message beside the field (with the attempts left), said once (the
/// summary's alert), and the code stays in the field, selected for correction.
#[wasm_bindgen_test]
async fn a_wrong_code_stays_selected_and_is_announced_once() {
    let mut pending = pending_code(0);
    pending.challenge.id = "wrong-code-challenge".into();
    phone_mfa::flow::save_pending(&pending);
    let _answering = answer_for(
        "wrong-code-challenge",
        422,
        serde_json::json!({"error": "code_wrong", "message": "That code is not right. Check the code and try again", "attempts_left": 3}),
    );
    let root = container();
    let focused = focus_log(&root);
    let _mount = leptos::mount::mount_to(root.clone(), || {
        phone_mfa::flow::Auth::provide();
        view! { <I18nContextProvider> <phone_mfa::routes::code::EnterCode /> </I18nContextProvider> }
    });
    tick().await;
    let live = |root: &HtmlElement| -> Vec<String> {
        let regions = root
            .query_selector_all("[role=alert], [role=status], [aria-live]")
            .unwrap();
        (0..regions.length())
            .filter_map(|i| regions.item(i))
            .filter_map(|n| n.dyn_into::<HtmlElement>().ok())
            .filter(|r| r.closest("[hidden]").unwrap().is_none())
            .filter_map(|r| r.text_content())
            .filter(|t| !t.trim().is_empty())
            .collect()
    };
    let before = live(&root);
    let input: HtmlInputElement = query(&root, "#code");
    type_into(&input, "123 456");
    for _ in 0..20 {
        tick().await;
        next_frame().await;
        if !query::<HtmlElement>(&root, "#code-error").hidden() {
            break;
        }
    }
    next_frame().await;
    let error: HtmlElement = query(&root, "#code-error");
    assert!(
        error
            .text_content()
            .unwrap()
            .contains("That code is not right. Check the code and try again. You have 3 attempts left"),
        "{:?}",
        error.text_content()
    );
    assert_eq!(input.value(), "123 456", "the code stays");
    assert_eq!(
        (input.selection_start().unwrap(), input.selection_end().unwrap()),
        (Some(0), Some(7)),
        "selected for correction"
    );
    assert_eq!(
        focused.borrow().last().map(String::as_str),
        Some("INPUT.code-input")
    );
    let after = live(&root);
    let new: Vec<_> = after.iter().filter(|t| !before.contains(t)).collect();
    assert_eq!(new.len(), 1, "one announcement: {new:?}");
    assert!(new[0].contains("There is a problem"));
}

/// After "Send a new code" the button is disabled (the wait starts again): focus goes
/// to the code field, where the new code is typed, not to the page's body.
#[wasm_bindgen_test]
async fn after_a_new_code_is_sent_focus_is_in_the_code_field() {
    let mut pending = pending_code(0);
    pending.challenge.id = "resend-challenge".into();
    phone_mfa::flow::save_pending(&pending);
    let mut resent = pending.challenge.clone();
    resent.resend_in_s = 30;
    let _answering = answer_for("resend-challenge", 200, serde_json::to_value(&resent).unwrap());
    let root = container();
    let focused = focus_log(&root);
    let _mount = leptos::mount::mount_to(root.clone(), || {
        phone_mfa::flow::Auth::provide();
        view! { <I18nContextProvider> <phone_mfa::routes::code::EnterCode /> </I18nContextProvider> }
    });
    tick().await;
    let resend: web_sys::HtmlButtonElement = query(&root, "#resend");
    resend.focus().unwrap();
    resend.click();
    for _ in 0..20 {
        tick().await;
        next_frame().await;
        if focused.borrow().last().map(String::as_str) == Some("INPUT.code-input") {
            break;
        }
    }
    assert_eq!(
        focused.borrow().last().map(String::as_str),
        Some("INPUT.code-input")
    );
    assert!(root
        .text_content()
        .unwrap()
        .contains("We sent a new code by text message."));
}

/// A summary that follows its fields (the phone screen) takes focus on submit only,
/// never as the person types; the code screen's never takes it.
#[wasm_bindgen_test]
async fn the_error_summary_takes_focus_only_when_asked() {
    use phone_mfa::components::SummaryFocus;
    let root = container();
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let submits = RwSignal::new(0u32);
    let focused = focus_log(&root);
    let _mount = leptos::mount::mount_to(root.clone(), move || {
        view! { <I18nContextProvider> <ErrorSummary errors=errors focus=SummaryFocus::OnSubmit(submits.into()) /> </I18nContextProvider> }
    });
    let problem = |m: &str| {
        vec![FieldError {
            field_id: "phone",
            message: m.into(),
        }]
    };
    tick().await;
    errors.set(problem("Enter a phone number"));
    tick().await;
    next_frame().await;
    assert_eq!(focused.borrow().len(), 0, "not before a submit");
    submits.set(1);
    tick().await;
    next_frame().await;
    assert_eq!(focused.borrow().len(), 1);
    // Typing changes the field's message: the summary follows, focus stays put.
    errors.set(problem("Phone number extensions are not supported"));
    tick().await;
    next_frame().await;
    assert_eq!(focused.borrow().len(), 1);
    let link: HtmlElement = query(&root, ".error-summary a");
    assert_eq!(
        link.text_content().as_deref(),
        Some("Phone number extensions are not supported")
    );
}

/// A step of a flow: Back (or Cancel) above the heading, and a way to sign out.
#[wasm_bindgen_test]
async fn a_step_has_a_way_back_and_a_way_out() {
    use phone_mfa::components::StepBack;
    let root = container();
    let _mount = leptos::mount::mount_to(root.clone(), || {
        phone_mfa::flow::Auth::provide();
        view! { <I18nContextProvider>
            <Page title="Enter your phone number" back=Signal::stored(Some(StepBack::Back("/setup".into()))) sign_out=true>
                <p>"body"</p>
            </Page>
        </I18nContextProvider> }
    });
    tick().await;
    let back: HtmlElement = query(&root, "a.back-link");
    assert_eq!(back.get_attribute("href").as_deref(), Some("/setup"));
    assert_eq!(back.text_content().as_deref(), Some("Back"));
    assert!(back.next_element_sibling().unwrap().tag_name() == "H1");
    let out: HtmlElement = query(&root, "#sign-out");
    assert_eq!(out.text_content().as_deref(), Some("Sign out"));
}

/// Plural forms come from each language's rules: "1 attempt" / "3 attempts",
/// "1 intento" / "3 intentos"; no warning above three.
#[wasm_bindgen_test]
async fn the_attempts_warning_has_the_right_plural_in_each_language() {
    use phone_mfa::i18n::{use_i18n, Locale};
    use phone_mfa::routes::code::attempts_warning;
    let seen = RwSignal::new(Vec::<Option<String>>::new());
    let root = container();
    let _mount = leptos::mount::mount_to(root.clone(), move || {
        view! { <I18nContextProvider enable_cookie=false>{move || {
            let i18n = use_i18n();
            // Runs again if the provider settles its locale after the first render: keep one pass.
            seen.update_untracked(Vec::clear);
            for locale in [Locale::en, Locale::es] {
                i18n.set_locale_untracked(locale);
                for n in [4, 3, 1] {
                    seen.update_untracked(|s| s.push(attempts_warning(i18n, Some(n))));
                }
            }
            i18n.set_locale_untracked(Locale::en);
        }}</I18nContextProvider> }
    });
    tick().await;
    assert_eq!(
        seen.get_untracked(),
        vec![
            None,
            Some("You have 3 attempts left before your account is locked for 10 minutes.".into()),
            Some("You have 1 attempt left before your account is locked for 10 minutes.".into()),
            None,
            Some("Te quedan 3 intentos antes de que tu cuenta se bloquee durante 10 minutos.".into()),
            Some("Te queda 1 intento antes de que tu cuenta se bloquee durante 10 minutos.".into()),
        ]
    );
}

/// Issue 14: every way of writing a number gets its right message in the field.
#[wasm_bindgen_test]
async fn phone_input_reads_every_way_of_writing_a_number_and_says_the_right_thing() {
    let (root, _, region, _mount) = mount_phone_input("", "US", true);
    let input: HtmlInputElement = query(&root, "#phone");
    let error: HtmlElement = query(&root, "#phone-error");
    let hint: HtmlElement = query(&root, "#phone-hint");
    let cases: &[(&str, &str, bool, &str)] = &[
        // (region, typed, is an error, words expected)
        ("US", "+1 670 2345", true, "too short"),
        ("US", "tel:+1-201-555-0123", false, "(201) 555-0123"),
        ("US", "(+44) 20 7946 0018", false, "landline"),
        ("ES", "(+34) 912 345 678", false, "912 34 56 78"),
        ("US", "201-555-0123 ~2", true, "extensions are not supported"),
        ("US", "201-555-0123 ＃2", true, "extensions are not supported"),
        ("US", "201-555-0123 int 2", true, "extensions are not supported"),
        ("US", "1-800-TAXICAB", true, "only the numbers 0 to 9"),
        ("US", "800-XFINITY", true, "only the numbers 0 to 9"),
    ];
    for (selected, typed, is_error, words) in cases {
        region.set((*selected).into());
        type_into(&input, typed);
        tick().await;
        let shown = if *is_error { &error } else { &hint };
        assert!(!shown.hidden(), "{typed}: nothing shown");
        let text = shown.text_content().unwrap();
        assert!(text.contains(words), "{typed}: {text:?} lacks {words:?}");
        if !*is_error {
            assert!(error.hidden(), "{typed}: {:?}", error.text_content());
        }
    }
}

/// A failed call says what happened: no answer at all (network), an answer that is not
/// the contract's (an HTML page, whatever its status), or the server's own error.
#[wasm_bindgen_test]
async fn api_failures_are_told_apart() {
    use phone_mfa::api::{self, Failure};
    use phone_mfa_contract::Health;
    // The test runner's server has no /api: a 404 that is not the contract's JSON.
    assert_eq!(api::health().await, Err(Failure::Unreadable { status: 404 }));
    // Its page itself answers 200 with HTML: an unreadable success, not a network error.
    assert_eq!(
        api::get::<Health>("/").await,
        Err(Failure::Unreadable { status: 200 })
    );
    // Nothing listens on port 9 (discard): no answer at all.
    assert_eq!(
        api::get::<Health>("http://127.0.0.1:9/api/health").await,
        Err(Failure::Network)
    );
    let unreadable = Failure::Unreadable { status: 502 };
    assert!(unreadable.message().contains("502"), "{}", unreadable.message());
    assert_eq!(unreadable.code(), None);
}

/// Requests end with their screen: a screen's request is cancelled when the person
/// moves to another path (and says so); one made on the path the person is now on, or
/// one of the app's own (the session), runs to the end.
#[wasm_bindgen_test]
async fn a_screens_requests_end_with_it_and_the_apps_own_do_not() {
    use phone_mfa::api::{self, Failure};
    use phone_mfa_contract::Health;
    use std::future::Future;
    use std::task::{Context, Waker};
    let mut cx = Context::from_waker(Waker::noop());
    let here = window().location().pathname().unwrap();

    // Sent from this screen (its first step sends it); the person then goes elsewhere.
    let mut request = Box::pin(api::get::<Health>("/"));
    assert!(request.as_mut().poll(&mut cx).is_pending());
    api::screen_changed("/somewhere-else");
    assert_eq!(request.await, Err(Failure::Abandoned));

    // Sent from the screen the person is on: the answer is read (the test runner's page
    // answers "/" with HTML, an unreadable answer).
    let mut request = Box::pin(api::get::<Health>("/"));
    assert!(request.as_mut().poll(&mut cx).is_pending());
    api::screen_changed(&here);
    assert_eq!(request.await, Err(Failure::Unreadable { status: 200 }));

    // The app's own request (the session) outlives the screen it was sent from (the
    // runner has no /api: a 404 that is not the contract's JSON).
    let mut request = Box::pin(api::session());
    assert!(request.as_mut().poll(&mut cx).is_pending());
    api::screen_changed("/somewhere-else");
    assert_eq!(request.await, Err(Failure::Unreadable { status: 404 }));
}

/// A session for screens that need one (issue 20's).
fn session_json(stage: &str) -> phone_mfa_contract::SessionView {
    serde_json::from_value(serde_json::json!({
        "email": "pat@example.com", "stage": stage, "mfa_required": false, "reauth_valid_for_s": 900,
        "methods": [], "language": "en", "phone_allowed": true
    }))
    .unwrap()
}

/// Answers every request whose path contains `part` with `status` and `body`, and
/// counts them, until the guard drops.
#[must_use]
fn answer_path(part: &'static str, status: u16, body: serde_json::Value) -> (impl Drop, Rc<RefCell<u32>>) {
    use phone_mfa::api::{stand_in, StandInAnswer};
    struct Answering;
    impl Drop for Answering {
        fn drop(&mut self) {
            stand_in(None);
        }
    }
    let asked = Rc::new(RefCell::new(0));
    let count = asked.clone();
    stand_in(Some(Box::new(move |_, path| {
        if path.contains(part) {
            *count.borrow_mut() += 1;
            StandInAnswer::Answer(status, body.to_string())
        } else {
            StandInAnswer::Hold
        }
    })));
    (Answering, asked)
}

/// The app-setup screen draws the server's QR matrix as an SVG image with a name, shows
/// the key in groups of four for typing, and says at once that a letter is no code.
#[wasm_bindgen_test]
async fn the_app_setup_screen_shows_the_qr_code_and_the_key_in_groups() {
    let setup = serde_json::json!({
        "key": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
        "uri": "otpauth://totp/Phone%20MFA:pat%40example%2Ecom?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
        "qr": {"size": 21, "path": "M0 0h1v1h-1zM2 0h1v1h-1z"},
        "expires_in_s": 600
    });
    let (_answering, asked) = answer_path("/api/app/setup", 200, setup);
    let root = container();
    let _mount = leptos::mount::mount_to(root.clone(), || {
        let auth = phone_mfa::flow::Auth::provide();
        auth.session.set(Some(session_json("mfa_setup")));
        view! { <I18nContextProvider> <leptos_router::components::Router> <phone_mfa::routes::app_setup::SetUpApp /> </leptos_router::components::Router> </I18nContextProvider> }
    });
    for _ in 0..20 {
        tick().await;
        if root.query_selector("#key").unwrap().is_some() {
            break;
        }
    }
    assert_eq!(*asked.borrow(), 1, "one key asked for");
    let svg = root.query_selector("svg.qr").unwrap().expect("a QR code");
    assert_eq!(svg.get_attribute("role").as_deref(), Some("img"));
    assert_eq!(
        svg.get_attribute("aria-label").as_deref(),
        Some("QR code for adding Phone MFA to your authenticator app")
    );
    assert_eq!(
        svg.get_attribute("viewBox").as_deref(),
        Some("-4 -4 29 29"),
        "a 4-module quiet zone"
    );
    let path = root.query_selector("svg.qr path").unwrap().unwrap();
    assert_eq!(
        path.get_attribute("d").as_deref(),
        Some("M0 0h1v1h-1zM2 0h1v1h-1z")
    );
    let key: HtmlElement = query(&root, "#key");
    assert_eq!(
        key.text_content().unwrap(),
        "JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP"
    );
    let input: HtmlInputElement = query(&root, "#code");
    type_into(&input, "12a");
    tick().await;
    let error: HtmlElement = query(&root, "#code-error");
    assert!(!error.hidden());
    assert!(error
        .text_content()
        .unwrap()
        .contains("The code must be 6 numbers"));
}

/// Recovery codes are shown once: Continue only once the person says they saved them,
/// and the codes leave memory as they move on.
#[wasm_bindgen_test]
async fn recovery_codes_continue_only_once_saved() {
    let root = container();
    let codes: Vec<String> = (0..10).map(|i| format!("ABCD-EFGH-JKMN{i}")).collect();
    let kept = codes.clone();
    let auth = Rc::new(RefCell::new(None));
    let holder = auth.clone();
    let _mount = leptos::mount::mount_to(root.clone(), move || {
        let auth = phone_mfa::flow::Auth::provide();
        auth.session.set(Some(session_json("signed_in")));
        auth.new_recovery_codes.set(kept.clone());
        *holder.borrow_mut() = Some(auth);
        view! { <I18nContextProvider> <leptos_router::components::Router> <phone_mfa::routes::recovery_codes::SaveRecoveryCodes /> </leptos_router::components::Router> </I18nContextProvider> }
    });
    tick().await;
    let items = root.query_selector_all(".recovery-codes li").unwrap();
    assert_eq!(items.length(), 10);
    assert_eq!(items.item(0).unwrap().text_content().unwrap(), codes[0]);
    let next: web_sys::HtmlButtonElement = query(&root, "#codes-continue");
    next.click();
    tick().await;
    next_frame().await;
    assert!(root
        .text_content()
        .unwrap()
        .contains("Confirm that you have saved your recovery codes"));
    let auth = auth.borrow().unwrap();
    assert_eq!(auth.new_recovery_codes.get_untracked().len(), 10, "nothing lost");
    let saved: HtmlInputElement = query(&root, "#codes-saved");
    saved.click();
    tick().await;
    next.click();
    tick().await;
    assert!(
        auth.new_recovery_codes.get_untracked().is_empty(),
        "gone once saved"
    );
}

/// "I do not have access to my phone": a typed recovery code is checked before it is
/// sent, so a mistyped one costs no attempt.
#[wasm_bindgen_test]
async fn a_mistyped_recovery_code_is_refused_before_it_is_sent() {
    let (_answering, asked) = answer_path("/api/recovery-codes/sign-in", 200, serde_json::json!({}));
    let root = container();
    let _mount = leptos::mount::mount_to(root.clone(), || {
        let auth = phone_mfa::flow::Auth::provide();
        auth.session.set(Some(session_json("mfa_pending")));
        view! { <I18nContextProvider> <leptos_router::components::Router> <phone_mfa::routes::recovery_sign_in::UseRecoveryCode /> </leptos_router::components::Router> </I18nContextProvider> }
    });
    tick().await;
    let input: HtmlInputElement = query(&root, "#recovery-code");
    for (typed, words) in [
        ("ABCD-EFGH", "A recovery code has 13 letters and numbers"),
        ("ABCD-EFGH-JKMNU", "A recovery code has only letters and numbers"),
    ] {
        type_into(&input, typed);
        let submit: web_sys::HtmlButtonElement = query(&root, "button[type=submit]");
        submit.click();
        tick().await;
        assert!(root.text_content().unwrap().contains(words), "{typed}");
        assert_eq!(input.get_attribute("aria-invalid").as_deref(), Some("true"));
    }
    assert_eq!(*asked.borrow(), 0, "nothing was sent");
}
