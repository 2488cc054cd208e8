//! The owner's dashboard: counts over a range of days of one business.
//!
//! Each local day is a `[start, end)` pair of UTC instants (the business's
//! local midnights), so a day boundary is exact in any time zone, DST
//! included. The counts come from `dashboard_days`, a rollup per UTC day
//! that triggers keep (see schema.sql): a range sums the whole UTC days
//! inside it, and the few hours between each local midnight and the nearest
//! UTC midnight are summed from the rollup's quarter-hour rows (calls and
//! appointments by start from their own indexes).

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};
use serde::Serialize;

use super::error::{StoreError, StoreResult};
use crate::domain::TenantId;

mod edges;

use edges::{Edge, add_edge, edge, edge_counts, utc_days};

/// One local day: its date and the UTC instants it starts and ends at.
#[derive(Clone, Debug)]
pub struct Day {
    pub date: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
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
    /// Seconds (nearest rank), rounded down to the whole second below a
    /// minute, the whole minute below an hour, the whole hour above; null
    /// when there were none.
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

/// Counts keyed by the rollup's `(metric, key)`.
type Tally = HashMap<(String, String), i64>;

pub fn read(conn: &Connection, tenant_id: TenantId, time_zone: &str, days: &[Day]) -> StoreResult<Dashboard> {
    let empty = || Dashboard {
        time_zone: time_zone.to_string(),
        leads_by_source: BTreeMap::new(),
        leads_by_day: Vec::new(),
        calls: Calls::default(),
        first_response: FirstResponse::default(),
        ai_handled_share: 0.0,
        appointments: Appointments::default(),
    };
    let Some(last) = days.last() else {
        return Ok(empty());
    };
    // Each local midnight, the first day's start to the last day's end.
    let edges: Vec<Edge> = days.iter().map(|d| edge(d.start)).chain([edge(last.end)]).collect();
    let (lo, hi) = (&edges[0], &edges[edges.len() - 1]);

    // The rollup's whole UTC days: all of them to the totals, leads to their UTC day.
    let mut totals = Tally::new();
    let mut leads_per_utc_day: HashMap<String, Vec<(String, i64)>> = HashMap::new();
    // One key range per day: the day's quarter-hour rows sort between its
    // day rows and the next day's, and are not read.
    let day_list =
        serde_json::to_string(&utc_days(&lo.day, &hi.day)).map_err(|e| StoreError::Unavailable(e.to_string()))?;
    let mut stmt = conn.prepare_cached(
        "SELECT day, metric, key, n FROM dashboard_days
         WHERE tenant_id = ?1 AND day IN (SELECT value FROM json_each(?2)) AND n != 0",
    )?;
    let rows = stmt.query_map(params![tenant_id, day_list], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, i64>(3)?))
    })?;
    for row in rows {
        let (day, metric, key, n) = row?;
        if metric == "lead" {
            leads_per_utc_day.entry(day).or_default().push((key.clone(), n));
        }
        *totals.entry((metric, key)).or_insert(0) += n;
    }
    add_edge(&mut totals, lo, -1, |x, y| edge_counts(conn, tenant_id, x, y, false))?;
    add_edge(&mut totals, hi, 1, |x, y| edge_counts(conn, tenant_id, x, y, false))?;

    // Leads by local day: its UTC days, corrected at both midnights (each
    // midnight's correction counted once, shared by the days either side).
    let mut lead_edges = Vec::with_capacity(edges.len());
    for e in &edges {
        let mut t = Tally::new();
        add_edge(&mut t, e, 1, |x, y| edge_counts(conn, tenant_id, x, y, true))?;
        lead_edges.push(t);
    }
    let mut leads_by_day = Vec::new();
    for (i, d) in days.iter().enumerate() {
        let mut by_source: BTreeMap<String, i64> = BTreeMap::new();
        for day in utc_days(&edges[i].day, &edges[i + 1].day) {
            for (source, n) in leads_per_utc_day.get(&day).into_iter().flatten() {
                *by_source.entry(source.clone()).or_insert(0) += n;
            }
        }
        for ((_, source), n) in &lead_edges[i + 1] {
            *by_source.entry(source.clone()).or_insert(0) += n;
        }
        for ((_, source), n) in &lead_edges[i] {
            *by_source.entry(source.clone()).or_insert(0) -= n;
        }
        leads_by_day.extend(by_source.into_iter().filter(|(_, n)| *n > 0).map(|(source, count)| DayCount {
            date: d.date.clone(),
            source,
            count,
        }));
    }
    let mut leads_by_source = BTreeMap::new();
    for d in &leads_by_day {
        *leads_by_source.entry(d.source.clone()).or_insert(0) += d.count;
    }

    let n = |metric: &str, key: &str| totals.get(&(metric.to_string(), key.to_string())).copied().unwrap_or(0);
    let histogram = |metric: &str| -> BTreeMap<i64, i64> {
        let mut h = BTreeMap::new();
        for ((m, key), count) in &totals {
            if m == metric && *count > 0 {
                // Buckets are whole seconds, written by the schema's `reply_bucket`.
                if let Ok(s) = key.parse::<i64>() {
                    *h.entry(s).or_insert(0) += count;
                }
            }
        }
        h
    };
    let conversations = n("conv", "");
    Ok(Dashboard {
        leads_by_source,
        leads_by_day,
        calls: Calls {
            person: n("call", "person"),
            ai: n("call", "ai"),
            voicemail: n("call", "voicemail"),
            missed: n("call", "missed"),
        },
        first_response: FirstResponse { person: times(&histogram("reply_person")), ai: times(&histogram("reply_ai")) },
        ai_handled_share: if conversations <= 0 { 0.0 } else { n("ai_alone", "") as f64 / conversations as f64 },
        appointments: Appointments {
            booked_by_ai: n("booked", "ai"),
            booked_by_staff: n("booked", "person"),
            confirmed: n("appt", "confirmed"),
            cancelled: n("appt", "cancelled"),
            no_show: n("appt", "no_show"),
        },
        ..empty()
    })
}

/// Median and 90th percentile (nearest rank) over a histogram of whole seconds.
fn times(h: &BTreeMap<i64, i64>) -> ResponseTimes {
    let n: i64 = h.values().sum();
    let rank = |p: f64| -> Option<f64> {
        if n <= 0 {
            return None;
        }
        let want = ((p * n as f64).ceil() as i64).clamp(1, n);
        let mut seen = 0;
        h.iter()
            .find(|(_, c)| {
                seen += **c;
                seen >= want
            })
            .map(|(s, _)| *s as f64)
    };
    ResponseTimes { median_s: rank(0.5), p90_s: rank(0.9), count: n }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank_over_buckets() {
        let h: BTreeMap<i64, i64> = (1..=10).map(|s| (s, 1)).collect();
        let t = times(&h);
        assert_eq!((t.median_s, t.p90_s, t.count), (Some(5.0), Some(9.0), 10));
        let t = times(&BTreeMap::from([(42, 3)]));
        assert_eq!((t.median_s, t.p90_s), (Some(42.0), Some(42.0)));
        let t = times(&BTreeMap::from([(3, 9), (600, 1)]));
        assert_eq!((t.median_s, t.p90_s), (Some(3.0), Some(3.0)));
        assert_eq!(times(&BTreeMap::new()).median_s, None);
    }
}
