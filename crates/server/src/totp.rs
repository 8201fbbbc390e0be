//! Authenticator-app codes (TOTP, RFC 6238) through the `totp-rs` crate.

use totp_rs::{Algorithm, Secret, TOTP};

/// 30-second steps, the RFC's and every authenticator app's default.
pub const STEP_SECS: u64 = 30;
/// Accept the previous and next step too, for clock drift (RFC 6238 §6).
const SKEW_STEPS: i64 = 1;

fn totp(secret_base32: &str) -> Option<TOTP> {
    let bytes = Secret::Encoded(secret_base32.to_owned()).to_bytes().ok()?;
    TOTP::new(Algorithm::SHA1, 6, 0, STEP_SECS, bytes).ok()
}

/// The time step whose code equals `code`, within the allowed drift, if any.
pub fn matching_step(secret_base32: &str, code: &str, now: i64) -> Option<i64> {
    let totp = totp(secret_base32)?;
    let current = now / STEP_SECS as i64;
    (current - SKEW_STEPS..=current + SKEW_STEPS)
        .filter(|step| *step >= 0)
        .find(|step| {
            let expected = totp.generate(*step as u64 * STEP_SECS);
            subtle::ConstantTimeEq::ct_eq(expected.as_bytes(), code.as_bytes()).into()
        })
}

/// The code an authenticator app shows at `now` (for demo accounts and tests).
pub fn code_at(secret_base32: &str, now: i64) -> Option<String> {
    Some(totp(secret_base32)?.generate(now as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

    #[test]
    fn accepts_the_current_and_adjacent_steps_only() {
        let now = 1_700_000_000;
        let code = code_at(SECRET, now).unwrap();
        assert_eq!(matching_step(SECRET, &code, now), Some(now / 30));
        assert_eq!(matching_step(SECRET, &code, now + 30), Some(now / 30));
        assert_eq!(matching_step(SECRET, &code, now + 90), None);
    }

    #[test]
    fn matches_rfc_6238_sha1_vector() {
        // RFC 6238 Appendix B: secret "12345678901234567890", T = 59 -> 94287082 (8 digits);
        // its last 6 digits are the 6-digit code.
        let secret = totp_rs::Secret::Raw(b"12345678901234567890".to_vec())
            .to_encoded()
            .to_string();
        assert_eq!(code_at(&secret, 59).as_deref(), Some("287082"));
    }
}
