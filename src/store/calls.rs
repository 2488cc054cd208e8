//! Voice calls and their one-time stream tokens.

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use serde_json::Value;

use super::error::StoreResult;
use super::now_sql;
use crate::domain::{CallId, LeadId, ReminderId, Scope, TenantId};

#[derive(Clone, Debug, Serialize)]
pub struct Call {
    pub id: CallId,
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
    /// `inbound`, or `outbound` for a callback the scheduler placed.
    pub direction: String,
    /// `{median, max, turns}` in ms, once the AI's part of the call ended.
    pub turn_latency_ms: Option<Value>,
    /// What the AI is told when its stream starts (a transfer nobody answered, a callback's note).
    pub agent_context: Option<String>,
    /// What the person a transfer rings hears first.
    pub whisper: Option<String>,
    /// The reminder a callback was placed for.
    pub reminder_id: Option<ReminderId>,
}

const SELECT: &str = "SELECT id, tenant_id, lead_id, call_sid, stream_token, from_e164, to_e164, status, duration_s,
                             started_at, ended_at, answered_by, recording_url, direction, turn_latency,
                             agent_context, whisper, reminder_id FROM calls";

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
        direction: r.get(13)?,
        turn_latency_ms: r.get(14)?,
        agent_context: r.get(15)?,
        whisper: r.get(16)?,
        reminder_id: r.get(17)?,
    })
}

/// The call Twilio names by its CallSid.
/// Unscoped: a webhook names only the call; its business is learnt from the row.
pub fn by_sid_unscoped(conn: &Connection, call_sid: &str) -> StoreResult<Option<Call>> {
    Ok(conn.prepare_cached(&format!("{SELECT} WHERE call_sid = ?1"))?.query_row([call_sid], from_row).optional()?)
}

/// A call by id, within `scope`.
pub fn get(conn: &Connection, scope: Scope, id: CallId) -> StoreResult<Option<Call>> {
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
               AND coalesce(token_issued_at, started_at) >= ",
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
pub fn set_answered_by(conn: &Connection, tenant_id: TenantId, id: CallId, who: &str) -> StoreResult<()> {
    conn.prepare_cached("UPDATE calls SET answered_by = ?3 WHERE id = ?1 AND tenant_id = ?2")?
        .execute(params![id, tenant_id, who])?;
    Ok(())
}

/// The voicemail the caller left.
pub fn set_recording(conn: &Connection, tenant_id: TenantId, id: CallId, url: &str) -> StoreResult<()> {
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
    id: CallId,
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

/// How quickly the AI answered on this call (`{median, max, turns}` in ms).
pub fn set_turn_latency(conn: &Connection, tenant_id: TenantId, id: CallId, latency: &Value) -> StoreResult<()> {
    conn.prepare_cached("UPDATE calls SET turn_latency = ?3 WHERE id = ?1 AND tenant_id = ?2")?.execute(params![
        id,
        tenant_id,
        latency.to_string()
    ])?;
    Ok(())
}

/// What the person a transfer rings will hear before being connected.
pub fn set_whisper(conn: &Connection, tenant_id: TenantId, id: CallId, whisper: &str) -> StoreResult<()> {
    conn.prepare_cached("UPDATE calls SET whisper = ?3 WHERE id = ?1 AND tenant_id = ?2")?
        .execute(params![id, tenant_id, whisper])?;
    Ok(())
}

/// A new one-time stream token for a call already under way (the AI takes
/// it back, or a callback connects it), good for [`STREAM_TOKEN_TTL_SECS`]
/// from now, with what the AI is to be told.
pub fn issue_stream_token(
    conn: &Connection,
    tenant_id: TenantId,
    id: CallId,
    token: &str,
    agent_context: Option<&str>,
) -> StoreResult<()> {
    conn.prepare_cached(concat!(
        "UPDATE calls SET stream_token = ?3, token_used_at = NULL, token_issued_at = ",
        now_sql!(),
        ", agent_context = ?4, answered_by = 'ai' WHERE id = ?1 AND tenant_id = ?2"
    ))?
    .execute(params![id, tenant_id, token, agent_context])?;
    Ok(())
}

/// A callback about to be placed for `reminder_id`, before Twilio knows of it.
pub struct NewOutbound<'a> {
    pub lead_id: LeadId,
    pub reminder_id: ReminderId,
    pub stream_token: &'a str,
    pub from_e164: &'a str,
    pub to_e164: &'a str,
    pub agent_context: &'a str,
}

pub fn insert_outbound(conn: &Connection, tenant_id: TenantId, c: &NewOutbound) -> StoreResult<Call> {
    conn.prepare_cached(concat!(
        "INSERT INTO calls (tenant_id, lead_id, reminder_id, stream_token, token_issued_at, from_e164, to_e164,
                            agent_context, direction, status)
         VALUES (?1, ?2, ?3, ?4, ",
        now_sql!(),
        ", ?5, ?6, ?7, 'outbound', 'ringing')"
    ))?
    .execute(params![
        tenant_id,
        c.lead_id,
        c.reminder_id,
        c.stream_token,
        c.from_e164,
        c.to_e164,
        c.agent_context
    ])?;
    let id = conn.last_insert_rowid();
    Ok(conn.prepare_cached(&format!("{SELECT} WHERE id = ?1"))?.query_row([id], from_row)?)
}

/// Twilio's CallSid for a call we placed.
pub fn set_sid(conn: &Connection, tenant_id: TenantId, id: CallId, call_sid: &str) -> StoreResult<()> {
    conn.prepare_cached("UPDATE calls SET call_sid = ?3 WHERE id = ?1 AND tenant_id = ?2 AND call_sid IS NULL")?
        .execute(params![id, tenant_id, call_sid])?;
    Ok(())
}

/// The callbacks `tenant_id` placed since `since`: how many, and the first one's time.
pub fn outbound_since(conn: &Connection, tenant_id: TenantId, since: &str) -> StoreResult<(i64, Option<String>)> {
    Ok(conn
        .prepare_cached(
            "SELECT count(*), min(started_at) FROM calls
             WHERE tenant_id = ?1 AND direction = 'outbound' AND started_at >= ?2",
        )?
        .query_row(params![tenant_id, since], |r| Ok((r.get(0)?, r.get(1)?)))?)
}

/// The latest call placed for a reminder.
pub fn latest_for_reminder(
    conn: &Connection,
    tenant_id: TenantId,
    reminder_id: ReminderId,
) -> StoreResult<Option<Call>> {
    Ok(conn
        .prepare_cached(&format!("{SELECT} WHERE reminder_id = ?1 AND tenant_id = ?2 ORDER BY id DESC LIMIT 1"))?
        .query_row(params![reminder_id, tenant_id], from_row)
        .optional()?)
}
