//! Users. Every lookup that serves a business's page takes its tenant.

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;

use super::error::{StoreError, StoreResult, checked_rule, unique_key};
use super::now_sql;
use crate::domain::{Role, TenantId, UserId};

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
#[schema(as = BusinessUser)]
pub struct User {
    pub id: UserId,
    pub tenant_id: TenantId,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub disabled: bool,
    pub created_at: String,
    #[serde(skip)]
    pub password_changed_at: String,
    /// Where WhatsApp alerts go (E.164).
    pub phone_e164: Option<String>,
    pub notify_whatsapp: bool,
    pub notify_push: bool,
}

const COLUMNS: &str = "id, tenant_id, email, name, role, disabled, created_at, password_changed_at, phone_e164, notify_whatsapp, notify_push";

fn from_row(r: &Row) -> rusqlite::Result<User> {
    let role: String = r.get(4)?;
    Ok(User {
        id: r.get(0)?,
        tenant_id: r.get(1)?,
        email: r.get(2)?,
        name: r.get(3)?,
        // The CHECK constraint makes any other value impossible.
        role: Role::parse(&role).unwrap_or(Role::Agent),
        disabled: r.get(5)?,
        created_at: r.get(6)?,
        password_changed_at: r.get(7)?,
        phone_e164: r.get(8)?,
        notify_whatsapp: r.get(9)?,
        notify_push: r.get(10)?,
    })
}

/// A user by id, whatever their business.
/// Unscoped: the session names only the user; their business comes from this row.
pub fn get_unscoped(conn: &Connection, id: UserId) -> StoreResult<Option<User>> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE id = ?1");
    Ok(conn.prepare_cached(&sql)?.query_row([id], from_row).optional()?)
}

pub fn get_in_tenant(conn: &Connection, tenant_id: TenantId, id: UserId) -> StoreResult<Option<User>> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE id = ?1 AND tenant_id = ?2");
    Ok(conn.prepare_cached(&sql)?.query_row(params![id, tenant_id], from_row).optional()?)
}

/// The user and their password hash, for login.
/// Unscoped: emails are unique across businesses, and login comes before any business.
pub fn find_for_login_unscoped(conn: &Connection, email: &str) -> StoreResult<Option<(User, String)>> {
    let sql = format!("SELECT {COLUMNS}, password_hash FROM users WHERE email = ?1");
    Ok(conn.prepare_cached(&sql)?.query_row([email.trim()], |r| Ok((from_row(r)?, r.get(11)?))).optional()?)
}

/// Unscoped: only ever a user's own hash (the signed-in user changing their password).
pub fn password_hash_unscoped(conn: &Connection, id: UserId) -> StoreResult<Option<String>> {
    Ok(conn.query_row("SELECT password_hash FROM users WHERE id = ?1", [id], |r| r.get(0)).optional()?)
}

pub fn list_in_tenant(conn: &Connection, tenant_id: TenantId) -> StoreResult<Vec<User>> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE tenant_id = ?1 ORDER BY id");
    Ok(conn.prepare_cached(&sql)?.query_map([tenant_id], from_row)?.collect::<Result<Vec<_>, _>>()?)
}

/// Whether `id` may own a lead of `tenant_id`: an enabled user of that business.
pub fn can_be_assigned(conn: &Connection, tenant_id: TenantId, id: UserId) -> StoreResult<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM users WHERE id = ?1 AND tenant_id = ?2 AND disabled = 0")?
        .exists(params![id, tenant_id])?)
}

/// The enabled owners of a business: who hears about what concerns the business as a whole.
pub fn owners(conn: &Connection, tenant_id: TenantId) -> StoreResult<Vec<UserId>> {
    Ok(conn
        .prepare_cached("SELECT id FROM users WHERE tenant_id = ?1 AND role = 'owner' AND disabled = 0 ORDER BY id")?
        .query_map([tenant_id], |r| r.get(0))?
        .collect::<Result<_, _>>()?)
}

/// Who hears about a lead: its assignee when enabled, else the business's owners.
pub fn people_for_lead(
    conn: &Connection,
    tenant_id: TenantId,
    lead_id: crate::domain::LeadId,
) -> StoreResult<Vec<UserId>> {
    let assignee: Option<UserId> = conn
        .prepare_cached(
            "SELECT u.id FROM leads l JOIN users u ON u.id = l.assignee_user_id AND u.tenant_id = l.tenant_id
             WHERE l.id = ?1 AND l.tenant_id = ?2 AND u.disabled = 0",
        )?
        .query_row(params![lead_id, tenant_id], |r| r.get(0))
        .optional()?;
    match assignee {
        Some(u) => Ok(vec![u]),
        None => owners(conn, tenant_id),
    }
}

