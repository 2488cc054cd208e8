//! Changing a lead's fields (a PATCH): what may change, and the one UPDATE.

use rusqlite::{Connection, ToSql};

use crate::store::now_sql;

use super::{Lead, duplicate, find_by_phone, get};
use crate::{
    domain::{LeadId, LeadSource, LeadStatus, Scope, TenantId, UserId},
    store::error::{StoreError, StoreResult, Unique, checked_rule, unique_key},
};

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
    pub tags: Option<Vec<String>>,
    pub assignee_user_id: Option<Option<UserId>>,
}

impl LeadPatch {
    /// The plain fields this patch sets (status and assignee have entries of their own).
    pub fn changed_fields(&self) -> Vec<&'static str> {
        [
            ("first_name", self.first_name.is_some()),
            ("last_name", self.last_name.is_some()),
            ("phone_e164", self.phone_e164.is_some()),
            ("email", self.email.is_some()),
            ("source", self.source.is_some()),
            ("notes", self.notes.is_some()),
            ("tags", self.tags.is_some()),
        ]
        .into_iter()
        .filter_map(|(name, set)| set.then_some(name))
        .collect()
    }
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
    // Only the fields the patch carries are assigned: SQLite rewrites every
    // index (and fires every trigger) over an assigned column, changed or not.
    let tags = p.tags.as_ref().map(|t| serde_json::Value::from(t.clone()).to_string());
    let fields: [(&str, Option<&dyn ToSql>); 9] = [
        ("first_name", p.first_name.as_ref().map(|v| v as _)),
        ("last_name", p.last_name.as_ref().map(|v| v as _)),
        ("phone_e164", p.phone_e164.as_ref().map(|v| v as _)),
        ("email", p.email.as_ref().map(|v| v as _)),
        ("source", p.source.as_ref().map(|v| v as _)),
        ("status", p.status.as_ref().map(|v| v as _)),
        ("notes", p.notes.as_ref().map(|v| v as _)),
        ("tags", tags.as_ref().map(|v| v as _)),
        ("assignee_user_id", p.assignee_user_id.as_ref().map(|v| v as _)),
    ];
    let mut sets = String::new();
    let mut values: Vec<&dyn ToSql> = Vec::with_capacity(fields.len() + 2);
    for (column, value) in fields.into_iter().filter_map(|(c, v)| Some((c, v?))) {
        sets.push_str(column);
        sets.push_str(" = ?, ");
        values.push(value);
    }
    values.push(&id);
    values.push(&tenant_id);
    let sql = format!(
        concat!(
            "UPDATE leads SET {}updated_at = ",
            now_sql!(),
            ", last_activity_at = ",
            now_sql!(),
            " WHERE id = ? AND tenant_id = ?"
        ),
        sets
    );
    let res = conn.prepare_cached(&sql).and_then(|mut stmt| stmt.execute(&values[..]));
    match res {
        Ok(_) => Ok(()),
        Err(e) if unique_key(&e).is_some() => {
            let phone = p.phone_e164.clone().flatten().unwrap_or_default();
            Err(find_by_phone(conn, tenant_id, &phone)?
                .map(|id| duplicate(Unique::LeadPhone, id))
                .unwrap_or_else(|| e.into()))
        }
        Err(e) => match checked_rule(&e) {
            Some(rule) => Err(StoreError::Conflict(rule)),
            None => Err(e.into()),
        },
    }
}
