//! The storage layer: every SQL statement the server runs is here, behind typed
//! functions, one module per table (or pair of tables). The domain calls them inside a
//! transaction from [`Store::write`]; it holds no SQL, nor does the HTTP layer.
//!
//! Two backends behind one SQL dialect, through sqlx's `Any` driver:
//! - SQLite, the embedded default (a file; nothing to install);
//! - PostgreSQL, for several server instances sharing one database
//!   (`PHONE_MFA_DATABASE_URL=postgres://...`).
//!
//! The statements are written once, in the SQL both understand (`$1` parameters,
//! `ON CONFLICT`, `RETURNING`, `lower(email)`); only the schema files differ.
//!
//! Every check-and-act (a code check, a send count, a lockout) runs in one
//! transaction from [`Store::begin`], and is exact however many requests and
//! server instances race:
//! - SQLite: `BEGIN IMMEDIATE` takes the database's write lock up front, so write
//!   transactions run one at a time, across processes sharing the file too.
//! - PostgreSQL: the transaction takes advisory locks on what it checks before it
//!   reads it ([`lock_account`], [`lock_keys`]); other transactions on the same account
//!   or number wait, unrelated ones run in parallel. Locks are taken in one order
//!   (the account first, then every other key at once, sorted), so two transactions
//!   never wait on each other.

pub mod accounts;
pub mod app_enrolments;
pub mod challenges;
pub mod change_reports;
pub mod columns;
pub mod copy;
pub mod deliveries;
pub mod methods;
mod migrate;
pub mod outbox;
pub mod passwords;
pub mod recovery_codes;
pub mod remembered_browsers;
pub mod retention;
pub mod sends;
pub mod sessions;
pub mod sign_ups;

pub use columns::{Col, Column, Flag};

use sha2::{Digest, Sha256};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{AnyPool, ConnectOptions, Executor};
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

/// A connection inside a transaction: what every store function takes.
pub type Conn = sqlx::AnyConnection;
/// A write transaction: rolled back when dropped unless committed.
pub type Tx = sqlx::Transaction<'static, sqlx::Any>;
pub type StoreResult<T> = Result<T, sqlx::Error>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Where the data lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// An SQLite file, created with its directory if missing.
    SqliteFile(PathBuf),
    /// `postgres://user@host:port/database` (sqlx's URL, with its `options[...]`).
    Postgres(String),
}

/// How many connections one server keeps to PostgreSQL, and how long a request
/// waits for one before it is answered 503.
#[derive(Debug, Clone)]
pub struct PoolSettings {
    pub max_connections: u32,
    pub acquire_timeout: Duration,
}

impl Default for PoolSettings {
    fn default() -> Self {
        PoolSettings {
            max_connections: 10,
            acquire_timeout: Duration::from_secs(3),
        }
    }
}

#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

impl Store {
    /// Connects, then creates or migrates the schema. Fails if the database cannot
    /// be reached now: a server that starts must be able to work.
    pub async fn open(location: &Location, settings: &PoolSettings) -> Result<Store, String> {
        sqlx::any::install_default_drivers();
        let (store, what) = match location {
            Location::SqliteFile(path) => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    let _ = std::fs::create_dir_all(dir);
                }
                let url = SqliteConnectOptions::new()
                    .filename(path)
                    .create_if_missing(true)
                    .to_url_lossy();
                let options = AnyConnectOptions::from_str(url.as_str()).map_err(|e| e.to_string())?;
                // One connection: this process's writers queue in the pool (in order,
                // without SQLite's busy-wait sleeps); other processes on the same file
                // wait on the file lock for up to the busy timeout.
                let pool = AnyPoolOptions::new()
                    .max_connections(1)
                    .acquire_timeout(Duration::from_secs(30))
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            conn.execute(
                                "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; \
                                 PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;",
                            )
                            .await
                            .map(|_| ())
                        })
                    })
                    .connect_with(options)
                    .await;
                (
                    pool.map(|pool| Store {
                        pool,
                        backend: Backend::Sqlite,
                    }),
                    path.display().to_string(),
                )
            }
            Location::Postgres(url) => {
                let options =
                    AnyConnectOptions::from_str(url).map_err(|e| format!("PHONE_MFA_DATABASE_URL: {e}"))?;
                let pool = AnyPoolOptions::new()
                    .max_connections(settings.max_connections)
                    .acquire_timeout(settings.acquire_timeout)
                    .connect_with(options)
                    .await;
                (
                    pool.map(|pool| Store {
                        pool,
                        backend: Backend::Postgres,
                    }),
                    redact(url),
                )
            }
        };
        let store = store.map_err(|e| format!("cannot open the database {what}: {e}"))?;
        migrate::run(&store.pool, store.backend)
            .await
            .map_err(|e| format!("cannot migrate the database {what}: {e}"))?;
        Ok(store)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// A write transaction (see the module comment for how each backend makes it exact).
    pub async fn begin(&self) -> StoreResult<Tx> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }

    /// Runs `work` in one write transaction; commits if it returns `Ok`, rolls back
    /// otherwise (a failed check leaves nothing behind).
    pub async fn write<T, E>(&self, work: impl AsyncFnOnce(&mut Conn) -> Result<T, E>) -> Result<T, E>
    where
        E: From<sqlx::Error>,
    {
        let mut tx = self.begin().await?;
        let out = work(&mut tx).await?;
        tx.commit().await?;
        Ok(out)
    }

    /// Runs `work` in a read-only transaction: on SQLite it does not take the write lock
    /// (for reads polled often, like a code's delivery status).
    pub async fn read<T, E>(&self, work: impl AsyncFnOnce(&mut Conn) -> Result<T, E>) -> Result<T, E>
    where
        E: From<sqlx::Error>,
    {
        let mut tx = self.pool.begin().await?;
        let out = work(&mut tx).await?;
        tx.commit().await?;
        Ok(out)
    }

    /// Whether the database answers now: for a readiness check.
    pub async fn reachable(&self) -> StoreResult<()> {
        self.pool.execute("SELECT 1").await.map(|_| ())
    }

    /// The pool itself (the dev outbox writes through it; tests read tables directly).
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }
}

