//! The lead list: filters, the search planner over the trigram index, and
//! pages written straight into the JSON body from borrowed rows.

use rusqlite::{Connection, Row, ToSql, params, types::Type};
use serde::Serialize;

use super::super::PageRequest;
use super::super::error::{StoreError, StoreResult};
use super::COLUMNS;
use crate::domain::{LeadSource, LeadStatus, Scope, UserId};

#[derive(Default, Debug)]
pub struct LeadFilter {
    pub q: Option<String>,
    pub status: Option<LeadStatus>,
    pub source: Option<LeadSource>,
    /// `true`: only conversations waiting for a reply, oldest waiting first.
    pub needs_reply: Option<bool>,
    pub assignee: Option<Assignee>,
    pub tag: Option<String>,
    /// `true`: only open leads (not won, lost or archived); `false`: only closed ones.
    pub open: Option<bool>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Assignee {
    Nobody,
    User(UserId),
}

impl LeadFilter {
    /// Only filters the per-(status, source) totals can answer.
    fn counted_by_totals(&self) -> bool {
        self.needs_reply.is_none() && self.assignee.is_none() && self.tag.is_none() && self.open.is_none()
    }
}

/// Turns a search string into an FTS5 trigram phrase, or None when it is too
/// short for trigrams (then a bounded LIKE is used). Phone-looking input is
/// reduced to digits without a national leading 0, so `052-123` finds `+97252123...`.
pub fn search_term(q: &str) -> Option<String> {
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
    Some(format!("\"{}\"", term.replace('"', "\"\"")))
}

// Conditions carry no `?`; written out so the partial index's WHERE is matched.
const NEEDS_REPLY_WHERE: &str =
    "l.last_inbound_at IS NOT NULL AND (l.last_outbound_at IS NULL OR l.last_outbound_at < l.last_inbound_at)";
const NOT_NEEDS_REPLY_WHERE: &str =
    "NOT (l.last_inbound_at IS NOT NULL AND (l.last_outbound_at IS NULL OR l.last_outbound_at < l.last_inbound_at))";

/// The list's filters other than the search text, as conditions on `l`
/// (one `?` each) with their values in order; the CSV export shares them.
pub(crate) fn filter_conditions(scope: Scope, f: &LeadFilter) -> (Vec<&'static str>, Vec<Box<dyn ToSql>>) {
    let mut clauses = Vec::new();
    let mut args: Vec<Box<dyn ToSql>> = Vec::new();
    if let Some(t) = scope.filter() {
        clauses.push("l.tenant_id = ?");
        args.push(Box::new(t));
    }
    if let Some(s) = f.status {
        clauses.push("l.status = ?");
        args.push(Box::new(s));
    }
    if let Some(s) = f.source {
        clauses.push("l.source = ?");
        args.push(Box::new(s));
    }
    match f.needs_reply {
        Some(true) => clauses.push(NEEDS_REPLY_WHERE),
        Some(false) => clauses.push(NOT_NEEDS_REPLY_WHERE),
        None => {}
    }
    match f.assignee {
        Some(Assignee::Nobody) => clauses.push("l.assignee_user_id IS NULL"),
        Some(Assignee::User(u)) => {
            clauses.push("l.assignee_user_id = ?");
            args.push(Box::new(u));
        }
        None => {}
    }
    if let Some(t) = &f.tag {
        clauses.push("EXISTS (SELECT 1 FROM json_each(l.tags) WHERE value = ?)");
        args.push(Box::new(t.clone()));
    }
    match f.open {
        Some(true) => clauses.push("l.status NOT IN ('won', 'lost', 'archived')"),
        Some(false) => clauses.push("l.status IN ('won', 'lost', 'archived')"),
        None => {}
    }
    (clauses, args)
}

/// How many leads in `scope` match `f` (its search text aside): the `total`
/// the list would answer, for the inbox's counts.
pub fn count_filtered(conn: &Connection, scope: Scope, f: &LeadFilter) -> StoreResult<i64> {
    let (clauses, args) = filter_conditions(scope, f);
    let sql = if clauses.is_empty() {
        "SELECT count(*) FROM leads l".to_string()
    } else {
        format!("SELECT count(*) FROM leads l WHERE {}", clauses.join(" AND "))
    };
    Ok(conn
        .prepare_cached(&sql)?
        .query_row(rusqlite::params_from_iter(args.iter().map(|a| a.as_ref())), |r| r.get(0))?)
}

/// A page of leads as the JSON body `{items, total, page, page_size}`, each
/// item exactly as [`Lead`] serialises. Rows are written into the body as
/// they are read, borrowed from SQLite: no String per field, no `Lead` per row.
pub fn list_json(conn: &Connection, scope: Scope, f: &LeadFilter, page: PageRequest) -> StoreResult<Vec<u8>> {
    let q = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
    if let Some(term) = q.and_then(search_term) {
        return search_json(conn, scope, f, &term, page);
    }
    let (mut clauses, mut args) = filter_conditions(scope, f);
    if let Some(q) = q {
        clauses.push("(l.first_name LIKE ?1x OR l.last_name LIKE ?1x OR l.phone_e164 LIKE ?1x OR l.email LIKE ?1x)");
        args.push(Box::new(format!("%{}%", q.replace(['%', '_'], ""))));
    }
    let (sql_where, flat) = where_clause(&clauses, &args);
    let total: i64 = if q.is_some() || !f.counted_by_totals() {
        conn.prepare_cached(&format!("SELECT count(*) FROM leads l{sql_where}"))?.query_row(&flat[..], |r| r.get(0))?
    } else {
        counted_total(conn, scope, f.status, f.source)?
    };
    let (limit, offset) = (page.page_size, page.offset());
    let mut bound = flat;
    bound.push(&limit);
    bound.push(&offset);
    let sql = format!("SELECT {COLUMNS} FROM leads l{sql_where} {}", list_order(f));
    page_json(conn, &sql, &bound[..], total, page)
}

/// How many leads `scope` has with this status and source (None: any), from
/// the totals the lead triggers keep, instead of counting the leads.
fn counted_total(
    conn: &Connection,
    scope: Scope,
    status: Option<LeadStatus>,
    source: Option<LeadSource>,
) -> StoreResult<i64> {
    Ok(conn
        .prepare_cached(
            "SELECT coalesce(sum(n), 0) FROM lead_counts
             WHERE (?1 IS NULL OR tenant_id = ?1) AND (?2 IS NULL OR status = ?2) AND (?3 IS NULL OR source = ?3)",
        )?
        .query_row(params![scope.filter(), status, source], |r| r.get(0))?)
}

fn list_order(f: &LeadFilter) -> &'static str {
    if f.needs_reply == Some(true) {
        "ORDER BY l.last_inbound_at, l.id LIMIT ? OFFSET ?"
    } else {
        "ORDER BY l.last_activity_at DESC, l.id DESC LIMIT ? OFFSET ?"
    }
}

