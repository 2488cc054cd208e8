//! `/api/leads/export.csv` and `/api/leads/import`: leads as CSV files.
//!
//! The export streams: the first page is read before answering (so a failing
//! read is an error answer), the rest page by page as the client reads.
//! The import checks every row in the request exactly as `POST /api/leads`
//! checks its body, then writes everything in one write job (or, for a dry
//! run, decides in one read and writes nothing).

use std::sync::Arc;

use axum::{
    Json,
    body::{Body, Bytes},
    extract::{DefaultBodyLimit, State, rejection::BytesRejection},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::extract::{ApiQuery, Auth};
use super::leads::{ListQuery, region_of};
use crate::{
    core::{self, import::ImportRow},
    domain::phone::DEFAULT_REGION,
    domain::{
        Invalid, PhoneE164,
        text::{self, NAME_MAX, NOTE_MAX},
    },
    error::{ApiError, ApiResult},
    state::AppState,
    store::{
        self, StoreError,
        lead_csv::{export_header, export_page, uncell},
    },
};
use utoipa_axum::{
    router::{OpenApiRouter, UtoipaMethodRouterExt},
    routes,
};

/// Largest import body.
pub const IMPORT_MAX_BYTES: usize = 5 * 1024 * 1024;
/// Most data rows in one import.
pub const IMPORT_MAX_ROWS: usize = 20_000;
/// Leads read per export page.
const EXPORT_PAGE: i64 = 500;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(export)).routes(routes!(import).layer(DefaultBodyLimit::max(IMPORT_MAX_BYTES)))
}

/// Export the leads the list would show, as CSV.
///
/// Same filters and scope as `GET /api/leads`, all of them, most recently active first.
/// `text/csv; charset=utf-8`, `Content-Disposition: attachment; filename="leads.csv"`, a UTF-8
/// byte order mark (so Excel reads Hebrew), then the header
/// `id,first_name,last_name,phone_e164,email,source,status,notes,created_at,last_activity_at`.
/// Streamed 500 leads at a time (not one snapshot). Text a spreadsheet would run as a formula
/// (starting with `=`, `+`, `-` or `@`) gets a leading `'`, which the import removes.
#[utoipa::path(
    get,
    path = "/api/leads/export.csv",
    tag = "leads",
    params(ListQuery),
    responses((status = 200, description = "UTF-8 CSV with a byte order mark, streamed", body = String, content_type = "text/csv")),
    security(("session" = [])),
)]
async fn export(State(state): State<AppState>, auth: Auth, ApiQuery(q): ApiQuery<ListQuery>) -> ApiResult<Response> {
    let filter = Arc::new(q.filter(auth.user.id)?);
    let scope = auth.list_scope();
    let f = filter.clone();
    let (first, next) = state.db.read(move |c| export_page(c, scope, &f, None, EXPORT_PAGE)).await?;
    let mut head = b"\xEF\xBB\xBF".to_vec();
    head.extend(export_header()?);
    head.extend(first);
    let db = state.db.clone();
    let rest = futures_util::stream::unfold(next, move |cursor| {
        let (db, f) = (db.clone(), filter.clone());
        async move {
            let cursor = cursor?;
            match db.read(move |c| export_page(c, scope, &f, Some(&cursor), EXPORT_PAGE)).await {
                Ok((bytes, next)) => Some((Ok::<_, StoreError>(Bytes::from(bytes)), next)),
                Err(e) => {
                    // The answer has started: all that is left is to cut it short.
                    tracing::error!(error = %e, "lead export stopped");
                    Some((Err(e), None))
                }
            }
        }
    });
    let body = Body::from_stream(futures_util::stream::once(async { Ok(Bytes::from(head)) }).chain(rest));
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8")),
            (header::CONTENT_DISPOSITION, HeaderValue::from_static("attachment; filename=\"leads.csv\"")),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        body,
    )
        .into_response())
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct ImportQuery {
    #[serde(default)]
    dry_run: bool,
}