/// A URL without its password, for messages and logs.
fn redact(url: &str) -> String {
    match url.split_once('@') {
        Some((before, after)) => match before.rsplit_once(':') {
            Some((user, _)) if user.contains("//") => format!("{user}:***@{after}"),
            _ => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

fn is_postgres(c: &Conn) -> bool {
    c.backend_name() == "PostgreSQL"
}

/// A 64-bit advisory lock id for a key.
fn lock_id(key: &str) -> i64 {
    let digest = Sha256::digest(key.as_bytes());
    i64::from_be_bytes(digest[..8].try_into().expect("8 bytes"))
}

/// Holds the account until the transaction ends: the first lock a transaction on an
/// account takes. On SQLite the transaction already holds the whole database.
pub async fn lock_account(c: &mut Conn, account_id: i64) -> StoreResult<()> {
    if is_postgres(c) {
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(lock_id(&format!("account:{account_id}")))
            .execute(&mut *c)
            .await?;
    }
    Ok(())
}

/// Holds every key (a phone fingerprint, an IP, an address fingerprint...) until the
/// transaction ends. Call once per transaction, after [`lock_account`] if at all, with
/// every key the transaction counts against: they are taken sorted, so transactions
/// that share keys queue instead of deadlocking.
pub async fn lock_keys(c: &mut Conn, keys: &[&str]) -> StoreResult<()> {
    if !is_postgres(c) {
        return Ok(());
    }
    let mut ids: Vec<i64> = keys.iter().map(|k| lock_id(&format!("key:{k}"))).collect();
    ids.sort_unstable();
    ids.dedup();
    for id in ids {
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(id)
            .execute(&mut *c)
            .await?;
    }
    Ok(())
}

/// The database could not be reached or gave up on the connection: the request did
/// nothing and can be tried again (503), unlike a bug (500).
pub fn is_unavailable(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(db) => db.code().is_some_and(|code| {
            // Connection exceptions, shutdown, too many connections, and a transaction
            // PostgreSQL chose to abort to break a deadlock or a serialization conflict.
            code.starts_with("08")
                || code.starts_with("57P")
                || code == "53300"
                || code == "40001"
                || code == "40P01"
        }),
        _ => false,
    }
}

/// A constraint refused a change: the request lost a race (409, not 500).
pub fn is_conflict(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Database(db) => matches!(
            db.kind(),
            sqlx::error::ErrorKind::UniqueViolation
                | sqlx::error::ErrorKind::ForeignKeyViolation
                | sqlx::error::ErrorKind::CheckViolation
                | sqlx::error::ErrorKind::NotNullViolation
        ),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_stay_out_of_messages() {
        assert_eq!(
            redact("postgres://app:s3cret@db:5432/mfa"),
            "postgres://app:***@db:5432/mfa"
        );
        assert_eq!(redact("postgres://app@db/mfa"), "postgres://app@db/mfa");
        assert_eq!(redact("postgres://db/mfa"), "postgres://db/mfa");
    }
}
