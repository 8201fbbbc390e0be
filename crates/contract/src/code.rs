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
    /// Fewer digits than [`CODE_LENGTH`].
    MissingDigits,
    /// More digits than [`CODE_LENGTH`]: never cut down to six (the extra digit may be
    /// anywhere, and a silently changed code is a confusing "wrong code").
    ExtraDigits,
}

/// Longest input worth looking at; anything longer is not a code (and not worth a scan).
const MAX_CODE_INPUT_CHARS: usize = 64;

/// Returns the six ASCII digits of a typed or pasted code.
pub fn normalize_code(input: &str) -> Result<String, CodeProblem> {
    if input.len() > MAX_CODE_INPUT_CHARS * 4 {
        return Err(CodeProblem::ExtraDigits);
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
    match digits.len() {
        n if n < CODE_LENGTH => Err(CodeProblem::MissingDigits),
        n if n > CODE_LENGTH => Err(CodeProblem::ExtraDigits),
        _ => Ok(digits),
    }
}

/// What to say while someone is still typing: a problem that more typing cannot fix
/// (a letter, a seventh digit) at once; "too few" and "empty" only when they submit.
pub fn problem_while_typing(input: &str) -> Option<CodeProblem> {
    match normalize_code(input) {
        Err(p @ (CodeProblem::NotDigits | CodeProblem::ExtraDigits)) => Some(p),
        _ => None,
    }
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
        assert_eq!(normalize_code("12345"), Err(CodeProblem::MissingDigits));
        assert_eq!(normalize_code("1234567"), Err(CodeProblem::ExtraDigits));
        assert_eq!(normalize_code("12a456"), Err(CodeProblem::NotDigits));
        assert_eq!(normalize_code("١٢٣٤٥٦"), Err(CodeProblem::NotDigits));
        assert_eq!(normalize_code("１２３４５６"), Err(CodeProblem::NotDigits));
        assert_eq!(normalize_code("##123456"), Err(CodeProblem::NotDigits));
        assert_eq!(normalize_code("12-34-56"), Err(CodeProblem::NotDigits));
        assert!(normalize_code(&"1".repeat(100_000)).is_err());
    }

    #[test]
    fn typing_is_told_only_what_more_typing_cannot_fix() {
        assert_eq!(problem_while_typing(""), None);
        assert_eq!(problem_while_typing("#12 3"), None);
        assert_eq!(problem_while_typing("123456"), None);
        assert_eq!(problem_while_typing("1234567"), Some(CodeProblem::ExtraDigits));
        assert_eq!(problem_while_typing("12a"), Some(CodeProblem::NotDigits));
        assert_eq!(problem_while_typing("１２"), Some(CodeProblem::NotDigits));
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
