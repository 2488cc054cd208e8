//! The timeline of a lead. Written in the same transaction as the change it records.

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use serde_json::Value;

use super::error::StoreResult;
use super::now_sql;
use super::{Actor, leads};
use super::{Page, PageRequest};
use crate::domain::{ActivityKind, LeadId, TenantId, UserId};

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Activity {
    pub id: i64,
    pub tenant_id: TenantId,
    pub lead_id: LeadId,
    pub kind: ActivityKind,
    pub body: String,
    pub data: Value,
    pub actor_user_id: Option<UserId>,
    pub actor_name: Option<String>,
    pub impersonating: bool,
    pub created_at: String,
    /// For a message on the timeline: where it stands now (`queued`, `sent`,
    /// `delivered`, `read`, `failed`...) and why it failed.
    pub message_status: Option<String>,
    pub message_error: Option<String>,
}

/// Appends an activity and bumps the lead's last activity. Returns the row.
pub fn add(
    conn: &Connection,
    tenant_id: TenantId,
    lead_id: LeadId,
    kind: ActivityKind,
    body: &str,
    data: &Value,
    actor: Option<Actor>,
) -> StoreResult<Activity> {
    let entry = record(conn, tenant_id, lead_id, kind, body, data, actor)?;
    // A lead's `created` entry is written with the lead, whose
    // last_activity_at is already now: touching it again would only rewrite
    // the indexes that hold it.
    if kind != ActivityKind::Created {
        leads::touch(conn, tenant_id, lead_id)?;
    }
    Ok(entry)
}

/// [`add`] for the entry of a message inserted just before in the same
/// transaction: the message's own trigger has already moved the lead's last
/// activity to the message's time, so the lead row and its activity indexes
/// are not rewritten a second time.
pub fn add_after_message(
    conn: &Connection,
    tenant_id: TenantId,
    lead_id: LeadId,
    kind: ActivityKind,
    body: &str,
    data: &Value,
) -> StoreResult<Activity> {
    record(conn, tenant_id, lead_id, kind, body, data, None)
}

