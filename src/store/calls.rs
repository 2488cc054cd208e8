//! Voice calls and their one-time stream tokens.

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use serde_json::Value;

use super::error::StoreResult;
use super::now_sql;
use crate::domain::{LeadId, Scope, TenantId};

#[derive(Clone, Debug, Serialize)]
pub struct Call {
    pub id: i64,
    pub tenant_id: TenantId,
    pub lead_id: Option<LeadId>,
    pub call_sid: Option<String>,
    pub stream_token: Option<String>,
    pub from_e164: Option<String>,
    pub to_e164: Option<String>,
    pub status: String,
    pub duration_s: Option<i64>,
    pub started_at: String,
    pub ended_at: Option<String>,
    /// `person`, `ai` or `voicemail`; None while nobody has.
    pub answered_by: Option<String>,
    pub recording_url: Option<String>,
}

const SELECT: &str = "SELECT id, tenant_id, lead_id, call_sid, stream_token, from_e164, to_e164, status, duration_s,
                             started_at, ended_at, answered_by, recording_url FROM calls";

fn from_row(r: &rusqlite::Row) -> rusqlite::Result<Call> {
    Ok(Call {
        id: r.get(0)?,
        tenant_id: r.get(1)?,
        lead_id: r.get(2)?,
        call_sid: r.get(3)?,
        stream_token: r.get(4)?,
        from_e164: r.get(5)?,
        to_e164: r.get(6)?,
        status: r.get(7)?,
        duration_s: r.get(8)?,
        started_at: r.get(9)?,
        ended_at: r.get(10)?,
        answered_by: r.get(11)?,
        recording_url: r.get(12)?,
    })
}

/// The call Twilio names by its CallSid.
/// Unscoped: a webhook names only the call; its business is learnt from the row.
pub fn by_sid_unscoped(conn: &Connection, call_sid: &str) -> StoreResult<Option<Call>> {
    Ok(conn.prepare_cached(&format!("{SELECT} WHERE call_sid = ?1"))?.query_row([call_sid], from_row).optional()?)
}

/// A call by id, within `scope`.
pub fn get(conn: &Connection, scope: Scope, id: i64) -> StoreResult<Option<Call>> {
    Ok(conn
        .prepare_cached(&format!("{SELECT} WHERE id = ?1 AND (?2 IS NULL OR tenant_id = ?2)"))?
        .query_row(params![id, scope.filter()], from_row)
        .optional()?)
}

pub struct NewCall<'a> {
    pub lead_id: LeadId,
    pub call_sid: &'a str,
    pub stream_token: Option<&'a str>,
    pub from_e164: Option<&'a str>,
    pub to_e164: &'a str,
    pub status: &'a str,
}

pub fn insert(conn: &Connection, tenant_id: TenantId, c: &NewCall) -> StoreResult<Call> {
    conn.prepare_cached(
        "INSERT INTO calls (tenant_id, lead_id, call_sid, stream_token, from_e164, to_e164, status)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![tenant_id, c.lead_id, c.call_sid, c.stream_token, c.from_e164, c.to_e164, c.status])?;
    let id = conn.last_insert_rowid();
    Ok(conn.prepare_cached(&format!("{SELECT} WHERE id = ?1"))?.query_row([id], from_row)?)
}

/// How long a stream token is good for after the call came in.
pub const STREAM_TOKEN_TTL_SECS: i64 = 60;

/// Takes a stream token once: the call it belongs to, or None if unknown,
/// used, older than [`STREAM_TOKEN_TTL_SECS`], or issued for another call
/// than `call_sid` (the `start` frame's `callSid`).
/// Unscoped: the one-time token is what names the call, and so its business.
pub fn take_stream_token_unscoped(conn: &Connection, token: &str, call_sid: &str) -> StoreResult<Option<Call>> {
    if token.is_empty() || call_sid.is_empty() {
        return Ok(None);
    }
    let id: Option<i64> = conn
        .prepare_cached(concat!(
            "UPDATE calls SET token_used_at = ",
            now_sql!(),
            ", status = 'in_progress', answered_by = 'ai'
             WHERE stream_token = ?1 AND token_used_at IS NULL AND call_sid = ?2
               AND started_at >= ",
            now_sql!("?3"),
            " RETURNING id"
        ))?
        .query_row(params![token, call_sid, format!("-{STREAM_TOKEN_TTL_SECS} seconds")], |r| r.get(0))
        .optional()?;
    match id {
        Some(id) => {
            Ok(conn.prepare_cached(&format!("{SELECT} WHERE id = ?1"))?.query_row([id], from_row).optional()?)
        }
        None => Ok(None),
    }
}

/// Who took the call: `person`, `ai` or `voicemail`.
pub fn set_answered_by(conn: &Connection, tenant_id: TenantId, id: i64, who: &str) -> StoreResult<()> {
    conn.prepare_cached("UPDATE calls SET answered_by = ?3 WHERE id = ?1 AND tenant_id = ?2")?
        .execute(params![id, tenant_id, who])?;
    Ok(())
}

/// The voicemail the caller left.
pub fn set_recording(conn: &Connection, tenant_id: TenantId, id: i64, url: &str) -> StoreResult<()> {
    conn.prepare_cached(
        "UPDATE calls SET recording_url = ?3, answered_by = 'voicemail' WHERE id = ?1 AND tenant_id = ?2",
    )?
    .execute(params![id, tenant_id, url])?;
    Ok(())
}

/// Ends a call of `tenant_id`: status, duration, transcript.
pub fn finish(
    conn: &Connection,
    tenant_id: TenantId,
    id: i64,
    status: &str,
    duration_s: Option<i64>,
    transcript: Option<&Value>,
) -> StoreResult<()> {
    conn.prepare_cached(concat!(
        "UPDATE calls SET status = ?2, duration_s = coalesce(?3, duration_s),
             transcript = coalesce(?4, transcript),
             ended_at = coalesce(ended_at, ",
        now_sql!(),
        ")
         WHERE id = ?1 AND tenant_id = ?5"
    ))?
    .execute(params![id, status, duration_s, transcript.map(|t| t.to_string()), tenant_id])?;
    Ok(())
}
