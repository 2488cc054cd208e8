//! Leads as CSV. The export is read in pages by keyset on
//! (last_activity_at, id), each page its own short read, so a large export
//! never holds a snapshot (or every row) at once. (What an import does with
//! each row is `core::import`.)

use std::borrow::Cow;

use rusqlite::{Connection, ToSql};

use super::error::{StoreError, StoreResult};
use super::leads::{Arms, LeadFilter, Search};
use crate::domain::Scope;

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
    let arms = Arms::of(conn, scope)?;
    let (conditions, mut args) = super::leads::filter_conditions(arms.scope(), f);
    let mut sql_where: String = conditions.iter().map(|c| format!(" AND {c}")).collect();
    if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        match Search::parse(q) {
            Some(s) => {
                let (ids, _) = super::leads::matching_ids(conn, scope, &s, None)?;
                sql_where.push_str(" AND l.id IN (SELECT value FROM json_each(?))");
                args.push(Box::new(serde_json::to_string(&ids).map_err(|e| StoreError::Unavailable(e.to_string()))?));
            }
            None => {
                sql_where.push_str(
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
        sql_where.push_str(" AND (l.last_activity_at, l.id) < (?, ?)");
        args.push(Box::new(c.last_activity_at.clone()));
        args.push(Box::new(c.id));
    }
    let sql_where = sql_where.replacen(" AND ", " WHERE ", 1);
    let flat: Vec<&dyn ToSql> = args.iter().map(AsRef::as_ref).collect();
    let (select, mut bound) = arms.select(
        "l.id, l.first_name, l.last_name, l.phone_e164, l.email, l.source, l.status, l.notes, l.created_at, \
         l.last_activity_at, l.tags",
        &sql_where,
        &flat,
    );
    bound.push(&limit);
    let mut stmt = conn.prepare_cached(&format!("{select} ORDER BY l.last_activity_at DESC, l.id DESC LIMIT ?"))?;
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
