//! Phone-number rules, shared by the browser (as the person types) and the server
//! (which re-checks everything). Built on the `phonenumber` crate, a port of
//! Google's libphonenumber with its metadata.

use phonenumber::metadata::{loader, Database};
use phonenumber::{country, Mode, PhoneNumber, Type};
use serde::{Deserialize, Serialize};
use std::str::FromStr;
use std::sync::LazyLock;

pub use crate::countries::{country, Country, COUNTRIES};

/// libphonenumber's metadata for the calling codes of [`COUNTRIES`] only (every region
/// sharing them, e.g. all of +1), cut by `build.rs` from the vendored crate's copy.
/// The browser's validator downloads this instead of the whole world's (issue 8:
/// 526 KB -> ~60 KB before compression); the server uses the same, so both give the
/// same answer for every input. A number for any other calling code is
/// [`PhoneProblem::CountryNotSupported`], as it was with the whole metadata.
const METADATA: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/selector-metadata.postcard"));

/// The database every check here runs on. Building it is cheap (patterns compile on
/// first use); the validator worker touches it once at start.
pub static DATABASE: LazyLock<Database> = LazyLock::new(|| {
    let metadata: Vec<loader::Metadata> =
        postcard::from_bytes(METADATA).expect("build.rs wrote this metadata");
    Database::from(metadata).expect("build.rs checked this metadata")
});

/// Characters people legitimately type in a phone number besides digits.
const PUNCTUATION: &[char] = &[' ', '-', '(', ')', '.', '/', '\u{a0}'];
/// No real number has more digits than this (E.164 allows 15; a trunk prefix adds a few).
const MAX_DIGITS: usize = 17;
/// Anything longer is not a phone number and is not worth scanning.
const MAX_INPUT_CHARS: usize = 64;

/// What kind of line a number is, as far as sending a code is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LineKind {
    Mobile,
    /// A landline: it can take a call, not a text.
    FixedLine,
    /// The numbering plan cannot tell (the USA and Canada).
    FixedLineOrMobile,
    Voip,
    /// Freephone numbers ring somewhere, but cannot receive texts.
    TollFree,
    PersonalNumber,
}

/// How a code can reach a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Channels {
    pub sms: bool,
    pub voice: bool,
}

/// A number that passed every rule, ready to send a code to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CheckedPhone {
    /// E.164, e.g. "+12015550123": what is stored and sent to.
    pub e164: String,
    /// Formatted the way the person's country writes it, e.g. "(201) 555-0123".
    pub national: String,
    /// Formatted for the world, e.g. "+1 201-555-0123".
    pub international: String,
    /// ISO region the number belongs to, e.g. "US".
    pub region: String,
    pub kind: LineKind,
    pub channels: Channels,
}

/// Why a typed number cannot be used. Each has its own words so the person knows
/// what to change.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::EnumIter, strum::IntoStaticStr,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum PhoneProblem {
    Empty,
    /// "ext. 2", "x2", "#2", ";ext=2": extensions cannot receive codes.
    Extension,
    /// Letters (vanity numbers), Unicode digits or other symbols.
    InvalidCharacters,
    TooShort,
    TooLong,
    /// The right shape, but no such number exists in that country.
    NotValidInCountry,
    /// The selected country (or the number's +code) is not one codes are sent to.
    CountryNotSupported,
    /// Premium-rate numbers are how toll fraud makes money.
    PremiumRate,
    /// Shared-cost and universal-access (company) numbers do not reach one person.
    SharedCost,
    /// Pagers, voicemail access, short codes and other lines that are not a personal phone.
    NotAPersonalPhone,
}

/// A number to check, sent from the page to the validator worker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidationRequest {
    /// Echoed in the reply, so the page can drop answers to numbers it no longer shows.
    pub id: u32,
    pub number: String,
    pub region: String,
}

/// The validator worker's verdict on one [`ValidationRequest`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValidationReply {
    pub id: u32,
    pub result: Result<CheckedPhone, PhoneProblem>,
    /// How long the check took inside the worker (performance.now(), so 0.1 ms steps):
    /// what `cargo xtask bench` reports as the cost of a keystroke.
    pub took_ms: f64,
}

/// The markers of an extension at the end of a number, every form libphonenumber reads
/// (`PhoneNumberUtil.EXTN_PATTERNS_FOR_PARSING`), matched lower-cased with fullwidth
/// forms folded (`ｘ2`, `＃2`), plus the dialling pauses `,` and `;`.
const EXTENSION_MARKERS: &[&str] = &[
    ";ext=",
    "extension",
    "extensión",
    "extn",
    "ext",
    "xtension",
    "xtn",
    "anexo",
    "доб",
    "int",
    "x",
    "#",
    "~",
    ",",
    ";",
];

