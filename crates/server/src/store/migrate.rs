//! Schema versions, one file each in `migrations/<backend>/NNNN_what.sql`, applied in
//! order on start. SQLite records how far a file is in `PRAGMA user_version` (as the
//! server always has, so older files upgrade in place); PostgreSQL in a
//! `schema_migrations` table, under an advisory lock so that instances starting
//! together migrate once.

use super::{Backend, StoreResult};
use sqlx::{AnyPool, Connection};

pub(super) const SQLITE: &[&str] = &[
    include_str!("../../migrations/sqlite/0001_initial.sql"),
    include_str!("../../migrations/sqlite/0002_account_language.sql"),
    include_str!("../../migrations/sqlite/0003_account_security.sql"),
    include_str!("../../migrations/sqlite/0004_storage_layer.sql"),
    include_str!("../../migrations/sqlite/0005_late_codes.sql"),
    include_str!("../../migrations/sqlite/0006_deliveries.sql"),
    include_str!("../../migrations/sqlite/0007_change_reports.sql"),
    include_str!("../../migrations/sqlite/0008_delivery_status.sql"),
    include_str!("../../migrations/sqlite/0009_alternatives.sql"),
];

pub(super) const POSTGRES: &[&str] = &[
    include_str!("../../migrations/postgres/0001_initial.sql"),
    include_str!("../../migrations/postgres/0002_late_codes.sql"),
    include_str!("../../migrations/postgres/0003_deliveries.sql"),
    include_str!("../../migrations/postgres/0004_change_reports.sql"),
    include_str!("../../migrations/postgres/0005_delivery_status.sql"),
    include_str!("../../migrations/postgres/0006_alternatives.sql"),
];

/// Any fixed number: the advisory lock held while one instance migrates.
const MIGRATION_LOCK: i64 = 0x5048_4f4e_455f_4d46; // "PHONE_MF"

pub(super) async fn run(pool: &AnyPool, backend: Backend) -> StoreResult<()> {
    let mut c = pool.acquire().await?;
    match backend {
        Backend::Sqlite => {
            for (i, sql) in SQLITE.iter().enumerate() {
                // Read under the write lock: another process starting on the same file
                // may have applied this step while this one waited.
                let mut tx = c.begin_with("BEGIN IMMEDIATE").await?;
                let version: i64 = sqlx::query_scalar("PRAGMA user_version")
                    .fetch_one(&mut *tx)
                    .await?;
                if version > i as i64 {
                    continue;
                }
                sqlx::raw_sql(sql).execute(&mut *tx).await?;
                sqlx::raw_sql(&format!("PRAGMA user_version = {}", i + 1))
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
            }
        }
        Backend::Postgres => {
            sqlx::query("SELECT pg_advisory_lock($1)")
                .bind(MIGRATION_LOCK)
                .execute(&mut *c)
                .await?;
            let applied = apply_postgres(&mut c).await;
            sqlx::query("SELECT pg_advisory_unlock($1)")
                .bind(MIGRATION_LOCK)
                .execute(&mut *c)
                .await?;
            applied?;
        }
    }
    Ok(())
}

async fn apply_postgres(c: &mut sqlx::AnyConnection) -> StoreResult<()> {
    sqlx::raw_sql(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version    BIGINT PRIMARY KEY,
             applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
         )",
    )
    .execute(&mut *c)
    .await?;
    let version: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
        .fetch_one(&mut *c)
        .await?;
    for (i, sql) in POSTGRES.iter().enumerate().skip(version as usize) {
        let step = format!(
            "BEGIN; {sql}; INSERT INTO schema_migrations (version) VALUES ({}); COMMIT;",
            i + 1
        );
        sqlx::raw_sql(&step).execute(&mut *c).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Location, PoolSettings, Store};

    #[tokio::test]
    async fn a_database_from_an_older_version_is_migrated_and_keeps_its_rows() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.sqlite3");
        {
            // A file as the server before issue 13 left it: schema version 2.
            sqlx::any::install_default_drivers();
            let url = format!("sqlite://{}?mode=rwc", path.display());
            let mut c = <sqlx::AnyConnection as Connection>::connect(&url).await.unwrap();
            for (i, sql) in SQLITE.iter().take(2).enumerate() {
                sqlx::raw_sql(&format!("{sql}; PRAGMA user_version = {};", i + 1))
                    .execute(&mut c)
                    .await
                    .unwrap();
            }
            sqlx::raw_sql(
                "INSERT INTO accounts (email, password_hash, created_at, language) VALUES ('a@example.com', 'x', 1, 'es')",
            )
            .execute(&mut c)
            .await
            .unwrap();
        }
        let store = Store::open(&Location::SqliteFile(path), &PoolSettings::default())
            .await
            .unwrap();
        let version: i64 = sqlx::query_scalar("PRAGMA user_version")
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert_eq!(version, SQLITE.len() as i64);
        let language: String =
            sqlx::query_scalar("SELECT language FROM accounts WHERE lower(email) = 'a@example.com'")
                .fetch_one(store.pool())
                .await
                .unwrap();
        assert_eq!(language, "es");
        for table in [
            "password_failures",
            "known_addresses",
            "sign_up_links",
            "sign_up_emails",
        ] {
            let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
                .fetch_one(store.pool())
                .await
                .unwrap();
            assert_eq!(n, 0, "{table}");
        }
    }

    #[test]
    fn both_backends_have_every_table_and_column() {
        // The PostgreSQL schema is one file that must keep up with SQLite's steps.
        let tables = |files: &[&str]| {
            let mut names: Vec<String> = files
                .iter()
                .flat_map(|f| f.lines())
                .filter_map(|l| l.trim().strip_prefix("CREATE TABLE "))
                .map(|rest| rest.split_whitespace().next().unwrap().to_owned())
                .collect();
            names.sort();
            names
        };
        assert_eq!(tables(SQLITE), tables(POSTGRES));
        let added = |files: &[&str]| {
            let mut names: Vec<String> = files
                .iter()
                .flat_map(|f| f.lines())
                .filter_map(|l| l.split_once(" ADD COLUMN "))
                .map(|(table, rest)| {
                    let table = table.trim().trim_start_matches("ALTER TABLE ");
                    format!("{table}.{}", rest.split_whitespace().next().unwrap())
                })
                .collect();
            names.sort();
            names
        };
        // PostgreSQL's first file has SQLite's early columns built in; later ones match.
        let mut sqlite_added = added(SQLITE);
        sqlite_added.retain(|c| c != "accounts.language");
        assert_eq!(sqlite_added, added(POSTGRES));
    }
}
