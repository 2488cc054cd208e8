//! The lead list: filters, totals, and pages written straight into the JSON
//! body from borrowed rows (search: [`super::search`]).

use rusqlite::{Connection, Row, ToSql, params, types::Type};
use serde::Serialize;

use super::super::PageRequest;
use super::super::error::{StoreError, StoreResult};
use super::COLUMNS;
use super::arms::Arms;
use super::search::{Search, search_json};
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
        // Spelled out so the status index (which leaves `new` leads out) is used.
        if s != LeadStatus::New {
            clauses.push("l.status <> 'new'");
        }
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

/// A page of leads as the JSON body `{items, total, total_is_lower_bound,
/// page, page_size}`, each item exactly as [`Lead`] serialises. Rows are
/// written into the body as they are read, borrowed from SQLite: no String
/// per field, no `Lead` per row.
pub fn list_json(conn: &Connection, scope: Scope, f: &LeadFilter, page: PageRequest) -> StoreResult<Vec<u8>> {
    let arms = Arms::of(conn, scope)?;
    let scope = arms.scope();
    let q = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
    if let Some(s) = q.and_then(Search::parse) {
        return search_json(conn, &arms, f, &s, page);
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
    let (select, mut bound) = arms.select(COLUMNS, &sql_where, &flat);
    bound.push(&limit);
    bound.push(&offset);
    let sql = format!("{select} {}", list_order(f));
    page_json(conn, &sql, &bound[..], ListTotal::exact(total), page)
}

/// How many leads `scope` has with this status and source (None: any): the
/// totals the lead triggers keep, plus the newest leads a batch has not
/// counted yet (see `search_index`), instead of counting every lead.
pub(super) fn counted_total(
    conn: &Connection,
    scope: Scope,
    status: Option<LeadStatus>,
    source: Option<LeadSource>,
) -> StoreResult<i64> {
    Ok(conn
        .prepare_cached(
            "SELECT (SELECT coalesce(sum(n), 0) FROM lead_counts
                     WHERE (?1 IS NULL OR tenant_id = ?1) AND (?2 IS NULL OR status = ?2) AND (?3 IS NULL OR source = ?3))
                  + (SELECT count(*) FROM leads
                     WHERE id > (SELECT through_id FROM leads_indexed WHERE id = 1)
                       AND (?1 IS NULL OR tenant_id = ?1) AND (?2 IS NULL OR status = ?2) AND (?3 IS NULL OR source = ?3))",
        )?
        .query_row(params![scope.filter(), status, source], |r| r.get(0))?)
}

/// A list's `total`: exact, or (a search with very many matches) a number the matches exceed.
#[derive(Clone, Copy, Debug)]
pub(super) struct ListTotal {
    n: i64,
    lower_bound: bool,
}

impl ListTotal {
    pub(super) fn exact(n: i64) -> ListTotal {
        ListTotal { n, lower_bound: false }
    }

    pub(super) fn more_than(n: i64) -> ListTotal {
        ListTotal { n, lower_bound: true }
    }
}

pub(super) fn list_order(f: &LeadFilter) -> &'static str {
    if f.needs_reply == Some(true) {
        "ORDER BY l.last_inbound_at, l.id LIMIT ? OFFSET ?"
    } else {
        "ORDER BY l.last_activity_at DESC, l.id DESC LIMIT ? OFFSET ?"
    }
}

/// The conditions as ` WHERE a AND b`, with their values in `?` order. Each
/// clause has at most one `?`; the LIKE clause repeats one value, so it is expanded.
pub(super) fn where_clause<'a>(clauses: &[&str], args: &'a [Box<dyn ToSql>]) -> (String, Vec<&'a dyn ToSql>) {
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

/// Runs `sql` (which selects [`COLUMNS`]) and writes the page body.
pub(super) fn page_json(
    conn: &Connection,
    sql: &str,
    bound: impl rusqlite::Params,
    total: ListTotal,
    page: PageRequest,
) -> StoreResult<Vec<u8>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let mut rows = stmt.query(bound)?;
    let mut body = PageBody::new(page);
    while let Some(r) = rows.next()? {
        body.push(r)?;
    }
    Ok(body.finish(total))
}

/// A page body being written: `{"items":[` rows as they are read, then the totals.
pub(super) struct PageBody {
    out: Vec<u8>,
    first: bool,
    page: PageRequest,
}

impl PageBody {
    pub(super) fn new(page: PageRequest) -> PageBody {
        let mut out = Vec::with_capacity(512 + 400 * page.page_size as usize);
        out.extend_from_slice(b"{\"items\":[");
        PageBody { out, first: true, page }
    }

    /// Writes a row that selects [`COLUMNS`] as one item.
    pub(super) fn push(&mut self, r: &Row<'_>) -> StoreResult<()> {
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
        serde_json::to_writer(&mut self.out, &borrow_row(r)?).map_err(|e| StoreError::Unavailable(e.to_string()))
    }

    pub(super) fn finish(mut self, total: ListTotal) -> Vec<u8> {
        self.out.extend_from_slice(
            format!(
                "],\"total\":{},\"total_is_lower_bound\":{},\"page\":{},\"page_size\":{}}}",
                total.n, total.lower_bound, self.page.page, self.page.page_size
            )
            .as_bytes(),
        );
        self.out
    }
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

pub(super) fn text<'r>(r: &'r Row<'_>, i: usize) -> rusqlite::Result<&'r str> {
    r.get_ref(i)?.as_str().map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, Type::Text, Box::new(e)))
}

pub(super) fn opt_text<'r>(r: &'r Row<'_>, i: usize) -> rusqlite::Result<Option<&'r str>> {
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
