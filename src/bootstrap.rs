//! First start: business #1 and the platform admin. A second start changes nothing.

use serde_json::json;

use crate::{
    config::Settings,
    db::Db,
    domain::{Role, TenantId},
    password::hash_blocking,
    store::{self, tenants::TenantFields},
    util::random_token,
};

/// Creates business #1 and the admin when the database has no users. Returns
/// the lines to print once (the generated password is never logged).
pub fn first_start(db: &Db, settings: &Settings) -> anyhow::Result<Option<String>> {
    if store::users::count_unscoped(&*db.conn()?)? > 0 {
        return Ok(None);
    }
    let email = settings.admin_email.clone().unwrap_or_else(|| "admin@localhost".into());
    let (password, generated) = match &settings.admin_password {
        Some(p) if !p.is_empty() => (p.clone(), false),
        _ => (random_token(15), true),
    };
    let hash = hash_blocking(&password)?;
    let business = settings.business_name.trim().to_string();
    let created = db.write_blocking(|tx| -> crate::store::StoreResult<_> {
        // Another process may have bootstrapped between the check and this transaction.
        if store::users::count_unscoped(tx)? > 0 {
            return Ok(false);
        }
        let tenant_id = match store::tenants::get(tx, TenantId(1))? {
            Some(t) => t.id,
            None => store::tenants::insert(
                tx,
                if business.is_empty() { "My Business" } else { &business },
                &TenantFields::default(),
            )?,
        };
        let user_id = store::users::insert(
            tx,
            tenant_id,
            &store::users::NewUser { email: &email, name: "Admin", role: Role::SystemAdmin, password_hash: &hash },
        )?;
        store::audit::record(
            tx,
            store::audit::Entry {
                tenant_id: Some(tenant_id),
                actor_user_id: Some(user_id),
                action: "bootstrap",
                target: format!("user:{user_id}"),
                details: json!({"business": business}),
                ..Default::default()
            },
        )?;
        Ok(true)
    })?;
    if !created {
        return Ok(None);
    }
    Ok(Some(if generated {
        format!(
            "First start: created business #1 \"{business}\" and the platform admin.\n  email:    {email}\n  password: {password}\n\
             This password is shown only now; change it after signing in (or: frontdesk user reset-password --email {email})."
        )
    } else {
        format!(
            "First start: created business #1 \"{business}\" and the platform admin {email} (password from FRONTDESK_ADMIN_PASSWORD)."
        )
    }))
}
