//! ACME state (the account key, certificates) kept in the data file, so
//! HTTPS survives a restart without a new order and a backup is a complete
//! copy of the instance. Instance-wide: no business owns it.

use rusqlite::{Connection, OptionalExtension, params};

use super::error::StoreResult;

/// The value stored under `name`, if any.
pub fn get(conn: &Connection, name: &str) -> StoreResult<Option<Vec<u8>>> {
    Ok(conn
        .prepare_cached("SELECT value FROM acme_cache WHERE name = ?1")?
        .query_row([name], |r| r.get(0))
        .optional()?)
}

/// Stores (or replaces) the value under `name`.
pub fn put(conn: &Connection, name: &str, value: &[u8]) -> StoreResult<()> {
    conn.prepare_cached(concat!(
        "INSERT INTO acme_cache (name, value) VALUES (?1, ?2)
         ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = ",
        super::now_sql!()
    ))?
    .execute(params![name, value])?;
    Ok(())
}
