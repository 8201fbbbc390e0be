//! What counts as a one-time code when a person types or pastes one.
//!
//! Follows login.gov's `CODE_REGEX`: surrounding whitespace is trimmed, one leading
//! `#` (from the WebOTP line `@host #123456`) and inner spaces ("123 456") are
//! allowed. Anything else but ASCII `0-9` is refused: Arabic-Indic or fullwidth
//! digits are not quietly turned into a valid code.

use crate::policy::CODE_LENGTH;

/// Why a typed code cannot be a code at all (before any server check).
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumIter, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum CodeProblem {
    /// Nothing was typed.
    Empty,
    /// Something other than ASCII digits, spaces or one leading `#`.
    NotDigits,
    /// Digits, but not exactly [`CODE_LENGTH`] of them.
    WrongLength,
}

/// Longest input worth looking at; anything longer is not a code (and not worth a scan).
const MAX_CODE_INPUT_CHARS: usize = 64;

/// Returns the six ASCII digits of a typed or pasted code.
pub fn normalize_code(input: &str) -> Result<String, CodeProblem> {
    if input.len() > MAX_CODE_INPUT_CHARS * 4 {
        return Err(CodeProblem::WrongLength);
    }
    let trimmed = input.trim();
    let body = trimmed.strip_prefix('#').unwrap_or(trimmed);
    if body.is_empty() {
        return Err(CodeProblem::Empty);
    }
    let mut digits = String::with_capacity(CODE_LENGTH);
    for ch in body.chars() {
        match ch {
            '0'..='9' => digits.push(ch),
            ' ' => {}
            _ => return Err(CodeProblem::NotDigits),
        }
    }
    if digits.len() != CODE_LENGTH {
        return Err(CodeProblem::WrongLength);
    }
    Ok(digits)
}

/// Keeps only what could belong to a code while someone types, so the field never
/// shows more than it will send: used by the code input as the person types.
pub fn digits_typed_so_far(input: &str) -> String {
    let trimmed = input.trim_start();
    let body = trimmed.strip_prefix('#').unwrap_or(trimmed);
    body.chars()
        .filter(char::is_ascii_digit)
        .take(CODE_LENGTH)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_plain_spaced_and_hash_prefixed_codes() {
        assert_eq!(normalize_code("123456"), Ok("123456".into()));
        assert_eq!(normalize_code("  123 456 "), Ok("123456".into()));
        assert_eq!(normalize_code("#123456"), Ok("123456".into()));
        assert_eq!(normalize_code("# 123456"), Ok("123456".into()));
    }

    #[test]
    fn refuses_everything_the_security_rules_list() {
        assert_eq!(normalize_code(""), Err(CodeProblem::Empty));
        assert_eq!(normalize_code("   "), Err(CodeProblem::Empty));
        assert_eq!(normalize_code("12345"), Err(CodeProblem::WrongLength));
        assert_eq!(normalize_code("1234567"), Err(CodeProblem::WrongLength));
        assert_eq!(normalize_code("12a456"), Err(CodeProblem::NotDigits));
        assert_eq!(normalize_code("١٢٣٤٥٦"), Err(CodeProblem::NotDigits));
        assert_eq!(normalize_code("１２３４５６"), Err(CodeProblem::NotDigits));
        assert_eq!(normalize_code("##123456"), Err(CodeProblem::NotDigits));
        assert_eq!(normalize_code("12-34-56"), Err(CodeProblem::NotDigits));
        assert!(normalize_code(&"1".repeat(100_000)).is_err());
    }

    #[test]
    fn typing_keeps_at_most_six_digits() {
        assert_eq!(digits_typed_so_far("#12 3"), "123");
        assert_eq!(digits_typed_so_far("1234567"), "123456");
        assert_eq!(digits_typed_so_far("１２"), "");
    }

    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        #[test]
        fn never_panics_and_only_accepts_six_ascii_digits(s in "\\PC{0,40}") {
            if let Ok(code) = normalize_code(&s) {
                proptest::prop_assert_eq!(code.len(), CODE_LENGTH);
                proptest::prop_assert!(code.bytes().all(|b| b.is_ascii_digit()));
                let stripped: String = s.trim().trim_start_matches('#').chars().filter(|c| *c != ' ').collect();
                proptest::prop_assert_eq!(stripped, code);
            }
        }
    }
}
