//! Rule A9, timing: its own test binary, so no other test's password hashing shares the
//! cores while it measures.

mod common;
use common::*;
use phone_mfa_contract::paths;
use serde_json::json;

/// Rule A9: new and taken addresses take the same time to answer, within noise
/// (both hash the password and send one e-mail). Measured interleaved, medians
/// compared. The bound is loose because other tests share the cores; a path that
/// skipped the hash would answer in about a tenth of the time and fail it.
#[tokio::test]
async fn a9_sign_up_takes_the_same_time_for_new_and_taken_addresses() {
    let s = server().await;
    let rounds = 11;
    // Taken addresses, one a round (sign-up e-mails to one address are limited).
    for i in 0..rounds {
        s.signed_up(&format!("taken{i}@example.com")).await;
    }
    let mut fresh = vec![];
    let mut taken = vec![];
    for i in 0..rounds {
        for (email, times) in [
            (format!("new{i}@example.com"), &mut fresh),
            (format!("taken{i}@example.com"), &mut taken),
        ] {
            let c = s.client_from(&format!("127.0.3.{}", i + 1));
            let started = std::time::Instant::now();
            let r = c
                .post(paths::SIGN_UP, json!({"email": email, "password": PASSWORD}))
                .await;
            times.push(started.elapsed().as_secs_f64());
            assert_eq!(r.status, 202);
        }
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(|a, b| a.partial_cmp(b).unwrap());
        v[v.len() / 2]
    };
    let (f, t) = (median(&mut fresh), median(&mut taken));
    let ratio = f / t;
    assert!(
        (0.5..2.0).contains(&ratio),
        "new {f:.4} s vs taken {t:.4} s (ratio {ratio:.2})"
    );
}
