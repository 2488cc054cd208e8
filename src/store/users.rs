//! Users. Every lookup that serves a business's page takes its tenant.

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;

use super::error::{Rule, StoreError, StoreResult, is_check, unique_key};
use super::now_sql;
use crate::domain::Role;

#[derive(Clone, Debug, Serialize)]
pub struct User {
    pub id: i64,
    pub tenant_id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub disabled: bool,
    pub created_at: String,
    #[serde(skip)]
    pub password_changed_at: String,
}

const COLUMNS: &str = "id, tenant_id, email, name, role, disabled, created_at, password_changed_at";

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
    })
}

pub fn get(conn: &Connection, id: i64) -> StoreResult<Option<User>> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE id = ?1");
    Ok(conn.prepare_cached(&sql)?.query_row([id], from_row).optional()?)
}

pub fn get_in_tenant(conn: &Connection, tenant_id: i64, id: i64) -> StoreResult<Option<User>> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE id = ?1 AND tenant_id = ?2");
    Ok(conn.prepare_cached(&sql)?.query_row([id, tenant_id], from_row).optional()?)
}

/// The user and their password hash, for login.
pub fn find_for_login(conn: &Connection, email: &str) -> StoreResult<Option<(User, String)>> {
    let sql = format!("SELECT {COLUMNS}, password_hash FROM users WHERE email = ?1");
    Ok(conn.prepare_cached(&sql)?.query_row([email.trim()], |r| Ok((from_row(r)?, r.get(8)?))).optional()?)
}

pub fn password_hash(conn: &Connection, id: i64) -> StoreResult<Option<String>> {
    Ok(conn.query_row("SELECT password_hash FROM users WHERE id = ?1", [id], |r| r.get(0)).optional()?)
}

pub fn list_in_tenant(conn: &Connection, tenant_id: i64) -> StoreResult<Vec<User>> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE tenant_id = ?1 ORDER BY id");
    Ok(conn.prepare_cached(&sql)?.query_map([tenant_id], from_row)?.collect::<Result<Vec<_>, _>>()?)
}

pub fn count(conn: &Connection) -> StoreResult<i64> {
    Ok(conn.query_row("SELECT count(*) FROM users", [], |r| r.get(0))?)
}

pub struct NewUser<'a> {
    pub tenant_id: i64,
    pub email: &'a str,
    pub name: &'a str,
    pub role: Role,
    pub password_hash: &'a str,
}

pub fn insert(conn: &Connection, u: &NewUser) -> StoreResult<i64> {
    conn.execute(
        "INSERT INTO users (tenant_id, email, name, role, password_hash) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![u.tenant_id, u.email.trim(), u.name.trim(), u.role.as_str(), u.password_hash],
    )
    .map_err(|e| match unique_key(&e) {
        Some(key) => StoreError::Duplicate { key, existing_id: None },
        None if is_check(&e) => StoreError::Conflict(Rule::EmailShape),
        None => e.into(),
    })?;
    Ok(conn.last_insert_rowid())
}

/// Updates name/role/disabled of a user of `tenant_id`; None when not there.
pub fn update_in_tenant(
    conn: &Connection,
    tenant_id: i64,
    id: i64,
    name: Option<&str>,
    role: Option<Role>,
    disabled: Option<bool>,
) -> StoreResult<Option<User>> {
    let n = conn.execute(
        concat!(
            "UPDATE users SET name = coalesce(?3, name), role = coalesce(?4, role), disabled = coalesce(?5, disabled),
             updated_at = ",
            now_sql!(),
            "
         WHERE id = ?1 AND tenant_id = ?2"
        ),
        params![id, tenant_id, name.map(str::trim), role.map(Role::as_str), disabled],
    )?;
    if n == 0 {
        return Ok(None);
    }
    get(conn, id)
}

pub fn set_password(conn: &Connection, id: i64, hash: &str) -> StoreResult<bool> {
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

pub fn find_id_by_email(conn: &Connection, email: &str) -> StoreResult<Option<i64>> {
    Ok(conn.query_row("SELECT id FROM users WHERE email = ?1", [email.trim()], |r| r.get(0)).optional()?)
}
