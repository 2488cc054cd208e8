//! Keeping the search index (`leads_fts`) and the lead totals (`lead_counts`)
//! up to date in batches, and what a search or a total adds for the leads a
//! batch has not reached yet.
//!
//! Each index write is an index segment of its own (several pages, and merges
//! later); a total's upsert is a page. Leads above `leads_indexed.through_id`
//! and those noted in `search_index_pending` wait for the next batch, which
//! the writer runs at the end of a group once [`BATCH`] leads wait. Readers
//! check the waiting leads' own text ([`super::fold`]) and count them, so no
//! answer depends on whether a batch has run.

use rusqlite::{Connection, params};

use super::super::error::StoreResult;
use crate::domain::Scope;

/// How many waiting leads make a batch. A search reads the waiting leads'
/// text, so this bounds its extra work.
pub const BATCH: i64 = 64;

/// The columns of lead `l` that [`INDEXED_TEXT`] joins, in its order: the
/// search walk checks these, as the parts of that text.
pub(super) const SEARCHED_COLUMNS: &str = "l.first_name, l.last_name, l.phone_e164, l.whatsapp_id, l.email";

/// The text the index holds for a lead `l`.
pub(super) const INDEXED_TEXT: &str = "l.first_name || ' ' || l.last_name || ' ' || coalesce(l.phone_e164, '') || ' ' \
                                       || coalesce(l.whatsapp_id, '') || ' ' || coalesce(l.email, '')";

/// The last lead id the index and the totals include (all lower ones are in,
/// except those noted as pending).
pub(super) fn indexed_through(conn: &Connection) -> rusqlite::Result<i64> {
    conn.prepare_cached("SELECT through_id FROM leads_indexed WHERE id = 1")?.query_row([], |r| r.get(0))
}

/// Ends a writer group: indexes and counts the waiting leads when there are
/// [`BATCH`] of them. Runs in the group's transaction just before COMMIT,
/// outside any request's savepoint, so FTS5 writes one segment for the batch.
pub fn sync_search_index(tx: &Connection) -> StoreResult<()> {
    let through = indexed_through(tx)?;
    // Counting stops at a batch: the rows past it need not be read.
    let waiting: i64 = tx
        .prepare_cached(
            "SELECT (SELECT count(*) FROM search_index_pending)
                  + (SELECT count(*) FROM (SELECT 1 FROM leads WHERE id > ?1 LIMIT ?2))",
        )?
        .query_row([through, BATCH], |r| r.get(0))?;
    if waiting >= BATCH {
        index_waiting_leads(tx, through)?;
    }
    Ok(())
}

/// Indexes every waiting lead now, whatever their number (at start-up, so
/// leads another program wrote are not checked one by one until the next batch).
pub fn index_all_waiting(tx: &Connection) -> rusqlite::Result<()> {
    let through = indexed_through(tx)?;
    let waiting: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM search_index_pending) OR EXISTS (SELECT 1 FROM leads WHERE id > ?1)",
        [through],
        |r| r.get(0),
    )?;
    if waiting { index_waiting_leads(tx, through) } else { Ok(()) }
}

fn index_waiting_leads(tx: &Connection, through: i64) -> rusqlite::Result<()> {
    // Renamed leads: their stale entry goes first (a missing one is no error).
    // CROSS JOIN keeps the few pending rows outside: planned the other way
    // round, every batch scanned an index of all leads.
    tx.prepare_cached(
        "DELETE FROM leads_fts WHERE rowid IN
             (SELECT (l.tenant_id << 32) | l.id FROM search_index_pending p CROSS JOIN leads l ON l.id = p.lead_id)",
    )?
    .execute([])?;
    tx.prepare_cached(&format!(
        "INSERT INTO leads_fts (rowid, text)
         SELECT (l.tenant_id << 32) | l.id, {INDEXED_TEXT} FROM leads l
         WHERE l.id > ?1 OR l.id IN (SELECT lead_id FROM search_index_pending)"
    ))?
    .execute([through])?;
    tx.prepare_cached(
        "INSERT INTO lead_counts (tenant_id, status, source, n)
         SELECT tenant_id, status, source, count(*) FROM leads WHERE id > ?1 GROUP BY tenant_id, status, source
         ON CONFLICT (tenant_id, status, source) DO UPDATE SET n = n + excluded.n",
    )?
    .execute([through])?;
    tx.prepare_cached("UPDATE leads_indexed SET through_id = (SELECT coalesce(max(id), 0) FROM leads) WHERE id = 1")?
        .execute([])?;
    tx.prepare_cached("DELETE FROM search_index_pending")?.execute([])?;
    Ok(())
}

/// The leads in `scope` the index may not answer for (not in it yet, or
/// with stale text): their ids and current text. Two key look-ups, never a scan.
pub(super) fn waiting_leads(conn: &Connection, scope: Scope, through: i64) -> StoreResult<Vec<(i64, String)>> {
    let sql = format!(
        "SELECT l.id, {INDEXED_TEXT} FROM leads l WHERE l.id > ?1 AND (?2 IS NULL OR l.tenant_id = ?2)
         UNION
         SELECT l.id, {INDEXED_TEXT} FROM search_index_pending p CROSS JOIN leads l ON l.id = p.lead_id
         WHERE ?2 IS NULL OR l.tenant_id = ?2"
    );
    Ok(conn
        .prepare_cached(&sql)?
        .query_map(params![through, scope.filter()], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?)
}

/// The ids noted as stale in the index (their entries there are not to be trusted), sorted.
pub(super) fn stale_ids(conn: &Connection) -> StoreResult<Vec<i64>> {
    Ok(conn
        .prepare_cached("SELECT lead_id FROM search_index_pending ORDER BY lead_id")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_searched_columns_are_the_indexed_texts_parts_in_order() {
        let mut rest = INDEXED_TEXT;
        for column in SEARCHED_COLUMNS.split(", ") {
            let at = rest.find(column).unwrap_or_else(|| panic!("{column} is not next in the indexed text"));
            rest = &rest[at + column.len()..];
        }
        assert!(!rest.contains("l."), "the indexed text has a part the walk does not check: {rest}");
    }
}
