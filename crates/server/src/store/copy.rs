//! Moving from the embedded SQLite file to PostgreSQL (issue 18): every table copied,
//! row for row, into an empty PostgreSQL database migrated to the same schema version,
//! in one transaction, then every table's row count compared.
//!
//! The columns come from PostgreSQL's catalogue (the target knows each column's type;
//! SQLite stores booleans as integers), so a table or column added by a later
//! migration is copied without this file changing.

use super::{Backend, Flag, Store};
use sqlx::Row;

/// A column of the target and how its values are read and written.
struct Column {
    name: String,
    kind: Kind,
}

#[derive(Clone, Copy)]
enum Kind {
    Int,
    Text,
    Bytes,
    Bool,
}

/// Copies every table of `from` (SQLite) into `to` (PostgreSQL, empty). Returns each
/// table with its row count, the same on both sides.
pub async fn sqlite_to_postgres(from: &Store, to: &Store) -> Result<Vec<(String, i64)>, String> {
    if from.backend() != Backend::Sqlite || to.backend() != Backend::Postgres {
        return Err("copies from an SQLite file to a PostgreSQL database".into());
    }
    let err = |what: &str| {
        let what = what.to_owned();
        move |e: sqlx::Error| format!("{what}: {e}")
    };
    let mut tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables
         WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> 'schema_migrations'
         ORDER BY table_name",
    )
    .fetch_all(to.pool())
    .await
    .map_err(err("reading the PostgreSQL tables"))?;
    // Every other table refers to accounts: they go first.
    tables.sort_by_key(|t| t != "accounts");
    for table in &tables {
        let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(to.pool())
            .await
            .map_err(err(table))?;
        if n > 0 {
            return Err(format!(
                "the PostgreSQL database is not empty: {table} has {n} rows"
            ));
        }
    }
    // One snapshot of the source, held with its write lock (BEGIN IMMEDIATE): a server
    // still writing to the file waits, and every table is read as of one moment.
    let mut src = from.begin().await.map_err(err("locking the SQLite file"))?;
    let mut tx = to.pool().begin().await.map_err(err("starting the copy"))?;
    let mut counts = Vec::new();
    for table in &tables {
        let columns = columns(to, table).await.map_err(err(table))?;
        let names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
        let select = format!("SELECT {} FROM {table}", names.join(", "));
        let placeholders: Vec<String> = (1..=names.len()).map(|i| format!("${i}")).collect();
        let insert = format!(
            "INSERT INTO {table} ({}) VALUES ({})",
            names.join(", "),
            placeholders.join(", ")
        );
        let rows = sqlx::query(&select)
            .fetch_all(&mut *src)
            .await
            .map_err(err(&format!("reading {table} from SQLite")))?;
        for row in &rows {
            let mut q = sqlx::query(&insert);
            for (i, c) in columns.iter().enumerate() {
                q = match c.kind {
                    Kind::Int => q.bind(row.try_get::<Option<i64>, _>(i).map_err(err(&c.name))?),
                    Kind::Text => q.bind(row.try_get::<Option<String>, _>(i).map_err(err(&c.name))?),
                    Kind::Bytes => q.bind(row.try_get::<Option<Vec<u8>>, _>(i).map_err(err(&c.name))?),
                    Kind::Bool => q.bind(
                        row.try_get::<Option<Flag>, _>(i)
                            .map_err(err(&c.name))?
                            .map(|f| f.0),
                    ),
                };
            }
            q.execute(&mut *tx)
                .await
                .map_err(err(&format!("writing {table} to PostgreSQL")))?;
        }
        // Identity columns continue after the copied ids.
        for c in columns
            .iter()
            .filter(|c| c.name == "id" && matches!(c.kind, Kind::Int))
        {
            sqlx::query(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', '{}'), COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)",
                c.name
            ))
            .execute(&mut *tx)
            .await
            .map_err(err(&format!("{table}'s id sequence")))?;
        }
        let copied: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&mut *tx)
            .await
            .map_err(err(table))?;
        if copied != rows.len() as i64 {
            return Err(format!("{table}: {} rows read, {copied} written", rows.len()));
        }
        counts.push((table.clone(), copied));
    }
    // Checked before anything is committed: a mismatch leaves PostgreSQL empty.
    for (table, copied) in &counts {
        let source: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&mut *src)
            .await
            .map_err(err(table))?;
        if source != *copied {
            return Err(format!("{table}: {source} rows in SQLite, {copied} copied"));
        }
    }
    tx.commit().await.map_err(err("committing the copy"))?;
    src.rollback().await.map_err(err("releasing the SQLite file"))?;
    Ok(counts)
}

async fn columns(to: &Store, table: &str) -> Result<Vec<Column>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT column_name::text, data_type::text FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
    )
    .bind(table)
    .fetch_all(to.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let name: String = r.try_get(0)?;
            let data_type: String = r.try_get(1)?;
            let kind = match data_type.as_str() {
                "bigint" | "integer" | "smallint" => Kind::Int,
                "bytea" => Kind::Bytes,
                "boolean" => Kind::Bool,
                _ => Kind::Text,
            };
            Ok(Column { name, kind })
        })
        .collect()
}
