//! `GET /api/openapi.json`: the OpenAPI 3.1 description of `/api`, generated
//! from the handlers' `#[utoipa::path]` attributes and the types' `ToSchema`
//! derives. Public: it describes the API, it holds no data. A test compares
//! it with the routes in the source, so an endpoint cannot go missing here.

use std::sync::LazyLock;

use axum::{
    Router,
    http::{HeaderValue, header},
    response::IntoResponse,
    routing::get,
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
    admin, appointments, auth, business, calls, canned, events, ics, inbox, lead_csv, lead_timeline, leads, messages,
    notifications, prompts, push, reminders, schedules, services,
};
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "frontdesk",
        description = "The HTTP API of frontdesk. Sign in with POST /api/auth/login (the session is a cookie); \
            every POST, PUT, PATCH and DELETE also carries the X-CSRFToken header from GET /api/auth/csrf. \
            Errors are {error, message, hint} (see the Error schema)."
    ),
    paths(
        openapi_json,
        auth::login, auth::logout, auth::me, auth::csrf_token, auth::change_password,
        admin::list, admin::create, admin::get_one, admin::patch, admin::impersonate, admin::exit, admin::audit,
        business::current, business::patch_current, business::list_users, business::create_user,
        business::patch_user, business::end_sessions, business::audit,
        prompts::get_current, prompts::put_current, prompts::history_current, prompts::get_any, prompts::put_any,
        leads::list, leads::create, leads::get_one, leads::patch, leads::delete, lead_timeline::set_status,
        lead_timeline::activities, lead_timeline::add_note,
        lead_csv::export, lead_csv::import,
        reminders::list_for_lead, reminders::create, reminders::mine, reminders::snooze, reminders::cancel,
        notifications::list, notifications::mark_read,
        events::events,
        messages::send,
        lead_timeline::set_ai,
        auth::patch_me,
        inbox::assignees, inbox::counts,
        push::key, push::subscribe, push::unsubscribe, push::list,
        notifications::alerts,
        canned::list, canned::create, canned::update, canned::remove,
        calls::recording,
        services::list, services::create, services::update, services::remove,
        schedules::read, schedules::write,
        appointments::available, appointments::list, appointments::get_one, appointments::create,
        appointments::update, appointments::cancel, ics::rotate,
    ),
    // Bodies the handlers build as JSON objects name these; listed so they are described too.
    components(schemas(
        crate::error::ErrorBody,
        crate::store::messages::Message,
        crate::store::leads::LastMessage,
        crate::store::notifications::Notification,
        crate::store::users::User,
        super::auth::UserView,
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
    modifiers(&Security, &Errors)
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

/// The document, made once.
pub fn document() -> &'static str {
    static DOC: LazyLock<String> =
        LazyLock::new(|| ApiDoc::openapi().to_json().unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}")));
    &DOC
}

pub fn router() -> Router<AppState> {
    Router::new().route("/api/openapi.json", get(openapi_json))
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
