//! WhatsApp messages in and out, and the webhook idempotency keys.

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use serde_json::Value;

use super::error::StoreResult;
use super::now_sql;
use crate::domain::{LeadId, MessageId, TenantId, UserId};

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Message {
    pub id: MessageId,
    pub tenant_id: TenantId,
    pub lead_id: LeadId,
    pub direction: String,
    pub provider: String,
    pub provider_message_id: Option<String>,
    pub body: String,
    pub media: Value,
    pub status: String,
    /// Why a send failed (`failed`), in plain words.
    pub error_code: Option<String>,
    pub is_ai: bool,
    pub created_at: String,
}

/// Records a webhook delivery id for a business; false when that business
/// already processed it. A unique key decides, so concurrent retries cannot
/// both pass; keys are per business, so one business's ids never hide another's.
pub fn first_delivery(conn: &Connection, tenant_id: TenantId, provider: &str, external_id: &str) -> StoreResult<bool> {
    Ok(conn
        .prepare_cached(
            "INSERT INTO processed_webhooks (tenant_id, provider, external_id) VALUES (?1, ?2, ?3)
             ON CONFLICT (tenant_id, provider, external_id) DO NOTHING",
        )?
        .execute(params![tenant_id, provider, external_id])?
        == 1)
}

pub struct NewMessage<'a> {
    pub lead_id: LeadId,
    pub direction: &'a str,
    pub provider: &'a str,
    pub provider_message_id: Option<&'a str>,
    pub body: &'a str,
    pub media: &'a Value,
    pub status: &'a str,
    pub author_user_id: Option<UserId>,
    pub is_ai: bool,
}

/// Inserts a message. The same provider id seen twice (the bridge echoes our
/// own sends back as `fromMe`, and may do so before our send is recorded)
/// updates the one row instead of failing after the message went out.
pub fn insert(conn: &Connection, tenant_id: TenantId, m: &NewMessage) -> StoreResult<Message> {
    // RETURNING gives the row as stored (a retry's existing one included) without reading it again.
    Ok(conn
        .prepare_cached(
            "INSERT INTO messages (tenant_id, lead_id, direction, provider, provider_message_id, body, media, status,
                               author_user_id, is_ai)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT (tenant_id, provider, provider_message_id) WHERE provider_message_id IS NOT NULL
         DO UPDATE SET author_user_id = coalesce(excluded.author_user_id, author_user_id),
                       is_ai = max(is_ai, excluded.is_ai)
         RETURNING id, tenant_id, lead_id, direction, provider, provider_message_id, body, media, status,
                   is_ai, created_at, error_code",
        )?
        .query_row(
            params![
                tenant_id,
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
            from_row,
        )?)
}

const SELECT: &str = "SELECT id, tenant_id, lead_id, direction, provider, provider_message_id, body, media, status,
                             is_ai, created_at, error_code FROM messages";

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
        error_code: r.get(11)?,
    })
}

/// Whether a provider's message id is already recorded for this business.
pub fn exists(conn: &Connection, tenant_id: TenantId, provider: &str, provider_message_id: &str) -> StoreResult<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM messages WHERE tenant_id = ?1 AND provider = ?2 AND provider_message_id = ?3")?
        .exists(params![tenant_id, provider, provider_message_id])?)
}

/// The last `limit` messages of a lead, oldest first (chat history for the AI).
pub fn recent_for_lead(
    conn: &Connection,
    tenant_id: TenantId,
    lead_id: LeadId,
    limit: i64,
) -> StoreResult<Vec<Message>> {
    let mut v = conn
        .prepare_cached(&format!("{SELECT} WHERE lead_id = ?1 AND tenant_id = ?2 ORDER BY id DESC LIMIT ?3"))?
        .query_map(params![lead_id, tenant_id, limit], from_row)?
        .collect::<Result<Vec<_>, _>>()?;
    v.reverse();
    Ok(v)
}

/// Whether we are sending this very text to the lead right now (a bridge
/// echo of it is ours, not a person's).
pub fn pending_out_with_body(conn: &Connection, tenant_id: TenantId, lead_id: LeadId, body: &str) -> StoreResult<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT 1 FROM messages WHERE lead_id = ?1 AND tenant_id = ?2 AND direction = 'out'
               AND status = 'pending' AND body = ?3",
        )?
        .exists(params![lead_id, tenant_id, body])?)
}

