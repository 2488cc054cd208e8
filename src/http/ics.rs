//! Calendars elsewhere: `GET /ics/{token}.ics` is one staff member's
//! appointments (30 days back, 180 ahead) as an iCalendar feed (RFC 5545),
//! authenticated by its random token alone (a GET, so no CSRF token; no
//! session). `POST /api/auth/me/ics-token` makes a new token (the old URL
//! stops working) and answers the feed's URL, the only time it is shown:
//! only the token's SHA-256 is stored.

use axum::{
    Json, Router,
    extract::State,
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
    routing::get,
};
use base64::Engine;
use chrono::{Duration, Utc};
use rand::RngCore;
use serde::Serialize;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::extract::{ApiPath, Auth};
use crate::{
    core::appointments::availability::{parse_utc, stored},
    domain::AppointmentStatus,
    error::{ApiError, ApiResult},
    state::AppState,
    store::{self, appointments::Appointment},
};

/// The token rotation, under `/api` (in the OpenAPI document).
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(rotate))
}

/// The feed itself: outside `/api`, authenticated by its token alone.
pub fn feed_router() -> Router<AppState> {
    Router::new().route("/ics/{file}", get(feed))
}

fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[derive(Serialize, utoipa::ToSchema)]
struct FeedUrl {
    /// The feed's address; shown this once (only a hash of its token is kept).
    url: String,
}

#[utoipa::path(
    post,
    path = "/api/auth/me/ics-token",
    tag = "appointments",
    responses((status = 200, description = "A new calendar feed URL; the previous one stops working", body = FeedUrl)),
    security(("session" = [], "csrf" = [])),
)]
async fn rotate(State(state): State<AppState>, auth: Auth) -> ApiResult<Json<FeedUrl>> {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let (user_id, digest) = (auth.user.id, hash(&token));
    state.db.write(move |tx| store::ics::rotate(tx, user_id, &digest)).await?;
    Ok(Json(FeedUrl { url: format!("{}/ics/{token}.ics", state.config.public_base) }))
}

async fn feed(State(state): State<AppState>, ApiPath(file): ApiPath<String>) -> ApiResult<Response> {
    let token = file.strip_suffix(".ics").filter(|t| !t.is_empty() && t.len() <= 128);
    let Some(token) = token else { return Err(ApiError::not_found("Calendar")) };
    let digest = hash(token);
    let now = Utc::now();
    let (from, to) = (stored(now - Duration::days(30)), stored(now + Duration::days(180)));
    let found = state
        .db
        .read(move |c| -> ApiResult<_> {
            let Some((user_id, tenant_id, stored_hash)) = store::ics::user_by_hash_unscoped(c, &digest)? else {
                return Ok(None);
            };
            // The row was found by the hash; the comparison itself takes the same time whatever matches.
            if !bool::from(stored_hash.as_bytes().ct_eq(digest.as_bytes())) {
                return Ok(None);
            }
            let name = store::tenants::get(c, tenant_id)?.map(|t| t.name).unwrap_or_default();
            Ok(Some((name, store::appointments::for_staff(c, tenant_id, user_id, &from, &to)?)))
        })
        .await?;
    let Some((name, appointments)) = found else { return Err(ApiError::not_found("Calendar")) };
    let host =
        state.config.public_base.split("://").nth(1).unwrap_or("frontdesk").split('/').next().unwrap_or("frontdesk");
    let body = calendar(&name, host, &appointments);
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/calendar; charset=utf-8")),
            (header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=300")),
        ],
        body,
    )
        .into_response())
}

/// `20261220T070000Z` from a stored instant.
fn basic(stored: &str) -> String {
    parse_utc(stored).map(|t| t.format("%Y%m%dT%H%M%SZ").to_string()).unwrap_or_default()
}

/// TEXT values escape backslash, semicolon, comma and line breaks.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// One content line, folded at 75 octets (never inside a UTF-8 character), CRLF-ended.
fn line(out: &mut String, text: &str) {
    let mut width = 0;
    for c in text.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
}

fn calendar(name: &str, host: &str, items: &[Appointment]) -> String {
    let mut out = String::new();
    for l in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//frontdesk//appointments//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ] {
        line(&mut out, l);
    }
    line(&mut out, &format!("X-WR-CALNAME:{}", escape(name)));
    for a in items {
        line(&mut out, "BEGIN:VEVENT");
        line(&mut out, &format!("UID:appointment-{}@{host}", a.id));
        line(&mut out, &format!("DTSTAMP:{}", basic(&a.updated_at)));
        line(&mut out, &format!("LAST-MODIFIED:{}", basic(&a.updated_at)));
        line(&mut out, &format!("DTSTART:{}", basic(&a.starts_at)));
        line(&mut out, &format!("DTEND:{}", basic(&a.ends_at)));
        line(&mut out, &format!("SUMMARY:{}", escape(&format!("{} - {}", a.service_name, a.lead_name))));
        if !a.note.is_empty() {
            line(&mut out, &format!("DESCRIPTION:{}", escape(&a.note)));
        }
        let status = match a.status {
            AppointmentStatus::Cancelled => "CANCELLED",
            AppointmentStatus::Booked => "TENTATIVE",
            _ => "CONFIRMED",
        };
        line(&mut out, &format!("STATUS:{status}"));
        line(&mut out, "END:VEVENT");
    }
    line(&mut out, "END:VCALENDAR");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_fold_at_75_octets_without_splitting_characters() {
        let mut out = String::new();
        let text = format!("SUMMARY:{}", "תור ".repeat(40));
        line(&mut out, &text);
        for l in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(l.len() <= 75, "{} octets: {l}", l.len());
        }
        // Unfolding (drop CRLF + one space) gives the line back.
        assert_eq!(out.trim_end_matches("\r\n").replace("\r\n ", ""), text);
        assert_eq!(escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
        assert_eq!(basic("2026-12-20T07:00:00.000Z"), "20261220T070000Z");
    }
}
