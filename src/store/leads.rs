//! Leads: one per (tenant, phone) and per (tenant, WhatsApp user id).
//! Search uses the trigram FTS index (`leads_fts`), never a full scan.

use rusqlite::{Connection, OptionalExtension, Row, ToSql, params};
use serde::Serialize;

use super::error::{Rule, StoreError, StoreResult, Unique, is_check, unique_key};
use super::now_sql;
use super::{Page, PageRequest};
use crate::domain::{LeadId, LeadSource, LeadStatus, Scope, TenantId, UserId};

#[derive(Clone, Debug, Serialize)]
pub struct Lead {
    pub id: LeadId,
    pub tenant_id: TenantId,
    pub first_name: String,
    pub last_name: String,
    pub phone_e164: Option<String>,
    pub whatsapp_id: Option<String>,
    pub email: Option<String>,
    pub source: LeadSource,
    pub status: LeadStatus,
    pub notes: String,
    pub created_at: String,
    pub updated_at: String,
    pub last_activity_at: String,
}

const COLUMNS: &str = "l.id, l.tenant_id, l.first_name, l.last_name, l.phone_e164, l.whatsapp_id, l.email, l.source, \
                       l.status, l.notes, l.created_at, l.updated_at, l.last_activity_at";

fn from_row(r: &Row) -> rusqlite::Result<Lead> {
    Ok(Lead {
        id: r.get(0)?,
        tenant_id: r.get(1)?,
        first_name: r.get(2)?,
        last_name: r.get(3)?,
        phone_e164: r.get(4)?,
        whatsapp_id: r.get(5)?,
        email: r.get(6)?,
        source: r.get(7)?,
        status: r.get(8)?,
        notes: r.get(9)?,
        created_at: r.get(10)?,
        updated_at: r.get(11)?,
        last_activity_at: r.get(12)?,
    })
}

/// A lead within `scope`; another tenant's lead is simply not found.
pub fn get(conn: &Connection, scope: Scope, id: LeadId) -> StoreResult<Option<Lead>> {
    let sql = format!("SELECT {COLUMNS} FROM leads l WHERE l.id = ?1 AND (?2 IS NULL OR l.tenant_id = ?2)");
    Ok(conn.prepare_cached(&sql)?.query_row(params![id, scope.filter()], from_row).optional()?)
}

pub struct NewLead<'a> {
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub phone_e164: Option<&'a str>,
    pub whatsapp_id: Option<&'a str>,
    pub email: Option<&'a str>,
    pub source: LeadSource,
    pub status: LeadStatus,
    pub notes: &'a str,
    pub created_by: Option<UserId>,
}

/// A phone or WhatsApp id the tenant already has, naming the existing lead.
pub fn duplicate(key: Unique, lead_id: LeadId) -> StoreError {
    StoreError::Duplicate { key, existing_id: Some(lead_id) }
}

pub fn find_by_phone(conn: &Connection, tenant_id: TenantId, phone: &str) -> StoreResult<Option<LeadId>> {
    Ok(conn
        .prepare_cached("SELECT id FROM leads WHERE tenant_id = ?1 AND phone_e164 = ?2")?
        .query_row(params![tenant_id, phone], |r| r.get(0))
        .optional()?)
}

pub fn find_by_whatsapp_id(conn: &Connection, tenant_id: TenantId, wa: &str) -> StoreResult<Option<LeadId>> {
    Ok(conn
        .prepare_cached("SELECT id FROM leads WHERE tenant_id = ?1 AND whatsapp_id = ?2")?
        .query_row(params![tenant_id, wa], |r| r.get(0))
        .optional()?)
}

