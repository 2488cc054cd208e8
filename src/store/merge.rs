//! Duplicate leads: finding the same person under another lead, and folding
//! one lead into another.

use rusqlite::{Connection, params};

use super::error::StoreResult;
use super::leads::{self, Lead};
use crate::domain::{LeadId, Scope, TenantId};

/// The phone a WhatsApp id spells, when it spells one: Twilio's `WaId`
/// (`972521234567`) or a bridge jid (`972521234567@s.whatsapp.net`). A
/// `@lid` id hides the number and spells none.
fn phone_of_whatsapp_id(id: &str) -> Option<String> {
    let (user, server) = id.split_once('@').unwrap_or((id, "s.whatsapp.net"));
    let digits = user.split(':').next().unwrap_or(user);
    let is_phone_server = matches!(server, "s.whatsapp.net" | "c.us");
    (is_phone_server && (8..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| format!("+{digits}"))
}

/// The WhatsApp ids a phone may have been stored under.
fn whatsapp_ids_of_phone(phone: &str) -> [String; 3] {
    let digits = phone.trim_start_matches('+');
    [digits.to_string(), format!("{digits}@s.whatsapp.net"), format!("{digits}@c.us")]
}

/// Other leads of the same business that are the same person by phone,
/// WhatsApp id (a `@lid` id included) or email (whatever its case).
/// Phones and WhatsApp ids are index probes; an email is looked up through
/// the search index.
pub fn duplicates(conn: &Connection, lead: &Lead) -> StoreResult<Vec<Lead>> {
    let mut phones: Vec<String> = lead.phone_e164.iter().cloned().collect();
    phones.extend(lead.whatsapp_id.as_deref().and_then(phone_of_whatsapp_id));
    let mut wa_ids: Vec<String> = lead.whatsapp_id.iter().cloned().collect();
    for p in &phones {
        wa_ids.extend(whatsapp_ids_of_phone(p));
    }
    let mut ids: Vec<LeadId> = Vec::new();
    let mut push = |id: LeadId| {
        if id != lead.id && !ids.contains(&id) {
            ids.push(id);
        }
    };
    let mut by_phone = conn
        .prepare_cached("SELECT id FROM leads WHERE tenant_id = ?1 AND phone_e164 = ?2 AND phone_e164 IS NOT NULL")?;
    for p in &phones {
        for id in by_phone.query_map(params![lead.tenant_id, p], |r| r.get(0))? {
            push(id?);
        }
    }
    let mut by_wa = conn
        .prepare_cached("SELECT id FROM leads WHERE tenant_id = ?1 AND whatsapp_id = ?2 AND whatsapp_id IS NOT NULL")?;
    for w in &wa_ids {
        for id in by_wa.query_map(params![lead.tenant_id, w], |r| r.get(0))? {
            push(id?);
        }
    }
    if let Some(email) = lead.email.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
        for id in leads::ids_with_email(conn, lead.tenant_id, email)? {
            push(LeadId(id));
        }
    }
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        out.extend(leads::get(conn, Scope::Tenant(lead.tenant_id), id)?);
    }
    Ok(out)
}

