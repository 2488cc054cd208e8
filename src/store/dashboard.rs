//! The owner's dashboard: counts over a range of days of one business.
//!
//! Each day is a `[start, end)` pair of UTC instants in the stored format
//! (the business's local midnights), so every count is an index range scan
//! per day and a day boundary is exact in any time zone, DST included.
//! Conversations come from the `conversations` rollup the message triggers
//! keep (see schema.sql), not from the messages themselves.

use std::collections::BTreeMap;

use rusqlite::{Connection, params};
use serde::Serialize;

use super::error::StoreResult;
use crate::domain::TenantId;

/// One local day: its date and the UTC instants it starts and ends at.
#[derive(Clone, Debug, Serialize)]
pub struct Day {
    pub date: String,
    pub start: String,
    pub end: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DayCount {
    pub date: String,
    pub source: String,
    pub count: i64,
}

#[derive(Debug, Default, Serialize, utoipa::ToSchema)]
pub struct Calls {
    pub person: i64,
    pub ai: i64,
    pub voicemail: i64,
    pub missed: i64,
}

#[derive(Debug, Default, Serialize, utoipa::ToSchema)]
pub struct ResponseTimes {
    /// Seconds; null when there were none.
    pub median_s: Option<f64>,
    pub p90_s: Option<f64>,
    pub count: i64,
}

#[derive(Debug, Default, Serialize, utoipa::ToSchema)]
pub struct FirstResponse {
    pub person: ResponseTimes,
    pub ai: ResponseTimes,
}

#[derive(Debug, Default, Serialize, utoipa::ToSchema)]
pub struct Appointments {
    pub booked_by_ai: i64,
    pub booked_by_staff: i64,
    pub confirmed: i64,
    pub cancelled: i64,
    pub no_show: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Dashboard {
    pub time_zone: String,
    pub leads_by_source: BTreeMap<String, i64>,
    pub leads_by_day: Vec<DayCount>,
    pub calls: Calls,
    pub first_response: FirstResponse,
    /// Conversations started in the range that the AI answered with no
    /// person replying and no handoff, over all conversations started in it (0 to 1).
    pub ai_handled_share: f64,
    pub appointments: Appointments,
}

pub fn read(conn: &Connection, tenant_id: TenantId, time_zone: &str, days: &[Day]) -> StoreResult<Dashboard> {
    let (Some(first), Some(last)) = (days.first(), days.last()) else {
        return Ok(Dashboard {
            time_zone: time_zone.to_string(),
            leads_by_source: BTreeMap::new(),
            leads_by_day: Vec::new(),
            calls: Calls::default(),
            first_response: FirstResponse::default(),
            ai_handled_share: 0.0,
            appointments: Appointments::default(),
        });
    };
    let (lo, hi) = (first.start.as_str(), last.end.as_str());

    // One index range per day (a join against the list of days may be
    // planned the other way round: every lead against every day).
    let mut leads_by_day = Vec::new();
    let mut per_day = conn.prepare_cached(
        "SELECT source, count(*) FROM leads WHERE tenant_id = ?1 AND created_at >= ?2 AND created_at < ?3
         GROUP BY source ORDER BY source",
    )?;
    for d in days {
        let rows = per_day.query_map(params![tenant_id, d.start, d.end], |r| {
            Ok(DayCount { date: d.date.clone(), source: r.get(0)?, count: r.get(1)? })
        })?;
        for row in rows {
            leads_by_day.push(row?);
        }
    }
    let mut leads_by_source = BTreeMap::new();
    for d in &leads_by_day {
        *leads_by_source.entry(d.source.clone()).or_insert(0) += d.count;
    }

    let mut calls = Calls::default();
    let mut stmt = conn.prepare_cached(
        "SELECT answered_by, count(*) FROM calls
         WHERE tenant_id = ?1 AND started_at >= ?2 AND started_at < ?3 AND direction = 'inbound'
           AND (answered_by IS NOT NULL OR status NOT IN ('ringing', 'in_progress'))
         GROUP BY answered_by",
    )?;
    let rows = stmt.query_map(params![tenant_id, lo, hi], |r| Ok((r.get::<_, Option<String>>(0)?, r.get(1)?)))?;
    for row in rows {
        let (who, n): (Option<String>, i64) = row?;
        match who.as_deref() {
            Some("person") => calls.person += n,
            Some("ai") => calls.ai += n,
            Some("voicemail") => calls.voicemail += n,
            _ => calls.missed += n,
        }
    }

    let (mut person, mut ai) = (Vec::new(), Vec::new());
    let (mut conversations, mut ai_handled) = (0i64, 0i64);
    let mut stmt = conn.prepare_cached(
        "SELECT first_reply_by, reply_ms, ai_replied AND NOT person_replied AND NOT handed_off
         FROM conversations WHERE tenant_id = ?1 AND started_at >= ?2 AND started_at < ?3",
    )?;
    let rows = stmt.query_map(params![tenant_id, lo, hi], |r| {
        Ok((r.get::<_, Option<String>>(0)?, r.get::<_, Option<i64>>(1)?, r.get::<_, bool>(2)?))
    })?;
    for row in rows {
        let (by, secs, handled) = row?;
        conversations += 1;
        ai_handled += i64::from(handled);
        match (by.as_deref(), secs) {
            (Some("ai"), Some(ms)) => ai.push(ms.max(0) as f64 / 1000.0),
            (Some("person"), Some(ms)) => person.push(ms.max(0) as f64 / 1000.0),
            _ => {}
        }
    }

    let mut appointments = Appointments::default();
    let mut stmt = conn.prepare_cached(
        "SELECT booked_by, count(*) FROM appointments
         WHERE tenant_id = ?1 AND created_at >= ?2 AND created_at < ?3 GROUP BY booked_by",
    )?;
    for row in stmt.query_map(params![tenant_id, lo, hi], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))? {
        match row? {
            (by, n) if by == "ai" => appointments.booked_by_ai += n,
            (by, n) if by == "person" => appointments.booked_by_staff += n,
            _ => {}
        }
    }
    let mut stmt = conn.prepare_cached(
        "SELECT status, count(*) FROM appointments
         WHERE tenant_id = ?1 AND starts_at >= ?2 AND starts_at < ?3
           AND status IN ('confirmed', 'cancelled', 'no_show') GROUP BY status",
    )?;
    for row in stmt.query_map(params![tenant_id, lo, hi], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))? {
        match row? {
            (s, n) if s == "confirmed" => appointments.confirmed = n,
            (s, n) if s == "cancelled" => appointments.cancelled = n,
            (_, n) => appointments.no_show = n,
        }
    }