/// A row that could not be imported, and why.
#[derive(Debug, Serialize)]
struct InvalidRow {
    row: usize,
    field: String,
    message: String,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Column {
    FirstName,
    LastName,
    Phone,
    Email,
    Notes,
    Tags,
}

fn column(name: &str) -> Option<Column> {
    match name.trim().trim_start_matches('\u{feff}').to_lowercase().as_str() {
        "first_name" => Some(Column::FirstName),
        "last_name" => Some(Column::LastName),
        "phone" | "phone_e164" => Some(Column::Phone),
        "email" => Some(Column::Email),
        "notes" => Some(Column::Notes),
        "tags" => Some(Column::Tags),
        _ => None,
    }
}

fn too_large(message: &str) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        message,
        format!(
            "Split the file into parts of at most {IMPORT_MAX_ROWS} rows and {} MB, and import them one by one.",
            IMPORT_MAX_BYTES / (1024 * 1024)
        ),
    )
}

fn header_error(message: String) -> ApiError {
    ApiError::invalid(
        "header",
        message,
        "The first line names the columns: first_name, last_name, phone (or phone_e164), email, notes, \
         tags (a|b), separated by , or ;.",
    )
}

/// The file's rows: the valid ones ready to import, the others with every
/// reason, and how many data rows there were.
struct Parsed {
    rows: Vec<ImportRow>,
    invalid: Vec<InvalidRow>,
    total: usize,
}

fn parse(body: &[u8], region: &str) -> ApiResult<Parsed> {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let Ok(text) = std::str::from_utf8(body) else {
        return Err(ApiError::invalid(
            "file",
            "The file is not UTF-8 text.",
            "Save it as \"CSV UTF-8\" (Excel: Save As, CSV UTF-8) and import it again.",
        ));
    };
    let first_line = text.lines().next().unwrap_or("");
    let delimiter = if first_line.matches(';').count() > first_line.matches(',').count() { b';' } else { b',' };
    let mut reader =
        csv::ReaderBuilder::new().delimiter(delimiter).has_headers(true).flexible(true).from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| header_error(format!("The header line cannot be read: {e}.")))?.clone();
    let columns: Vec<(usize, Column, String)> =
        headers.iter().enumerate().filter_map(|(i, h)| column(h).map(|c| (i, c, h.trim().to_lowercase()))).collect();
    let find = |c: Column| columns.iter().find(|(_, col, _)| *col == c);
    if find(Column::FirstName).is_none() {
        return Err(header_error("The file has no `first_name` column.".into()));
    }
    let Some((_, _, phone_field)) = find(Column::Phone) else {
        return Err(header_error("The file has no `phone` (or `phone_e164`) column.".into()));
    };
    let mut out = Parsed { rows: Vec::new(), invalid: Vec::new(), total: 0 };
    for (i, record) in reader.records().enumerate() {
        let row = i + 1;
        if row > IMPORT_MAX_ROWS {
            return Err(too_large(&format!("The file has more than {IMPORT_MAX_ROWS} rows.")));
        }
        out.total = row;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                out.invalid.push(InvalidRow { row, field: "row".into(), message: format!("Unreadable row: {e}.") });
                continue;
            }
        };
        let get = |c: Column| find(c).and_then(|(i, _, _)| record.get(*i)).map(|v| uncell(v.trim())).unwrap_or("");
        let mut errors: Vec<Invalid> = Vec::new();
        let mut keep = |r: Result<String, Invalid>| r.map_err(|e| errors.push(e)).unwrap_or_default();
        let first_name = keep(text::required("first_name", get(Column::FirstName), NAME_MAX, false));
        let last_name = keep(text::check("last_name", get(Column::LastName), NAME_MAX, false));
        let phone = keep(PhoneE164::parse_field(phone_field, get(Column::Phone), region).map(PhoneE164::into_string));
        let notes = keep(text::check("notes", get(Column::Notes), NOTE_MAX, true));
        let tag_cell = get(Column::Tags);
        let tags: Vec<String> = tag_cell
            .split(store::lead_csv::TAG_SEPARATOR)
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .collect();
        let tags = keep_tags(text::tags(&tags), &mut errors);
        let email = match text::email("email", Some(get(Column::Email))) {
            Ok(e) => e,
            Err(e) => {
                errors.push(e);
                None
            }
        };
        if errors.is_empty() {
            out.rows.push(ImportRow { row, first_name, last_name, phone_e164: phone, email, notes, tags });
        } else {
            out.invalid.extend(errors.into_iter().map(|e| InvalidRow { row, field: e.field, message: e.message }));
        }
    }
    Ok(out)
}

