//! Schema versions, one file each in `migrations/<backend>/NNNN_what.sql`, applied in
//! order on start. SQLite records how far a file is in `PRAGMA user_version` (as the
//! server always has, so older files upgrade in place); PostgreSQL in a
//! `schema_migrations` table, under an advisory lock so that instances starting
//! together migrate once.

use super::{Backend, StoreResult};
use sqlx::AnyPool;

pub(super) const SQLITE: &[&str] = &[
    include_str!("../../migrations/sqlite/0001_initial.sql"),
    include_str!("../../migrations/sqlite/0002_account_language.sql"),
    include_str!("../../migrations/sqlite/0003_account_security.sql"),
    include_str!("../../migrations/sqlite/0004_storage_layer.sql"),
];

pub(super) const POSTGRES: &[&str] = &[include_str!("../../migrations/postgres/0001_initial.sql")];

/// Any fixed number: the advisory lock held while one instance migrates.
const MIGRATION_LOCK: i64 = 0x5048_4f4e_455f_4d46; // "PHONE_MF"

pub(super) async fn run(pool: &AnyPool, backend: Backend) -> StoreResult<()> {
    let mut c = pool.acquire().await?;
    match backend {
        Backend::Sqlite => {
            let version: i64 = sqlx::query_scalar("PRAGMA user_version").fetch_one(&mut *c).await?;
            for (i, sql) in SQLITE.iter().enumerate().skip(version as usize) {
                let step = format!("BEGIN IMMEDIATE; {sql}; PRAGMA user_version = {}; COMMIT;", i + 1);
                sqlx::raw_sql(&step).execute(&mut *c).await?;
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
