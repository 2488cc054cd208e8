//! Changing a lead's fields (a PATCH): what may change, and the one UPDATE.

use rusqlite::{Connection, params};

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
            tags = coalesce(?12, tags),
            assignee_user_id = CASE WHEN ?13 THEN ?14 ELSE assignee_user_id END,
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
            p.notes,
            p.tags.as_ref().map(|t| serde_json::Value::from(t.clone()).to_string()),
            p.assignee_user_id.is_some(),
            p.assignee_user_id.flatten()
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
        Err(e) => match checked_rule(&e) {
            Some(rule) => Err(StoreError::Conflict(rule)),
            None => Err(e.into()),
        },
    }
}