/// Whether `text` ends with an extension: a digit of the number, perhaps punctuation, a
/// marker, perhaps `:` or `.`, perhaps spaces, commas or hyphens, up to 20 digits,
/// perhaps `#`. Also with no digits yet (`201 555 0123 x`), so the reason shows as soon
/// as the marker is typed. The marker must follow the number's digits (and
/// punctuation), never a letter: `1-800-TAXICAB` and `800-XFINITY` are letters, not
/// extensions. Written out rather than as a regular expression: the app's phone screen
/// runs it on every keystroke, and a regex engine would add 27 KB (brotli) to it.
fn ends_with_extension(text: &[char]) -> bool {
    let is_digit = |c: &char| c.is_ascii_digit();
    let after_marker = |c: &char| matches!(c, ' ' | '\t' | ',' | '-');
    let before_marker = |c: &char| matches!(c, ' ' | '\t' | '\u{a0}' | '(' | ')' | '.' | '-' | '/');
    // Where the extension's digits may end: the end, or before a final `#`.
    let ends = [
        Some(text.len()),
        text.len().checked_sub(1).filter(|&i| text[i] == '#'),
    ];
    for end in ends.into_iter().flatten() {
        let digits = text[..end]
            .iter()
            .rev()
            .take_while(|c| is_digit(c))
            .count()
            .min(20);
        for digits_start in (end - digits..=end).rev() {
            let gap = text[..digits_start]
                .iter()
                .rev()
                .take_while(|c| after_marker(c))
                .count();
            for after_gap in (digits_start - gap..=digits_start).rev() {
                let dotted = after_gap.checked_sub(1).filter(|&i| matches!(text[i], ':' | '.'));
                for marker_end in [Some(after_gap), dotted].into_iter().flatten() {
                    if EXTENSION_MARKERS.iter().any(|marker| {
                        marker_follows_digits(text, marker, marker_end, is_digit, before_marker)
                    }) {
                        return true;
                    }
                }
            }
        }
    }
    false
}

/// Whether `marker` ends at `end` in `text`, after a digit and perhaps punctuation.
fn marker_follows_digits(
    text: &[char],
    marker: &str,
    end: usize,
    is_digit: impl Fn(&char) -> bool,
    before_marker: impl Fn(&char) -> bool,
) -> bool {
    let m: Vec<char> = marker.chars().collect();
    let Some(start) = end.checked_sub(m.len()) else {
        return false;
    };
    if text[start..end] != m[..] {
        return false;
    }
    let mut i = start;
    while i > 0 {
        if is_digit(&text[i - 1]) {
            return true;
        }
        if !before_marker(&text[i - 1]) {
            return false;
        }
        i -= 1;
    }
    false
}

