//! Canned replies: a business's saved answers. Every function takes the
//! business first; another business's reply is simply not found.

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use super::error::{StoreError, StoreResult, unique_key};
use crate::domain::TenantId;

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct CannedReply {
    pub id: i64,
    /// Typed after `/` in the composer (1-32 characters, no spaces).
    pub shortcut: String,
    /// The text, with `{{first_name}}`, `{{business_name}}`, `{{next_open}}` and `{{my_name}}` filled in by the UI.
    pub body: String,
    pub created_at: String,
    pub updated_at: String,
}

const SELECT: &str = "SELECT id, shortcut, body, created_at, updated_at FROM canned_replies";

fn from_row(r: &rusqlite::Row) -> rusqlite::Result<CannedReply> {
    Ok(CannedReply {
        id: r.get(0)?,
        shortcut: r.get(1)?,
        body: r.get(2)?,
        created_at: r.get(3)?,
        updated_at: r.get(4)?,
    })
}

/// The business's replies, by shortcut.
pub fn list(conn: &Connection, tenant_id: TenantId) -> StoreResult<Vec<CannedReply>> {
    Ok(conn
        .prepare_cached(&format!("{SELECT} WHERE tenant_id = ?1 ORDER BY shortcut, id"))?
        .query_map([tenant_id], from_row)?
        .collect::<Result<_, _>>()?)
}

pub fn insert(conn: &Connection, tenant_id: TenantId, shortcut: &str, body: &str) -> StoreResult<CannedReply> {
    conn.prepare_cached(
        "INSERT INTO canned_replies (tenant_id, shortcut, body) VALUES (?1, ?2, ?3)
             RETURNING id, shortcut, body, created_at, updated_at",
    )?
    .query_row(params![tenant_id, shortcut, body], from_row)
    .map_err(taken)
}

/// A shortcut the business already has is a duplicate, not a failure.
fn taken(e: rusqlite::Error) -> StoreError {
    match unique_key(&e) {
        Some(key) => StoreError::Duplicate { key, existing_id: None },
        None => e.into(),
    }
}

/// Changes what is given; None when the business has no such reply.
pub fn update(
    conn: &Connection,
    tenant_id: TenantId,
    id: i64,
    shortcut: Option<&str>,
    body: Option<&str>,
) -> StoreResult<Option<CannedReply>> {
    conn.prepare_cached(
        "UPDATE canned_replies SET shortcut = coalesce(?3, shortcut), body = coalesce(?4, body),
                 updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
             WHERE id = ?1 AND tenant_id = ?2
             RETURNING id, shortcut, body, created_at, updated_at",
    )?
    .query_row(params![id, tenant_id, shortcut, body], from_row)
    .optional()
    .map_err(taken)
}

/// False when the business has no such reply.
pub fn delete(conn: &Connection, tenant_id: TenantId, id: i64) -> StoreResult<bool> {
    Ok(conn
        .prepare_cached("DELETE FROM canned_replies WHERE id = ?1 AND tenant_id = ?2")?
        .execute(params![id, tenant_id])?
        > 0)
}
