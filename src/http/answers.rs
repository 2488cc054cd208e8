//! The shapes of the answers that handlers build as JSON objects, for the
//! OpenAPI document only: nothing serialises these. Schemathesis checks every
//! answer against them, so a handler that drifts from its shape is caught.

#![allow(dead_code)] // read by the OpenAPI derive, never built

use utoipa::ToSchema;

use super::user_view::UserView;
use crate::{
    domain::{LeadId, TenantId, UserId},
    store::{notifications::Notification, users::User},
};

/// `{items: [...]}`: a whole list, not paged.
#[derive(ToSchema)]
pub struct Items<T> {
    pub items: Vec<T>,
}

#[derive(ToSchema)]
#[allow(non_snake_case)] // the wire name the UI reads
pub struct CsrfToken {
    /// Send it as X-CSRFToken on every write.
    pub csrfToken: String,
}

#[derive(ToSchema)]
#[allow(non_snake_case)]
pub struct SignedIn {
    pub user: UserView<'static>,
    pub csrfToken: String,
}

/// The business the caller is working in.
#[derive(ToSchema)]
pub struct MeTenant {
    pub id: TenantId,
    pub name: String,
    pub timezone: String,
}

/// Who is signed in, and in which business they are working.
#[derive(ToSchema)]
pub struct Me {
    pub user: UserView<'static>,
    pub impersonating: bool,
    pub impersonated_tenant_id: Option<TenantId>,
    /// Unix seconds.
    pub impersonation_started_at: Option<i64>,
    pub effective_tenant_id: TenantId,
    pub tenant: Option<MeTenant>,
}

/// A user a lead can be assigned to.
#[derive(ToSchema)]
pub struct Assignee {
    pub id: UserId,
    pub name: String,
    pub email: String,
    pub role: crate::domain::Role,
}

/// A page of the caller's notifications, and how many are unread.
#[derive(ToSchema)]
pub struct NotificationPage {
    pub items: Vec<Notification>,
    pub total: i64,
    pub page: i64,
    pub page_size: i64,
    pub unread: i64,
}

#[derive(ToSchema)]
pub struct PushKey {
    /// The VAPID public key, base64url, uncompressed P-256.
    pub public_key: String,
}

#[derive(ToSchema)]
pub struct WhatsAppSent {
    pub message_id: i64,
    pub provider: String,
    pub provider_message_id: String,
}

#[derive(ToSchema)]
pub struct DuplicateRow {
    pub row: u64,
    /// None in a dry run when it is a lead this file would create.
    pub lead_id: Option<LeadId>,
}

#[derive(ToSchema)]
pub struct InvalidRow {
    pub row: u64,
    pub field: String,
    pub message: String,
}

#[derive(ToSchema)]
pub struct ImportReport {
    pub dry_run: bool,
    pub rows: u64,
    pub created: u64,
    pub updated: u64,
    pub duplicates: Vec<DuplicateRow>,
    pub invalid: Vec<InvalidRow>,
}

/// Users of the business, as owners see them.
pub type BusinessUsers = Items<User>;

/// One server-sent event: `ready` first (`{"tenant_id": n}`), then the
/// business's changes (`lead.updated`, `activity.created`, ...), or `lagged`
/// (`{"missed": n}`) when this client fell behind. Keep-alives are comments.
#[derive(ToSchema)]
pub struct ServerEvent {
    pub event: String,
    /// A JSON object, as text.
    pub data: String,
}
