//! A CSV import: one write (or, for a dry run, one read) that decides per
//! row: a new lead (created as every lead is, see [`super::leads::create`]),
//! a duplicate of an existing one (filling only its empty fields, never
//! overwriting), or a duplicate of an earlier row.

use std::collections::{HashMap, HashSet};

use rusqlite::Connection;
use serde::Serialize;
use serde_json::json;

use super::CoreResult;
use crate::{
    domain::{ActivityKind, LeadId, LeadSource, LeadStatus, Scope, TenantId},
    store::{
        self, Actor, StoreError,
        leads::{Filled, NewLead},
    },
};

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
) -> CoreResult<ImportOutcome> {
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
        if let Some(id) = store::leads::find_by_phone(conn, tenant_id, phone)? {
            let lead = store::leads::get(conn, Scope::Tenant(tenant_id), id)?.ok_or(StoreError::NotFound("lead"))?;
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
            let lead = NewLead {
                first_name: &r.first_name,
                last_name: &r.last_name,
                phone_e164: Some(phone),
                whatsapp_id: None,
                email: r.email.as_deref(),
                source: LeadSource::Manual,
                status: LeadStatus::New,
                notes: &r.notes,
                created_by: actor.map(|a| a.user_id),
            };
            let created = super::leads::create(conn, tenant_id, &lead, actor, Some("import"))?;
            let id = created.id;
            if !r.tags.is_empty() {
                store::leads::set_tags(conn, tenant_id, id, &r.tags)?;
            }
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
) -> CoreResult<bool> {
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
        let filled = Filled {
            first_name: &k.first_name,
            last_name: &k.last_name,
            email: k.email.as_deref(),
            notes: &k.notes,
            tags: &k.tags,
        };
        store::leads::fill_fields(conn, tenant_id, id, &filled)?;
        store::activities::add(
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