/// Every (table, column) that names a lead, read from the schema itself so a
/// table added later is moved too.
fn lead_references(conn: &Connection) -> StoreResult<Vec<(String, String)>> {
    Ok(conn
        .prepare_cached(
            "SELECT m.name, f.\"from\" FROM sqlite_schema m, pragma_foreign_key_list(m.name) f
             WHERE m.type = 'table' AND f.\"table\" = 'leads' ORDER BY m.name",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?)
}

/// Rows per table that name `lead_id` (what a merge moves), for checks and tests.
pub fn rows_naming(conn: &Connection, lead_id: LeadId) -> StoreResult<Vec<(String, i64)>> {
    let mut out = Vec::new();
    for (table, column) in lead_references(conn)? {
        let n: i64 =
            conn.query_row(&format!("SELECT count(*) FROM \"{table}\" WHERE \"{column}\" = ?1"), [lead_id], |r| {
                r.get(0)
            })?;
        out.push((table, n));
    }
    Ok(out)
}

/// Folds `other` into `keep` (both of `tenant_id`, already read): every row
/// naming `other` names `keep` instead (a row a lead has only one of, such
/// as its conversation, is kept once), `keep`'s empty fields take `other`'s
/// values, tags are joined, and `other` is deleted. Runs inside the caller's
/// transaction; the search index and totals follow through their triggers.
pub fn merge(conn: &Connection, tenant_id: TenantId, keep: &Lead, other: &Lead) -> StoreResult<()> {
    for (table, column) in lead_references(conn)? {
        // OR IGNORE: a row unique per lead stays with `keep`, and `other`'s goes with it below.
        conn.execute(
            &format!("UPDATE OR IGNORE \"{table}\" SET \"{column}\" = ?1 WHERE \"{column}\" = ?2"),
            params![keep.id, other.id],
        )?;
    }
    conn.execute("DELETE FROM leads WHERE id = ?1 AND tenant_id = ?2", params![other.id, tenant_id])?;
    let mut tags = keep.tags.clone();
    for t in &other.tags {
        if !tags.contains(t) {
            tags.push(t.clone());
        }
    }
    let tags = serde_json::to_string(&tags).unwrap_or_else(|_| "[]".into());
    conn.execute(
        "UPDATE leads SET
            first_name = iif(first_name = '', ?3, first_name),
            last_name = iif(last_name = '', ?4, last_name),
            phone_e164 = coalesce(phone_e164, ?5),
            whatsapp_id = coalesce(whatsapp_id, ?6),
            email = coalesce(nullif(email, ''), ?7),
            notes = iif(notes = '', ?8, notes),
            assignee_user_id = coalesce(assignee_user_id, ?9),
            tags = ?10,
            last_inbound_at = (SELECT max(created_at) FROM messages WHERE lead_id = ?1 AND direction = 'in'),
            last_outbound_at = (SELECT max(created_at) FROM messages WHERE lead_id = ?1 AND direction = 'out'),
            last_activity_at = max(last_activity_at, ?11),
            updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
         WHERE id = ?1 AND tenant_id = ?2",
        params![
            keep.id,
            tenant_id,
            other.first_name,
            other.last_name,
            other.phone_e164,
            other.whatsapp_id,
            other.email,
            other.notes,
            other.assignee_user_id,
            tags,
            other.last_activity_at
        ],
    )?;
    recount_conversation(conn, keep.id)
}

/// The lead's conversation (the `conv_` columns) from its messages, as the
/// migration that made the conversations computed every lead's.
fn recount_conversation(conn: &Connection, lead_id: LeadId) -> StoreResult<()> {
    conn.execute(
        "WITH started AS (SELECT min(created_at) AS at FROM messages WHERE lead_id = ?1 AND direction = 'in'),
         replies AS (
            SELECT m.created_at, m.is_ai FROM messages m, started s
            WHERE m.lead_id = ?1 AND m.direction = 'out' AND m.status NOT IN ('pending', 'failed')
              AND (m.is_ai = 1 OR m.author_user_id IS NOT NULL) AND m.created_at >= s.at)
         UPDATE leads SET
            conv_started_at = (SELECT at FROM started),
            conv_first_reply_at = (SELECT created_at FROM replies ORDER BY created_at LIMIT 1),
            conv_first_reply_by = (SELECT iif(is_ai, 'ai', 'person') FROM replies ORDER BY created_at LIMIT 1),
            conv_ai_replied = EXISTS (SELECT 1 FROM replies WHERE is_ai = 1),
            conv_person_replied = EXISTS (SELECT 1 FROM replies WHERE is_ai = 0),
            conv_handed_off = (SELECT at FROM started) IS NOT NULL
                AND EXISTS (SELECT 1 FROM lead_activities WHERE lead_id = ?1 AND kind = 'ai_paused')
         WHERE id = ?1",
        [lead_id],
    )?;
    conn.execute(
        "UPDATE leads
         SET conv_reply_ms = CAST(round((julianday(conv_first_reply_at) - julianday(conv_started_at)) * 86400000)
                                  AS INTEGER)
         WHERE id = ?1",
        [lead_id],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whatsapp_ids_spell_phones_except_lids() {
        assert_eq!(phone_of_whatsapp_id("972521234567").as_deref(), Some("+972521234567"));
        assert_eq!(phone_of_whatsapp_id("972521234567@s.whatsapp.net").as_deref(), Some("+972521234567"));
        assert_eq!(phone_of_whatsapp_id("123456789012345@lid"), None);
        assert_eq!(phone_of_whatsapp_id("abc"), None);
    }
}
