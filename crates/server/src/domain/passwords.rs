//! Password checks (rule G7): guessing limits with growing delays, and a cap on how
//! many argon2 hashes run at once.
//!
//! Limits are counted per key in the database, inside the caller's write transaction,
//! so they hold across restarts and server processes. Three keys per attempt:
//! - `ai:` the typed address and the caller's IP: the tight one (an attacker at one
//!   place guessing one account);
//! - `a:` the typed address from anywhere: looser, and not applied at an IP the
//!   account completed a sign-in from (so guessing elsewhere cannot lock the owner out
//!   of their usual places);
//! - `i:` the IP across every address it tries (password spraying).
//!
//! Keys use the typed address's fingerprint, not the account: an address without an
//! account is counted and answered exactly like one with an account (rule A9).
//!
//! Every attempt is counted as a failure *before* the hash runs and given back if the
//! password was right. Counting afterwards would let a burst of concurrent guesses all
//! pass the check before any of them was recorded.

use crate::config::Config;
use crate::domain::accounts::count;
use crate::error::{AppError, AppResult};
use crate::i18n;
use crate::secrets::email_fingerprint;
use crate::state::AppState;
use crate::store::{self, Conn, StoreResult};
use phone_mfa_contract::policy::{
    KNOWN_ADDRESS_SECS, PASSWORD_FAILURE_MEMORY_SECS, PASSWORD_FIRST_DELAY_SECS,
    PASSWORD_FREE_FAILURES_PER_ACCOUNT, PASSWORD_FREE_FAILURES_PER_ACCOUNT_IP, PASSWORD_MAX_DELAY_SECS,
};
use phone_mfa_contract::ErrorCode;
use tokio::sync::Semaphore;

/// How long a key is held after its `failures`-th wrong password: nothing up to `free`,
/// then [`PASSWORD_FIRST_DELAY_SECS`] doubling with each further failure, at most
/// [`PASSWORD_MAX_DELAY_SECS`].
pub fn delay_after(failures: u32, free: u32) -> Option<i64> {
    let beyond = failures.checked_sub(free)?;
    let doubled = PASSWORD_FIRST_DELAY_SECS.saturating_mul(1 << beyond.min(20));
    Some(doubled.min(PASSWORD_MAX_DELAY_SECS))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    AddressAndIp,
    Address,
    Ip,
}

impl Scope {
    fn free_failures(self, config: &Config) -> u32 {
        match self {
            Scope::AddressAndIp => PASSWORD_FREE_FAILURES_PER_ACCOUNT_IP,
            Scope::Address => PASSWORD_FREE_FAILURES_PER_ACCOUNT,
            Scope::Ip => config.password_failures_per_ip,
        }
    }
}

/// One password attempt, already counted as a failure (see the module comment).
pub struct Attempt {
    keys: Vec<(Scope, String)>,
    /// Per key, the free failures (read from the configuration once).
    free: Vec<u32>,
}

/// Refuses the attempt if any of its keys is held (429 + Retry-After, whatever the
/// password); otherwise counts it as a failure up front and returns it for
/// [`Attempt::succeeded`].
pub async fn begin(
    c: &mut Conn,
    config: &Config,
    email: &str,
    account_id: Option<i64>,
    ip: &str,
    now: i64,
) -> AppResult<Attempt> {
    let fp = email_fingerprint(&config.secret, email);
    let keys = vec![
        (Scope::AddressAndIp, format!("ai:{fp}:{ip}")),
        (Scope::Address, format!("a:{fp}")),
        (Scope::Ip, format!("i:{ip}")),
    ];
    // Every server counts against the same rows; holding the keys makes the check
    // and the count below one step.
    let names: Vec<String> = keys.iter().map(|(_, k)| format!("password:{k}")).collect();
    store::lock_keys(c, &names.iter().map(String::as_str).collect::<Vec<_>>()).await?;
    let known_here = match account_id {
        Some(id) => store::passwords::is_known_address(c, id, ip, now - KNOWN_ADDRESS_SECS).await?,
        None => false,
    };
    let mut held = 0;
    for (scope, key) in &keys {
        if *scope == Scope::Address && known_here {
            continue;
        }
        let until = store::passwords::held_until(c, key).await?;
        held = held.max(until.unwrap_or(0) - now);
    }
    if held > 0 {
        return Err(AppError::too_many(
            ErrorCode::RateLimited,
            i18n::password_held(held),
            held,
        ));
    }
    let free: Vec<u32> = keys
        .iter()
        .map(|(scope, _)| scope.free_failures(config))
        .collect();
    for ((_, key), &free) in keys.iter().zip(&free) {
        let failures = store::passwords::count_failure(c, key, now, PASSWORD_FAILURE_MEMORY_SECS).await?;
        if let Some(delay) = delay_after(count(failures), free) {
            store::passwords::hold_until(c, key, now + delay).await?;
        }
    }
    Ok(Attempt { keys, free })
}