/// Fullwidth forms of ASCII letters and symbols (U+FF01..U+FF5E) read as ASCII, as
/// libphonenumber does. Fullwidth *digits* are left alone: like every non-ASCII digit,
/// they are refused (they look like a number but are not what a keypad sends).
fn fold_fullwidth(c: char) -> char {
    match c {
        '\u{ff10}'..='\u{ff19}' => c,
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// True when the text ends with an extension (see [`ends_with_extension`]). Checked
/// before anything else so the person hears the real reason as soon as they type it.
pub fn has_extension(input: &str) -> bool {
    let folded: String = input.chars().map(|c| marker_case(fold_fullwidth(c))).collect();
    let chars: Vec<char> = folded.trim_end().chars().collect();
    ends_with_extension(&chars)
}

/// Lower case for the letters the markers are written in (ASCII and `доб`): a full
/// Unicode `to_lowercase` would bring its case tables into the app's phone screen.
fn marker_case(c: char) -> char {
    match c {
        'Д' => 'д',
        'О' => 'о',
        'Б' => 'б',
        'Ó' => 'ó',
        _ => c.to_ascii_lowercase(),
    }
}

/// A number as typed, reduced to what the parser needs: whether it carries its calling
/// code (`+`) and its digits. Reads what people paste and write as libphonenumber
/// does: a `tel:` link (RFC 3966, with `;phone-context=+CC` for a local number),
/// punctuation before the `+` (`(+44) 20 7946 0018`, `(+34) 912 345 678`), fullwidth
/// symbols.
fn read_typed(input: &str) -> Result<(bool, String), PhoneProblem> {
    let folded: String = input.chars().map(fold_fullwidth).collect();
    let mut text = folded.trim();
    let mut context = None;
    if text.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("tel:")) {
        let mut parts = text[4..].split(';');
        text = parts.next().unwrap_or_default().trim();
        for param in parts {
            let (name, value) = param.split_once('=').unwrap_or((param, ""));
            if name.eq_ignore_ascii_case("ext") {
                return Err(PhoneProblem::Extension);
            }
            if name.eq_ignore_ascii_case("phone-context") && value.starts_with('+') {
                context = Some(
                    value[1..]
                        .chars()
                        .filter(char::is_ascii_digit)
                        .collect::<String>(),
                );
            }
        }
    }
    if has_extension(text) {
        return Err(PhoneProblem::Extension);
    }
    let Some(start) = text.find(|c: char| c == '+' || c.is_ascii_digit()) else {
        return if text.chars().all(|c| PUNCTUATION.contains(&c)) {
            Err(PhoneProblem::TooShort)
        } else {
            Err(PhoneProblem::InvalidCharacters)
        };
    };
    if !text[..start].chars().all(|c| PUNCTUATION.contains(&c)) {
        return Err(PhoneProblem::InvalidCharacters);
    }
    let body = &text[start..];
    let (plus, rest) = match body.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, body),
    };
    if !rest
        .chars()
        .all(|c| c.is_ascii_digit() || PUNCTUATION.contains(&c))
    {
        return Err(PhoneProblem::InvalidCharacters);
    }
    let digits: String = rest.chars().filter(char::is_ascii_digit).collect();
    match context {
        Some(code) if !plus && !code.is_empty() => Ok((true, format!("{code}{digits}"))),
        _ => Ok((plus, digits)),
    }
}

/// Checks a typed number against every rule. `region` is the selected country, used
/// when the number has no `+` prefix.
///
/// `allowed` says whether a region may receive codes (the server's allow-list).
pub fn check_phone(
    input: &str,
    region: &str,
    allowed: impl Fn(&str) -> bool,
) -> Result<CheckedPhone, PhoneProblem> {
    check_phone_with(&DATABASE, input, region, allowed)
}

/// The typed text read as a number, with no rule of this product applied yet (the
/// allow-list, the kinds of line codes go to): the input rules, then libphonenumber's
/// parsing. `region` is the selected country, used when the number has no `+`.
fn parse_typed(db: &Database, input: &str, region: &str) -> Result<PhoneNumber, PhoneProblem> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(PhoneProblem::Empty);
    }
    if trimmed.chars().count() > MAX_INPUT_CHARS {
        return Err(PhoneProblem::TooLong);
    }
    let (plus, digits) = read_typed(trimmed)?;
    if digits.len() > MAX_DIGITS {
        return Err(PhoneProblem::TooLong);
    }
    if digits.len() < 3 {
        return Err(PhoneProblem::TooShort);
    }
    let selected = if plus {
        None
    } else {
        let c = country(region).ok_or(PhoneProblem::CountryNotSupported)?;
        Some(country::Id::from_str(c.region).map_err(|_| PhoneProblem::CountryNotSupported)?)
    };
    let candidate = if plus { format!("+{digits}") } else { digits };
    phonenumber::parse_with(db, selected, &candidate).map_err(|e| match e {
        phonenumber::ParseError::TooLong => PhoneProblem::TooLong,
        phonenumber::ParseError::InvalidCountryCode => PhoneProblem::CountryNotSupported,
        _ => PhoneProblem::TooShort,
    })
}

/// What libphonenumber says of a typed number, before this product's rules: whether
/// it is valid, its kind (libphonenumber's name) and its E.164 form. For the
/// differential test against an independent implementation (libphonenumber-js).
#[doc(hidden)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    pub valid: bool,
    pub kind: Option<&'static str>,
    pub e164: String,
}

#[doc(hidden)]
pub fn reading_with(db: &Database, input: &str, region: &str) -> Result<Reading, PhoneProblem> {
    let number = parse_typed(db, input, region)?;
    let valid = number.is_valid_with(db);
    let kind = valid.then(|| match number.number_type(db) {
        Type::FixedLine => "FIXED_LINE",
        Type::Mobile => "MOBILE",
        Type::FixedLineOrMobile => "FIXED_LINE_OR_MOBILE",
        Type::TollFree => "TOLL_FREE",
        Type::PremiumRate => "PREMIUM_RATE",
        Type::SharedCost => "SHARED_COST",
        Type::Voip => "VOIP",
        Type::PersonalNumber => "PERSONAL_NUMBER",
        Type::Pager => "PAGER",
        Type::Uan => "UAN",
        Type::Voicemail => "VOICEMAIL",
        _ => "UNKNOWN",
    });
    Ok(Reading {
        valid,
        kind,
        e164: number.format_with(db).mode(Mode::E164).to_string(),
    })
}

