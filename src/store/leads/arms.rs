//! Reads across businesses in activity order. There is no platform-wide
//! activity index (it would be written with every lead of every business);
//! the platform admin's list is one read per business, each in that
//! business's own index order, and SQLite merges them (the ORDER BY of a
//! compound SELECT over sorted arms is a merge, read lazily up to the LIMIT).

use rusqlite::{Connection, ToSql};

use super::super::error::StoreResult;
use crate::domain::{Scope, TenantId};

/// Past this many businesses the arms would outgrow SQLite's compound
/// SELECT (500 terms); the read is then one sorted scan of every lead.
const MAX_ARMS: usize = 250;

/// How a read in a scope is made.
pub(crate) enum Arms {
    /// One read: one business, or every lead at once.
    One(Scope),
    /// One read per business, merged.
    PerTenant(Vec<TenantId>),
}

impl Arms {
    pub(crate) fn of(conn: &Connection, scope: Scope) -> StoreResult<Arms> {
        if scope != Scope::All {
            return Ok(Arms::One(scope));
        }
        let tenants: Vec<TenantId> = conn
            .prepare_cached("SELECT id FROM tenants ORDER BY id")?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(match tenants[..] {
            // The whole platform of one business is that business.
            [only] => Arms::One(Scope::Tenant(only)),
            _ if tenants.is_empty() || tenants.len() > MAX_ARMS => Arms::One(Scope::All),
            _ => Arms::PerTenant(tenants),
        })
    }

    /// The scope the conditions are written for: per-business arms add their
    /// own business condition, so theirs is `All`.
    pub(crate) fn scope(&self) -> Scope {
        match self {
            Arms::One(s) => *s,
            Arms::PerTenant(_) => Scope::All,
        }
    }

    /// `SELECT {columns} FROM leads l{sql_where}` (`sql_where` is ` WHERE ...`
    /// or empty, with the values `flat`), once or once per business with its
    /// id as the first value of each arm. The caller appends the ORDER BY
    /// (in `l.` columns that are among `columns`) and the LIMIT.
    pub(crate) fn select<'a>(
        &'a self,
        columns: &str,
        sql_where: &str,
        flat: &[&'a dyn ToSql],
    ) -> (String, Vec<&'a dyn ToSql>) {
        match self {
            Arms::One(_) => (format!("SELECT {columns} FROM leads l{sql_where}"), flat.to_vec()),
            Arms::PerTenant(tenants) => {
                let arm_where = match sql_where.strip_prefix(" WHERE ") {
                    Some(rest) => format!(" WHERE l.tenant_id = ? AND {rest}"),
                    None => " WHERE l.tenant_id = ?".to_string(),
                };
                let arm = format!("SELECT {columns} FROM leads l{arm_where}");
                let sql = vec![arm.as_str(); tenants.len()].join(" UNION ALL ");
                let mut bound: Vec<&dyn ToSql> = Vec::with_capacity(tenants.len() * (1 + flat.len()));
                for t in tenants {
                    bound.push(t);
                    bound.extend_from_slice(flat);
                }
                (sql, bound)
            }
        }
    }
}