/// Inserts a lead into `tenant_id`; a duplicate phone or WhatsApp id becomes
/// `Duplicate` naming the existing lead.
pub fn insert(conn: &Connection, tenant_id: TenantId, l: &NewLead) -> StoreResult<LeadId> {
    let res = conn
        .prepare_cached(
            "INSERT INTO leads (tenant_id, first_name, last_name, phone_e164, whatsapp_id, email, source, status, notes,
                                created_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?
        .execute(params![
            tenant_id,
            l.first_name,
            l.last_name,
            l.phone_e164,
            l.whatsapp_id,
            l.email,
            l.source,
            l.status,
            l.notes,
            l.created_by
        ]);
    match res {
        Ok(_) => Ok(LeadId(conn.last_insert_rowid())),
        Err(e) if unique_key(&e).is_some() => {
            let existing = match l.phone_e164 {
                Some(p) => find_by_phone(conn, tenant_id, p)?.map(|id| duplicate(Unique::LeadPhone, id)),
                None => None,
            };
            let existing = match (existing, l.whatsapp_id) {
                (None, Some(w)) => {
                    find_by_whatsapp_id(conn, tenant_id, w)?.map(|id| duplicate(Unique::LeadWhatsapp, id))
                }
                (e, _) => e,
            };
            Err(existing.unwrap_or_else(|| e.into()))
        }
        Err(e) => Err(e.into()),
    }
}

/// Fields a PATCH may change; None = unchanged; Some(None) clears a nullable field.
#[derive(Default, Debug)]
pub struct LeadPatch {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phone_e164: Option<Option<String>>,
    pub email: Option<Option<String>>,
    pub source: Option<LeadSource>,
    pub status: Option<LeadStatus>,
    pub notes: Option<String>,
}

/// Applies `p` to a lead in `scope`, in the caller's transaction: the lead
/// before and after, or `NotFound` when it is not in scope.
pub fn update_scoped(conn: &Connection, scope: Scope, id: LeadId, p: &LeadPatch) -> StoreResult<(Lead, Lead)> {
    let before = get(conn, scope, id)?.ok_or(StoreError::NotFound("lead"))?;
    update(conn, before.tenant_id, id, p)?;
    let after = get(conn, scope, id)?.ok_or(StoreError::NotFound("lead"))?;
    Ok((before, after))
}

fn update(conn: &Connection, tenant_id: TenantId, id: LeadId, p: &LeadPatch) -> StoreResult<()> {
    let res = conn.execute(
        concat!(
            "UPDATE leads SET
            first_name = coalesce(?3, first_name),
            last_name = coalesce(?4, last_name),
            phone_e164 = CASE WHEN ?5 THEN ?6 ELSE phone_e164 END,
            email = CASE WHEN ?7 THEN ?8 ELSE email END,
            source = coalesce(?9, source),
            status = coalesce(?10, status),
            notes = coalesce(?11, notes),
            updated_at = ",
            now_sql!(),
            ",
            last_activity_at = ",
            now_sql!(),
            " WHERE id = ?1 AND tenant_id = ?2"
        ),
        params![
            id,
            tenant_id,
            p.first_name,
            p.last_name,
            p.phone_e164.is_some(),
            p.phone_e164.clone().flatten(),
            p.email.is_some(),
            p.email.clone().flatten(),
            p.source,
            p.status,
            p.notes
        ],
    );
    match res {
        Ok(_) => Ok(()),
        Err(e) if unique_key(&e).is_some() => {
            let phone = p.phone_e164.clone().flatten().unwrap_or_default();
            Err(find_by_phone(conn, tenant_id, &phone)?
                .map(|id| duplicate(Unique::LeadPhone, id))
                .unwrap_or_else(|| e.into()))
        }
        Err(e) if is_check(&e) => Err(StoreError::Conflict(Rule::LeadNeedsContact)),
        Err(e) => Err(e.into()),
    }
}

/// Bumps last_activity_at (new activity on the lead).
pub fn touch(conn: &Connection, tenant_id: TenantId, id: LeadId) -> StoreResult<()> {
    conn.prepare_cached(concat!(
        "UPDATE leads SET last_activity_at = ",
        now_sql!(),
        " WHERE id = ?1 AND tenant_id = ?2"
    ))?
    .execute(params![id, tenant_id])?;
    Ok(())
}

/// Deletes a lead in `scope`; false when it is not there (or not in scope).
pub fn delete(conn: &Connection, scope: Scope, id: LeadId) -> StoreResult<bool> {
    Ok(conn
        .execute("DELETE FROM leads WHERE id = ?1 AND (?2 IS NULL OR tenant_id = ?2)", params![id, scope.filter()])?
        > 0)
}

#[derive(Default, Debug)]
pub struct LeadFilter {
    pub q: Option<String>,
    pub status: Option<LeadStatus>,
    pub source: Option<LeadSource>,
}

/// Turns a search string into an FTS5 trigram phrase, or None when it is too
/// short for trigrams (then a bounded LIKE is used). Phone-looking input is
/// reduced to digits without a national leading 0, so `052-123` finds `+97252123...`.
fn search_term(q: &str) -> Option<String> {
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

pub fn list(conn: &Connection, scope: Scope, f: &LeadFilter, page: PageRequest) -> StoreResult<Page<Lead>> {
    let mut clauses: Vec<&str> = Vec::new();
    let mut args: Vec<Box<dyn ToSql>> = Vec::new();
    // A search joins from the FTS matches (usually far fewer than the
    // tenant's leads) instead of probing every lead against them.
    let mut from = "leads l";
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
    if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        match search_term(q) {
            Some(term) => {
                from = "leads_fts f JOIN leads l ON l.id = f.rowid";
                clauses.insert(0, "leads_fts MATCH ?");
                args.insert(0, Box::new(term));
            }
            None => {
                clauses.push(
                    "(l.first_name LIKE ?1x OR l.last_name LIKE ?1x OR l.phone_e164 LIKE ?1x OR l.email LIKE ?1x)",
                );
                args.push(Box::new(format!("%{}%", q.replace(['%', '_'], ""))));
            }
        }
    }
    // Each clause uses positional `?`; the LIKE clause repeats one value, so expand it.
    let mut sql_where = String::new();
    let mut flat: Vec<&dyn ToSql> = Vec::new();
    for (i, c) in clauses.iter().enumerate() {
        sql_where.push_str(if i == 0 { " WHERE " } else { " AND " });
        if c.contains("?1x") {
            sql_where.push_str(&c.replace("?1x", "?"));
            for _ in 0..4 {
                flat.push(args[i].as_ref());
            }
        } else {
            sql_where.push_str(c);
            flat.push(args[i].as_ref());
        }
    }
    let searching = f.q.as_deref().is_some_and(|q| !q.trim().is_empty());
    let total: i64 = if searching {
        conn.prepare_cached(&format!("SELECT count(*) FROM {from}{sql_where}"))?.query_row(&flat[..], |r| r.get(0))?
    } else {
        conn.prepare_cached(
            "SELECT coalesce(sum(n), 0) FROM lead_counts
             WHERE (?1 IS NULL OR tenant_id = ?1) AND (?2 IS NULL OR status = ?2) AND (?3 IS NULL OR source = ?3)",
        )?
        .query_row(params![scope.filter(), f.status, f.source], |r| r.get(0))?
    };
    // Bound after the count, which takes only the filter values.
    let (limit, offset) = (page.page_size, page.offset());
    flat.push(&limit);
    flat.push(&offset);
    let sql =
        format!("SELECT {COLUMNS} FROM {from}{sql_where} ORDER BY l.last_activity_at DESC, l.id DESC LIMIT ? OFFSET ?");
    let items = conn.prepare_cached(&sql)?.query_map(&flat[..], from_row)?.collect::<Result<Vec<_>, _>>()?;
    Ok(page.wrap(items, total))
}

#[cfg(test)]
mod tests {
    use super::search_term;

    #[test]
    fn search_terms_for_phones_drop_formatting_and_the_national_zero() {
        assert_eq!(search_term("052-123").as_deref(), Some("\"52123\""));
        assert_eq!(search_term("+972 52").as_deref(), Some("\"97252\""));
        assert_eq!(search_term("ab"), None);
        assert_eq!(search_term("דנה").as_deref(), Some("\"דנה\""));
        assert_eq!(search_term("a\"b c").as_deref(), Some("\"a\"\"b c\""));
    }
}

/// Who wrote or called, as a provider identifies them.
#[derive(Clone, Debug, Default)]
pub struct Contact {
    pub phone_e164: Option<String>,
    pub whatsapp_id: Option<String>,
    /// A display name (ProfileName / pushName): fills an empty name only.
    pub name: Option<String>,
}

/// The lead for `contact`, by phone, then by WhatsApp id.
pub fn find_contact(conn: &Connection, tenant_id: TenantId, contact: &Contact) -> StoreResult<Option<LeadId>> {
    if let Some(p) = &contact.phone_e164
        && let Some(id) = find_by_phone(conn, tenant_id, p)?
    {
        return Ok(Some(id));
    }
    match &contact.whatsapp_id {
        Some(w) => find_by_whatsapp_id(conn, tenant_id, w),
        None => Ok(None),
    }
}

/// Finds the lead for `contact` (by phone, then WhatsApp id) or creates it
/// with `source`. Returns (lead id, created). Runs inside the caller's write.
pub fn upsert_contact(
    conn: &Connection,
    tenant_id: TenantId,
    contact: &Contact,
    source: LeadSource,
) -> StoreResult<(LeadId, bool)> {
    let found = find_contact(conn, tenant_id, contact)?;
    let name = contact.name.as_deref().map(str::trim).filter(|n| !n.is_empty());
    if let Some(id) = found {
        if let Some(name) = name {
            conn.prepare_cached(
                "UPDATE leads SET first_name = ?2 WHERE id = ?1 AND first_name = '' AND last_name = ''",
            )?
            .execute(params![id, name])?;
        }
        if let Some(w) = &contact.whatsapp_id {
            conn.prepare_cached("UPDATE OR IGNORE leads SET whatsapp_id = ?2 WHERE id = ?1 AND whatsapp_id IS NULL")?
                .execute(params![id, w])?;
        }
        return Ok((id, false));
    }
    let id = insert(
        conn,
        tenant_id,
        &NewLead {
            first_name: name.unwrap_or(""),
            last_name: "",
            phone_e164: contact.phone_e164.as_deref(),
            whatsapp_id: contact.whatsapp_id.as_deref(),
            email: None,
            source,
            status: LeadStatus::New,
            notes: "",
            created_by: None,
        },
    )?;
    Ok((id, true))
}
