//! Rule G7: a burst of password checks keeps memory flat and the server answering.
//! Its own test binary (one process, one test) so the resident memory it reads is
//! this server's alone.

mod common;
use common::*;
use phone_mfa_contract::paths;
use serde_json::json;
use std::time::{Duration, Instant};

/// Peak resident memory of this process so far, in MiB.
fn peak_rss_mib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse::<u64>().unwrap() / 1024
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn g7_a_hundred_concurrent_sign_ins_keep_memory_under_300_mib() {
    phone_mfa_server::domain::passwords::return_hash_memory_to_the_os();
    let s = server().await;
    let before = peak_rss_mib();
    // Each from its own address, so none is turned away by the per-address limits
    // before it reaches the hash: the worst case for memory.
    let burst: Vec<_> = (0..100)
        .map(|i| {
            let c = s.client_from(&format!("127.0.4.{}", i + 1));
            tokio::spawn(async move {
                c.post(
                    paths::SIGN_IN,
                    json!({"email": format!("nobody{i}@example.com"), "password": "a guess of some length"}),
                )
                .await
                .status
            })
        })
        .collect();
    let health = s.client();
    let mut slowest = Duration::ZERO;
    while !burst.iter().all(|t| t.is_finished()) {
        let started = Instant::now();
        assert_eq!(health.get(paths::HEALTH).await.status, 200);
        slowest = slowest.max(started.elapsed());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    for t in burst {
        let status = t.await.unwrap();
        assert!(status == 401 || status == 503, "{status}");
    }
    let peak = peak_rss_mib();
    println!("peak resident memory {before} -> {peak} MiB, slowest /api/health {slowest:?}");
    assert!(peak < 300, "peak resident memory {peak} MiB");
    assert!(slowest < Duration::from_secs(1), "/api/health took {slowest:?}");
}
