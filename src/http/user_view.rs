//! A user as every answer shows them (sign-in, `me`, the user lists).

use serde::Serialize;

use crate::{
    domain::{TenantId, UserId},
    store::users::User,
};

/// The user as the API shows it.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = User)]
pub struct UserView<'a> {
    pub id: UserId,
    pub email: &'a str,
    pub name: &'a str,
    pub role: &'static str,
    pub tenant_id: TenantId,
    pub phone_e164: Option<&'a str>,
    pub notify_whatsapp: bool,
    pub notify_push: bool,
}

impl<'a> From<&'a User> for UserView<'a> {
    fn from(u: &'a User) -> Self {
        UserView {
            id: u.id,
            email: &u.email,
            name: &u.name,
            role: u.role.as_str(),
            tenant_id: u.tenant_id,
            phone_e164: u.phone_e164.as_deref(),
            notify_whatsapp: u.notify_whatsapp,
            notify_push: u.notify_push,
        }
    }
}