/// The id of the lead's newest inbound message, if any.
pub fn newest_inbound_id(conn: &Connection, tenant_id: TenantId, lead_id: LeadId) -> StoreResult<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT max(id) FROM messages WHERE lead_id = ?1 AND tenant_id = ?2 AND direction = 'in'")?
        .query_row(params![lead_id, tenant_id], |r| r.get(0))?)
}

/// Where an outgoing message stands, as the UI shows it.
pub const DELIVERY: [&str; 5] = ["queued", "sent", "delivered", "read", "failed"];

/// A provider's delivery report (Twilio's status callback, the bridge's
/// `messages.update`): moves the message forward only (a late `sent` never
/// undoes `read`); `failed` always applies. Returns the updated message.
/// Unscoped: a report names only the provider's message id; the business is learnt from the row.
pub fn record_delivery_unscoped(
    conn: &Connection,
    provider: &str,
    provider_message_id: &str,
    status: &str,
    error_code: Option<&str>,
) -> StoreResult<Option<Message>> {
    let id: Option<i64> = conn
        .prepare_cached(
            "UPDATE messages SET status = ?3, error_code = coalesce(?4, error_code)
             WHERE provider = ?1 AND provider_message_id = ?2 AND direction = 'out'
               AND (?3 = 'failed' OR
                    (CASE ?3 WHEN 'queued' THEN 1 WHEN 'sent' THEN 2 WHEN 'delivered' THEN 3 WHEN 'read' THEN 4 ELSE 0 END)
                    > (CASE status WHEN 'pending' THEN 0 WHEN 'queued' THEN 1 WHEN 'sent' THEN 2
                                   WHEN 'delivered' THEN 3 WHEN 'read' THEN 4 ELSE 5 END))
             RETURNING id",
        )?
        .query_row(params![provider, provider_message_id, status, error_code], |r| r.get(0))
        .optional()?;
    match id {
        Some(id) => Ok(Some(conn.prepare_cached(&format!("{SELECT} WHERE id = ?1"))?.query_row([id], from_row)?)),
        None => Ok(None),
    }
}

/// Whether an outgoing message with this provider id exists (a report about
/// an unknown message is 404; one that changes nothing is fine).
pub fn outgoing_exists_unscoped(conn: &Connection, provider: &str, provider_message_id: &str) -> StoreResult<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT 1 FROM messages WHERE provider = ?1 AND provider_message_id = ?2 AND direction = 'out'",
        )?
        .exists(params![provider, provider_message_id])?)
}

/// An outgoing message about to be handed to a provider.
pub struct Pending<'a> {
    pub lead_id: LeadId,
    /// The provider expected to send it (the one that does is set on success).
    pub provider: &'a str,
    pub body: &'a str,
    pub author_user_id: Option<UserId>,
    pub is_ai: bool,
    pub idempotency_key: Option<&'a str>,
}

/// Records an outgoing message as `pending` before the provider is called,
/// so a crash or a retry can never make it go out twice unseen.
pub fn insert_pending(conn: &Connection, tenant_id: TenantId, p: &Pending) -> StoreResult<MessageId> {
    Ok(conn
        .prepare_cached(
            "INSERT INTO messages (tenant_id, lead_id, direction, provider, body, status, author_user_id, is_ai,
                                   idempotency_key)
             VALUES (?1, ?2, 'out', ?3, ?4, 'pending', ?5, ?6, ?7) RETURNING id",
        )?
        .query_row(
            params![tenant_id, p.lead_id, p.provider, p.body, p.author_user_id, p.is_ai, p.idempotency_key],
            |r| r.get(0),
        )?)
}

