//! The one error type of the HTTP API: every non-2xx answer is
//! `{"error": code, "message": ..., "hint": ...}` (see docs/api.md).
//! 4xx carry words for people; 5xx are opaque to the client and logged.

use axum::{
    Json,
    extract::rejection::{JsonRejection, PathRejection, QueryRejection},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde_json::{Map, Value};

use crate::domain::LeadId;
use crate::store::error::{Rule, StoreError, Unique};

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub hint: String,
    /// Extra fields merged into the body (e.g. `field`, `lead_id`).
    pub extra: Map<String, Value>,
    pub retry_after: Option<u32>,
    /// What really went wrong behind a 5xx: never sent, logged inside the
    /// request's span (with its id) by the app's error layer.
    pub detail: Option<Box<str>>,
}

/// The error body as the OpenAPI document describes it (the body itself is
/// written by `IntoResponse for ApiError`, from the fields above).
#[derive(utoipa::ToSchema)]
#[schema(as = Error)]
#[allow(dead_code)] // described, never built
pub struct ErrorBody {
    /// A stable code, e.g. `invalid_input`, `not_found`, `csrf_failed`.
    error: String,
    /// What went wrong, for people.
    message: String,
    /// What to do about it.
    hint: String,
    /// The offending field of a 400.
    field: Option<String>,
    /// The existing lead of a duplicate (409).
    lead_id: Option<i64>,
    /// On 5xx: the id the server log has the details under.
    request_id: Option<String>,
}

/// A 5xx's detail, handed from the answer to the logging layer.
#[derive(Clone, Debug)]
pub struct ErrorDetail(pub String);

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>, hint: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            hint: hint.into(),
            extra: Map::new(),
            retry_after: None,
            detail: None,
        }
    }

    /// Adds a field to the JSON body.
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.extra.insert(key.to_string(), value.into());
        self
    }

    /// 400 naming the offending field.
    pub fn invalid(field: &str, message: impl Into<String>, hint: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_input", message, hint).with("field", field)
    }

    pub fn bad_request(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_input", message, hint)
    }

    pub fn not_authenticated() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "not_authenticated",
            "You are not signed in, or your session has ended.",
            "POST /api/auth/login with {email, password}, keep the session cookie, and send it with credentials included.",
        )
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            message,
            "Ask an owner of this business or the platform admin for access.",
        )
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("{what} not found."),
            "Check the id; it may have been deleted or belong to another business.",
        )
    }

    pub fn conflict(code: &'static str, message: impl Into<String>, hint: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, message, hint)
    }

    pub fn too_many(retry_after: u64) -> Self {
        let mut e = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_requests",
            "Too many attempts.",
            format!("Wait {retry_after} seconds and try again."),
        );
        e.retry_after = Some(u32::try_from(retry_after.max(1)).unwrap_or(u32::MAX));
        e
    }

    /// Any unexpected failure: answered opaquely; the detail is logged with
    /// the request's id when the answer leaves (see `app::server_errors`).
    pub fn internal(err: impl std::fmt::Display) -> Self {
        let mut e = Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "Something went wrong on our side.",
            "Try again in a moment; if it keeps happening, the server log has the details under this request's id.",
        );
        e.detail = Some(err.to_string().into());
        e
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.status.as_u16(), self.code, self.message)?;
        match &self.detail {
            Some(d) => write!(f, " ({d})"),
            None => Ok(()),
        }
    }
}

impl std::error::Error for ApiError {}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = Map::new();
        body.insert("error".into(), self.code.into());
        body.insert("message".into(), self.message.into());
        body.insert("hint".into(), self.hint.into());
        body.extend(self.extra);
        let mut res = (self.status, Json(Value::Object(body))).into_response();
        if let Some(d) = self.detail {
            res.extensions_mut().insert(ErrorDetail(d.into()));
        }
        if let Some(secs) = self.retry_after
            && let Ok(v) = HeaderValue::from_str(&secs.to_string())
        {
            res.headers_mut().insert(header::RETRY_AFTER, v);
        }
        res
    }
}

impl From<crate::domain::Invalid> for ApiError {
    fn from(e: crate::domain::Invalid) -> Self {
        ApiError::invalid(&e.field, e.message, e.hint)
    }
}

