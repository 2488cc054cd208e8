//! `GET /api/dashboard?from&to`: the owner's view of a range of days.
//! Owners and the platform admin only: it shows how the staff perform.

use axum::{Json, extract::State};
use chrono::{Duration, LocalResult, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use serde::Deserialize;

use super::extract::{ApiQuery, ManagerAuth};
use crate::{
    error::{ApiError, ApiResult},
    state::AppState,
    store::{
        self,
        dashboard::{Dashboard, Day},
    },
};
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(dashboard))
}

/// The longest range one request may ask for, in days.
pub const MAX_DAYS: i64 = 366;
/// The range when none is given: the last 30 days, today included.
const DEFAULT_DAYS: i64 = 30;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct Range {
    /// First day (`YYYY-MM-DD`, in the business's time zone); default (or empty) 29 days before `to`.
    #[param(pattern = r"^([0-9]{4}-[0-9]{2}-[0-9]{2})?$")]
    from: Option<String>,
    /// Last day, included (`YYYY-MM-DD`); default (or empty) today in the business's time zone.
    /// At most 366 days after `from`.
    #[param(pattern = r"^([0-9]{4}-[0-9]{2}-[0-9]{2})?$")]
    to: Option<String>,
}

fn date(field: &str, v: &str) -> ApiResult<NaiveDate> {
    // Exactly `YYYY-MM-DD`, as documented (the parser alone also takes `2026-1-1`).
    let shaped = v.len() == 10
        && v.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
    Some(v)
        .filter(|_| shaped)
        .and_then(|v| NaiveDate::parse_from_str(v, "%Y-%m-%d").ok())
        .filter(|d| (1970..=9999).contains(&chrono::Datelike::year(d)))
        .ok_or_else(|| {
            ApiError::invalid(
                field,
                format!("`{field}` is not a date."),
                "Send a day in the business's time zone as YYYY-MM-DD, e.g. 2026-12-01.",
            )
        })
}

/// The UTC instant a local day starts at; in a DST gap at midnight, the first instant after it.
fn midnight(tz: Tz, d: NaiveDate) -> chrono::DateTime<Utc> {
    let naive = d.and_hms_opt(0, 0, 0).unwrap_or_default();
    for shift in [0, 1, 2] {
        match tz.from_local_datetime(&(naive + Duration::hours(shift))) {
            LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => return t.with_timezone(&Utc),
            LocalResult::None => {}
        }
    }
    naive.and_utc()
}

/// The local days from `from` to `to` (both included) as UTC ranges.
pub fn days(tz: Tz, from: NaiveDate, to: NaiveDate) -> Vec<Day> {
    from.iter_days()
        .take_while(|d| *d <= to)
        .map(|d| Day {
            date: d.format("%Y-%m-%d").to_string(),
            start: midnight(tz, d),
            end: midnight(tz, d + Duration::days(1)),
        })
        .collect()
}

#[utoipa::path(
    get,
    path = "/api/dashboard",
    tag = "dashboard",
    params(Range),
    responses(
        (status = 200, description = "New leads by source and day, calls by outcome, first response times, \
            the share the AI handled, and appointments, over the range's days in the business's time zone",
            body = Dashboard),
        (status = 400, description = "A bad date, `from` after `to`, or more than 366 days"),
        (status = 403, description = "Not an owner of the business or the platform admin"),
    ),
    security(("session" = [])),
)]
async fn dashboard(
    State(state): State<AppState>,
    ManagerAuth(auth): ManagerAuth,
    ApiQuery(range): ApiQuery<Range>,
) -> ApiResult<Json<Dashboard>> {
    let tenant_id = auth.tenant_id();
    let tenant = state
        .db
        .read(move |c| store::tenants::get(c, tenant_id))
        .await?
        .ok_or_else(|| ApiError::not_found("Business"))?;
    let tz = tenant.schedule().tz;
    let empty = |v: &Option<String>| v.as_deref().filter(|s| !s.is_empty()).map(str::to_string);
    let to = match empty(&range.to) {
        Some(v) => date("to", &v)?,
        None => Utc::now().with_timezone(&tz).date_naive(),
    };
    let from = match empty(&range.from) {
        Some(v) => date("from", &v)?,
        None => to - Duration::days(DEFAULT_DAYS - 1),
    };
    if from > to {
        return Err(ApiError::invalid("from", "`from` is after `to`.", "Send from on or before to."));
    }
    if (to - from).num_days() + 1 > MAX_DAYS {
        return Err(ApiError::invalid(
            "to",
            format!("The range is {} days.", (to - from).num_days() + 1),
            format!("Ask for at most {MAX_DAYS} days at a time."),
        ));
    }
    let days = days(tz, from, to);
    let zone = tz.name().to_string();
    Ok(Json(state.db.read(move |c| store::dashboard::read(c, tenant_id, &zone, &days)).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_start_at_local_midnight_across_dst() {
        let tz: Tz = "Asia/Jerusalem".parse().unwrap();
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let at = |t: chrono::DateTime<Utc>| t.to_rfc3339();
        let winter = days(tz, d("2026-12-01"), d("2026-12-01"));
        assert_eq!(
            (at(winter[0].start), at(winter[0].end)),
            ("2026-11-30T22:00:00+00:00".to_string(), "2026-12-01T22:00:00+00:00".to_string())
        );
        // Israel moves to summer time on the Friday before the last Sunday of March.
        let spring = days(tz, d("2026-03-26"), d("2026-03-28"));
        assert_eq!(spring.len(), 3);
        assert_eq!(at(spring[1].start), "2026-03-26T22:00:00+00:00");
        assert_eq!(at(spring[1].end), "2026-03-27T21:00:00+00:00");
    }
}
