//! Keeping the search index (`leads_fts`) up to date: once per writer group
//! instead of once per change.

use rusqlite::Connection;

use super::super::error::StoreResult;

/// Starts a writer group in which the search index is brought up to date
/// once, at the end ([`sync_search_index`]), instead of at every change
/// (see `search_index_mode` in schema.sql for why).
pub fn defer_search_index(tx: &Connection) -> StoreResult<()> {
    tx.prepare_cached("UPDATE search_index_mode SET deferred = 1 WHERE id = 1")?.execute([])?;
    Ok(())
}

/// Indexes every lead the group created or renamed, and ends the deferral.
/// Runs in the group's transaction just before COMMIT, outside any request's
/// savepoint, so FTS5 writes one segment for the whole group.
pub fn sync_search_index(tx: &Connection) -> StoreResult<()> {
    let noted: bool =
        tx.prepare_cached("SELECT EXISTS (SELECT 1 FROM search_index_pending)")?.query_row([], |r| r.get(0))?;
    if noted {
        index_noted_leads(tx)?;
    }
    tx.prepare_cached("UPDATE search_index_mode SET deferred = 0 WHERE id = 1")?.execute([])?;
    Ok(())
}

/// Re-indexes the leads noted in `search_index_pending` and clears the notes.
fn index_noted_leads(tx: &Connection) -> StoreResult<()> {
    let stale: Vec<i64> = tx
        .prepare_cached("SELECT lead_id FROM search_index_pending WHERE is_new = 0")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut unindex = tx.prepare_cached(
        "DELETE FROM leads_fts WHERE rowid = (SELECT (tenant_id << 32) | id FROM leads WHERE id = ?1)",
    )?;
    for id in stale {
        unindex.execute([id])?;
    }
    tx.prepare_cached(
        "INSERT INTO leads_fts (rowid, text)
         SELECT (l.tenant_id << 32) | l.id, l.first_name || ' ' || l.last_name || ' ' || coalesce(l.phone_e164, '') || ' '
                      || coalesce(l.whatsapp_id, '') || ' ' || coalesce(l.email, '')
         FROM search_index_pending p JOIN leads l ON l.id = p.lead_id",
    )?
    .execute([])?;
    tx.prepare_cached("DELETE FROM search_index_pending")?.execute([])?;
    Ok(())
}
