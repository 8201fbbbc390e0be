//! The server's words for people, in English and Spanish: error messages (in the
//! language the request asks for), and the texts, calls and emails (in the account's
//! language).
//!
//! The words are not here: they are in the catalogues, `locales/server/*.json` (the
//! server's own) and `locales/*.json` (the app's, for words both say), read at build
//! time in the app's format (`phone_mfa_contract::catalogue`). This module names each
//! message (a `Msg`: a key and its values) and renders it; policy numbers are passed in
//! from `policy.rs`. The tests below fail on a key without words in either language, an
//! error code or problem without a message, and words left in a catalogue unused.

use axum::extract::Request;
use axum::http::header::ACCEPT_LANGUAGE;
use axum::middleware::Next;
use axum::response::Response;
use phone_mfa_contract::catalogue;
use phone_mfa_contract::code::CodeProblem;
use phone_mfa_contract::phone::PhoneProblem;
use phone_mfa_contract::recovery::RecoveryCodeProblem;
use phone_mfa_contract::{AccountChangeView, ErrorCode, Language};
use std::borrow::Cow;
use std::fmt;
use std::sync::LazyLock;

tokio::task_local! {
    /// The language the current request asked to be answered in.
    static REQUEST_LANGUAGE: Language;
}

/// Middleware: answers each request in the language of its `Accept-Language` header
/// (the app sends the one the person is reading), English when it names none of ours.
pub async fn answer_in_request_language(req: Request, next: Next) -> Response {
    let language = req
        .headers()
        .get(ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Language::from_accept_language)
        .unwrap_or_default();
    REQUEST_LANGUAGE.scope(language, next.run(req)).await
}

/// The language of the request being answered (English outside a request).
pub fn request_language() -> Language {
    REQUEST_LANGUAGE.try_with(|l| *l).unwrap_or_default()
}

/// The server's catalogue (`locales/server/*.json`) and the app's (`locales/*.json`),
/// read at build time. Words both say (why a number or a code is refused, why a method
/// is not offered) are written once, in the app's; the server looks a key up in its
/// own catalogue, then in the app's, and a test keeps any key out of both.
struct Catalogues {
    server: [serde_json::Value; 2],
    app: [serde_json::Value; 2],
}

static CATALOGUES: LazyLock<Catalogues> = LazyLock::new(|| {
    let parse = |json: &str| serde_json::from_str(json).expect("locales are valid JSON (a test reads them)");
    Catalogues {
        server: [
            parse(include_str!("../../../locales/server/en.json")),
            parse(include_str!("../../../locales/server/es.json")),
        ],
        app: [
            parse(include_str!("../../../locales/en.json")),
            parse(include_str!("../../../locales/es.json")),
        ],
    }
});

fn index(language: Language) -> usize {
    match language {
        Language::En => 0,
        Language::Es => 1,
    }
}

fn find<'a>(tree: &'a serde_json::Value, key: &str) -> Option<&'a str> {
    key.split('.')
        .try_fold(tree, |node, part| node.get(part))?
        .as_str()
}

/// The text of a dotted key in a language, from the server's catalogue or the app's.
pub fn lookup(key: &str, language: Language) -> Option<&'static str> {
    let c = &*CATALOGUES;
    let i = index(language);
    find(&c.server[i], key).or_else(|| find(&c.app[i], key))
}

/// Policy numbers any message may name: the catalogue says `{{ max_phones }}`, and the
/// number comes from `policy.rs`, so a policy change cannot leave a sentence behind.
fn policy_value(name: &str) -> Option<i64> {
    use phone_mfa_contract::policy::*;
    Some(match name {
        "min_password_chars" => MIN_PASSWORD_CHARS as i64,
        "max_password_chars" => MAX_PASSWORD_CHARS as i64,
        "max_phones" => MAX_PHONES_PER_ACCOUNT as i64,
        "recovery_chars" => RECOVERY_CODE_CHARS as i64,
        "code_length" => CODE_LENGTH as i64,
        "code_minutes" => CODE_TTL_SECS / 60,
        "paused_hours" => CHANGES_PAUSED_SECS / 3600,
        "report_link_days" => CHANGE_REPORT_LINK_TTL_SECS / (24 * 3600),
        _ => return None,
    })
}