/// The ISO region of a stored E.164 number ("US", "GB"), or "ZZ" (unknown): for
/// figures by country, which must never carry the number itself.
pub fn region_of(e164: &str) -> String {
    phonenumber::parse_with(&DATABASE, None, e164)
        .ok()
        .and_then(|n| {
            n.metadata(&DATABASE)
                .and_then(|m| m.id().parse::<country::Id>().ok())
        })
        .map(|id| id.as_ref().to_owned())
        .unwrap_or_else(|| "ZZ".into())
}

/// [`check_phone`] on another metadata database: for the test that compares
/// [`DATABASE`] with libphonenumber's whole metadata.
#[doc(hidden)]
pub fn check_phone_with(
    db: &Database,
    input: &str,
    region: &str,
    allowed: impl Fn(&str) -> bool,
) -> Result<CheckedPhone, PhoneProblem> {
    let number = parse_typed(db, input, region)?;
    let number_region = number
        .metadata(db)
        .and_then(|m| m.id().parse::<country::Id>().ok())
        .map(|id| id.as_ref().to_owned())
        .ok_or(PhoneProblem::CountryNotSupported);
    if !number.is_valid_with(db) {
        return Err(length_problem(db, &number).unwrap_or(PhoneProblem::NotValidInCountry));
    }
    let number_region = number_region?;
    if !allowed(&number_region) || country(&number_region).is_none() {
        return Err(PhoneProblem::CountryNotSupported);
    }
    let kind = match number.number_type(db) {
        Type::Mobile => LineKind::Mobile,
        Type::FixedLine => LineKind::FixedLine,
        Type::FixedLineOrMobile => LineKind::FixedLineOrMobile,
        Type::Voip => LineKind::Voip,
        Type::TollFree => LineKind::TollFree,
        Type::PersonalNumber => LineKind::PersonalNumber,
        Type::PremiumRate => return Err(PhoneProblem::PremiumRate),
        Type::SharedCost | Type::Uan => return Err(PhoneProblem::SharedCost),
        _ => return Err(PhoneProblem::NotAPersonalPhone),
    };
    let channels = Channels {
        sms: !matches!(kind, LineKind::FixedLine | LineKind::TollFree),
        voice: true,
    };
    Ok(CheckedPhone {
        e164: number.format_with(db).mode(Mode::E164).to_string(),
        national: number.format_with(db).mode(Mode::National).to_string(),
        international: number.format_with(db).mode(Mode::International).to_string(),
        region: number_region,
        kind,
        channels,
    })
}

/// For a number that parsed but is not valid: is it simply the wrong length?
fn length_problem(db: &Database, number: &PhoneNumber) -> Option<PhoneProblem> {
    // An invalid number has no region of its own: fall back to its calling code's main one.
    let meta = number.metadata(db).or_else(|| {
        db.by_code(&number.code().value())
            .and_then(|all| all.into_iter().find(|m| m.is_main_country_for_code()))
    })?;
    // The general descriptor carries no lengths in this metadata: take them from
    // every kind of number the country has.
    let kinds = [
        meta.descriptors().fixed_line(),
        meta.descriptors().mobile(),
        meta.descriptors().toll_free(),
        meta.descriptors().premium_rate(),
        meta.descriptors().shared_cost(),
        meta.descriptors().personal_number(),
        meta.descriptors().voip(),
        meta.descriptors().uan(),
    ];
    let lengths = kinds
        .into_iter()
        .flatten()
        .flat_map(|d| d.possible_length().iter().copied());
    let (min, max) = lengths.fold((u16::MAX, 0), |(lo, hi), l| (lo.min(l), hi.max(l)));
    if max == 0 {
        return None;
    }
    let len = number.national().to_string().len() as u16;
    if len < min {
        Some(PhoneProblem::TooShort)
    } else if len > max {
        Some(PhoneProblem::TooLong)
    } else {
        None
    }
}