/// Unscoped: first start asks only whether any user exists at all.
pub fn count_unscoped(conn: &Connection) -> StoreResult<i64> {
    Ok(conn.query_row("SELECT count(*) FROM users", [], |r| r.get(0))?)
}

pub struct NewUser<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub role: Role,
    pub password_hash: &'a str,
}

/// A new user of `tenant_id`.
pub fn insert(conn: &Connection, tenant_id: TenantId, u: &NewUser) -> StoreResult<UserId> {
    conn.execute(
        "INSERT INTO users (tenant_id, email, name, role, password_hash) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![tenant_id, u.email.trim(), u.name.trim(), u.role.as_str(), u.password_hash],
    )
    .map_err(|e| match unique_key(&e) {
        Some(key) => StoreError::Duplicate { key, existing_id: None },
        None => match checked_rule(&e) {
            Some(rule) => StoreError::Conflict(rule),
            None => e.into(),
        },
    })?;
    Ok(UserId(conn.last_insert_rowid()))
}

/// Updates name/role/disabled of a user of `tenant_id`; None when not there.
pub fn update_in_tenant(
    conn: &Connection,
    tenant_id: TenantId,
    id: UserId,
    name: Option<&str>,
    role: Option<Role>,
    disabled: Option<bool>,
) -> StoreResult<Option<User>> {
    let n = conn.execute(
        concat!(
            "UPDATE users SET name = coalesce(?3, name), role = coalesce(?4, role), disabled = coalesce(?5, disabled),
             updated_at = ",
            now_sql!(),
            " WHERE id = ?1 AND tenant_id = ?2"
        ),
        params![id, tenant_id, name.map(str::trim), role.map(Role::as_str), disabled],
    )?;
    if n == 0 {
        return Ok(None);
    }
    get_in_tenant(conn, tenant_id, id)
}

/// What a user may change about themselves; None leaves a field as it is,
/// `phone_e164: Some(None)` clears the phone.
#[derive(Debug, Default)]
pub struct Profile {
    pub name: Option<String>,
    pub phone_e164: Option<Option<String>>,
    pub notify_whatsapp: Option<bool>,
    pub notify_push: Option<bool>,
}

/// Updates a user's own profile (`PATCH /api/auth/me`); None when not there.
pub fn update_profile(conn: &Connection, tenant_id: TenantId, id: UserId, p: &Profile) -> StoreResult<Option<User>> {
    let n = conn.execute(
        concat!(
            "UPDATE users SET name = coalesce(?3, name),
                 phone_e164 = CASE WHEN ?4 THEN ?5 ELSE phone_e164 END,
                 notify_whatsapp = coalesce(?6, notify_whatsapp), notify_push = coalesce(?7, notify_push),
                 updated_at = ",
            now_sql!(),
            " WHERE id = ?1 AND tenant_id = ?2"
        ),
        params![
            id,
            tenant_id,
            p.name.as_deref().map(str::trim),
            p.phone_e164.is_some(),
            p.phone_e164.clone().flatten(),
            p.notify_whatsapp,
            p.notify_push
        ],
    )?;
    if n == 0 {
        return Ok(None);
    }
    get_in_tenant(conn, tenant_id, id)
}

/// Unscoped: only ever a user's own password (theirs, or reset by email from the CLI).
pub fn set_password_unscoped(conn: &Connection, id: UserId, hash: &str) -> StoreResult<bool> {
    let n = conn.execute(
        concat!(
            "UPDATE users SET password_hash = ?2, password_changed_at = ",
            now_sql!(),
            ",
             updated_at = ",
            now_sql!(),
            " WHERE id = ?1"
        ),
        params![id, hash],
    )?;
    Ok(n > 0)
}

/// Unscoped: emails are unique across businesses (the CLI's password reset).
pub fn find_id_by_email_unscoped(conn: &Connection, email: &str) -> StoreResult<Option<UserId>> {
    Ok(conn.query_row("SELECT id FROM users WHERE email = ?1", [email.trim()], |r| r.get(0)).optional()?)
}