/// A message of the catalogues, with the values its placeholders need, rendered once
/// the language is known (an error may be made on a database thread that does not
/// know the request's language).
#[derive(Clone, PartialEq, Eq)]
pub struct Msg {
    key: Cow<'static, str>,
    /// Picks the plural form (`key_one` / `key_other`) and fills `{{ count }}`.
    count: Option<i64>,
    values: Vec<(&'static str, String)>,
}

impl Msg {
    pub const fn new(key: &'static str) -> Msg {
        Msg {
            key: Cow::Borrowed(key),
            count: None,
            values: Vec::new(),
        }
    }
    /// A message whose key is made from a name (`errors.<code>`, `phone_problem.<problem>`).
    fn keyed(key: String) -> Msg {
        Msg {
            key: Cow::Owned(key),
            count: None,
            values: Vec::new(),
        }
    }
    pub fn count(mut self, count: i64) -> Msg {
        self.count = Some(count);
        self
    }
    pub fn with(mut self, name: &'static str, value: impl ToString) -> Msg {
        self.values.push((name, value.to_string()));
        self
    }
    pub fn key(&self) -> &str {
        &self.key
    }
    /// The message in `language`. A key or value missing is a bug a test catches
    /// (every key and every message maker is rendered in both languages there); were one
    /// to slip through, the person gets the general "something went wrong" rather than
    /// a placeholder.
    pub fn render(&self, language: Language) -> String {
        self.try_render(language).unwrap_or_else(|problem| {
            tracing::error!(key = %self.key, %problem, "message cannot be rendered");
            debug_assert!(false, "message {} cannot be rendered: {problem}", self.key);
            lookup("errors.internal", language).unwrap_or_default().to_owned()
        })
    }
    pub fn try_render(&self, language: Language) -> Result<String, String> {
        // A counted message has plural forms, or one text for every count.
        let plural = self.count.map(|n| catalogue::plural_key(&self.key, n));
        let text = plural
            .and_then(|key| lookup(&key, language))
            .or_else(|| lookup(&self.key, language))
            .ok_or_else(|| format!("no text for {}", self.key))?;
        catalogue::fill(text, |name| {
            if name == "count" {
                return self.count.map(|n| n.to_string());
            }
            self.values
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.clone())
                .or_else(|| policy_value(name).map(|n| n.to_string()))
        })
        .map_err(|missing| format!("no value for {{{{ {missing} }}}}"))
    }
}

impl fmt::Debug for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Language::En))
    }
}

/// The general message of an error code (`errors.<code>`): what a person is told when
/// nothing more specific applies. Every code has one (a test walks them all).
pub fn error(code: ErrorCode) -> Msg {
    let name: &'static str = code.into();
    Msg::keyed(format!("errors.{name}"))
}

