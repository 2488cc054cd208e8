//! The two prompts of a business and every saved revision.

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use super::Actor;
use super::error::StoreResult;
use super::now_sql;
use super::{Page, PageRequest};
use crate::domain::{TenantId, UserId};

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Prompts {
    pub calls_prompt: String,
    pub whatsapp_prompt: String,
    pub updated_at: Option<String>,
    pub updated_by: Option<UserId>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Author {
    pub id: UserId,
    pub name: String,
    pub email: String,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Revision {
    pub id: i64,
    pub calls_prompt: String,
    pub whatsapp_prompt: String,
    pub author: Option<Author>,
    pub impersonating: bool,
    pub created_at: String,
}

/// The current prompts of `tenant_id` (empty strings when never saved).
pub fn get(conn: &Connection, tenant_id: TenantId) -> StoreResult<Prompts> {
    let found = conn
        .prepare_cached(
            "SELECT calls_prompt, whatsapp_prompt, updated_at, updated_by FROM prompts WHERE tenant_id = ?1",
        )?
        .query_row([tenant_id], |r| {
            Ok(Prompts {
                calls_prompt: r.get(0)?,
                whatsapp_prompt: r.get(1)?,
                updated_at: r.get(2)?,
                updated_by: r.get(3)?,
            })
        })
        .optional()?;
    Ok(found.unwrap_or(Prompts {
        calls_prompt: String::new(),
        whatsapp_prompt: String::new(),
        updated_at: None,
        updated_by: None,
    }))
}

/// Saves both prompts and a revision, in the caller's transaction.
pub fn save(conn: &Connection, tenant_id: TenantId, calls: &str, whatsapp: &str, actor: Actor) -> StoreResult<Prompts> {
    conn.execute(
        concat!(
            "INSERT INTO prompts (tenant_id, calls_prompt, whatsapp_prompt, updated_at, updated_by)
         VALUES (?1, ?2, ?3, ",
            now_sql!(),
            ", ?4)
         ON CONFLICT (tenant_id) DO UPDATE SET calls_prompt = excluded.calls_prompt,
             whatsapp_prompt = excluded.whatsapp_prompt, updated_at = excluded.updated_at,
             updated_by = excluded.updated_by"
        ),
        params![tenant_id, calls, whatsapp, actor.user_id],
    )?;
    conn.execute(
        "INSERT INTO prompt_revisions (tenant_id, calls_prompt, whatsapp_prompt, author_user_id, impersonating)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![tenant_id, calls, whatsapp, actor.user_id, actor.impersonating],
    )?;
    get(conn, tenant_id)
}

/// A tenant's prompt revisions, newest first, a page at a time.
pub fn history(conn: &Connection, tenant_id: TenantId, page: PageRequest) -> StoreResult<Page<Revision>> {
    let total: i64 = conn
        .prepare_cached("SELECT count(*) FROM prompt_revisions WHERE tenant_id = ?1")?
        .query_row([tenant_id], |r| r.get(0))?;
    let mut stmt = conn.prepare_cached(
        "SELECT r.id, r.calls_prompt, r.whatsapp_prompt, r.author_user_id, u.name, u.email, r.impersonating, r.created_at
         FROM prompt_revisions r LEFT JOIN users u ON u.id = r.author_user_id
         WHERE r.tenant_id = ?1 ORDER BY r.id DESC LIMIT ?2 OFFSET ?3",
    )?;
    let rows = stmt.query_map(params![tenant_id, page.page_size, page.offset()], |r| {
        let author_id: Option<UserId> = r.get(3)?;
        Ok(Revision {
            id: r.get(0)?,
            calls_prompt: r.get(1)?,
            whatsapp_prompt: r.get(2)?,
            author: match author_id {
                Some(id) => Some(Author {
                    id,
                    name: r.get::<_, Option<String>>(4)?.unwrap_or_default(),
                    email: r.get::<_, Option<String>>(5)?.unwrap_or_default(),
                }),
                None => None,
            },
            impersonating: r.get(6)?,
            created_at: r.get(7)?,
        })
    })?;
    Ok(page.wrap(rows.collect::<Result<Vec<_>, _>>()?, total))
}