fn keep_tags(r: Result<Vec<String>, Invalid>, errors: &mut Vec<Invalid>) -> Vec<String> {
    r.map_err(|e| errors.push(e)).unwrap_or_default()
}

/// Import leads from CSV (`Content-Type: text/csv`) into the business you work in.
///
/// UTF-8 (a BOM is fine), `,`- or `;`-separated (whichever the header line has more of), LF or
/// CRLF. Header, case-insensitive: `first_name` and `phone` (or `phone_e164`) required; `last_name`,
/// `email`, `notes` optional; other columns ignored. At most 5 MB and 20,000 rows (else 413).
/// Rows are numbered from 1 at the first line after the header; blank lines are skipped and not
/// counted. Each row is checked as `POST /api/leads` checks its body (local phones read in the
/// business's region); a failing row is listed in `invalid` once per field. A row whose phone is an
/// existing lead's, or repeats an earlier row, is a duplicate: it only fills that lead's empty fields
/// (counted in `updated`). All writes are one transaction with one `lead.import` audit entry;
/// `?dry_run=true` decides the same and writes nothing.
#[utoipa::path(
    post,
    path = "/api/leads/import",
    tag = "leads",
    params(ImportQuery),
    request_body(content = super::bodies::LeadsCsv, content_type = "text/csv"),
    responses((status = 200, description = "{dry_run, rows, created, updated, duplicates: [{row, lead_id}], invalid: [{row, field, message}]}", body = super::answers::ImportReport)),
    security(("session" = [], "csrf" = [])),
)]
async fn import(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<ImportQuery>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<Value>> {
    let ct = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if !ct.split(';').next().unwrap_or("").trim().eq_ignore_ascii_case("text/csv") {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "This endpoint accepts only CSV files.",
            "Send the file as the body with the header Content-Type: text/csv.",
        ));
    }
    let body = body.map_err(|rej| {
        if rej.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large("The file is too large.")
        } else {
            ApiError::bad_request(rej.body_text(), "Send the CSV file as the request body.")
        }
    })?;
    let tenant_id = auth.tenant_id();
    let region = region_of(&state, tenant_id).await?.unwrap_or_else(|| DEFAULT_REGION.into());
    let parsed = tokio::task::spawn_blocking(move || parse(&body, &region)).await.map_err(ApiError::internal)??;
    let Parsed { rows, invalid, total } = parsed;
    let actor = auth.actor();
    let outcome = if q.dry_run {
        state.db.read(move |c| core::import::import(c, tenant_id, &rows, Some(actor), false)).await?
    } else {
        let mut entry = auth.audit("lead.import", "leads".into(), Value::Null);
        let invalid_rows = invalid.iter().map(|i| i.row).collect::<std::collections::HashSet<_>>().len();
        let outcome = state
            .db
            .write(move |tx| -> ApiResult<_> {
                let out = core::import::import(tx, tenant_id, &rows, Some(actor), true)?;
                entry.details = json!({
                    "rows": total,
                    "created": out.created,
                    "updated": out.updated,
                    "duplicates": out.duplicates.len(),
                    "invalid": invalid_rows,
                });
                store::audit::record(tx, entry)?;
                Ok(out)
            })
            .await?;
        state.events.publish(
            tenant_id,
            "leads.imported",
            json!({"created": outcome.created, "updated": outcome.updated}),
        );
        outcome
    };
    Ok(Json(json!({
        "dry_run": q.dry_run,
        "rows": total,
        "created": outcome.created,
        "updated": outcome.updated,
        "duplicates": outcome.duplicates,
        "invalid": invalid,
    })))
}
