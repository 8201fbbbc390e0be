//! Retention: what each table no longer needs, deleted. Every cut-off is computed by
//! the caller (domain/retention.rs) from the policy; here is only the SQL.

use super::{Conn, StoreResult};

/// Rows deleted from one table.
pub type Deleted = (&'static str, u64);

/// Deletes, table by table, every row older than its cut-off (Unix seconds).
pub async fn prune(c: &mut Conn, cut: &Cutoffs) -> StoreResult<Vec<Deleted>> {
    let statements: [(&'static str, &'static str, i64); 13] = [
        ("challenges", "DELETE FROM challenges WHERE expires_at < $1", cut.challenges),
        ("sends", "DELETE FROM sends WHERE sent_at < $1", cut.sends),
        ("sessions", "DELETE FROM sessions WHERE last_seen_at < $1", cut.sessions),
        (
            "deliveries",
            "DELETE FROM deliveries WHERE (sent_at IS NOT NULL AND sent_at < $1) OR (gave_up_at IS NOT NULL AND gave_up_at < $1)",
            cut.deliveries,
        ),
        ("outbox", "DELETE FROM outbox WHERE created_at < $1", cut.dev_outbox),
        ("sign_up_links", "DELETE FROM sign_up_links WHERE expires_at < $1", cut.links),
        ("sign_up_emails", "DELETE FROM sign_up_emails WHERE sent_at < $1", cut.sign_up_emails),
        ("change_reports", "DELETE FROM change_reports WHERE expires_at < $1", cut.links),
        (
            "password_failures",
            "DELETE FROM password_failures WHERE last_failure_at < $1 AND held_until < $1",
            cut.password_failures,
        ),
        ("known_addresses", "DELETE FROM known_addresses WHERE last_at < $1", cut.known_addresses),
        ("audit_log", "DELETE FROM audit_log WHERE at < $1", cut.audit_log),
        ("app_enrolments", "DELETE FROM app_enrolments WHERE created_at < $1", cut.app_enrolments),
        (
            "remembered_browsers",
            "DELETE FROM remembered_browsers WHERE expires_at < $1",
            cut.remembered_browsers,
        ),
    ];
    let mut deleted = Vec::with_capacity(statements.len());
    for (table, sql, before) in statements {
        let n = sqlx::query(sql)
            .bind(before)
            .execute(&mut *c)
            .await?
            .rows_affected();
        deleted.push((table, n));
    }
    Ok(deleted)
}

/// The oldest moment each table keeps.
#[derive(Debug, Clone, Copy)]
pub struct Cutoffs {
    pub challenges: i64,
    pub sends: i64,
    pub sessions: i64,
    pub deliveries: i64,
    pub dev_outbox: i64,
    pub links: i64,
    pub sign_up_emails: i64,
    pub password_failures: i64,
    pub known_addresses: i64,
    pub audit_log: i64,
    pub app_enrolments: i64,
    pub remembered_browsers: i64,
}
