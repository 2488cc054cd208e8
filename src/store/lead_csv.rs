//! Leads as CSV. The export is read in pages by keyset on
//! (last_activity_at, id), each page its own short read, so a large export
//! never holds a snapshot (or every row) at once. The import runs inside one
//! write (or, for a dry run, one read) and decides per row: new lead,
//! duplicate of an existing one (filling only its empty fields), or
//! duplicate of an earlier row.

use std::{
    borrow::Cow,
    collections::{HashMap, HashSet},
};

use rusqlite::{Connection, ToSql, params};
use serde::Serialize;
use serde_json::json;

use super::error::{StoreError, StoreResult};
use super::leads::{LeadFilter, NewLead, find_by_phone, get, search_term};
use super::{Actor, activities, now_sql};
use crate::domain::{ActivityKind, LeadId, LeadSource, LeadStatus, Scope, TenantId};

/// The export's columns, in order.
pub const EXPORT_HEADER: [&str; 11] = [
    "id",
    "first_name",
    "last_name",
    "phone_e164",
    "email",
    "source",
    "status",
    "notes",
    "tags",
    "created_at",
    "last_activity_at",
];

/// Where the next export page starts: after this row of the list order.
#[derive(Clone, Debug)]
pub struct Cursor {
    pub last_activity_at: String,
    pub id: i64,
}

fn csv_error(e: csv::Error) -> StoreError {
    StoreError::Unavailable(format!("csv: {e}"))
}

/// A spreadsheet runs a cell starting with `=`, `+`, `-` or `@` as a
/// formula; free text (names, email, notes) that starts so gets a leading
/// `'`, which the import strips again.
fn cell(s: &str) -> Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) { Cow::Owned(format!("'{s}")) } else { Cow::Borrowed(s) }
}

/// Undoes [`cell`] on imported text.
pub fn uncell(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => s,
    }
}

/// The header line as CSV bytes.
pub fn export_header() -> StoreResult<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(EXPORT_HEADER).map_err(csv_error)?;
    w.into_inner().map_err(|e| StoreError::Unavailable(e.to_string()))
}

/// Up to `limit` leads in `scope` matching `f`, in list order (most recently
/// active first) after `after`, as CSV lines. Returns the lines and where
/// the next page starts (None once a page comes back short: the end).
pub fn export_page(
    conn: &Connection,
    scope: Scope,
    f: &LeadFilter,
    after: Option<&Cursor>,
    limit: i64,
) -> StoreResult<(Vec<u8>, Option<Cursor>)> {
    let mut sql = String::from(
        "SELECT l.id, l.first_name, l.last_name, l.phone_e164, l.email, l.source, l.status, l.notes, l.created_at, \
         l.last_activity_at, l.tags FROM leads l WHERE 1",
    );
    let (conditions, mut args) = super::leads::filter_conditions(scope, f);
    for c in conditions {
        sql.push_str(" AND ");
        sql.push_str(c);
    }
    if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        match search_term(q) {
            Some(term) => {
                // Numbered parameters would clash with the `?`s around it; the same query, positional.
                sql.push_str(" AND l.id IN (SELECT rowid & 4294967295 FROM leads_fts WHERE leads_fts MATCH ? AND rowid BETWEEN ? AND ?)");
                let (lo, hi) = super::leads::search_rowid_range(scope);
                args.push(Box::new(term));
                args.push(Box::new(lo));
                args.push(Box::new(hi));
            }
            None => {
                sql.push_str(
                    " AND (l.first_name LIKE ?1x OR l.last_name LIKE ?1x OR l.phone_e164 LIKE ?1x OR l.email LIKE ?1x)"
                        .replace("?1x", "?")
                        .as_str(),
                );
                let like = format!("%{}%", q.replace(['%', '_'], ""));
                for _ in 0..4 {
                    args.push(Box::new(like.clone()));
                }
            }
        }
    }
    if let Some(c) = after {
        sql.push_str(" AND (l.last_activity_at, l.id) < (?, ?)");
        args.push(Box::new(c.last_activity_at.clone()));
        args.push(Box::new(c.id));
    }
    sql.push_str(" ORDER BY l.last_activity_at DESC, l.id DESC LIMIT ?");
    args.push(Box::new(limit));
    let bound: Vec<&dyn ToSql> = args.iter().map(AsRef::as_ref).collect();
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(&bound[..])?;
    let mut w = csv::Writer::from_writer(Vec::with_capacity(200 * limit as usize));
    let mut n = 0;
    let mut last = None;
    while let Some(r) = rows.next()? {
        n += 1;
        let id: i64 = r.get(0)?;
        let first: String = r.get(1)?;
        let last_name: String = r.get(2)?;
        let phone: Option<String> = r.get(3)?;
        let email: Option<String> = r.get(4)?;
        let source: String = r.get(5)?;
        let status: String = r.get(6)?;
        let notes: String = r.get(7)?;
        let created: String = r.get(8)?;
        let active: String = r.get(9)?;
        let tags: Vec<String> = serde_json::from_str(&r.get::<_, String>(10)?).unwrap_or_default();
        w.write_record([
            id.to_string().as_str(),
            &cell(&first),
            &cell(&last_name),
            phone.as_deref().unwrap_or(""),
            &cell(email.as_deref().unwrap_or("")),
            &source,
            &status,
            &cell(&notes),
            &cell(&tags.join(TAG_SEPARATOR)),
            &created,
            &active,
        ])
        .map_err(csv_error)?;
        last = Some(Cursor { last_activity_at: active, id });
    }
    let bytes = w.into_inner().map_err(|e| StoreError::Unavailable(e.to_string()))?;
    Ok((bytes, if n < limit { None } else { last }))
}

