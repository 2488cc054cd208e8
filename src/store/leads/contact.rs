//! Finding the lead of someone who called or wrote, by phone then WhatsApp id.

use rusqlite::{Connection, params};

use super::{find_by_phone, find_by_whatsapp_id};
use crate::{
    domain::{LeadId, TenantId},
    store::error::StoreResult,
};

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

/// The existing lead for `contact` (by phone, then WhatsApp id), with an
/// empty name and a missing WhatsApp id filled in from it; None when the
/// business has no such lead. Runs inside the caller's write.
pub fn touch_contact(conn: &Connection, tenant_id: TenantId, contact: &Contact) -> StoreResult<Option<LeadId>> {
    let Some(id) = find_contact(conn, tenant_id, contact)? else {
        return Ok(None);
    };
    if let Some(name) = contact.name.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        conn.prepare_cached("UPDATE leads SET first_name = ?2 WHERE id = ?1 AND first_name = '' AND last_name = ''")?
            .execute(params![id, name])?;
    }
    if let Some(w) = &contact.whatsapp_id {
        conn.prepare_cached("UPDATE OR IGNORE leads SET whatsapp_id = ?2 WHERE id = ?1 AND whatsapp_id IS NULL")?
            .execute(params![id, w])?;
    }
    Ok(Some(id))
}
