//! Codes, tokens and passwords: how they are made, stored and compared.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chacha20poly1305::aead::{Aead, Payload};
use chacha20poly1305::ChaCha20Poly1305;
use hmac::{Hmac, Mac};
use phone_mfa_contract::policy::{CODE_LENGTH, RECOVERY_CODE_CHARS};
use phone_mfa_contract::recovery;
use rand::Rng;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

type HmacSha256 = Hmac<Sha256>;

/// A fresh one-time code: six digits from the OS-seeded CSPRNG. `random_range` rejects
/// out-of-range samples, so every code is equally likely (no modulo bias).
pub fn new_code() -> String {
    let n: u32 = rand::rng().random_range(0..10u32.pow(CODE_LENGTH as u32));
    format!("{n:0width$}", width = CODE_LENGTH)
}

/// The stored form of a code: HMAC-SHA256 keyed with the server secret over the
/// challenge id and the code, so a code is bound to its challenge and a leaked
/// database gives nothing to brute-force offline without the key.
pub fn code_mac(secret: &[u8], challenge_id: &str, code: &str) -> Vec<u8> {
    let mut mac = HmacSha256::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(challenge_id.as_bytes());
    mac.update(b"\0");
    mac.update(code.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

/// Constant-time comparison of a typed code against the stored MAC.
pub fn code_matches(secret: &[u8], challenge_id: &str, code: &str, stored: &[u8]) -> bool {
    code_mac(secret, challenge_id, code).ct_eq(stored).into()
}

/// A keyed fingerprint of a phone number: lets the send limits count per number, and
/// logs refer to a number, without storing or printing the number.
pub fn phone_fingerprint(secret: &[u8], e164: &str) -> String {
    let mut mac = HmacSha256::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(b"phone\0");
    mac.update(e164.as_bytes());
    URL_SAFE_NO_PAD.encode(&mac.finalize().into_bytes()[..12])
}

/// A keyed fingerprint of a typed e-mail address (trimmed, lower-cased), for the
/// password limits: counts per address without storing what strangers typed.
pub fn email_fingerprint(secret: &[u8], email: &str) -> String {
    let mut mac = HmacSha256::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(b"email\0");
    mac.update(email.trim().to_lowercase().as_bytes());
    URL_SAFE_NO_PAD.encode(&mac.finalize().into_bytes()[..12])
}

/// A random, unguessable token (session cookie, challenge id).
pub fn new_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill(&mut buf[..]);
    URL_SAFE_NO_PAD.encode(buf)
}

/// A new authenticator-app secret: 160 random bits (RFC 4226 §4's recommended size),
/// in base32 without padding as every authenticator app takes it.
pub fn new_totp_secret() -> String {
    let bytes: [u8; 20] = rand::random();
    totp_rs::Secret::Raw(bytes.to_vec()).to_encoded().to_string()
}

/// The prefix of a sealed value; the version says which key derivation opens it.
const SEALED_PREFIX: &str = "v1.";

/// The key authenticator-app secrets are sealed with: derived from the server secret
/// for this one use, so no other keyed value shares it.
fn sealing_key(secret: &[u8]) -> ChaCha20Poly1305 {
    let mut mac = HmacSha256::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(b"seal authenticator-app secrets v1");
    <ChaCha20Poly1305 as chacha20poly1305::KeyInit>::new(&mac.finalize().into_bytes())
}

/// Encrypts `plain` (an authenticator-app secret) with ChaCha20-Poly1305 under a key
/// derived from the server secret. `context` (the account) is authenticated with it,
/// so a sealed value copied to another account's row does not open.
pub fn seal(secret: &[u8], context: &str, plain: &str) -> String {
    let nonce: [u8; 12] = rand::random();
    let sealed = sealing_key(secret)
        .encrypt(
            &nonce.into(),
            Payload {
                msg: plain.as_bytes(),
                aad: context.as_bytes(),
            },
        )
        .expect("ChaCha20-Poly1305 encrypts any message this size");
    let mut out = nonce.to_vec();
    out.extend(sealed);
    format!("{SEALED_PREFIX}{}", URL_SAFE_NO_PAD.encode(out))
}

/// The plain value of [`seal`]; `None` for a value sealed with another key or context,
/// altered, or never sealed.
pub fn open(secret: &[u8], context: &str, sealed: &str) -> Option<String> {
    let bytes = URL_SAFE_NO_PAD.decode(sealed.strip_prefix(SEALED_PREFIX)?).ok()?;
    if bytes.len() < 12 {
        return None;
    }
    let (nonce, body) = bytes.split_at(12);
    let plain = sealing_key(secret)
        .decrypt(
            nonce.into(),
            Payload {
                msg: body,
                aad: context.as_bytes(),
            },
        )
        .ok()?;
    String::from_utf8(plain).ok()
}

pub fn is_sealed(stored: &str) -> bool {
    stored.starts_with(SEALED_PREFIX)
}

/// A new recovery code: [`RECOVERY_CODE_CHARS`] symbols of the 32-letter alphabet drawn
/// uniformly from the OS-seeded CSPRNG (65 bits).
pub fn new_recovery_code() -> String {
    let mut rng = rand::rng();
    (0..RECOVERY_CODE_CHARS)
        .map(|_| recovery::ALPHABET[rng.random_range(0..recovery::ALPHABET.len())] as char)
        .collect()
}

/// The stored form of a recovery code (normalised, see `recovery::normalize_recovery_code`):
/// HMAC-SHA256 keyed with the server secret over the account and the code. 65 bits of
/// entropy behind a key a leaked database does not hold leave nothing to guess offline.
pub fn recovery_code_mac(secret: &[u8], account_id: i64, code: &str) -> Vec<u8> {
    let mut mac = HmacSha256::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(b"recovery\0");
    mac.update(&account_id.to_be_bytes());
    mac.update(code.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

/// Sessions are stored by hash: a leaked database cannot be replayed as cookies.
pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// argon2id with the crate's defaults (19 MiB, 2 passes), OWASP's recommended minimum.
pub fn hash_password(password: &str) -> String {
    let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>()).expect("16 bytes is a valid salt");
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 hashing with default parameters cannot fail")
        .to_string()
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_six_ascii_digits_and_vary() {
        let codes: std::collections::HashSet<String> = (0..200).map(|_| new_code()).collect();
        assert!(codes
            .iter()
            .all(|c| c.len() == 6 && c.bytes().all(|b| b.is_ascii_digit())));
        assert!(
            codes.len() > 190,
            "200 draws from a million should almost never repeat"
        );
    }

    /// Pearson's chi-squared statistic of digit counts against a uniform spread.
    fn chi_squared(counts: &[u64; 10]) -> f64 {
        let total: u64 = counts.iter().sum();
        let expected = total as f64 / 10.0;
        counts
            .iter()
            .map(|&c| (c as f64 - expected).powi(2) / expected)
            .sum()
    }

    /// Counts of the first and the last digit of `n` codes from `draw`.
    fn digit_counts(n: usize, mut draw: impl FnMut() -> String) -> ([u64; 10], [u64; 10]) {
        let (mut first, mut last) = ([0u64; 10], [0u64; 10]);
        for _ in 0..n {
            let code = draw();
            first[(code.as_bytes()[0] - b'0') as usize] += 1;
            last[(code.as_bytes()[5] - b'0') as usize] += 1;
        }
        (first, last)
    }

    /// Rule C1 (no modulo bias). With 9 degrees of freedom, chi-squared above 45 has a
    /// chance under one in a million for a uniform source; a 4% skew on some
    /// codes (a reduction modulo a million of a range 4% too wide) scores in the
    /// thousands at this sample size. The check is run on a deliberately biased
    /// source first, so it is known to be able to fail.
    #[test]
    fn code_digits_show_no_bias() {
        const N: usize = 400_000;
        const LIMIT: f64 = 45.0;
        let mut rng = rand::rng();
        // The classic modulo bias: a range 4% wider than a million, folded back onto
        // it, makes 000000-039999 twice as likely as any other code.
        let biased = || format!("{:06}", rng.random_range(0..1_040_000u32) % 1_000_000);
        let (first, _) = digit_counts(N, biased);
        assert!(
            chi_squared(&first) > LIMIT,
            "the check must catch a 4% bias: {first:?}"
        );
        let (first, last) = digit_counts(N, new_code);
        assert!(chi_squared(&first) < LIMIT, "first digit: {first:?}");
        assert!(chi_squared(&last) < LIMIT, "last digit: {last:?}");
    }

    #[test]
    fn a_code_only_matches_its_own_challenge() {
        let mac = code_mac(b"k", "challenge-a", "123456");
        assert!(code_matches(b"k", "challenge-a", "123456", &mac));
        assert!(!code_matches(b"k", "challenge-b", "123456", &mac));
        assert!(!code_matches(b"k", "challenge-a", "123457", &mac));
        assert!(!code_matches(b"other key", "challenge-a", "123456", &mac));
        assert!(!String::from_utf8_lossy(&mac).contains("123456"));
    }

    #[test]
    fn sealed_secrets_open_only_with_their_key_and_account() {
        let sealed = seal(b"server key", "totp:7", "JBSWY3DPEHPK3PXP");
        assert!(is_sealed(&sealed));
        assert!(!sealed.contains("JBSWY3DPEHPK3PXP"));
        assert_eq!(
            open(b"server key", "totp:7", &sealed).as_deref(),
            Some("JBSWY3DPEHPK3PXP")
        );
        assert_eq!(open(b"other key", "totp:7", &sealed), None);
        assert_eq!(open(b"server key", "totp:8", &sealed), None);
        assert_eq!(open(b"server key", "totp:7", "JBSWY3DPEHPK3PXP"), None);
        // Two seals of one secret differ (a fresh nonce each).
        assert_ne!(sealed, seal(b"server key", "totp:7", "JBSWY3DPEHPK3PXP"));
        // One flipped character and it does not open.
        let mut tampered = sealed.clone().into_bytes();
        let last = tampered.len() - 2;
        tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
        assert_eq!(
            open(b"server key", "totp:7", &String::from_utf8(tampered).unwrap()),
            None
        );
    }

    #[test]
    fn recovery_codes_have_65_bits_and_read_back_as_made() {
        let codes: std::collections::HashSet<String> = (0..1000).map(|_| new_recovery_code()).collect();
        assert_eq!(codes.len(), 1000);
        for code in &codes {
            assert_eq!(code.len(), RECOVERY_CODE_CHARS);
            let shown = recovery::format_recovery_code(code);
            assert_eq!(
                recovery::normalize_recovery_code(&shown.to_lowercase()).as_deref(),
                Ok(code.as_str())
            );
        }
        // 13 symbols of 32: at least the 64 bits NIST asks of a recovery code.
        assert!(RECOVERY_CODE_CHARS as f64 * (recovery::ALPHABET.len() as f64).log2() >= 64.0);
        assert_ne!(
            recovery_code_mac(b"k", 1, "ABC"),
            recovery_code_mac(b"k", 2, "ABC")
        );
    }

    #[test]
    fn passwords_hash_with_argon2id() {
        let hash = hash_password("correct horse battery");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("correct horse battery!", &hash));
    }
}
