//! The audit log: who did what, from where, including impersonations.

use rusqlite::{Connection, params};
use serde::Serialize;
use serde_json::Value;

use super::error::StoreResult;
use super::{Page, PageRequest};
use crate::domain::{Scope, TenantId, UserId};

/// One row to append.
#[derive(Debug, Default)]
pub struct Entry<'a> {
    pub tenant_id: Option<TenantId>,
    pub actor_user_id: Option<UserId>,
    pub action: &'a str,
    pub target: String,
    pub details: Value,
    pub ip: Option<String>,
    pub impersonating: bool,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = AuditEntry)]
pub struct AuditRow {
    pub id: i64,
    pub tenant_id: Option<TenantId>,
    pub actor_user_id: Option<UserId>,
    pub actor_email: Option<String>,
    pub action: String,
    pub target: String,
    pub details: Value,
    pub ip: Option<String>,
    pub impersonating: bool,
    pub created_at: String,
}

/// Appends a row; the entry names its own business (none for, e.g., a failed
/// login with an unknown email).
pub fn record(conn: &Connection, e: Entry) -> StoreResult<()> {
    let details = if e.details.is_null() { "{}".to_string() } else { e.details.to_string() };
    conn.prepare_cached(
        "INSERT INTO audit_log (tenant_id, actor_user_id, action, target, details, ip, impersonating)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![e.tenant_id, e.actor_user_id, e.action, e.target, details, e.ip, e.impersonating])?;
    Ok(())
}

/// Filtered, newest first. `Scope::All` is every business (the admin's view).
/// `hide_admin_ips`: a business's own view does not show where the platform
/// admin is: no address on any entry the admin made (sign-ins,
/// impersonations, writes into the business).
pub fn list(
    conn: &Connection,
    scope: Scope,
    action: Option<&str>,
    page: PageRequest,
    hide_admin_ips: bool,
) -> StoreResult<Page<AuditRow>> {
    let filter = "(?1 IS NULL OR a.tenant_id = ?1) AND (?2 IS NULL OR a.action = ?2)";
    let tenant_id = scope.filter();
    let total: i64 =
        conn.query_row(&format!("SELECT count(*) FROM audit_log a WHERE {filter}"), params![tenant_id, action], |r| {
            r.get(0)
        })?;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT a.id, a.tenant_id, a.actor_user_id, u.email, a.action, a.target, a.details,
                CASE WHEN ?5 AND (u.role = 'system_admin' OR a.impersonating) THEN NULL ELSE a.ip END, a.impersonating,
                a.created_at
         FROM audit_log a LEFT JOIN users u ON u.id = a.actor_user_id
         WHERE {filter} ORDER BY a.id DESC LIMIT ?3 OFFSET ?4"
    ))?;
    let items = stmt
        .query_map(params![tenant_id, action, page.page_size, page.offset(), hide_admin_ips], |r| {
            let details: String = r.get(6)?;
            Ok(AuditRow {
                id: r.get(0)?,
                tenant_id: r.get(1)?,
                actor_user_id: r.get(2)?,
                actor_email: r.get(3)?,
                action: r.get(4)?,
                target: r.get(5)?,
                details: serde_json::from_str(&details).unwrap_or(Value::Null),
                ip: r.get(7)?,
                impersonating: r.get(8)?,
                created_at: r.get(9)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(page.wrap(items, total))
}
