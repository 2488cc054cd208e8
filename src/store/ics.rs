//! Calendar feed tokens: one per user, kept only as a SHA-256 hash.

use rusqlite::{Connection, OptionalExtension, params};

use super::error::StoreResult;
use crate::domain::{TenantId, UserId};

/// Replaces the user's token hash (the old feed URL stops working).
pub fn rotate(conn: &Connection, user_id: UserId, token_hash: &str) -> StoreResult<()> {
    conn.prepare_cached(
        "INSERT INTO ics_tokens (user_id, token_hash) VALUES (?1, ?2)
         ON CONFLICT (user_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at",
    )?
    .execute(params![user_id, token_hash])?;
    Ok(())
}

/// The enabled user a token hash belongs to, with their business.
/// Unscoped: the feed's URL carries only the token; this is how its user is found.
pub fn user_by_hash_unscoped(conn: &Connection, token_hash: &str) -> StoreResult<Option<(UserId, TenantId, String)>> {
    Ok(conn
        .prepare_cached(
            "SELECT u.id, u.tenant_id, t.token_hash FROM ics_tokens t JOIN users u ON u.id = t.user_id
             WHERE t.token_hash = ?1 AND u.disabled = 0",
        )?
        .query_row([token_hash], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?)
}