macro_rules! messages {
    ($($(#[$doc:meta])* $name:ident = $key:literal;)*) => {
        $($(#[$doc])* pub const $name: Msg = Msg::new($key);)*
        /// Every fixed message, for the completeness test.
        #[cfg(test)]
        pub const ALL_FIXED: &[Msg] = &[$($name),*];
    };
}

messages! {
    SESSION_TIMED_OUT = "sessions.session_timed_out";
    NOT_SIGNING_IN = "sessions.not_signing_in";
    NO_SETUP_TO_SKIP = "sessions.no_setup_to_skip";
    MFA_REQUIRED = "sessions.mfa_required";
    /// The reason shown beside the method on the choose-method screen (the app's words).
    EPCS_REASON = "choose_method.not_for_prescribers";
    APP_ALREADY_ADDED = "methods.app_already_added";
    APP_SETUP_EXPIRED = "methods.app_setup_expired";
    BROWSER_NOT_REMEMBERED = "methods.browser_not_remembered";
    RECOVERY_NEEDS_METHOD = "methods.recovery_needs_method";
    CANNOT_TEXT_CALL_INSTEAD = "methods.cannot_text_call_instead";
    PHONE_NOT_ON_ACCOUNT = "methods.phone_not_on_account";
    METHOD_NOT_ON_ACCOUNT = "methods.method_not_on_account";
    NO_APP = "methods.no_app";
    APP_CODE_NOT_EXPECTED = "methods.app_code_not_expected";
    PHONE_REMOVED_MEANWHILE = "methods.phone_removed_meanwhile";
    METHOD_ID_REQUIRED = "requests.method_id_required";
    PHONE_ONLY_FOR_SETUP = "requests.phone_only_for_setup";
    ONLY_PHONES_HAVE_CHANNELS = "requests.only_phones_have_channels";
    NO_SUCH_ENDPOINT = "requests.no_such_endpoint";
    SEND_JSON = "requests.send_json";
    NOT_JSON = "requests.not_json";
    MISSING_CSRF_HEADER = "requests.missing_csrf_header";
    BAD_PATH = "requests.bad_path";
    METHOD_NOT_ALLOWED = "requests.method_not_allowed";
    TIMED_OUT = "requests.timed_out";
    CODE_REQUEST_GONE = "codes.request_gone";
    CODE_USED = "codes.used";
    CODE_USED_REQUEST_NEW = "codes.used_request_new";
    RATE_PHONE_BURST = "rate_limits.phone_burst";
    RATE_PHONE = "rate_limits.phone";
    RATE_IP = "rate_limits.ip";
    RATE_ACCOUNT = "rate_limits.account";
    PASSWORD_TOO_SHORT = "passwords.too_short";
    PASSWORD_TOO_LONG = "passwords.too_long";
}

/// Whole minutes, rounded up, for a wait in seconds.
fn minutes(seconds: i64) -> i64 {
    (seconds + 59) / 60
}

/// Wrong passwords held this key (rule G7): when to try again, in whole minutes.
pub fn password_held(retry_after_s: i64) -> Msg {
    Msg::new("passwords.held").count(minutes(retry_after_s))
}

/// Too many sign-up e-mails to this address or from this network (in whole minutes).
pub fn sign_up_emails_held(retry_after_s: i64) -> Msg {
    Msg::new("passwords.sign_up_emails_held").count(minutes(retry_after_s))
}

pub fn resend_in(seconds: i64) -> Msg {
    Msg::new("codes.resend_in").count(seconds)
}

pub fn locked_out(minutes: i64) -> Msg {
    Msg::new("codes.locked_out").count(minutes)
}

/// A field the request got wrong (API clients only: the app never sends these).
pub fn bad_field(detail: String) -> Msg {
    Msg::new("requests.bad_field").with("detail", detail)
}

pub fn unreadable(detail: String) -> Msg {
    Msg::new("requests.unreadable").with("detail", detail)
}

/// The dev clock's refusal, naming the most it moves at once.
pub fn clock_advance(max_s: i64) -> Msg {
    Msg::new("requests.clock_advance").with("max", max_s)
}

/// Why no more phones can be set up (the choose-method screen; the app's words).
pub fn phones_full() -> Msg {
    Msg::new("dashboard.phones_full").count(phone_mfa_contract::policy::MAX_PHONES_PER_ACCOUNT as i64)
}

/// Why a phone number is refused: the app's words (`phone_problem.*`).
pub fn phone_problem(problem: PhoneProblem) -> Msg {
    let name: &'static str = problem.into();
    Msg::keyed(format!("phone_problem.{name}"))
}

/// Why a typed recovery code is refused: the app's words (`recovery_problem.*`).
pub fn recovery_code_problem(problem: RecoveryCodeProblem) -> Msg {
    let name: &'static str = problem.into();
    Msg::keyed(format!("recovery_problem.{name}"))
}

/// Why a typed code is refused: the app's words (`code_problem.*`).
pub fn code_problem(problem: CodeProblem) -> Msg {
    let name: &'static str = problem.into();
    Msg::keyed(format!("code_problem.{name}"))
}

// ------------------------------------------------------------ texts, calls, emails

fn say(msg: Msg, language: Language) -> String {
    msg.render(language)
}

/// The text message. Its last line lets browsers with WebOTP fill the code in, and
/// must stay exactly `@host #code` in every language (it is machine format, not words).
pub fn sms_body(language: Language, code: &str, host: &str) -> String {
    let words = say(Msg::new("sms.body").with("code", code), language);
    format!("{words}\n\n@{host} #{code}")
}

/// The text to a number that left the account, removed or replaced by another (rule
/// A6: a second address hears of the change, the one an attacker is least likely to
/// hold), with where to go if it wasn't them.
pub fn old_number_text(language: Language, replaced: bool, origin: &str) -> String {
    let key = if replaced {
        "sms.number_replaced"
    } else {
        "sms.number_removed"
    };
    say(
        Msg::new(key).with("link", format!("{origin}/this-wasnt-me")),
        language,
    )
}

/// What the phone call says: the code digit by digit, three times.
pub fn voice_script(language: Language, code: &str) -> String {
    let spoken = code.chars().map(|c| c.to_string()).collect::<Vec<_>>().join(", ");
    say(Msg::new("call.script").with("spoken", spoken), language)
}

/// The BCP 47 tag a voice provider reads the script in (TwiML `<Say language>`).
pub fn voice_language(language: Language) -> &'static str {
    match language {
        Language::En => "en-US",
        Language::Es => "es-MX",
    }
}

/// An e-mail's body: its paragraphs, then the product's name as signature.
fn email_body(language: Language, paragraphs: &[Msg]) -> String {
    let mut body: Vec<String> = paragraphs.iter().map(|p| p.render(language)).collect();
    body.push(say(Msg::new("app.name"), language));
    body.join("\n\n")
}

fn subject(key: &'static str, language: Language) -> String {
    say(Msg::new(key), language)
}

/// The sign-up e-mail to an address without an account: the link to continue.
/// `origin` is where people open the app (`Config::public_origin`).
pub fn sign_up_link_email(language: Language, origin: &str, token: &str) -> (String, String) {
    let link = format!("{origin}/create-account/continue#token={token}");
    let hours = phone_mfa_contract::policy::SIGN_UP_LINK_TTL_SECS / 3600;
    (
        subject("emails.sign_up_link.subject", language),
        email_body(
            language,
            &[Msg::new("emails.sign_up_link.body")
                .count(hours)
                .with("link", link)],
        ),
    )
}

/// The sign-up e-mail to an address that already has an account: a notice, no link.
pub fn sign_up_taken_email(language: Language, origin: &str) -> (String, String) {
    (
        subject("emails.sign_up_taken.subject", language),
        email_body(
            language,
            &[Msg::new("emails.sign_up_taken.body").with("link", format!("{origin}/sign-in"))],
        ),
    )
}

/// The account-change email: subject and body, ending with the link to follow if it
/// wasn't them (`domain::change_reports`).
/// The e-mail after a recovery code let someone in: how many are left, and what to do
/// if it was not the owner.
pub fn recovery_code_used_email(language: Language, left: i64, support: &str) -> (String, String) {
    (
        subject("emails.recovery_code_used.subject", language),
        email_body(
            language,
            &[
                Msg::new("emails.recovery_code_used.body").count(left),
                Msg::new("emails.recovery_code_used.not_you").with("support", support),
            ],
        ),
    )
}

/// The e-mail after a new set of recovery codes was made (the old set stops working).
pub fn account_change_email(language: Language, change: &AccountChangeView, link: &str) -> (String, String) {
    let (subject_key, what) = match change {
        AccountChangeView::PhoneAdded { masked_phone } => (
            "emails.phone_added.subject",
            Msg::new("emails.phone_added.body").with("phone", masked_phone),
        ),
        AccountChangeView::AppAdded => ("emails.app_added.subject", Msg::new("emails.app_added.body")),
        AccountChangeView::PhoneChanged {
            from_masked,
            to_masked,
        } => (
            "emails.phone_changed.subject",
            Msg::new("emails.phone_changed.body")
                .with("from", from_masked)
                .with("to", to_masked),
        ),
        AccountChangeView::PhoneRemoved { masked_phone } => (
            "emails.method_removed.subject",
            Msg::new("emails.method_removed.phone").with("phone", masked_phone),
        ),
        AccountChangeView::AppRemoved => (
            "emails.method_removed.subject",
            Msg::new("emails.method_removed.app"),
        ),
        AccountChangeView::RecoveryCodesReplaced => (
            "emails.recovery_codes_issued.subject",
            Msg::new("emails.recovery_codes_issued.body"),
        ),
    };
    let footer = Msg::new("emails.account_change_footer").with("link", link);
    (
        subject(subject_key, language),
        email_body(language, &[what, footer]),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};
    use strum::IntoEnumIterator;

    use phone_mfa_contract::catalogue::flat_keys as catalogue;

    fn assert_translated(msg: &Msg) {
        let en = msg.try_render(Language::En);
        let es = msg.try_render(Language::Es);
        let (Ok(en), Ok(es)) = (&en, &es) else {
            panic!("{} does not render: en {en:?}, es {es:?}", msg.key())
        };
        assert!(
            !en.trim().is_empty() && !es.trim().is_empty(),
            "{} is empty",
            msg.key()
        );
        // Only machine words (a media type) may read the same in both languages.
        if msg.key() != "requests.send_json" {
            assert_ne!(en, es, "{} is not translated", msg.key());
        }
    }

    /// Every message the server can make: the fixed ones, and each maker with values.
    fn every_message() -> Vec<Msg> {
        let mut all: Vec<Msg> = ALL_FIXED.to_vec();
        all.extend(ErrorCode::iter().filter(|c| *c != ErrorCode::Unknown).map(error));
        all.extend(PhoneProblem::iter().map(phone_problem));
        all.extend(CodeProblem::iter().map(code_problem));
        all.extend(RecoveryCodeProblem::iter().map(recovery_code_problem));
        for n in [1, 2, 61, 3600] {
            all.extend([
                password_held(n),
                sign_up_emails_held(n),
                resend_in(n),
                locked_out(n),
            ]);
        }
        all.extend([
            bad_field("phone: expected a string".into()),
            unreadable("bad header".into()),
            clock_advance(86_400),
            phones_full(),
        ]);
        all
    }

    #[test]
    fn every_error_code_and_problem_has_a_message_in_both_languages() {
        // `Unknown` is the app's name for a code it does not know yet; the server never
        // sends it. Every other code has its general message.
        for code in ErrorCode::iter().filter(|c| *c != ErrorCode::Unknown) {
            let name: &str = code.into();
            assert_eq!(serde_json::to_value(code).unwrap(), name, "strum and serde agree");
            assert_translated(&error(code));
        }
        for problem in PhoneProblem::iter() {
            let name: &str = problem.into();
            assert_eq!(serde_json::to_value(problem).unwrap(), name);
            assert_translated(&phone_problem(problem));
        }
        for problem in CodeProblem::iter() {
            assert_translated(&code_problem(problem));
        }
    }

    #[test]
    fn every_message_renders_in_both_languages_with_every_placeholder_filled() {
        for msg in every_message() {
            assert_translated(&msg);
        }
        // And the check itself: a key without words, or a placeholder without a value, fails.
        assert!(Msg::new("errors.no_such_code").try_render(Language::En).is_err());
        assert!(Msg::new("requests.bad_field").try_render(Language::Es).is_err());
    }

    #[test]
    fn every_word_in_the_servers_catalogue_is_said_somewhere_and_only_once() {
        let c = &*CATALOGUES;
        let [en, es] = [catalogue(&c.server[0]), catalogue(&c.server[1])];
        let app = [catalogue(&c.app[0]), catalogue(&c.app[1])];
        let base = |k: &str| {
            k.strip_suffix("_one")
                .or_else(|| k.strip_suffix("_other"))
                .unwrap_or(k)
                .to_owned()
        };
        let keys = |m: &BTreeMap<String, String>| m.keys().map(|k| base(k)).collect::<BTreeSet<_>>();
        assert_eq!(keys(&en), keys(&es), "English and Spanish have the same keys");
        // Said: a message maker or constant names the key in this file, or it is an
        // error code's general message.
        let source = include_str!("i18n.rs");
        let codes: BTreeSet<String> = ErrorCode::iter()
            .map(|c| format!("errors.{}", <&str>::from(c)))
            .collect();
        for key in keys(&en) {
            let said = source.contains(&format!("\"{key}\"")) || codes.contains(&key);
            assert!(
                said,
                "locales/server: `{key}` is never said (remove it, or say it)"
            );
        }
        // Once: no key in both catalogues, and no sentence twice.
        for (language, server) in [(0, &en), (1, &es)] {
            let mut seen = BTreeMap::new();
            for (key, text) in server {
                assert!(!app[language].contains_key(key), "`{key}` is in both catalogues");
                if let Some((other, _)) = app[language].iter().find(|(_, t)| *t == text) {
                    panic!("`{key}` repeats the app's `{other}`: say the app's key instead");
                }
                if let Some(other) = seen.insert(text.clone(), key.clone()) {
                    panic!("`{key}` repeats `{other}`");
                }
            }
        }
    }

    #[test]
    fn plural_forms_follow_the_count() {
        assert_eq!(
            resend_in(1).render(Language::En),
            "You can request a new code in 1 second"
        );
        assert_eq!(
            resend_in(30).render(Language::Es),
            "Podrás pedir un código nuevo en 30 segundos"
        );
        assert!(locked_out(1).render(Language::Es).ends_with("en 1 minuto"));
        assert!(locked_out(10).render(Language::En).ends_with("in 10 minutes"));
        assert!(password_held(61).render(Language::En).ends_with("in 2 minutes"));
        assert!(phones_full().render(Language::En).contains(&format!(
            "{} phone numbers",
            phone_mfa_contract::policy::MAX_PHONES_PER_ACCOUNT
        )));
    }

    #[test]
    fn policy_numbers_come_from_policy() {
        use phone_mfa_contract::policy::*;
        let short = PASSWORD_TOO_SHORT.render(Language::En);
        assert!(
            short.contains(&format!("at least {MIN_PASSWORD_CHARS} characters")),
            "{short}"
        );
        let sms = sms_body(Language::Es, "123456", "example.com");
        assert!(
            sms.contains(&format!("Vence en {} minutos", CODE_TTL_SECS / 60)),
            "{sms}"
        );
        let (_, body) = sign_up_link_email(Language::En, "https://example.com", "tok");
        let hours = SIGN_UP_LINK_TTL_SECS / 3600;
        let unit = if hours == 1 { "hour" } else { "hours" };
        assert!(body.contains(&format!("for {hours} {unit}.")), "{body}");
        assert!(
            body.contains("https://example.com/create-account/continue#token=tok"),
            "{body}"
        );
        assert!(body.ends_with("\n\nPhone MFA"), "{body}");
    }

    #[test]
    fn account_change_emails_say_what_changed_and_where_to_go_if_it_was_not_them() {
        for language in Language::ALL {
            for change in [
                AccountChangeView::PhoneAdded {
                    masked_phone: "•••-•••-0123".into(),
                },
                AccountChangeView::PhoneChanged {
                    from_masked: "•••-•••-0123".into(),
                    to_masked: "•••-•••-0145".into(),
                },
                AccountChangeView::PhoneRemoved {
                    masked_phone: "•••-•••-0123".into(),
                },
                AccountChangeView::AppRemoved,
                AccountChangeView::AppAdded,
                AccountChangeView::RecoveryCodesReplaced,
            ] {
                let link = "https://example.com/this-wasnt-me#token=abc";
                let (subject, body) = account_change_email(language, &change, link);
                assert!(!subject.is_empty());
                assert!(body.contains(link), "{body}");
                if !matches!(
                    change,
                    AccountChangeView::AppRemoved
                        | AccountChangeView::AppAdded
                        | AccountChangeView::RecoveryCodesReplaced
                ) {
                    assert!(body.contains("•••-•••-0123"), "{body}");
                }
            }
        }
    }

    #[test]
    fn recovery_emails_say_how_many_are_left_and_where_to_get_help() {
        for language in Language::ALL {
            for left in [0, 1, 9] {
                let (subject, body) = recovery_code_used_email(language, left, "help@example.com");
                assert!(!subject.is_empty());
                assert!(body.contains(&format!(" {left} ")), "{body}");
                assert!(body.contains("help@example.com"), "{body}");
            }
        }
        let (_, one) = recovery_code_used_email(Language::En, 1, "h@x");
        assert!(one.contains("1 recovery code left"), "{one}");
    }

    #[test]
    fn the_webotp_line_is_the_same_in_every_language() {
        for language in Language::ALL {
            let body = sms_body(language, "123456", "example.com");
            assert!(body.ends_with("\n\n@example.com #123456"), "{body}");
            // The code first, so it shows in the notification preview.
            assert!(body.starts_with("123456 "), "{body}");
            assert_eq!(
                voice_script(language, "123456")
                    .matches("1, 2, 3, 4, 5, 6")
                    .count(),
                3
            );
        }
    }

    #[test]
    fn the_request_language_follows_accept_language() {
        assert_eq!(request_language(), Language::En);
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        rt.block_on(REQUEST_LANGUAGE.scope(Language::Es, async {
            assert_eq!(request_language(), Language::Es);
        }));
    }
}
