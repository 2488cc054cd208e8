//! Where a business's local days meet the rollup's UTC days: each local
//! midnight is corrected from the nearest UTC midnight, and the instants
//! between them are summed from the rollup's quarter-hour rows (calls and
//! appointments by start from their own indexes).

use chrono::{DateTime, Duration, NaiveTime, Utc};
use rusqlite::{Connection, params};

use super::Tally;
use crate::domain::TenantId;
use crate::store::error::StoreResult;

/// A local midnight among the rollup's UTC days.
#[derive(Debug, PartialEq)]
pub(super) struct Edge {
    /// The nearest UTC midnight's day: the rollup counts from it onwards as after this midnight.
    pub(super) day: String,
    /// The instants between that UTC midnight and this one, `[from, to)`, with
    /// the sign that makes the rollup right: +1 when the UTC midnight is
    /// earlier (they are before this midnight but not in the rollup's earlier
    /// days), -1 when later. None when the two coincide.
    part: Option<(String, String, i64)>,
}

pub(super) fn edge(at: DateTime<Utc>) -> Edge {
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
pub(super) fn add_edge(
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
pub(super) fn utc_days(from: &str, to: &str) -> Vec<String> {
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
pub(super) fn edge_counts(
    conn: &Connection,
    tenant_id: TenantId,
    from: &str,
    to: &str,
    leads_only: bool,
) -> StoreResult<Counts> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
