//! Search: the trigram index plus the few leads it does not cover yet, and
//! the search page's planner.

use rusqlite::{Connection, ToSql, params};

use super::super::PageRequest;
use super::super::error::{StoreError, StoreResult};
use super::arms::Arms;
use super::list::{LeadFilter, ListTotal, counted_total, filter_conditions, list_order, page_json, where_clause};
use super::search_index::{SEARCHED_COLUMNS, indexed_through, stale_ids, waiting_leads};
use super::{COLUMNS, fold};
use crate::domain::{Scope, TenantId};

/// A search without other filters counts its matches up to this many; past
/// it the page still holds the newest matches, and the total says "more than".
pub const COUNT_LIMIT: i64 = 200;

/// A search string as both the index and [`fold::contains`] take it.
pub struct Search {
    /// The FTS5 phrase.
    phrase: String,
    /// The term, folded as the index folds it.
    folded: String,
}

impl Search {
    /// None when the term is too short for trigrams (then a bounded LIKE is
    /// used). Phone-looking input is reduced to digits without a national
    /// leading 0, so `052-123` finds `+97252123...`.
    pub fn parse(q: &str) -> Option<Search> {
        let q = q.trim();
        let phoneish = !q.is_empty() && q.chars().all(|c| c.is_ascii_digit() || " +-().".contains(c));
        let term = if phoneish {
            let digits: String = q.chars().filter(char::is_ascii_digit).collect();
            digits.trim_start_matches('0').to_string()
        } else {
            q.to_string()
        };
        if term.chars().count() < 3 {
            return None;
        }
        Some(Search { phrase: format!("\"{}\"", term.replace('"', "\"\"")), folded: fold::fold(&term) })
    }
}

/// The FTS5 phrase for a search string (see [`Search::parse`]).
pub fn search_term(q: &str) -> Option<String> {
    Search::parse(q).map(|s| s.phrase)
}

/// The search index's rowids of the leads in `scope`: the index keys a lead
/// by `(tenant_id << 32) | id`, so one business is one range.
pub(crate) fn search_rowid_range(scope: Scope) -> (i64, i64) {
    match scope.filter() {
        Some(t) => (t.0 << 32, (t.0 << 32) | 0xffff_ffff),
        None => (0, i64::MAX),
    }
}