/// The conditions as ` WHERE a AND b`, with their values in `?` order. Each
/// clause has at most one `?`; the LIKE clause repeats one value, so it is expanded.
fn where_clause<'a>(clauses: &[&str], args: &'a [Box<dyn ToSql>]) -> (String, Vec<&'a dyn ToSql>) {
    let mut sql_where = String::new();
    let mut flat: Vec<&dyn ToSql> = Vec::new();
    let mut next_arg = args.iter();
    for (i, c) in clauses.iter().enumerate() {
        sql_where.push_str(if i == 0 { " WHERE " } else { " AND " });
        if c.contains("?1x") {
            sql_where.push_str(&c.replace("?1x", "?"));
            if let Some(a) = next_arg.next() {
                flat.extend(std::iter::repeat_n(a.as_ref(), 4));
            }
        } else {
            sql_where.push_str(c);
            if c.contains('?')
                && let Some(a) = next_arg.next()
            {
                flat.push(a.as_ref());
            }
        }
    }
    (sql_where, flat)
}

/// The search index's rowids of the leads in `scope`: the index keys a lead
/// by `(tenant_id << 32) | id` (schema version 5), so one business is one range.
pub(crate) fn search_rowid_range(scope: Scope) -> (i64, i64) {
    match scope.filter() {
        Some(t) => (t.0 << 32, (t.0 << 32) | 0xffff_ffff),
        None => (0, i64::MAX),
    }
}

