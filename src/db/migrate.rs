//! Migrations: `schema.sql` is split into blocks by its `-- version: N`
//! lines; each block runs once, in order, in its own transaction, and
//! `PRAGMA user_version` records the last. An existing file is copied aside
//! before its first migration.

use std::path::Path;

use rusqlite::{Connection, TransactionBehavior};

use super::{OpenError, SCHEMA_SQL};

/// The blocks of `schema.sql`, as (version, sql), in order.
pub fn migrations() -> Vec<(u32, &'static str)> {
    let mut out: Vec<(u32, &'static str)> = Vec::new();
    let mut offset = 0;
    let mut current: Option<(u32, usize)> = None;
    for line in SCHEMA_SQL.split_inclusive('\n') {
        if let Some(v) = line.strip_prefix("-- version: ") {
            if let Some((version, start)) = current.take() {
                out.push((version, &SCHEMA_SQL[start..offset]));
            }
            let version = v.trim().parse().expect("schema.sql: a `-- version: N` line needs a number");
            current = Some((version, offset + line.len()));
        }
        offset += line.len();
    }
    if let Some((version, start)) = current {
        out.push((version, &SCHEMA_SQL[start..]));
    }
    out
}

/// The schema version this build writes and expects.
pub fn latest_version() -> u32 {
    migrations().last().map(|(v, _)| *v).unwrap_or(0)
}

/// An existing data file (schema version above 0) about to be migrated gets
/// a verified copy first, `<data>.pre-v<latest>.db` (see
/// [`crate::backup::pre_upgrade_copy`]): going back is restoring it. A new
/// file (version 0) and a current one get none.
pub(super) fn copy_before_upgrade(conn: &Connection, path: &Path, shown: &str) -> Result<(), OpenError> {
    let current: u32 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(|source| OpenError::Sqlite { path: shown.to_string(), source })?;
    let latest = latest_version();
    if current == 0 || current >= latest {
        return Ok(());
    }
    let copy = crate::backup::pre_upgrade_copy(path, latest).map_err(|e| OpenError::PreUpgradeCopy {
        path: shown.to_string(),
        from: current,
        to: latest,
        reason: format!("{e:#}"),
    })?;
    tracing::info!(
        copy = %copy.display(), from = current, to = latest,
        "wrote a verified copy of the data file before upgrading its schema"
    );
    Ok(())
}

pub(super) fn migrate(conn: &mut Connection, path: &str) -> Result<(), OpenError> {
    let sqlite = |source| OpenError::Sqlite { path: path.to_string(), source };
    let current: u32 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).map_err(sqlite)?;
    let known = latest_version();
    if current > known {
        return Err(OpenError::NewerSchema { path: path.to_string(), found: current, known });
    }
    if current == known {
        return Ok(());
    }
    // SQLite's way to rebuild a table others refer to (to change a CHECK):
    // foreign keys off while the blocks run (a DROP would otherwise cascade),
    // the old table name kept in other tables' triggers on RENAME, and a
    // foreign-key check before each block commits. Both settings are outside
    // any transaction and are put back before returning.
    conn.pragma_update(None, "foreign_keys", false).map_err(sqlite)?;
    conn.pragma_update(None, "legacy_alter_table", true).map_err(sqlite)?;
    let applied = apply_blocks(conn, current, path);
    conn.pragma_update(None, "legacy_alter_table", false).map_err(sqlite)?;
    conn.pragma_update(None, "foreign_keys", true).map_err(sqlite)?;
    applied
}

fn apply_blocks(conn: &mut Connection, current: u32, path: &str) -> Result<(), OpenError> {
    let sqlite = |source| OpenError::Sqlite { path: path.to_string(), source };
    for (version, sql) in migrations().into_iter().filter(|(v, _)| *v > current) {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(sqlite)?;
        tx.execute_batch(sql).map_err(sqlite)?;
        let dangling: i64 =
            tx.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0)).map_err(sqlite)?;
        if dangling > 0 {
            return Err(OpenError::Migration {
                path: path.to_string(),
                version,
                reason: format!("{dangling} rows would refer to rows that do not exist"),
            });
        }
        tx.pragma_update(None, "user_version", version).map_err(sqlite)?;
        tx.commit().map_err(sqlite)?;
        tracing::info!(version, "applied schema migration");
    }
    Ok(())
}