/// The ids (sorted) of the leads in `scope` matching `s`, and whether they are
/// all of them: with `limit`, at most that many are read from the index.
pub(crate) fn matching_ids(
    conn: &Connection,
    scope: Scope,
    s: &Search,
    limit: Option<i64>,
) -> StoreResult<(Vec<i64>, bool)> {
    let (lo, hi) = search_rowid_range(scope);
    let through = indexed_through(conn)?;
    let stale = stale_ids(conn)?;
    // Stale entries read from the index are dropped below: read as many more.
    let read = limit.map_or(-1, |l| l + stale.len() as i64);
    let mut ids: Vec<i64> = conn
        .prepare_cached(
            "SELECT rowid & 4294967295 FROM leads_fts WHERE leads_fts MATCH ?1 AND rowid BETWEEN ?2 AND ?3 LIMIT ?4",
        )?
        .query_map(params![s.phrase, lo, hi, read], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let complete = read < 0 || (ids.len() as i64) < read;
    ids.retain(|id| stale.binary_search(id).is_err());
    for (id, text) in waiting_leads(conn, scope, through)? {
        if fold::contains(&text, &s.folded) {
            ids.push(id);
        }
    }
    ids.sort_unstable();
    ids.dedup();
    Ok((ids, complete))
}

/// The leads of `tenant` whose email is `email` in any ASCII case (SQLite's
/// `lower`). The email is part of each lead's indexed text, so the search
/// index finds the candidates and SQL keeps the exact ones: no index of
/// emails is written with every lead.
pub(crate) fn ids_with_email(conn: &Connection, tenant: TenantId, email: &str) -> StoreResult<Vec<i64>> {
    let Some(s) = Search::parse(email) else {
        return Ok(conn
            .prepare_cached("SELECT id FROM leads WHERE tenant_id = ?1 AND lower(email) = lower(?2) ORDER BY id")?
            .query_map(params![tenant, email], |r| r.get(0))?
            .collect::<Result<_, _>>()?);
    };
    let (candidates, _) = matching_ids(conn, Scope::Tenant(tenant), &s, None)?;
    Ok(conn
        .prepare_cached(
            "SELECT id FROM leads WHERE id IN (SELECT value FROM json_each(?1)) AND tenant_id = ?2
               AND lower(email) = lower(?3) ORDER BY id",
        )?
        .query_map(params![id_json(&candidates)?, tenant, email], |r| r.get(0))?
        .collect::<Result<_, _>>()?)
}

/// A search page. With other filters, every match is checked against them
/// (and counted). Without, the index is read for one match past the page,
/// then (matches that are not dense) up to [`COUNT_LIMIT`]: few matches are
/// sorted or found by walking the activity index; dense ones, or more than
/// the limit, are found by a walk that checks each lead's own text, and the
/// total is a lower bound. A search never sorts thousands of rows.
pub(super) fn search_json(
    conn: &Connection,
    arms: &Arms,
    f: &LeadFilter,
    s: &Search,
    page: PageRequest,
) -> StoreResult<Vec<u8>> {
    let scope = arms.scope();
    let (limit, offset) = (page.page_size, page.offset());
    let (clauses, args) = filter_conditions(Scope::All, f);
    if !clauses.is_empty() {
        let (ids, _) = matching_ids(conn, scope, s, None)?;
        let id_list = id_json(&ids)?;
        let (sql_where, flat) = where_clause(&clauses, &args);
        let rest = sql_where.replacen(" WHERE ", " AND ", 1);
        let mut bound: Vec<&dyn ToSql> = vec![&id_list];
        bound.extend(flat);
        let total: i64 = conn
            .prepare_cached(&format!(
                "SELECT count(*) FROM leads l WHERE l.id IN (SELECT value FROM json_each(?)){rest}"
            ))?
            .query_row(&bound[..], |r| r.get(0))?;
        bound.push(&limit);
        bound.push(&offset);
        let sql = format!(
            "SELECT {COLUMNS} FROM leads l WHERE l.id IN (SELECT value FROM json_each(?)){rest} {}",
            list_order(f)
        );
        return page_json(conn, &sql, &bound[..], ListTotal::exact(total), page);
    }
    // A plain search first reads one match past the page from the index. No
    // more: the total is exact. More, and the matches are dense (the probe's
    // ids are close together, so a walk of the activity order finds the page
    // within a few thousand leads): the page is found by that walk, checking
    // each lead's own text, and the total says "more than" the page. Else up
    // to `bound` + 1 matches are read: up to there the total is exact; past
    // it the walk again. The bound covers the page asked for, so the pager
    // can always offer the next one.
    let wanted = offset.saturating_add(limit);
    let (probe, probe_complete) = matching_ids(conn, scope, s, Some(wanted + 1))?;
    let ids = if probe_complete {
        probe
    } else if walk_is_short(&probe, wanted) {
        return walk_page(conn, arms, s, page, ListTotal::more_than(wanted));
    } else {
        let bound = COUNT_LIMIT.max(wanted);
        let (ids, complete) = matching_ids(conn, scope, s, Some(bound + 1))?;
        if !complete {
            return walk_page(conn, arms, s, page, ListTotal::more_than(bound));
        }
        ids
    };
    let total = ids.len() as i64;
    let in_scope = counted_total(conn, scope, None, None)?;
    // Walking reads about wanted * in_scope / total index entries; sorting
    // looks up every match (several times dearer per row).
    let walk = total > 0 && (wanted as f64) * (in_scope as f64) < 5.0 * (total as f64) * (total as f64);
    let (chosen, bound_offset) =
        if walk { (walk_checking_ids(conn, arms, &ids, offset, wanted)?, 0) } else { (ids, offset) };
    page_of_ids(conn, &chosen, scope, (limit, bound_offset), ListTotal::exact(total), page)
}

/// The page of the leads `ids` in `scope`, newest activity first, skipping
/// `offset` and keeping `limit`: each row read by key.
fn page_of_ids(
    conn: &Connection,
    ids: &[i64],
    scope: Scope,
    (limit, offset): (i64, i64),
    total: ListTotal,
    page: PageRequest,
) -> StoreResult<Vec<u8>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM leads l WHERE l.id IN (SELECT value FROM json_each(?1)) AND (?4 IS NULL OR l.tenant_id = ?4)
         ORDER BY l.last_activity_at DESC, l.id DESC LIMIT ?2 OFFSET ?3"
    );
    page_json(conn, &sql, params![id_json(ids)?, limit, offset, scope.filter()], total, page)
}

/// Leads a walk may read to find a page before the index's count is the
/// cheaper way (a walk reads about 0.3 µs per lead).
const SHORT_WALK: i64 = 4_000;