    Ok(Dashboard {
        time_zone: time_zone.to_string(),
        leads_by_source,
        leads_by_day,
        calls,
        first_response: FirstResponse { person: times(person), ai: times(ai) },
        ai_handled_share: if conversations == 0 { 0.0 } else { ai_handled as f64 / conversations as f64 },
        appointments,
    })
}

/// Median and 90th percentile (nearest rank), to the millisecond.
fn times(mut v: Vec<f64>) -> ResponseTimes {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    let rank = |p: f64| -> Option<f64> {
        if n == 0 {
            return None;
        }
        let i = ((p * n as f64).ceil() as usize).clamp(1, n) - 1;
        Some((v[i] * 1000.0).round() / 1000.0)
    };
    ResponseTimes { median_s: rank(0.5), p90_s: rank(0.9), count: n as i64 }
}

#[cfg(test)]
mod tests {
    use super::times;

    #[test]
    fn percentiles_are_nearest_rank() {
        let t = times(vec![5.0, 1.0, 3.0, 2.0, 4.0, 6.0, 7.0, 8.0, 9.0, 10.0]);
        assert_eq!((t.median_s, t.p90_s, t.count), (Some(5.0), Some(9.0), 10));
        let t = times(vec![42.0]);
        assert_eq!((t.median_s, t.p90_s), (Some(42.0), Some(42.0)));
        assert_eq!(times(vec![]).median_s, None);
    }
}