/// The ids of the leads whose text matches the FTS term `?1`, in the rowid range `?2..=?3`.
const MATCHING_LEAD_IDS: &str =
    "SELECT rowid & 4294967295 FROM leads_fts WHERE leads_fts MATCH ?1 AND rowid BETWEEN ?2 AND ?3";

/// A search page. Without other filters the matches' ids are read once from
/// the index (their number is the total), and the page is either the newest
/// matches found by walking the activity index (many matches) or the matches
/// sorted (few); a search never sorts thousands of rows nor reads the index twice.
fn search_json(conn: &Connection, scope: Scope, f: &LeadFilter, term: &str, page: PageRequest) -> StoreResult<Vec<u8>> {
    let (lo, hi) = search_rowid_range(scope);
    let (limit, offset) = (page.page_size, page.offset());
    let (clauses, args) = filter_conditions(Scope::All, f);
    if !clauses.is_empty() {
        // Other filters too: start from the matches (the range is the business),
        // then check each against the filters; no index on `l` can lead here.
        let (sql_where, flat) = where_clause(&clauses, &args);
        let rest = sql_where.replacen(" WHERE ", " AND ", 1);
        let mut bound: Vec<&dyn ToSql> = vec![&term, &lo, &hi];
        bound.extend(flat);
        let total: i64 = conn
            .prepare_cached(&format!(
                "SELECT count(*) FROM leads_fts f JOIN leads l ON l.id = f.rowid & 4294967295
                 WHERE leads_fts MATCH ?1 AND f.rowid BETWEEN ?2 AND ?3{rest}"
            ))?
            .query_row(&bound[..], |r| r.get(0))?;
        bound.push(&limit);
        bound.push(&offset);
        let sql = format!(
            "SELECT {COLUMNS} FROM leads_fts f JOIN leads l ON l.id = f.rowid & 4294967295
             WHERE leads_fts MATCH ?1 AND f.rowid BETWEEN ?2 AND ?3{rest} {}",
            list_order(f)
        );
        return page_json(conn, &sql, &bound[..], total, page);
    }
    let mut ids: Vec<i64> = conn
        .prepare_cached(MATCHING_LEAD_IDS)?
        .query_map(params![term, lo, hi], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    ids.sort_unstable();
    let total = ids.len() as i64;
    let wanted = offset.saturating_add(limit);
    let in_scope = counted_total(conn, scope, None, None)?;
    // Walking reads about wanted * in_scope / total index entries; sorting looks up
    // every match (several times dearer per row).
    let walk = total > 0 && (wanted as f64) * (in_scope as f64) < 5.0 * (total as f64) * (total as f64);
    let (chosen, bound_offset) = if walk {
        let walk_sql = match scope {
            Scope::Tenant(_) => "SELECT id FROM leads WHERE tenant_id = ?1 ORDER BY last_activity_at DESC, id DESC",
            Scope::All => "SELECT id FROM leads WHERE ?1 IS NULL ORDER BY last_activity_at DESC, id DESC",
        };
        let mut stmt = conn.prepare_cached(walk_sql)?;
        let mut rows = stmt.query([scope.filter()])?;
        let mut seen = 0i64;
        let mut chosen = Vec::with_capacity(limit as usize);
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
        (chosen, 0)
    } else {
        (ids, offset)
    };
    let id_list = serde_json::to_string(&chosen).map_err(|e| StoreError::Unavailable(e.to_string()))?;
    let sql = format!(
        "SELECT {COLUMNS} FROM leads l WHERE l.id IN (SELECT value FROM json_each(?1)) AND (?4 IS NULL OR l.tenant_id = ?4)
         ORDER BY l.last_activity_at DESC, l.id DESC LIMIT ?2 OFFSET ?3"
    );
    page_json(conn, &sql, params![id_list, limit, bound_offset, scope.filter()], total, page)
}

/// Runs `sql` (which selects [`COLUMNS`]) and writes the page body.
fn page_json(
    conn: &Connection,
    sql: &str,
    bound: impl rusqlite::Params,
    total: i64,
    page: PageRequest,
) -> StoreResult<Vec<u8>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let mut rows = stmt.query(bound)?;
    let mut out = Vec::with_capacity(512 + 400 * page.page_size as usize);
    out.extend_from_slice(b"{\"items\":[");
    let mut first = true;
    while let Some(r) = rows.next()? {
        if !first {
            out.push(b',');
        }
        first = false;
        serde_json::to_writer(&mut out, &borrow_row(r)?).map_err(|e| StoreError::Unavailable(e.to_string()))?;
    }
    out.extend_from_slice(
        format!("],\"total\":{total},\"page\":{},\"page_size\":{}}}", page.page, page.page_size).as_bytes(),
    );
    Ok(out)
}