/// The one place data errors become answers. SQLite's own text never
/// reaches the client.
impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound(what) => {
                let mut chars = what.chars();
                let what: String = chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default();
                ApiError::not_found(&what)
            }
            StoreError::Duplicate { key, existing_id } => duplicate(key, existing_id),
            StoreError::Conflict(Rule::LeadNeedsContact) => ApiError::invalid(
                "phone_e164",
                "A lead needs a phone number or a WhatsApp id.",
                "Keep the phone number, or set another one.",
            ),
            StoreError::Conflict(Rule::EmailShape) => {
                ApiError::invalid("email", "The email address is not valid.", "Use an address like name@example.com.")
            }
            StoreError::Conflict(Rule::TooManyTags) => ApiError::invalid(
                "tags",
                format!("A lead has at most {} tags.", crate::domain::text::TAGS_MAX),
                "Remove a tag first.",
            ),
            StoreError::Db(e) => ApiError::internal(format!("sqlite: {e}")),
            StoreError::Unavailable(why) => ApiError::internal(format!("database unavailable: {why}")),
        }
    }
}

fn duplicate(key: Unique, existing_id: Option<LeadId>) -> ApiError {
    let (code, field, message, hint) = match key {
        Unique::LeadPhone | Unique::LeadWhatsapp => (
            "duplicate_lead",
            if key == Unique::LeadPhone { "phone_e164" } else { "whatsapp_id" },
            "A lead with this phone number already exists in this business.",
            "Open the existing lead (lead_id) instead of creating another.",
        ),
        Unique::TenantPhone => (
            "phone_taken",
            "phone_e164",
            "Another business already uses this phone number.",
            "Each business needs its own phone_e164; calls are routed by it.",
        ),
        Unique::TenantWhatsapp => (
            "whatsapp_taken",
            "whatsapp_e164",
            "Another business already uses this WhatsApp number.",
            "Each business needs its own whatsapp_e164; messages are routed by it.",
        ),
        Unique::TenantInstance => (
            "instance_taken",
            "whatsapp_instance",
            "Another business already uses this WhatsApp bridge instance.",
            "Each business needs its own whatsapp_instance name.",
        ),
        Unique::UserEmail => (
            "email_taken",
            "email",
            "A user with this email already exists.",
            "Use another email address, or edit the existing user.",
        ),
        Unique::CannedShortcut => (
            "shortcut_taken",
            "shortcut",
            "This business already has a canned reply with this shortcut.",
            "Pick another shortcut, or edit the existing reply.",
        ),
    };
    let e = ApiError::conflict(code, message, hint);
    match existing_id {
        Some(id) => e.with("lead_id", id.0),
        None => e.with("field", field),
    }
}

/// The core's refusals and failures, answered as the store's are.
impl From<crate::core::CoreError> for ApiError {
    fn from(err: crate::core::CoreError) -> Self {
        match err {
            crate::core::CoreError::Store(e) => e.into(),
            crate::core::CoreError::Invalid(e) => e.into(),
        }
    }
}

/// Raw SQLite errors (the few SQL statements outside `store/`, e.g. backups) are internal.
impl From<rusqlite::Error> for ApiError {
    fn from(err: rusqlite::Error) -> Self {
        StoreError::Db(err).into()
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rej: JsonRejection) -> Self {
        match rej {
            JsonRejection::MissingJsonContentType(_) => ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "This endpoint accepts only JSON bodies.",
                "Send the body as JSON with the header Content-Type: application/json.",
            ),
            JsonRejection::JsonDataError(e) => {
                ApiError::bad_request(e.body_text(), "Check the field names and types against the API documentation.")
            }
            JsonRejection::JsonSyntaxError(e) => ApiError::bad_request(e.body_text(), "The body is not valid JSON."),
            other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                "The request body is too large.",
                "Send a smaller body.",
            ),
            other => ApiError::bad_request(other.body_text(), "Send a JSON body."),
        }
    }
}

impl From<PathRejection> for ApiError {
    fn from(rej: PathRejection) -> Self {
        ApiError::bad_request(rej.body_text(), "Ids in the path are positive integers.")
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rej: QueryRejection) -> Self {
        ApiError::bad_request(rej.body_text(), "Check the query string parameters.")
    }
}

/// Shorthand used by handlers.
pub type ApiResult<T> = Result<T, ApiError>;
