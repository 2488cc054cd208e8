//! WhatsApp messages in and out, and the webhook idempotency keys.

use rusqlite::{Connection, params};
use serde::Serialize;
use serde_json::Value;

use crate::error::ApiError;

#[derive(Clone, Debug, Serialize)]
pub struct Message {
    pub id: i64,
    pub tenant_id: i64,
    pub lead_id: i64,
    pub direction: String,
    pub provider: String,
    pub provider_message_id: Option<String>,
    pub body: String,
    pub media: Value,
    pub status: String,
    pub is_ai: bool,
    pub created_at: String,
}

/// Records a webhook delivery id for a business; false when that business
/// already processed it. A unique key decides, so concurrent retries cannot
/// both pass; keys are per business, so one business's ids never hide another's.
pub fn first_delivery(conn: &Connection, tenant_id: i64, provider: &str, external_id: &str) -> Result<bool, ApiError> {
    Ok(conn
        .prepare_cached(
            "INSERT INTO processed_webhooks (tenant_id, provider, external_id) VALUES (?1, ?2, ?3)
             ON CONFLICT (tenant_id, provider, external_id) DO NOTHING",
        )?
        .execute(params![tenant_id, provider, external_id])?
        == 1)
}

pub struct NewMessage<'a> {
    pub tenant_id: i64,
    pub lead_id: i64,
    pub direction: &'a str,
    pub provider: &'a str,
    pub provider_message_id: Option<&'a str>,
    pub body: &'a str,
    pub media: &'a Value,
    pub status: &'a str,
    pub author_user_id: Option<i64>,
    pub is_ai: bool,
}

/// Inserts a message. The same provider id seen twice (the bridge echoes our
/// own sends back as `fromMe`, and may do so before our send is recorded)
/// updates the one row instead of failing after the message went out.
pub fn insert(conn: &Connection, m: &NewMessage) -> Result<Message, ApiError> {
    let id = conn
        .prepare_cached(
            "INSERT INTO messages (tenant_id, lead_id, direction, provider, provider_message_id, body, media, status,
                               author_user_id, is_ai)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT (tenant_id, provider, provider_message_id) WHERE provider_message_id IS NOT NULL
         DO UPDATE SET author_user_id = coalesce(excluded.author_user_id, author_user_id),
                       is_ai = max(is_ai, excluded.is_ai)
         RETURNING id",
        )?
        .query_row(
            params![
                m.tenant_id,
                m.lead_id,
                m.direction,
                m.provider,
                m.provider_message_id,
                m.body,
                if m.media.is_null() { "[]".to_string() } else { m.media.to_string() },
                m.status,
                m.author_user_id,
                m.is_ai
            ],
            |r| r.get::<_, i64>(0),
        )?;
    Ok(conn.prepare_cached(&format!("{SELECT} WHERE id = ?1"))?.query_row([id], from_row)?)
}

const SELECT: &str = "SELECT id, tenant_id, lead_id, direction, provider, provider_message_id, body, media, status,
                             is_ai, created_at FROM messages";

fn from_row(r: &rusqlite::Row) -> rusqlite::Result<Message> {
    let media: String = r.get(7)?;
    Ok(Message {
        id: r.get(0)?,
        tenant_id: r.get(1)?,
        lead_id: r.get(2)?,
        direction: r.get(3)?,
        provider: r.get(4)?,
        provider_message_id: r.get(5)?,
        body: r.get(6)?,
        media: serde_json::from_str(&media).unwrap_or(Value::Null),
        status: r.get(8)?,
        is_ai: r.get(9)?,
        created_at: r.get(10)?,
    })
}

/// Whether a provider's message id is already recorded for this business.
pub fn exists(conn: &Connection, tenant_id: i64, provider: &str, provider_message_id: &str) -> Result<bool, ApiError> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM messages WHERE tenant_id = ?1 AND provider = ?2 AND provider_message_id = ?3")?
        .exists(params![tenant_id, provider, provider_message_id])?)
}

/// The last `limit` messages of a lead, oldest first (chat history for the AI).
pub fn recent_for_lead(conn: &Connection, lead_id: i64, limit: i64) -> Result<Vec<Message>, ApiError> {
    let mut v = conn
        .prepare_cached(&format!("{SELECT} WHERE lead_id = ?1 ORDER BY id DESC LIMIT ?2"))?
        .query_map(params![lead_id, limit], from_row)?
        .collect::<Result<Vec<_>, _>>()?;
    v.reverse();
    Ok(v)
}

/// A provider's delivery report (Twilio status callback).
pub fn set_status(
    conn: &Connection,
    provider: &str,
    provider_message_id: &str,
    status: &str,
) -> Result<Option<(i64, i64)>, ApiError> {
    Ok(conn
        .prepare_cached(
            "UPDATE messages SET status = ?3
             WHERE provider = ?1 AND provider_message_id = ?2 AND direction = 'out' RETURNING tenant_id, lead_id",
        )?
        .query_row(params![provider, provider_message_id, status], |r| Ok((r.get(0)?, r.get(1)?)))
        .ok())
}
