//! The platform admin acting in another business without impersonating
//! it: that business's audit log records the write (`admin.write`, who,
//! what was asked, from where) in the write's own transaction, as it would
//! an impersonated one.

use rusqlite::Connection;

use super::CoreResult;
use crate::store::{self, audit::Entry};

/// Records `entry` (made by `Auth::cross_tenant_write`) when there is one.
pub fn cross_tenant(tx: &Connection, entry: Option<Entry<'_>>) -> CoreResult<()> {
    if let Some(e) = entry {
        store::audit::record(tx, e)?;
    }
    Ok(())
}