/// [`Lead`]'s JSON shape over borrowed row data (same fields, same order).
#[derive(Serialize)]
struct LeadRef<'a> {
    id: i64,
    tenant_id: i64,
    first_name: &'a str,
    last_name: &'a str,
    phone_e164: Option<&'a str>,
    whatsapp_id: Option<&'a str>,
    email: Option<&'a str>,
    source: &'a str,
    status: &'a str,
    notes: &'a str,
    created_at: &'a str,
    updated_at: &'a str,
    last_activity_at: &'a str,
    ai_paused_until: Option<&'a str>,
    assignee_user_id: Option<i64>,
    tags: &'a serde_json::value::RawValue,
    last_inbound_at: Option<&'a str>,
    needs_reply: bool,
    last_message: Option<&'a serde_json::value::RawValue>,
}

fn text<'r>(r: &'r Row<'_>, i: usize) -> rusqlite::Result<&'r str> {
    r.get_ref(i)?.as_str().map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, Type::Text, Box::new(e)))
}

fn opt_text<'r>(r: &'r Row<'_>, i: usize) -> rusqlite::Result<Option<&'r str>> {
    r.get_ref(i)?.as_str_or_null().map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, Type::Text, Box::new(e)))
}

fn borrow_row<'r>(r: &'r Row<'_>) -> rusqlite::Result<LeadRef<'r>> {
    Ok(LeadRef {
        id: r.get(0)?,
        tenant_id: r.get(1)?,
        first_name: text(r, 2)?,
        last_name: text(r, 3)?,
        phone_e164: opt_text(r, 4)?,
        whatsapp_id: opt_text(r, 5)?,
        email: opt_text(r, 6)?,
        source: text(r, 7)?,
        status: text(r, 8)?,
        notes: text(r, 9)?,
        created_at: text(r, 10)?,
        updated_at: text(r, 11)?,
        last_activity_at: text(r, 12)?,
        ai_paused_until: opt_text(r, 13)?,
        assignee_user_id: r.get(14)?,
        tags: serde_json::from_str(text(r, 15)?)
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(15, Type::Text, Box::new(e)))?,
        last_inbound_at: opt_text(r, 16)?,
        needs_reply: r.get(17)?,
        last_message: opt_text(r, 18)?
            .map(serde_json::from_str)
            .transpose()
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(18, Type::Text, Box::new(e)))?,
    })
}
