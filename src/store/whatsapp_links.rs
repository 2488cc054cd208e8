//! Each business's WhatsApp link through the bridge, as the bridge last
//! reported it (its webhook, or our own asking): the connection state and
//! the QR or pairing code that links a phone while it is not open.

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use super::error::StoreResult;
use crate::domain::TenantId;

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Link {
    /// `open`, `connecting` or `close`.
    pub state: String,
    /// The QR code to scan, a `data:image/png;base64,...` URL; null when open.
    pub qr: Option<String>,
    /// The code to type on the phone instead of scanning; null when open.
    pub pairing_code: Option<String>,
    pub updated_at: Option<String>,
}

impl Default for Link {
    fn default() -> Self {
        Link { state: "close".into(), qr: None, pairing_code: None, updated_at: None }
    }
}

pub fn get(conn: &Connection, tenant_id: TenantId) -> StoreResult<Option<Link>> {
    Ok(conn
        .prepare_cached("SELECT state, qr, pairing_code, updated_at FROM whatsapp_links WHERE tenant_id = ?1")?
        .query_row([tenant_id], |r| {
            Ok(Link { state: r.get(0)?, qr: r.get(1)?, pairing_code: r.get(2)?, updated_at: r.get(3)? })
        })
        .optional()?)
}

/// What changed: a new state (None keeps it), and the codes (None keeps
/// them; an open link never keeps a code). Returns the state before and the link after.
pub struct Change<'a> {
    pub state: Option<&'a str>,
    pub qr: Option<&'a str>,
    pub pairing_code: Option<&'a str>,
}

pub fn update(conn: &Connection, tenant_id: TenantId, c: &Change) -> StoreResult<(String, Link)> {
    let before = get(conn, tenant_id)?.unwrap_or_default();
    let state = c.state.unwrap_or(&before.state).to_string();
    let open = state == "open";
    let qr = if open { None } else { c.qr.map(str::to_string).or(before.qr.clone()) };
    let code = if open { None } else { c.pairing_code.map(str::to_string).or(before.pairing_code.clone()) };
    let link: Link = conn
        .prepare_cached(
            "INSERT INTO whatsapp_links (tenant_id, state, qr, pairing_code) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (tenant_id) DO UPDATE SET state = excluded.state, qr = excluded.qr,
                 pairing_code = excluded.pairing_code, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
             RETURNING state, qr, pairing_code, updated_at",
        )?
        .query_row(params![tenant_id, state, qr, code], |r| {
            Ok(Link { state: r.get(0)?, qr: r.get(1)?, pairing_code: r.get(2)?, updated_at: r.get(3)? })
        })?;
    Ok((before.state, link))
}