/// Tags share one cell, `a|b|c`.
pub const TAG_SEPARATOR: &str = "|";

/// One valid row of an import file.
#[derive(Clone, Debug)]
pub struct ImportRow {
    /// 1-based among the data rows (the header is not counted).
    pub row: usize,
    pub first_name: String,
    pub last_name: String,
    pub phone_e164: String,
    pub email: Option<String>,
    pub notes: String,
    pub tags: Vec<String>,
}

/// A row whose phone is a known lead's: `lead_id` is that lead (None in a
/// dry run when it is a lead this file would create).
#[derive(Clone, Debug, Serialize)]
pub struct DuplicateRow {
    pub row: usize,
    pub lead_id: Option<LeadId>,
}

#[derive(Debug, Default, Serialize)]
pub struct ImportOutcome {
    pub created: usize,
    pub updated: usize,
    pub duplicates: Vec<DuplicateRow>,
}

/// What the import knows of a lead: the row in the database, with the
/// fields this file has filled so far.
struct Known {
    id: Option<LeadId>,
    first_name: String,
    last_name: String,
    email: Option<String>,
    notes: String,
    tags: Vec<String>,
}

/// Imports `rows` into `tenant_id`. With `write` false nothing is written
/// (a dry run; `conn` may be a plain read connection) and the outcome is
/// what the import would do.
pub fn import(
    conn: &Connection,
    tenant_id: TenantId,
    rows: &[ImportRow],
    actor: Option<Actor>,
    write: bool,
) -> StoreResult<ImportOutcome> {
    let mut out = ImportOutcome::default();
    let mut known: HashMap<&str, Known> = HashMap::new();
    let mut filled: HashSet<&str> = HashSet::new();
    for r in rows {
        let phone = r.phone_e164.as_str();
        if let Some(k) = known.get_mut(phone) {
            out.duplicates.push(DuplicateRow { row: r.row, lead_id: k.id });
            if fill(conn, tenant_id, k, r, actor, write)? {
                filled.insert(phone);
            }
            continue;
        }
        if let Some(id) = find_by_phone(conn, tenant_id, phone)? {
            let lead = get(conn, Scope::Tenant(tenant_id), id)?.ok_or(StoreError::NotFound("lead"))?;
            let mut k = Known {
                id: Some(id),
                first_name: lead.first_name,
                last_name: lead.last_name,
                email: lead.email,
                notes: lead.notes,
                tags: lead.tags,
            };
            out.duplicates.push(DuplicateRow { row: r.row, lead_id: Some(id) });
            if fill(conn, tenant_id, &mut k, r, actor, write)? {
                filled.insert(phone);
            }
            known.insert(phone, k);
            continue;
        }
        let id = if write {
            let id = super::leads::insert(
                conn,
                tenant_id,
                &NewLead {
                    first_name: &r.first_name,
                    last_name: &r.last_name,
                    phone_e164: Some(phone),
                    whatsapp_id: None,
                    email: r.email.as_deref(),
                    source: LeadSource::Manual,
                    status: LeadStatus::New,
                    notes: &r.notes,
                    created_by: actor.map(|a| a.user_id),
                },
            )?;
            if !r.tags.is_empty() {
                conn.prepare_cached("UPDATE leads SET tags = ?2 WHERE id = ?1")?
                    .execute(params![id, serde_json::Value::from(r.tags.clone()).to_string()])?;
            }
            activities::add(
                conn,
                tenant_id,
                id,
                ActivityKind::Created,
                "",
                &json!({"source": LeadSource::Manual, "via": "import"}),
                actor,
            )?;
            Some(id)
        } else {
            None
        };
        out.created += 1;
        known.insert(
            phone,
            Known {
                id,
                first_name: r.first_name.clone(),
                last_name: r.last_name.clone(),
                email: r.email.clone(),
                notes: r.notes.clone(),
                tags: r.tags.clone(),
            },
        );
    }
    out.updated = filled.len();
    Ok(out)
}