/// Shows only the last four digits of a number: all that logs, e-mails and screens
/// may show (security rules, "logs"; login.gov and banks show the same four, enough
/// for a person to recognise their phone). "+12015550123" becomes "•••-•••-0123".
pub fn mask_e164(e164: &str) -> String {
    let digits: Vec<char> = e164.chars().filter(char::is_ascii_digit).collect();
    let keep = 4.min(digits.len());
    let tail: String = digits[digits.len() - keep..].iter().collect();
    format!("•••-•••-{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn us(input: &str) -> Result<CheckedPhone, PhoneProblem> {
        check_phone(input, "US", |_| true)
    }

    #[test]
    fn accepts_pasted_and_formatted_us_numbers() {
        for input in [
            "+1 (201) 555-0123",
            "201-555-0123",
            "(201) 555 0123",
            "2015550123",
            " 201.555.0123 ",
        ] {
            let phone = us(input).unwrap_or_else(|e| panic!("{input}: {e:?}"));
            assert_eq!(phone.e164, "+12015550123");
            assert_eq!(phone.region, "US");
        }
        assert_eq!(us("2015550123").unwrap().national, "(201) 555-0123");
    }

    #[test]
    fn refuses_extensions_with_their_own_problem() {
        for input in [
            "201-555-0123 ext. 2",
            "2015550123x2",
            "+12015550123;ext=2",
            "201-555-0123 #2",
            "201 555 0123, 4",
            "201-555-0123 extension 9",
        ] {
            assert_eq!(us(input), Err(PhoneProblem::Extension), "{input}");
        }
    }

    #[test]
    fn refuses_letters_unicode_digits_and_absurd_lengths() {
        assert_eq!(us("1-800-FLOWERS"), Err(PhoneProblem::InvalidCharacters));
        assert_eq!(us("call me"), Err(PhoneProblem::InvalidCharacters));
        assert_eq!(us("٢٠١٥٥٥٠١٢٣"), Err(PhoneProblem::InvalidCharacters));
        assert_eq!(us("２０１５５５０１２３"), Err(PhoneProblem::InvalidCharacters));
        assert_eq!(us(&"9".repeat(40)), Err(PhoneProblem::TooLong));
        assert_eq!(us(""), Err(PhoneProblem::Empty));
        assert_eq!(us("201555"), Err(PhoneProblem::TooShort));
        assert_eq!(us("20155501234"), Err(PhoneProblem::TooLong));
    }

    #[test]
    fn refuses_premium_rate_and_shared_cost_numbers() {
        assert_eq!(us("900-200-1234"), Err(PhoneProblem::PremiumRate));
        assert_eq!(
            check_phone("+44 909 876 5432", "US", |_| true),
            Err(PhoneProblem::PremiumRate)
        );
        assert_eq!(
            check_phone("901 123 456", "ES", |_| true),
            Err(PhoneProblem::SharedCost)
        );
        assert_eq!(
            check_phone("0330 123 4567", "GB", |_| true),
            Err(PhoneProblem::SharedCost),
            "UAN"
        );
    }

    #[test]
    fn applies_the_country_allow_list() {
        assert_eq!(
            check_phone("+33 6 12 34 56 78", "US", |_| true),
            Err(PhoneProblem::CountryNotSupported),
            "France is not in the selector"
        );
        assert_eq!(
            check_phone("+44 7400 123456", "US", |r| r == "US"),
            Err(PhoneProblem::CountryNotSupported)
        );
        assert!(check_phone("+44 7400 123456", "US", |_| true).is_ok());
    }

    #[test]
    fn a_landline_can_take_a_call_but_not_a_text() {
        let landline = check_phone("020 7946 0018", "GB", |_| true).unwrap();
        assert_eq!(landline.kind, LineKind::FixedLine);
        assert_eq!(
            landline.channels,
            Channels {
                sms: false,
                voice: true
            }
        );
        let mobile = check_phone("07400 123456", "GB", |_| true).unwrap();
        assert_eq!(mobile.kind, LineKind::Mobile);
        assert!(mobile.channels.sms);
    }

    #[test]
    fn masks_all_but_the_last_four_digits() {
        assert_eq!(mask_e164("+12015550123"), "•••-•••-0123");
        assert!(!mask_e164("+12015550123").contains("555"));
        assert_eq!(mask_e164("+447700900123"), "•••-•••-0123");
    }

    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,80}", region in "[A-Z]{2}") {
            let _ = check_phone(&s, &region, |_| true);
        }

        #[test]
        fn accepted_numbers_are_e164(s in "[+]?[0-9 ()-]{0,20}") {
            if let Ok(p) = check_phone(&s, "US", |_| true) {
                proptest::prop_assert!(p.e164.starts_with('+'));
                proptest::prop_assert!(p.e164[1..].bytes().all(|b| b.is_ascii_digit()));
                proptest::prop_assert!(p.e164.len() <= 16);
            }
        }
    }
}
