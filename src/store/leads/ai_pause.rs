//! Whether the AI may answer a lead: paused by a person or by itself, for
//! a while, with its timeline entry.

use rusqlite::{Connection, OptionalExtension, params};

use super::get;
use crate::{
    domain::{LeadId, Scope, TenantId},
    store::{StoreError, error::StoreResult, now_sql},
};

/// A change to whether the AI may answer a lead.
#[derive(Clone, Copy, Debug)]
pub enum AiPause {
    /// Silent for this many hours from now.
    For {
        hours: u32,
    },
    Resume,
}

/// Pauses or resumes the AI on a lead of `tenant_id`, with its timeline
/// entry (`reason` as the body). Resuming a lead that is not paused changes
/// nothing and records nothing (None).
pub fn set_ai_pause(
    conn: &Connection,
    tenant_id: TenantId,
    id: LeadId,
    change: AiPause,
    actor: Option<crate::store::Actor>,
    reason: &str,
) -> StoreResult<Option<crate::store::activities::Activity>> {
    let (until, kind) = match change {
        AiPause::For { hours } => {
            let until = time::OffsetDateTime::now_utc() + time::Duration::hours(i64::from(hours));
            (Some(crate::domain::time::format(until)), crate::domain::ActivityKind::AiPaused)
        }
        AiPause::Resume => (None, crate::domain::ActivityKind::AiResumed),
    };
    let changed = conn
        .prepare_cached(
            "UPDATE leads SET ai_paused_until = ?3
             WHERE id = ?1 AND tenant_id = ?2 AND (?3 IS NOT NULL OR ai_paused_until IS NOT NULL)",
        )?
        .execute(params![id, tenant_id, until])?;
    if changed == 0 {
        if get(conn, Scope::Tenant(tenant_id), id)?.is_none() {
            return Err(StoreError::NotFound("lead"));
        }
        return Ok(None);
    }
    let data = serde_json::json!({ "until": until });
    Ok(Some(crate::store::activities::add(conn, tenant_id, id, kind, reason, &data, actor)?))
}

/// A person wrote to the lead (from the UI, or from the business's own
/// phone): the AI stays silent for the business's `handoff_hours`. Only the
/// start of a pause goes on the timeline, not every message of the conversation.
pub fn pause_for_takeover(
    conn: &Connection,
    tenant_id: TenantId,
    id: LeadId,
    actor: Option<crate::store::Actor>,
    how: &str,
) -> StoreResult<Option<crate::store::activities::Activity>> {
    let was_answering = ai_may_answer(conn, tenant_id, id)?;
    let hours = crate::store::tenants::handoff_hours(conn, tenant_id)?;
    let activity = set_ai_pause(conn, tenant_id, id, AiPause::For { hours }, actor, how)?;
    Ok(activity.filter(|_| was_answering))
}

/// Whether the AI may answer this lead now (not paused, or the pause is over).
pub fn ai_may_answer(conn: &Connection, tenant_id: TenantId, id: LeadId) -> StoreResult<bool> {
    Ok(conn
        .prepare_cached(concat!(
            "SELECT ai_paused_until IS NULL OR ai_paused_until <= ",
            now_sql!(),
            " FROM leads WHERE id = ?1 AND tenant_id = ?2"
        ))?
        .query_row(params![id, tenant_id], |r| r.get(0))
        .optional()?
        .unwrap_or(false))
}
