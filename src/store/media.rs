//! Files of WhatsApp messages (images, voice notes, documents), kept as
//! BLOBs in the data file. Inbound files are queued here (`pending`) with
//! their message and fetched in the background through the claim life cycle
//! of [`super::claims`]; staff uploads are stored at once. A message and its
//! timeline entry carry a short description of each file (`url`, kind,
//! type, size, status, transcript), refreshed whenever a file changes.

use rusqlite::{Connection, OptionalExtension, params};
use serde_json::Value;

use super::claims::{self, MEDIA};
use super::error::StoreResult;
use crate::domain::{LeadId, MessageId, Scope, TenantId};

/// A file to fetch, as claimed.
#[derive(Clone, Debug)]
pub struct Claimed {
    pub id: i64,
    pub tenant_id: TenantId,
    pub lead_id: LeadId,
    pub message_id: Option<MessageId>,
    pub provider: String,
    pub kind: String,
    pub content_type: String,
    /// Twilio: the media URL; the bridge: the message (key and content) as JSON.
    pub source: String,
    pub token: String,
}

/// A stored file, ready to serve.
pub struct Stored {
    pub tenant_id: TenantId,
    pub content_type: String,
    pub file_name: Option<String>,
    pub bytes: Vec<u8>,
}

/// WhatsApp's kinds of files, from a content type.
pub fn kind_of(content_type: &str) -> &'static str {
    match content_type.split('/').next().unwrap_or_default() {
        "image" => "image",
        "audio" => "audio",
        "video" => "video",
        _ => "document",
    }
}

/// An inbound file of a message, to fetch.
pub struct NewFile<'a> {
    pub message_id: MessageId,
    pub provider: &'a str,
    pub kind: &'a str,
    pub content_type: &'a str,
    /// Twilio: the media URL; the bridge: the message (key and content) as JSON.
    pub source: &'a str,
}

/// Records an inbound file to fetch; returns its id.
pub fn insert_pending(conn: &Connection, tenant_id: TenantId, lead_id: LeadId, f: &NewFile) -> StoreResult<i64> {
    Ok(conn
        .prepare_cached(
            "INSERT INTO media (tenant_id, lead_id, message_id, provider, kind, content_type, source)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
        )?
        .query_row(params![tenant_id, lead_id, f.message_id, f.provider, f.kind, f.content_type, f.source], |r| {
            r.get(0)
        })?)
}

/// Stores a file a person uploaded (linked to its message once sent); returns its id.
pub fn insert_upload(
    conn: &Connection,
    tenant_id: TenantId,
    lead_id: LeadId,
    content_type: &str,
    file_name: Option<&str>,
    bytes: &[u8],
) -> StoreResult<i64> {
    Ok(conn
        .prepare_cached(
            "INSERT INTO media (tenant_id, lead_id, provider, kind, content_type, file_name, size, bytes, status)
             VALUES (?1, ?2, 'upload', ?3, ?4, ?5, ?6, ?7, 'stored') RETURNING id",
        )?
        .query_row(
            params![tenant_id, lead_id, kind_of(content_type), content_type, file_name, bytes.len() as i64, bytes],
            |r| r.get(0),
        )?)
}

/// Links an uploaded file to the message that carried it.
pub fn link(conn: &Connection, tenant_id: TenantId, id: i64, message_id: MessageId) -> StoreResult<()> {
    conn.prepare_cached("UPDATE media SET message_id = ?3 WHERE id = ?1 AND tenant_id = ?2")?
        .execute(params![id, tenant_id, message_id])?;
    Ok(())
}

/// The message's files as its timeline shows them.
pub fn descriptors(conn: &Connection, message_id: MessageId) -> StoreResult<Value> {
    Ok(conn
        .prepare_cached(
            "SELECT coalesce(json_group_array(json_object(
                'id', id, 'url', '/api/media/' || id, 'kind', kind, 'content_type', content_type,
                'file_name', file_name, 'size', size, 'status', status, 'transcript', transcript)), '[]')
             FROM (SELECT * FROM media WHERE message_id = ?1 ORDER BY id)",
        )?
        .query_row([message_id], |r| r.get::<_, String>(0))
        .map(|s| serde_json::from_str(&s).unwrap_or(Value::Array(Vec::new())))?)
}

/// Writes the message's file descriptions onto the message and its timeline entries.
pub fn refresh(conn: &Connection, tenant_id: TenantId, lead_id: LeadId, message_id: MessageId) -> StoreResult<Value> {
    let media = descriptors(conn, message_id)?;
    let text = media.to_string();
    conn.prepare_cached("UPDATE messages SET media = ?3 WHERE id = ?1 AND tenant_id = ?2")?
        .execute(params![message_id, tenant_id, text])?;
    conn.prepare_cached(
        "UPDATE lead_activities SET data = json_set(data, '$.media', json(?3))
         WHERE lead_id = ?1 AND tenant_id = ?2 AND kind IN ('message_in', 'message_out', 'ai_reply')
           AND json_extract(data, '$.message_id') = ?4",
    )?
    .execute(params![lead_id, tenant_id, text, message_id])?;
    Ok(media)
}