/// Whether walking the activity order finds `wanted` matches within
/// [`SHORT_WALK`] leads, judged by how close together the first matching
/// ids are (sorted; lead ids of other businesses between them only make the
/// guess longer).
fn walk_is_short(ids: &[i64], wanted: i64) -> bool {
    match (ids.first(), ids.last()) {
        (Some(first), Some(last)) if ids.len() > 1 => {
            let per_match = (last - first + 1) as f64 / ids.len() as f64;
            per_match * (wanted as f64) < SHORT_WALK as f64
        }
        _ => false,
    }
}

fn id_json(ids: &[i64]) -> StoreResult<String> {
    serde_json::to_string(ids).map_err(|e| StoreError::Unavailable(e.to_string()))
}

/// The matches `offset..wanted` in activity order among the sorted `ids`:
/// each business's activity index, read backwards (merged across businesses).
fn walk_checking_ids(conn: &Connection, arms: &Arms, ids: &[i64], offset: i64, wanted: i64) -> StoreResult<Vec<i64>> {
    let tenant = arms.scope().filter();
    let (sql_where, flat): (&str, Vec<&dyn ToSql>) = match &tenant {
        Some(t) => (" WHERE l.tenant_id = ?", vec![t]),
        None => ("", Vec::new()),
    };
    // The merge of per-business arms orders by columns it selects.
    let (select, bound) = arms.select("l.id, l.last_activity_at", sql_where, &flat);
    let mut stmt = conn.prepare_cached(&format!("{select} ORDER BY l.last_activity_at DESC, l.id DESC"))?;
    let mut rows = stmt.query(&bound[..])?;
    let mut seen = 0i64;
    let mut chosen = Vec::new();
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        if ids.binary_search(&id).is_ok() {
            seen += 1;
            if seen > offset {
                chosen.push(id);
                if seen >= wanted {
                    break;
                }
            }
        }
    }
    Ok(chosen)
}

/// The page of matches in activity order, each lead's text checked as the
/// index would ([`SEARCHED_COLUMNS`], the parts of the indexed text) by
/// [`fold::CONTAINS_FN`] inside SQLite. The walk reads the activity index
/// (it carries the searched columns); only the page's rows are read whole.
fn walk_page(conn: &Connection, arms: &Arms, s: &Search, page: PageRequest, total: ListTotal) -> StoreResult<Vec<u8>> {
    let contains = |parts: &str| format!("{}(?, {parts})", fold::CONTAINS_FN);
    let (limit, offset) = (page.page_size, page.offset());
    if let Arms::One(scope) = arms {
        // One statement: SQLite seeks a lead's row only once its entry matched.
        let tenant = scope.filter();
        let (sql_where, mut bound): (String, Vec<&dyn ToSql>) = match &tenant {
            Some(t) => (format!(" WHERE l.tenant_id = ? AND {}", contains(SEARCHED_COLUMNS)), vec![t]),
            None => (format!(" WHERE {}", contains(SEARCHED_COLUMNS)), Vec::new()),
        };
        bound.extend([&s.folded as &dyn ToSql, &limit, &offset]);
        let sql = format!(
            "SELECT {COLUMNS} FROM leads l{sql_where} ORDER BY l.last_activity_at DESC, l.id DESC LIMIT ? OFFSET ?"
        );
        return page_json(conn, &sql, &bound[..], total, page);
    }
    // Across businesses the check runs on the merged order, not inside each
    // business's arm: there the merge would read every arm up to its first
    // match (all of a business that has none). The merge's LIMIT keeps SQLite
    // from dropping its ORDER BY; the page is then read by key.
    let (merged, mut bound) = arms.select(&format!("l.id, {SEARCHED_COLUMNS}, l.last_activity_at"), "", &[]);
    bound.extend([&s.folded as &dyn ToSql, &limit, &offset]);
    let sql = format!(
        "SELECT id FROM ({merged} ORDER BY l.last_activity_at DESC, l.id DESC LIMIT -1) WHERE {} LIMIT ? OFFSET ?",
        // The merge's columns are named without the `l.`.
        contains(&SEARCHED_COLUMNS.replace("l.", ""))
    );
    let chosen: Vec<i64> = conn.prepare_cached(&sql)?.query_map(&bound[..], |r| r.get(0))?.collect::<Result<_, _>>()?;
    page_of_ids(conn, &chosen, Scope::All, (limit, 0), total, page)
}