/// Fills the lead's empty fields from `r` (never overwrites one); true when
/// something was filled. Writes (with an `updated` activity) only when `write`.
fn fill(
    conn: &Connection,
    tenant_id: TenantId,
    k: &mut Known,
    r: &ImportRow,
    actor: Option<Actor>,
    write: bool,
) -> StoreResult<bool> {
    let mut fields: Vec<&str> = Vec::new();
    if k.first_name.is_empty() && !r.first_name.is_empty() {
        k.first_name = r.first_name.clone();
        fields.push("first_name");
    }
    if k.last_name.is_empty() && !r.last_name.is_empty() {
        k.last_name = r.last_name.clone();
        fields.push("last_name");
    }
    if k.email.as_deref().unwrap_or("").is_empty() && r.email.is_some() {
        k.email = r.email.clone();
        fields.push("email");
    }
    if k.notes.is_empty() && !r.notes.is_empty() {
        k.notes = r.notes.clone();
        fields.push("notes");
    }
    if k.tags.is_empty() && !r.tags.is_empty() {
        k.tags = r.tags.clone();
        fields.push("tags");
    }
    if fields.is_empty() {
        return Ok(false);
    }
    if let (true, Some(id)) = (write, k.id) {
        conn.prepare_cached(concat!(
            "UPDATE leads SET first_name = ?3, last_name = ?4, email = ?5, notes = ?6, tags = ?7, updated_at = ",
            now_sql!(),
            ", last_activity_at = ",
            now_sql!(),
            " WHERE id = ?1 AND tenant_id = ?2"
        ))?
        .execute(params![
            id,
            tenant_id,
            k.first_name,
            k.last_name,
            k.email,
            k.notes,
            serde_json::Value::from(k.tags.clone()).to_string()
        ])?;
        activities::add(
            conn,
            tenant_id,
            id,
            ActivityKind::Updated,
            "",
            &json!({"fields": fields, "via": "import"}),
            actor,
        )?;
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_guarded_and_unguarded() {
        for s in ["=1+2", "+972", "-x", "@SUM(A1)"] {
            assert_eq!(cell(s), format!("'{s}"));
            assert_eq!(uncell(&cell(s)), s);
        }
        assert_eq!(cell("דנה"), "דנה");
        assert_eq!(uncell("'quoted"), "'quoted");
    }
}
