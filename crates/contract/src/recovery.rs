//! Recovery codes as a person types them: Crockford's base32 alphabet (no I, L, O or
//! U), so a code read off paper is hard to mistype, and the letters people confuse
//! are read as the digits they look like. Case, spaces and hyphens do not matter.

use crate::policy::RECOVERY_CODE_CHARS;

/// The 32 symbols a recovery code is made of.
pub const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Why a typed recovery code cannot be one (before any server check).
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumIter, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum RecoveryCodeProblem {
    Empty,
    /// A character no recovery code has.
    NotRecoveryCode,
    /// Too few or too many characters.
    WrongLength,
}

/// The code's characters, upper case, without separators: what is hashed and compared.
pub fn normalize_recovery_code(input: &str) -> Result<String, RecoveryCodeProblem> {
    if input.len() > RECOVERY_CODE_CHARS * 8 {
        return Err(RecoveryCodeProblem::WrongLength);
    }
    let mut code = String::with_capacity(RECOVERY_CODE_CHARS);
    for ch in input.trim().chars() {
        let upper = ch.to_ascii_uppercase();
        let symbol = match upper {
            ' ' | '-' => continue,
            'O' => '0',
            'I' | 'L' => '1',
            c if c.is_ascii() && ALPHABET.contains(&(c as u8)) => c,
            _ => return Err(RecoveryCodeProblem::NotRecoveryCode),
        };
        code.push(symbol);
    }
    match code.len() {
        0 => Err(RecoveryCodeProblem::Empty),
        RECOVERY_CODE_CHARS => Ok(code),
        _ => Err(RecoveryCodeProblem::WrongLength),
    }
}

/// A code as shown and printed: `XXXX-XXXX-XXXXX`, in groups short enough to read aloud.
pub fn format_recovery_code(code: &str) -> String {
    let (a, rest) = code.split_at(4.min(code.len()));
    let (b, c) = rest.split_at(4.min(rest.len()));
    [a, b, c]
        .iter()
        .filter(|p| !p.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_codes_are_read_as_written() {
        assert_eq!(
            normalize_recovery_code("abcd-efgh-jkmnp").as_deref(),
            Ok("ABCDEFGHJKMNP")
        );
        assert_eq!(
            normalize_recovery_code("  ABCD EFGH JKMNP ").as_deref(),
            Ok("ABCDEFGHJKMNP")
        );
        // The letters people confuse with digits are those digits.
        assert_eq!(
            normalize_recovery_code("oOiI-lL00-11111").as_deref(),
            Ok("0011110011111")
        );
        assert_eq!(normalize_recovery_code(""), Err(RecoveryCodeProblem::Empty));
        assert_eq!(normalize_recovery_code(" - "), Err(RecoveryCodeProblem::Empty));
        assert_eq!(
            normalize_recovery_code("ABCD-EFGH-JKMN"),
            Err(RecoveryCodeProblem::WrongLength)
        );
        assert_eq!(
            normalize_recovery_code("ABCD-EFGH-JKMNPQ"),
            Err(RecoveryCodeProblem::WrongLength)
        );
        assert_eq!(
            normalize_recovery_code("ABCD-EFGH-JKMNU"),
            Err(RecoveryCodeProblem::NotRecoveryCode)
        );
        assert_eq!(
            normalize_recovery_code("ABCD-EFGH-JKMN١"),
            Err(RecoveryCodeProblem::NotRecoveryCode)
        );
        assert_eq!(
            normalize_recovery_code(&"A".repeat(10_000)),
            Err(RecoveryCodeProblem::WrongLength)
        );
    }

    #[test]
    fn codes_are_shown_in_three_groups() {
        assert_eq!(format_recovery_code("ABCDEFGHJKMNP"), "ABCD-EFGH-JKMNP");
    }
}