/// Inserts the entry (the lead is left as it is) and returns it.
fn record(
    conn: &Connection,
    tenant_id: TenantId,
    lead_id: LeadId,
    kind: ActivityKind,
    body: &str,
    data: &Value,
    actor: Option<Actor>,
) -> StoreResult<Activity> {
    let data_text = if data.is_null() { "{}".to_string() } else { data.to_string() };
    let (id, created_at): (i64, String) = conn
        .prepare_cached(
            "INSERT INTO lead_activities (tenant_id, lead_id, kind, body, data, actor_user_id, impersonating)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id, created_at",
        )?
        .query_row(
            params![
                tenant_id,
                lead_id,
                kind,
                body,
                data_text,
                actor.map(|a| a.user_id),
                actor.is_some_and(|a| a.impersonating)
            ],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
    // The row is known; only the actor's name and a message's state are looked
    // up (by key), instead of reading the entry back through the timeline's joins.
    let actor_name = match actor {
        Some(a) => conn
            .prepare_cached("SELECT name FROM users WHERE id = ?1")?
            .query_row([a.user_id], |r| r.get(0))
            .optional()?,
        None => None,
    };
    let (message_status, message_error) = match data.get("message_id").and_then(Value::as_i64) {
        Some(m) if matches!(kind, ActivityKind::MessageIn | ActivityKind::MessageOut | ActivityKind::AiReply) => conn
            .prepare_cached("SELECT status, error_code FROM messages WHERE id = ?1 AND lead_id = ?2")?
            .query_row(params![m, lead_id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?
            .unwrap_or((None, None)),
        _ => (None, None),
    };
    Ok(Activity {
        id,
        tenant_id,
        lead_id,
        kind,
        body: body.to_string(),
        data: if data.is_null() { Value::Object(Default::default()) } else { data.clone() },
        actor_user_id: actor.map(|a| a.user_id),
        actor_name,
        impersonating: actor.is_some_and(|a| a.impersonating),
        created_at,
        message_status,
        message_error,
    })
}

const SELECT: &str = "SELECT a.id, a.tenant_id, a.lead_id, a.kind, a.body, a.data, a.actor_user_id, u.name,
                             a.impersonating, a.created_at, m.status, m.error_code
                      FROM lead_activities a LEFT JOIN users u ON u.id = a.actor_user_id
                      LEFT JOIN messages m ON a.kind IN ('message_in', 'message_out', 'ai_reply')
                                          AND m.id = json_extract(a.data, '$.message_id') AND m.lead_id = a.lead_id";

fn from_row(r: &rusqlite::Row) -> rusqlite::Result<Activity> {
    let data: String = r.get(5)?;
    Ok(Activity {
        id: r.get(0)?,
        tenant_id: r.get(1)?,
        lead_id: r.get(2)?,
        kind: r.get(3)?,
        body: r.get(4)?,
        data: serde_json::from_str(&data).unwrap_or(Value::Null),
        actor_user_id: r.get(6)?,
        actor_name: r.get(7)?,
        impersonating: r.get(8)?,
        created_at: r.get(9)?,
        message_status: r.get(10)?,
        message_error: r.get(11)?,
    })
}

/// A lead's timeline, newest first, a page at a time; empty when the lead is
/// not in `tenant_id`. (The lead is checked once, then its index is walked.)
pub fn list_for_lead(
    conn: &Connection,
    tenant_id: TenantId,
    lead_id: LeadId,
    page: PageRequest,
) -> StoreResult<Page<Activity>> {
    let total: i64 = conn
        .prepare_cached(
            "SELECT count(*) FROM lead_activities
             WHERE lead_id = (SELECT id FROM leads WHERE id = ?1 AND tenant_id = ?2)",
        )?
        .query_row(params![lead_id, tenant_id], |r| r.get(0))?;
    let items = conn
        .prepare_cached(&format!(
            "{SELECT} WHERE a.lead_id = (SELECT id FROM leads WHERE id = ?1 AND tenant_id = ?2)
             ORDER BY a.id DESC LIMIT ?3 OFFSET ?4"
        ))?
        .query_map(params![lead_id, tenant_id, page.page_size, page.offset()], from_row)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(page.wrap(items, total))
}

/// Whether the lead got an `ai_error` with this `reason` in the last hour.
pub fn recent_ai_error(conn: &Connection, tenant_id: TenantId, lead_id: LeadId, reason: &str) -> StoreResult<bool> {
    Ok(conn
        .prepare_cached(concat!(
            "SELECT 1 FROM lead_activities WHERE lead_id = ?1 AND tenant_id = ?4 AND kind = ?3
               AND json_extract(data, '$.reason') = ?2
               AND created_at >= ",
            now_sql!("'-1 hour'")
        ))?
        .exists(params![lead_id, reason, ActivityKind::AiError, tenant_id])?)
}

/// Whether the system sent the lead something marked `automatic` in the last 24 hours.
pub fn automatic_within_a_day(
    conn: &Connection,
    tenant_id: TenantId,
    lead_id: LeadId,
    mark: &str,
) -> StoreResult<bool> {
    Ok(conn
        .prepare_cached(concat!(
            "SELECT 1 FROM lead_activities WHERE lead_id = ?1 AND tenant_id = ?2 AND kind = 'message_out'
               AND json_extract(data, '$.automatic') = ?3 AND created_at >= ",
            now_sql!("'-24 hours'")
        ))?
        .exists(params![lead_id, tenant_id, mark])?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Db;
    use serde_json::json;

    /// What `add` answers (and the live events carry) is the entry exactly as
    /// the timeline reads it back: actor name, message state and all.
    #[test]
    fn an_added_entry_is_what_the_timeline_reads() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("a.db")).unwrap();
        db.write_blocking(|tx| -> StoreResult<()> {
            tx.execute_batch(
                "INSERT INTO tenants (id, name) VALUES (1, 't');
                 INSERT INTO users (id, tenant_id, email, name, password_hash, role)
                     VALUES (7, 1, 'o@example.com', 'Orly', 'x', 'owner');
                 INSERT INTO leads (id, tenant_id, first_name, phone_e164, source) VALUES (3, 1, 'Dana', '+972521234567', 'manual');
                 INSERT INTO messages (id, tenant_id, lead_id, direction, provider, body, status, error_code)
                     VALUES (5, 1, 3, 'out', 'twilio', 'hi', 'failed', '63016');",
            )?;
            let actor = Some(Actor { user_id: UserId(7), impersonating: true });
            let added = [
                add(tx, TenantId(1), LeadId(3), ActivityKind::MessageOut, "hi", &json!({"message_id": 5}), actor)?,
                add(tx, TenantId(1), LeadId(3), ActivityKind::Note, "call back", &Value::Null, None)?,
            ];
            let read = list_for_lead(tx, TenantId(1), LeadId(3), PageRequest::new(Some(1), Some(10), 10))?;
            let mut read: Vec<Value> = read.items.iter().map(|a| serde_json::to_value(a).unwrap()).collect();
            read.reverse();
            let added: Vec<Value> = added.iter().map(|a| serde_json::to_value(a).unwrap()).collect();
            assert_eq!(added, read);
            assert_eq!(added[0]["actor_name"], "Orly");
            assert_eq!(added[0]["message_error"], "63016");
            Ok(())
        })
        .unwrap();
    }
}