impl Attempt {
    /// The password was right: this place's count starts again, and the attempt is
    /// given back to the address-wide and IP-wide counts (which a success does not
    /// reset: an attacker must not clear them by signing in to an account of their own,
    /// nor by waiting for the owner to sign in).
    pub async fn succeeded(self, c: &mut Conn) -> StoreResult<()> {
        for ((scope, key), &free) in self.keys.iter().zip(&self.free) {
            if *scope == Scope::AddressAndIp {
                store::passwords::forget(c, key).await?;
            } else {
                store::passwords::give_back(c, key, free).await?;
            }
        }
        Ok(())
    }

    /// The password was never checked (no hashing slot freed up in time): the attempt
    /// is given back to every count, so a busy server costs nobody a try, and nothing
    /// is reset either.
    pub async fn not_checked(self, c: &mut Conn) -> StoreResult<()> {
        for ((_, key), &free) in self.keys.iter().zip(&self.free) {
            store::passwords::give_back(c, key, free).await?;
        }
        Ok(())
    }
}

/// The hashing slots: one per core by default. argon2 takes 19 MiB and a core for
/// each hash; running more at once than there are cores only adds memory and latency
/// for everyone, so the rest wait briefly for a slot and are then told to come back.
pub struct HashSlots(Semaphore);

impl HashSlots {
    pub fn new(permits: usize) -> Self {
        HashSlots(Semaphore::new(permits.max(1)))
    }
}

/// Runs `work` (a password hash or check) on the blocking pool once a slot is free;
/// 503 with Retry-After if none frees up within the configured wait.
pub async fn with_hash_slot<T: Send + 'static>(
    state: &AppState,
    work: impl FnOnce() -> T + Send + 'static,
) -> AppResult<T> {
    let wait = state.config.password_hashing.queue_wait;
    let permit = match tokio::time::timeout(wait, state.hash_slots.0.acquire()).await {
        Ok(Ok(permit)) => permit,
        _ => return Err(busy()),
    };
    let out = tokio::task::spawn_blocking(work)
        .await
        .map_err(|_| AppError::internal())?;
    drop(permit);
    Ok(out)
}

/// Keeps the memory of finished password hashes from staying with the process.
///
/// argon2 takes a 19 MiB block per hash. glibc raises its mmap threshold to the size of
/// the first such block freed, so every later one is carved from a thread's heap and is
/// kept there after it is freed: measured (`tests/bench/password_burst.py`), 100
/// concurrent sign-ins left the server at 1.7 GiB resident for good, even with the
/// hashing slots. A fixed threshold keeps every allocation of 1 MiB or more mapped on
/// its own and unmapped when freed (peak 49 MiB, 11 MiB after). Called once at start.
pub fn return_hash_memory_to_the_os() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes the allocator's tuning; it is called before the
    // server starts its threads and takes no pointers.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

fn busy() -> AppError {
    let mut e = AppError::new(
        axum::http::StatusCode::SERVICE_UNAVAILABLE,
        ErrorCode::Busy,
        i18n::error(ErrorCode::Busy),
    );
    e.body.retry_after_s = Some(1);
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_start_after_the_free_failures_double_and_stop_at_the_ceiling() {
        assert_eq!(delay_after(4, 5), None);
        assert_eq!(delay_after(5, 5), Some(PASSWORD_FIRST_DELAY_SECS));
        assert_eq!(delay_after(6, 5), Some(2 * PASSWORD_FIRST_DELAY_SECS));
        assert_eq!(delay_after(7, 5), Some(4 * PASSWORD_FIRST_DELAY_SECS));
        assert_eq!(delay_after(500, 5), Some(PASSWORD_MAX_DELAY_SECS));
        assert_eq!(delay_after(u32::MAX, 0), Some(PASSWORD_MAX_DELAY_SECS));
    }
}
