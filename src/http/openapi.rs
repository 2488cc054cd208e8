//! The API's routes and `GET /api/openapi.json`, its OpenAPI 3.1
//! description, from one declaration: each handler's `#[utoipa::path]`
//! names its method and path once, each resource module adds it to its
//! `OpenApiRouter` with `routes!`, and [`api`] gathers them; the server
//! routes what [`api`] holds and the document describes the same. Public:
//! it describes the API, it holds no data.

use std::sync::LazyLock;

use axum::{
    http::{HeaderValue, header},
    response::IntoResponse,
};
use utoipa::{
    Modify, OpenApi,
    openapi::{
        Content, PathItem, Ref, ResponseBuilder,
        path::Operation,
        security::{ApiKey, ApiKeyValue, SecurityRequirement, SecurityScheme},
    },
};

use super::{
    admin, appointments, auth, business, calls, canned, dashboard, events, ics, inbox, lead_csv, lead_merge,
    lead_timeline, leads, media, messages, notifications, prompts, push, reminders, scheduled, schedules, services,
    whatsapp_link,
};
use crate::state::AppState;
use utoipa_axum::{router::OpenApiRouter, routes};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "frontdesk",
        description = "The HTTP API of frontdesk. Sign in with POST /api/auth/login (the session is a cookie); \
            every POST, PUT, PATCH and DELETE also carries the X-CSRFToken header from GET /api/auth/csrf. \
            Errors are {error, message, hint} (see the Error schema)."
    ),
    // Bodies the handlers build as JSON objects name these; listed so they are described too.
    components(schemas(
        crate::error::ErrorBody,
        crate::store::messages::Message,
        crate::store::leads::LastMessage,
        crate::store::notifications::Notification,
        crate::store::users::User,
        super::user_view::UserView,
        crate::store::prompts::Author,
        crate::domain::Role,
        crate::domain::LeadStatus,
        crate::domain::LeadSource,
        crate::domain::ActivityKind,
        crate::domain::ReminderStatus,
        crate::domain::AppointmentStatus,
        crate::domain::BookedBy,
        crate::domain::LeadId,
        crate::domain::TenantId,
        crate::domain::UserId,
    )),
)]
pub struct ApiDoc;

/// The session cookie and the CSRF header, as security schemes.
struct Security;

impl Modify for Security {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                "frontdesk_session",
                "Set by POST /api/auth/login. Named __Host-frontdesk_session (and Secure) when the public URL is https.",
            ))),
        );
        components.add_security_scheme(
            "csrf",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "X-CSRFToken",
                "The csrfToken of GET /api/auth/csrf; required on every POST, PUT, PATCH and DELETE except login and logout.",
            ))),
        );
        // The header must also equal this cookie (set with the token), so a write needs all three.
        components.add_security_scheme(
            "csrf_cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                "XSRF-TOKEN",
                "Set with the CSRF token (at login and by GET /api/auth/csrf); the X-CSRFToken header must equal it.",
            ))),
        );
        let write = SecurityRequirement::new("session", [""; 0]).add("csrf", [""; 0]);
        let full = write.clone().add("csrf_cookie", [""; 0]);
        for item in doc.paths.paths.values_mut() {
            for op in operations(item) {
                if let Some(reqs) = op.security.as_mut() {
                    reqs.iter_mut().filter(|r| **r == write).for_each(|r| *r = full.clone());
                }
            }
        }
    }
}

/// Every operation's error answers share one shape: a `default` response.
struct Errors;

impl Modify for Errors {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let error = ResponseBuilder::new()
            .description("An error: {error, message, hint}, plus field, lead_id or request_id where they apply")
            .content("application/json", Content::new(Some(Ref::from_schema_name("Error"))))
            .build();
        for item in doc.paths.paths.values_mut() {
            for op in operations(item) {
                op.responses.responses.insert("default".into(), error.clone().into());
            }
        }
    }
}

fn operations(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
    [&mut item.get, &mut item.post, &mut item.put, &mut item.patch, &mut item.delete].into_iter().flatten()
}

/// Every route of the API, each with its description.
pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(auth::router())
        .merge(admin::router())
        .merge(business::router())
        .merge(calls::router())
        .merge(prompts::router())
        .merge(leads::router())
        .merge(lead_csv::router())
        .merge(lead_timeline::router())
        .merge(reminders::router())
        .merge(notifications::router())
        .merge(push::router())
        .merge(inbox::router())
        .merge(canned::router())
        .merge(services::router())
        .merge(schedules::router())
        .merge(appointments::router())
        .merge(ics::router())
        .merge(events::router())
        .merge(messages::router())
        .merge(dashboard::router())
        .merge(lead_merge::router())
        .merge(scheduled::router())
        .merge(media::router())
        .merge(whatsapp_link::router())
        .merge(router())
}

/// The document, made once from [`api`].
pub fn document() -> &'static str {
    static DOC: LazyLock<String> = LazyLock::new(|| {
        let mut doc = api().into_openapi();
        // On the finished document: they edit every operation.
        Security.modify(&mut doc);
        Errors.modify(&mut doc);
        doc.to_json().unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    });
    &DOC
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(openapi_json))
}

/// What this endpoint answers, in outline.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // described, never built: the document is utoipa's
struct OpenApiDocument {
    /// 3.1.x
    openapi: String,
    info: serde_json::Map<String, serde_json::Value>,
    paths: serde_json::Map<String, serde_json::Value>,
    components: serde_json::Map<String, serde_json::Value>,
}

/// This document.
#[utoipa::path(
    get,
    path = "/api/openapi.json",
    tag = "meta",
    responses((status = 200, description = "The OpenAPI 3.1 document", body = OpenApiDocument, content_type = "application/json")),
    security(())
)]
async fn openapi_json() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], document())
}
