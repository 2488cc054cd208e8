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

use chrono::{DateTime, Duration, NaiveTime, Utc};
use rusqlite::{Connection, params};
use serde::Serialize;

use super::error::{StoreError, StoreResult};
use crate::domain::TenantId;

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

/// A local midnight among the rollup's UTC days.
#[derive(Debug, PartialEq)]
struct Edge {
    /// The nearest UTC midnight's day: the rollup counts from it onwards as after this midnight.
    day: String,
    /// The instants between that UTC midnight and this one, `[from, to)`, with
    /// the sign that makes the rollup right: +1 when the UTC midnight is
    /// earlier (they are before this midnight but not in the rollup's earlier
    /// days), -1 when later. None when the two coincide.
    part: Option<(String, String, i64)>,
}

fn edge(at: DateTime<Utc>) -> Edge {
    let utc_midnight = at.date_naive().and_time(NaiveTime::MIN).and_utc();
    let next = utc_midnight + Duration::days(1);
    let date = |t: DateTime<Utc>| t.format("%Y-%m-%d").to_string();
    if at - utc_midnight <= next - at {
        Edge { day: date(utc_midnight), part: (at > utc_midnight).then(|| (stored(utc_midnight), stored(at), 1)) }
    } else {
        Edge { day: date(next), part: Some((stored(at), stored(next), -1)) }
    }
}

/// Adds `sign` times the edge's correction, counted by `count` over its instants.
fn add_edge(
    t: &mut Tally,
    e: &Edge,
    sign: i64,
    count: impl FnOnce(&str, &str) -> StoreResult<Counts>,
) -> StoreResult<()> {
    if let Some((from, to, part_sign)) = &e.part {
        for (metric, key, n) in count(from, to)? {
            *t.entry((metric, key)).or_insert(0) += sign * part_sign * n;
        }
    }
    Ok(())
}

