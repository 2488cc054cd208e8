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
    let mut sets = String::new();
    let mut values: Vec<Box<dyn ToSql>> = Vec::new();
    let mut set = |column: &str, value: Box<dyn ToSql>| {
        sets.push_str(column);
        sets.push_str(" = ?, ");
        values.push(value);
    };
    if let Some(v) = &p.first_name {
        set("first_name", Box::new(v.clone()));
    }
    if let Some(v) = &p.last_name {
        set("last_name", Box::new(v.clone()));
    }
    if let Some(v) = &p.phone_e164 {
        set("phone_e164", Box::new(v.clone()));
    }
    if let Some(v) = &p.email {
        set("email", Box::new(v.clone()));
    }
    if let Some(v) = p.source {
        set("source", Box::new(v));
    }
    if let Some(v) = p.status {
        set("status", Box::new(v));
    }
    if let Some(v) = &p.notes {
        set("notes", Box::new(v.clone()));
    }
    if let Some(v) = &p.tags {
        set("tags", Box::new(serde_json::Value::from(v.clone()).to_string()));
    }
    if let Some(v) = p.assignee_user_id {
        set("assignee_user_id", Box::new(v));
    }
    values.push(Box::new(id));
    values.push(Box::new(tenant_id));
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
    let res = conn
        .prepare_cached(&sql)
        .and_then(|mut stmt| stmt.execute(rusqlite::params_from_iter(values.iter().map(AsRef::as_ref))));
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