/// The message a client already sent with this idempotency key in this
/// business, if any, with its author (a key belongs to one author's send to
/// one lead).
pub fn by_idempotency_key(
    conn: &Connection,
    tenant_id: TenantId,
    key: &str,
) -> StoreResult<Option<(Message, Option<UserId>)>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, tenant_id, lead_id, direction, provider, provider_message_id, body, media, status,
                    is_ai, created_at, error_code, author_user_id
             FROM messages WHERE tenant_id = ?1 AND idempotency_key = ?2",
        )?
        .query_row(params![tenant_id, key], |r| Ok((from_row(r)?, r.get(12)?)))
        .optional()?)
}

/// A failed attempt with the same key (same lead, author and body) is tried
/// again on the same row.
pub fn retry_failed(conn: &Connection, tenant_id: TenantId, id: MessageId) -> StoreResult<()> {
    conn.prepare_cached(
        "UPDATE messages SET status = 'pending', error_code = NULL WHERE id = ?1 AND tenant_id = ?2 AND status = 'failed'",
    )?
    .execute(params![id, tenant_id])?;
    Ok(())
}

/// The provider refused or could not be reached: `failed`, with a plain reason.
pub fn mark_failed(conn: &Connection, tenant_id: TenantId, id: MessageId, reason: &str) -> StoreResult<()> {
    conn.prepare_cached(
        "UPDATE messages SET status = 'failed', error_code = ?2 WHERE id = ?1 AND tenant_id = ?3 AND status = 'pending'",
    )?
    .execute(params![id, reason, tenant_id])?;
    Ok(())
}

/// The provider took it. Returns the message and whether the bridge had
/// already echoed it back (then that row is the message: it gains the author
/// and the pending row goes, so the send stays one message).
pub fn mark_sent(
    conn: &Connection,
    tenant_id: TenantId,
    id: MessageId,
    provider: &str,
    provider_message_id: &str,
) -> StoreResult<(Message, bool)> {
    let echo: Option<MessageId> = conn
        .prepare_cached(
            "SELECT id FROM messages WHERE tenant_id = ?1 AND provider = ?2 AND provider_message_id = ?3 AND id <> ?4",
        )?
        .query_row(params![tenant_id, provider, provider_message_id, id], |r| r.get(0))
        .optional()?;
    let kept = match echo {
        Some(echo_id) => {
            conn.prepare_cached(
                "UPDATE messages SET author_user_id = coalesce((SELECT author_user_id FROM messages WHERE id = ?2), author_user_id),
                     is_ai = max(is_ai, (SELECT is_ai FROM messages WHERE id = ?2)),
                     idempotency_key = (SELECT idempotency_key FROM messages WHERE id = ?2)
                 WHERE id = ?1",
            )?
            .execute(params![echo_id, id])?;
            conn.prepare_cached("DELETE FROM messages WHERE id = ?1")?.execute([id])?;
            echo_id
        }
        None => {
            conn.prepare_cached(
                "UPDATE messages SET status = 'sent', provider = ?2, provider_message_id = ?3, error_code = NULL
                 WHERE id = ?1",
            )?
            .execute(params![id, provider, provider_message_id])?;
            id
        }
    };
    let m = conn.prepare_cached(&format!("{SELECT} WHERE id = ?1"))?.query_row([kept], from_row)?;
    Ok((m, echo.is_some()))
}

/// At start: sends left `pending` by a crash may or may not have gone out;
/// they are marked failed (`interrupted`) rather than sent again.
/// Unscoped: a sweep at start, before any request, over every business.
pub fn fail_interrupted_unscoped(conn: &Connection) -> StoreResult<usize> {
    Ok(conn.execute(
        "UPDATE messages SET status = 'failed', error_code = 'interrupted: the server stopped during the send'
         WHERE status = 'pending'",
        [],
    )?)
}

/// AI replies sent to a lead in the last hour (the per-lead reply budget).
pub fn ai_replies_in_last_hour(conn: &Connection, tenant_id: TenantId, lead_id: LeadId) -> StoreResult<i64> {
    Ok(conn
        .prepare_cached(concat!(
            "SELECT count(*) FROM messages WHERE tenant_id = ?1 AND lead_id = ?2 AND is_ai = 1 AND direction = 'out'
               AND status <> 'failed' AND created_at >= ",
            now_sql!("'-1 hour'")
        ))?
        .query_row(params![tenant_id, lead_id], |r| r.get(0))?)
}