/// Claims up to `limit` files due to be fetched.
pub fn claim_due_unscoped(conn: &Connection, now: &str, limit: i64) -> StoreResult<Vec<Claimed>> {
    claims::claim_due_unscoped(
        conn,
        MEDIA,
        now,
        limit,
        "id, tenant_id, lead_id, message_id, provider, kind, content_type, source, claim_token",
        |r| {
            Ok(Claimed {
                id: r.get(0)?,
                tenant_id: r.get(1)?,
                lead_id: r.get(2)?,
                message_id: r.get(3)?,
                provider: r.get(4)?,
                kind: r.get(5)?,
                content_type: r.get(6)?,
                source: r.get(7)?,
                token: r.get(8)?,
            })
        },
    )
}

/// The fetched bytes, under the claim that fetched them. False when the claim was lost.
pub fn store_fetched_unscoped(
    conn: &Connection,
    id: i64,
    token: &str,
    content_type: &str,
    bytes: &[u8],
) -> StoreResult<bool> {
    let n = conn
        .prepare_cached(
            "UPDATE media SET bytes = ?3, size = ?4, content_type = ?5
             WHERE id = ?1 AND status = 'claimed' AND claim_token = ?2",
        )?
        .execute(params![id, token, bytes, bytes.len() as i64, content_type])?;
    Ok(n > 0 && claims::mark_done_unscoped(conn, MEDIA, id, token)?)
}

/// A file over the size limit: never fetched again; its size (when known) is kept.
pub fn mark_too_large_unscoped(conn: &Connection, id: i64, token: &str, size: Option<i64>) -> StoreResult<bool> {
    Ok(conn
        .prepare_cached(
            "UPDATE media SET status = 'too_large', size = ?3, claim_token = NULL, claimed_at = NULL,
                    last_error = 'larger than the size limit'
             WHERE id = ?1 AND status = 'claimed' AND claim_token = ?2",
        )?
        .execute(params![id, token, size])?
        > 0)
}

/// A fetch failed: tried again later, or `failed` after the queue's attempts.
pub fn mark_failed_attempt_unscoped(
    conn: &Connection,
    id: i64,
    token: &str,
    error: &str,
    retry_at: &str,
    permanent: bool,
) -> StoreResult<bool> {
    claims::mark_failed_attempt_unscoped(conn, MEDIA, id, token, error, retry_at, permanent)
}

/// Claims left by a crash go back to the queue.
pub fn rescue_stale_unscoped(
    conn: &Connection,
    older_than: &str,
    live: &std::collections::HashSet<String>,
) -> StoreResult<usize> {
    claims::rescue_stale_unscoped(conn, MEDIA, older_than, live)
}

/// When the next pending file is due.
pub fn next_due_unscoped(conn: &Connection) -> StoreResult<Option<String>> {
    claims::next_due_unscoped(conn, MEDIA)
}

pub fn set_transcript(conn: &Connection, tenant_id: TenantId, id: i64, transcript: &str) -> StoreResult<()> {
    conn.prepare_cached("UPDATE media SET transcript = ?3 WHERE id = ?1 AND tenant_id = ?2")?
        .execute(params![id, tenant_id, transcript])?;
    Ok(())
}

/// Files of the message still waiting to be fetched.
pub fn unfinished_of_message(conn: &Connection, message_id: MessageId) -> StoreResult<i64> {
    Ok(conn
        .prepare_cached("SELECT count(*) FROM media WHERE message_id = ?1 AND status IN ('pending', 'claimed')")?
        .query_row([message_id], |r| r.get(0))?)
}

/// A stored file in the caller's scope (another business's: None).
pub fn get(conn: &Connection, scope: Scope, id: i64) -> StoreResult<Option<Stored>> {
    let tenant = match scope {
        Scope::Tenant(t) => Some(t),
        Scope::All => None,
    };
    Ok(conn
        .prepare_cached(
            "SELECT tenant_id, content_type, file_name, bytes FROM media
             WHERE id = ?1 AND status = 'stored' AND bytes IS NOT NULL AND (?2 IS NULL OR tenant_id = ?2)",
        )?
        .query_row(params![id, tenant], |r| {
            Ok(Stored { tenant_id: r.get(0)?, content_type: r.get(1)?, file_name: r.get(2)?, bytes: r.get(3)? })
        })
        .optional()?)
}
