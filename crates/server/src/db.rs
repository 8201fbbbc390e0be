//! SQLite storage: opened in WAL mode, created and migrated on start.
//!
//! Every state change runs in a `BEGIN IMMEDIATE` transaction, which takes SQLite's
//! write lock up front: a read-check-write (a code check, a send-limit count) is
//! atomic against other requests and against other server processes on the same file.

use rusqlite::{Connection, TransactionBehavior};
use std::path::Path;
use std::sync::{Arc, Mutex};

/// Schema versions, applied in order; `PRAGMA user_version` records how far a file is.
/// One file each in `migrations/`, named `NNNN_what.sql`: the layout sqlx's migrator
/// reads too, for when the storage layer gains PostgreSQL (issue 15).
const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/0001_initial.sql"),
    include_str!("../migrations/0002_account_language.sql"),
    include_str!("../migrations/0003_account_security.sql"),
];

#[derive(Clone)]
pub struct Db(Arc<Mutex<Connection>>);

impl Db {
    pub fn open(path: &Path) -> rusqlite::Result<Db> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            let _ = std::fs::create_dir_all(dir);
        }
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        migrate(&conn)?;
        Ok(Db(Arc::new(Mutex::new(conn))))
    }

    /// Runs `work` in one write transaction on a blocking thread; commits on `Ok`.
    pub async fn write<T, E>(
        &self,
        work: impl FnOnce(&rusqlite::Transaction) -> Result<T, E> + Send + 'static,
    ) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<rusqlite::Error> + Send + 'static,
    {
        let db = self.0.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = db.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let out = work(&tx)?;
            tx.commit()?;
            Ok(out)
        })
        .await
        .expect("database task panicked")
    }
}

fn migrate(conn: &Connection) -> rusqlite::Result<()> {
    let version: usize = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version) {
        conn.execute_batch(&format!("BEGIN; {sql}; PRAGMA user_version = {}; COMMIT;", i + 1))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_from_an_older_version_is_migrated_and_keeps_its_rows() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.sqlite3");
        {
            // A file as the server before issue 13 left it: schema version 2.
            let conn = Connection::open(&path).unwrap();
            for (i, sql) in MIGRATIONS.iter().take(2).enumerate() {
                conn.execute_batch(&format!("BEGIN; {sql}; PRAGMA user_version = {}; COMMIT;", i + 1))
                    .unwrap();
            }
            conn.execute(
                "INSERT INTO accounts (email, password_hash, created_at, language) VALUES ('a@example.com', 'x', 1, 'es')",
                [],
            )
            .unwrap();
        }
        let db = Db::open(&path).unwrap();
        let conn = db.0.lock().unwrap();
        let version: usize = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, MIGRATIONS.len());
        let language: String = conn
            .query_row(
                "SELECT language FROM accounts WHERE email = 'a@example.com'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(language, "es");
        for table in [
            "password_failures",
            "known_addresses",
            "sign_up_links",
            "sign_up_emails",
        ] {
            let n: i64 = conn
                .query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
                .unwrap();
            assert_eq!(n, 0, "{table}");
        }
    }
}
