//! Secrets the server makes for itself and keeps in the data file, so they
//! survive restarts and travel with backups (e.g. the anonymous CSRF key).

use rusqlite::{Connection, OptionalExtension, params};

use super::error::StoreResult;

/// The key called `name`, if it was made.
pub fn get(conn: &Connection, name: &str) -> StoreResult<Option<Vec<u8>>> {
    Ok(conn
        .prepare_cached("SELECT value FROM server_keys WHERE name = ?1")?
        .query_row([name], |r| r.get(0))
        .optional()?)
}

/// The key called `name`, created with `len` random bytes on first use.
pub fn get_or_create(conn: &Connection, name: &str, len: usize) -> StoreResult<Vec<u8>> {
    if let Some(v) = conn
        .prepare_cached("SELECT value FROM server_keys WHERE name = ?1")?
        .query_row([name], |r| r.get(0))
        .optional()?
    {
        return Ok(v);
    }
    let mut value = vec![0u8; len];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut value);
    conn.execute("INSERT INTO server_keys (name, value) VALUES (?1, ?2)", params![name, value])?;
    Ok(value)
}

/// The key called `name`, made by `make` on first use (for keys that are not
/// just random bytes, such as a P-256 scalar).
pub fn get_or_insert_with(conn: &Connection, name: &str, make: impl FnOnce() -> Vec<u8>) -> StoreResult<Vec<u8>> {
    if let Some(v) = conn
        .prepare_cached("SELECT value FROM server_keys WHERE name = ?1")?
        .query_row([name], |r| r.get(0))
        .optional()?
    {
        return Ok(v);
    }
    let value = make();
    conn.execute("INSERT INTO server_keys (name, value) VALUES (?1, ?2)", params![name, value])?;
    Ok(value)
}