fn stored(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// The UTC days from `from` (included) to `to` (excluded), both `YYYY-MM-DD`.
fn utc_days(from: &str, to: &str) -> Vec<String> {
    let parse = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
    let (Some(a), Some(b)) = (parse(from), parse(to)) else {
        return Vec::new();
    };
    a.iter_days().take_while(|d| *d < b).map(|d| d.format("%Y-%m-%d").to_string()).collect()
}

type Counts = Vec<(String, String, i64)>;

/// The counts in `[from, to)` (stored instants less than a day apart),
/// keyed as the rollup is; with `leads_only`, only new leads. Both ends on a
/// quarter hour (every time zone's midnight is) are read from the rollup's
/// quarter-hour rows; other instants from the base tables.
fn edge_counts(conn: &Connection, tenant_id: TenantId, from: &str, to: &str, leads_only: bool) -> StoreResult<Counts> {
    let mut counts = match (quarter(from), quarter(to)) {
        (Some(a), Some(b)) => quarters(conn, tenant_id, a, b, leads_only)?,
        _ => by_creation(conn, tenant_id, from, to, leads_only)?,
    };
    if !leads_only {
        counts.extend(by_start(conn, tenant_id, from, to)?);
    }
    Ok(counts)
}

/// A stored instant's quarter-hour row key, `YYYY-MM-DDTHH:MM`, when the
/// instant is exactly on a quarter hour.
fn quarter(at: &str) -> Option<&str> {
    let minute: u32 = at.get(14..16)?.parse().ok()?;
    (minute.is_multiple_of(15) && at.get(16..) == Some(":00.000Z")).then(|| &at[..16])
}

/// The rollup's quarter-hour rows in `[from, to)` (row keys; day rows are
/// left out by their length).
fn quarters(conn: &Connection, tenant_id: TenantId, from: &str, to: &str, leads_only: bool) -> StoreResult<Counts> {
    let mut stmt = conn.prepare_cached(
        "SELECT metric, key, sum(n) FROM dashboard_days
         WHERE tenant_id = ?1 AND day >= ?2 AND day < ?3 AND length(day) = 16 AND (NOT ?4 OR metric = 'lead')
         GROUP BY 1, 2",
    )?;
    let rows = stmt.query_map(params![tenant_id, from, to, leads_only], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// What the quarter-hour rows count, from the base tables (scanning the
/// business's rows: only for instants off the quarter hour).
fn by_creation(conn: &Connection, tenant_id: TenantId, from: &str, to: &str, leads_only: bool) -> StoreResult<Counts> {
    let mut stmt = conn.prepare_cached(
        "SELECT 'lead', source, count(*) FROM leads WHERE tenant_id = ?1 AND created_at >= ?2 AND created_at < ?3
         GROUP BY 2
         UNION ALL
         SELECT 'booked', booked_by, count(*) FROM appointments
         WHERE NOT ?4 AND tenant_id = ?1 AND created_at >= ?2 AND created_at < ?3 GROUP BY 2
         UNION ALL
         SELECT 'conv', '', count(*) FROM leads
         WHERE NOT ?4 AND tenant_id = ?1 AND conv_started_at >= ?2 AND conv_started_at < ?3
         UNION ALL
         SELECT 'ai_alone', '', count(*) FROM leads
         WHERE NOT ?4 AND tenant_id = ?1 AND conv_started_at >= ?2 AND conv_started_at < ?3 AND conv_ai_alone
         UNION ALL
         SELECT 'reply_' || conv_first_reply_by, conv_reply_bucket, count(*) FROM leads
         WHERE NOT ?4 AND tenant_id = ?1 AND conv_started_at >= ?2 AND conv_started_at < ?3
           AND conv_reply_bucket IS NOT NULL
         GROUP BY 1, 2",
    )?;
    let rows = stmt.query_map(params![tenant_id, from, to, leads_only], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Calls and appointments in `[from, to)` by when they start, from their tables' own indexes.
fn by_start(conn: &Connection, tenant_id: TenantId, from: &str, to: &str) -> StoreResult<Counts> {
    let mut stmt = conn.prepare_cached(
        "SELECT 'call', coalesce(answered_by, 'missed'), count(*) FROM calls
         WHERE tenant_id = ?1 AND started_at >= ?2 AND started_at < ?3 AND direction = 'inbound'
           AND (answered_by IS NOT NULL OR status NOT IN ('ringing', 'in_progress'))
         GROUP BY 2
         UNION ALL
         SELECT 'appt', status, count(*) FROM appointments
         WHERE tenant_id = ?1 AND starts_at >= ?2 AND starts_at < ?3 AND status IN ('confirmed', 'cancelled', 'no_show')
         GROUP BY 2",
    )?;
    let rows = stmt.query_map(params![tenant_id, from, to], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
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

    #[test]
    fn a_local_midnight_is_corrected_from_the_nearest_utc_midnight() {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        // Jerusalem in winter: 22:00 UTC, two hours before the next UTC day.
        assert_eq!(
            edge(at("2026-11-30T22:00:00Z")),
            Edge {
                day: "2026-12-01".into(),
                part: Some(("2026-11-30T22:00:00.000Z".into(), "2026-12-01T00:00:00.000Z".into(), -1))
            }
        );
        // New York: 05:00 UTC, five hours after the UTC midnight.
        assert_eq!(
            edge(at("2026-12-01T05:00:00Z")),
            Edge {
                day: "2026-12-01".into(),
                part: Some(("2026-12-01T00:00:00.000Z".into(), "2026-12-01T05:00:00.000Z".into(), 1))
            }
        );
        assert_eq!(edge(at("2026-12-01T00:00:00Z")), Edge { day: "2026-12-01".into(), part: None });
        assert_eq!(utc_days("2026-12-30", "2027-01-02"), ["2026-12-30", "2026-12-31", "2027-01-01"]);
    }

    /// A partial day's counts from the quarter-hour rows equal the leads'
    /// own count, and an instant off the quarter hour is counted from the
    /// leads themselves, just as exactly.
    #[test]
    fn partial_days_count_the_same_from_quarter_rows_and_from_the_leads() {
        let dir = tempfile::tempdir().unwrap();
        let db = crate::db::Db::open(&dir.path().join("d.db")).unwrap();
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        db.write_blocking(|tx| -> StoreResult<()> {
            tx.execute("INSERT INTO tenants (id, name) VALUES (7, 'Quarters')", [])?;
            for (i, created) in
                ["21:44:59.999", "21:45:00.000", "21:52:10.500", "22:00:00.000", "23:59:59.999"].iter().enumerate()
            {
                tx.execute(
                    "INSERT INTO leads (tenant_id, first_name, phone_e164, source, created_at)
                     VALUES (7, ?1, ?2, 'form', ?3)",
                    params![format!("Lead {i}"), format!("+97250000000{i}"), format!("2026-11-30T{created}Z")],
                )?;
            }
            let count = |from: &str, to: &str, leads_only| -> StoreResult<i64> {
                Ok(edge_counts(tx, TenantId(7), from, to, leads_only)?
                    .iter()
                    .filter(|(m, k, _)| m == "lead" && k == "form")
                    .map(|(_, _, n)| n)
                    .sum())
            };
            let (from, to) = (stored(at("2026-11-30T21:45:00Z")), stored(at("2026-12-01T00:00:00Z")));
            assert!(quarter(&from).is_some() && quarter(&to).is_some());
            assert_eq!(count(&from, &to, true)?, 4);
            assert_eq!(count(&from, &to, false)?, 4);
            // Off the quarter hour: from the leads.
            let off = stored(at("2026-11-30T21:52:10.500Z"));
            assert!(quarter(&off).is_none());
            assert_eq!(count(&off, &to, true)?, 3);
            assert_eq!(count(&stored(at("2026-11-30T00:00:00Z")), &off, true)?, 2);
            Ok(())
        })
        .unwrap();
    }

    #[test]
    fn only_instants_on_a_quarter_hour_have_a_quarter_row() {
        assert_eq!(quarter("2026-12-01T05:45:00.000Z"), Some("2026-12-01T05:45"));
        assert_eq!(quarter("2026-12-01T00:00:00.000Z"), Some("2026-12-01T00:00"));
        assert_eq!(quarter("2026-12-01T05:40:00.000Z"), None);
        assert_eq!(quarter("2026-12-01T05:45:00.001Z"), None);
        assert_eq!(quarter("2026-12-01T05:45:30.000Z"), None);
        assert_eq!(quarter("2026-12-01"), None);
    }
}
