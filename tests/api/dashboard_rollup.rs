//! The dashboard's rollup stays exact: after a random mix of writes (leads
//! made, re-dated and deleted, merges, calls and their outcomes, replies by a
//! person and the AI, handoffs, bookings and their changes) the dashboard
//! equals a direct count over the base tables, for local days across DST in
//! Jerusalem and in a half-hour zone (Kolkata); and a file from before the
//! rollup gets it on upgrade.

use std::{collections::BTreeMap, ffi::OsStr};

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use rusqlite::{Connection, params};
use serde_json::{Value, json};

use crate::dashboard::db;
use crate::helpers::*;

fn stored(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// A small deterministic generator (the test must fail the same way twice).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len() as u64) as usize]
    }
}

/// The documented resolution of a first-response time, in seconds.
fn bucket(ms: i64) -> i64 {
    let ms = ms.max(0);
    match ms {
        0..60_000 => ms / 1000,
        60_000..3_600_000 => ms / 60_000 * 60,
        _ => ms / 3_600_000 * 3600,
    }
}

fn percentiles(mut secs: Vec<i64>) -> Value {
    secs.sort();
    let n = secs.len();
    let rank = |p: f64| {
        if n == 0 { Value::Null } else { json!(secs[((p * n as f64).ceil() as usize).clamp(1, n) - 1] as f64) }
    };
    json!({"median_s": rank(0.5), "p90_s": rank(0.9), "count": n})
}

fn local_midnight(tz: Tz, d: NaiveDate) -> DateTime<Utc> {
    tz.from_local_datetime(&d.and_hms_opt(0, 0, 0).unwrap()).earliest().unwrap().with_timezone(&Utc)
}

/// The dashboard of tenant 1 for `[from, to]` in `tz`, counted straight from the base tables.
fn expected(c: &Connection, tz: Tz, from: NaiveDate, to: NaiveDate) -> Value {
    let lo = stored(local_midnight(tz, from));
    let hi = stored(local_midnight(tz, to + Duration::days(1)));
    let mut by_day = Vec::new();
    let mut by_source: BTreeMap<String, i64> = BTreeMap::new();
    for d in from.iter_days().take_while(|d| *d <= to) {
        let (s, e) = (stored(local_midnight(tz, d)), stored(local_midnight(tz, d + Duration::days(1))));
        let mut stmt = c
            .prepare(
                "SELECT source, count(*) FROM leads WHERE tenant_id = 1 AND created_at >= ?1 AND created_at < ?2
                 GROUP BY source ORDER BY source",
            )
            .unwrap();
        for row in stmt.query_map(params![s, e], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))).unwrap() {
            let (source, n) = row.unwrap();
            by_day.push(json!({"date": d.format("%Y-%m-%d").to_string(), "source": source, "count": n}));
            *by_source.entry(source).or_default() += n;
        }
    }
    let count = |sql: &str| -> i64 { c.query_row(sql, params![lo, hi], |r| r.get(0)).unwrap() };
    let calls = |who: &str| {
        count(&format!(
            "SELECT count(*) FROM calls WHERE tenant_id = 1 AND started_at >= ?1 AND started_at < ?2
               AND direction = 'inbound' AND coalesce(answered_by, 'missed') = '{who}'
               AND (answered_by IS NOT NULL OR status NOT IN ('ringing', 'in_progress'))"
        ))
    };
    let mut stmt = c
        .prepare(
            "SELECT conv_first_reply_by, conv_reply_ms,
                    conv_ai_replied AND NOT conv_person_replied AND NOT conv_handed_off
             FROM leads WHERE tenant_id = 1 AND conv_started_at >= ?1 AND conv_started_at < ?2",
        )
        .unwrap();
    let (mut person, mut ai, mut conversations, mut alone) = (vec![], vec![], 0, 0);
    for row in stmt
        .query_map(params![lo, hi], |r| {
            Ok((r.get::<_, Option<String>>(0)?, r.get::<_, Option<i64>>(1)?, r.get::<_, bool>(2)?))
        })
        .unwrap()
    {
        let (by, ms, handled) = row.unwrap();
        conversations += 1;
        alone += i64::from(handled);
        match (by.as_deref(), ms) {
            (Some("ai"), Some(ms)) => ai.push(bucket(ms)),
            (Some("person"), Some(ms)) => person.push(bucket(ms)),
            _ => {}
        }
    }
    let booked = |by: &str| {
        count(&format!(
            "SELECT count(*) FROM appointments WHERE tenant_id = 1 AND created_at >= ?1 AND created_at < ?2
               AND booked_by = '{by}'"
        ))
    };
    let state = |s: &str| {
        count(&format!(
            "SELECT count(*) FROM appointments WHERE tenant_id = 1 AND starts_at >= ?1 AND starts_at < ?2
               AND status = '{s}'"
        ))
    };
    json!({
        "time_zone": tz.name(),
        "leads_by_source": by_source,
        "leads_by_day": by_day,
        "calls": {"person": calls("person"), "ai": calls("ai"), "voicemail": calls("voicemail"), "missed": calls("missed")},
        "first_response": {"person": percentiles(person), "ai": percentiles(ai)},
        "ai_handled_share": if conversations == 0 { 0.0 } else { alone as f64 / conversations as f64 },
        "appointments": {"booked_by_ai": booked("ai"), "booked_by_staff": booked("person"),
            "confirmed": state("confirmed"), "cancelled": state("cancelled"), "no_show": state("no_show")},
    })
}

/// The dashboard for each zone and range equals the direct count.
async fn assert_matches(app: &TestApp, s: &Session, ranges: &[(&str, &str)]) {
    for zone in ["Asia/Jerusalem", "Asia/Kolkata", "America/New_York"] {
        let c = db(app);
        c.execute("UPDATE tenants SET timezone = ?1 WHERE id = 1", [zone]).unwrap();
        let tz: Tz = zone.parse().unwrap();
        for (from, to) in ranges {
            let (st, got) = s.get_json(&format!("/api/dashboard?from={from}&to={to}")).await;
            assert_eq!(st, 200, "{got}");
            let d = |v: &str| NaiveDate::parse_from_str(v, "%Y-%m-%d").unwrap();
            let mut want = expected(&c, tz, d(from), d(to));
            // A share is a float: equal to the last bit or two of its printed form.
            let share = |v: &mut Value| v["ai_handled_share"].take().as_f64().unwrap();
            let mut got = got;
            assert!((share(&mut got) - share(&mut want)).abs() < 1e-12, "{zone} {from}..{to}");
            assert_eq!(got, want, "{zone} {from}..{to}");
        }
    }
}

/// Instants around Jerusalem's DST changes of 2026 (March 27, October 25).
fn instant(rng: &mut Rng) -> DateTime<Utc> {
    let start = if rng.below(2) == 0 { "2026-03-22T00:00:00Z" } else { "2026-10-20T00:00:00Z" };
    let start = DateTime::parse_from_rfc3339(start).unwrap().with_timezone(&Utc);
    start + Duration::milliseconds(rng.below(10 * 86_400_000) as i64)
}

#[tokio::test]
async fn the_rollup_equals_a_direct_count_after_a_random_mix_of_writes() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let mut rng = Rng(0x5eed_da5b);
    let c = db(&app);
    c.pragma_update(None, "foreign_keys", true).unwrap();
    let staff: i64 = c.query_row("SELECT min(id) FROM users", [], |r| r.get(0)).unwrap();
    c.execute("INSERT INTO services (id, tenant_id, name, duration_min) VALUES (1, 1, 'Visit', 30)", []).unwrap();
    let sources = ["whatsapp", "call", "form", "manual", "other"];
    let mut leads: Vec<i64> = Vec::new();
    for i in 0..400 {
        let at = instant(&mut rng);
        c.execute(
            "INSERT INTO leads (tenant_id, first_name, phone_e164, source, created_at) VALUES (1, 'R', ?1, ?2, ?3)",
            params![format!("+97254{i:07}"), rng.pick(&sources), stored(at)],
        )
        .unwrap();
        let lead = c.last_insert_rowid();
        leads.push(lead);
        // A conversation: the customer writes, then maybe the AI and/or a person reply
        // (a reply may be queued first and sent later), maybe a handoff.
        if rng.below(4) != 0 {
            let msg = |dir: &str, status: &str, ai: bool, author: Option<i64>, t: DateTime<Utc>| {
                c.execute(
                    "INSERT INTO messages (tenant_id, lead_id, direction, provider, body, status, is_ai, author_user_id,
                         created_at) VALUES (1, ?1, ?2, 'baileys', 'text', ?3, ?4, ?5, ?6)",
                    params![lead, dir, status, ai, author, stored(t)],
                )
                .unwrap();
                c.last_insert_rowid()
            };
            let first_in = at + Duration::seconds(rng.below(3600) as i64);
            msg("in", "received", false, None, first_in);
            let reply_after = [1_500, 59_999, 60_000, 754_321, 3_600_000, 9_000_000][rng.below(6) as usize];
            let reply_at = first_in + Duration::milliseconds(reply_after as i64 + rng.below(900) as i64);
            match rng.below(5) {
                0 => {
                    msg("out", "sent", true, None, reply_at);
                }
                1 => {
                    msg("out", "sent", false, Some(staff), reply_at);
                }
                2 => {
                    msg("out", "sent", true, None, reply_at);
                    msg("out", "sent", false, Some(staff), reply_at + Duration::seconds(30));
                }
                3 => {
                    let queued = msg("out", "pending", rng.below(2) == 0, Some(staff), reply_at);
                    if rng.below(2) == 0 {
                        c.execute("UPDATE messages SET status = 'sent' WHERE id = ?1", [queued]).unwrap();
                    }
                }
                _ => {}
            }
            if rng.below(6) == 0 {
                c.execute("INSERT INTO lead_activities (tenant_id, lead_id, kind) VALUES (1, ?1, 'ai_paused')", [lead])
                    .unwrap();
            }
        }
        if rng.below(3) == 0 {
            let outcomes: [(&str, Option<&str>); 5] = [
                ("ringing", None),
                ("in_progress", Some("ai")),
                ("no_answer", None),
                ("completed", Some("person")),
                ("completed", Some("voicemail")),
            ];
            let (status, who) = *rng.pick(&outcomes);
            let direction = if rng.below(8) == 0 { "outbound" } else { "inbound" };
            c.execute(
                "INSERT INTO calls (tenant_id, lead_id, status, answered_by, direction, started_at)
                 VALUES (1, ?1, ?2, ?3, ?4, ?5)",
                params![lead, status, who, direction, stored(at)],
            )
            .unwrap();
            let call = c.last_insert_rowid();
            // The outcome arrives later, or the call is re-dated.
            match rng.below(4) {
                0 => c.execute("UPDATE calls SET status = 'completed', answered_by = 'ai' WHERE id = ?1", [call]),
                1 => c.execute("UPDATE calls SET status = 'missed', answered_by = NULL WHERE id = ?1", [call]),
                2 => c.execute(
                    "UPDATE calls SET started_at = ?2 WHERE id = ?1",
                    params![call, stored(instant(&mut rng))],
                ),
                _ => Ok(0),
            }
            .unwrap();
        }
        if rng.below(4) == 0 {
            let states = ["booked", "confirmed", "cancelled", "no_show", "completed"];
            let starts = instant(&mut rng);
            let ends = starts + Duration::minutes(30);
            c.execute(
                "INSERT INTO appointments (tenant_id, lead_id, service_id, staff_user_id, starts_at, ends_at,
                     blocked_from, blocked_until, status, booked_by, created_at)
                 VALUES (1, ?1, 1, ?2, ?3, ?4, ?3, ?4, ?5, ?6, ?7)",
                params![
                    lead,
                    staff,
                    stored(starts),
                    stored(ends),
                    rng.pick(&states),
                    rng.pick(&["ai", "person", "customer"]),
                    stored(at)
                ],
            )
            .unwrap();
            let appointment = c.last_insert_rowid();
            match rng.below(3) {
                0 => {
                    c.execute(
                        "UPDATE appointments SET status = ?2 WHERE id = ?1",
                        params![appointment, rng.pick(&states)],
                    )
                    .unwrap();
                }
                1 => {
                    let s = instant(&mut rng);
                    c.execute(
                        "UPDATE appointments SET starts_at = ?2, ends_at = ?3, blocked_from = ?2, blocked_until = ?3
                         WHERE id = ?1",
                        params![appointment, stored(s), stored(s + Duration::minutes(30))],
                    )
                    .unwrap();
                }
                _ => {}
            }
        }
        if rng.below(10) == 0 {
            c.execute("UPDATE leads SET created_at = ?2 WHERE id = ?1", params![lead, stored(instant(&mut rng))])
                .unwrap();
        }
    }
    drop(c);

    // Merges and deletes through the API, and one delete behind its back.
    for _ in 0..25 {
        let keep = leads.remove(rng.below(leads.len() as u64) as usize);
        let other = leads.remove(rng.below(leads.len() as u64) as usize);
        let (s, b) = admin.post(&format!("/api/leads/{keep}/merge"), &json!({"other_id": other})).await;
        assert_eq!(s, 200, "{b}");
        leads.push(keep);
    }
    for _ in 0..25 {
        let gone = leads.remove(rng.below(leads.len() as u64) as usize);
        let (s, b) = admin.delete(&format!("/api/leads/{gone}")).await;
        assert!(s.is_success(), "{s} {b}");
    }
    {
        let c = db(&app);
        c.pragma_update(None, "foreign_keys", true).unwrap();
        c.execute("DELETE FROM leads WHERE id = ?1", [leads[0]]).unwrap();
    }

    assert_matches(
        &app,
        &admin,
        &[
            ("2026-03-20", "2026-11-05"),
            ("2026-03-26", "2026-03-28"),
            ("2026-03-27", "2026-03-27"),
            ("2026-10-24", "2026-10-26"),
            ("2026-03-21", "2026-04-02"),
            ("2026-10-19", "2026-10-31"),
        ],
    )
    .await;
}

#[tokio::test]
async fn a_file_from_before_the_rollup_gets_it_when_upgraded() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("frontdesk.db");
    let c = schema_file_at(&data, 13);
    c.execute_batch(
        "INSERT INTO tenants (id, name, timezone) VALUES (1, 'Old Business', 'Asia/Jerusalem');
         INSERT INTO users (id, tenant_id, email, role, password_hash) VALUES (1, 1, 'staff@old.test', 'owner', 'x');
         INSERT INTO services (id, tenant_id, name, duration_min) VALUES (1, 1, 'Visit', 30);
         INSERT INTO leads (id, tenant_id, first_name, phone_e164, source, created_at) VALUES
             (1, 1, 'A', '+972521000001', 'whatsapp', '2026-03-26T21:30:00.000Z'),
             (2, 1, 'B', '+972521000002', 'form', '2026-03-26T22:30:00.000Z'),
             (3, 1, 'C', '+972521000003', 'form', '2026-03-27T21:30:00.000Z');
         INSERT INTO messages (tenant_id, lead_id, direction, provider, body, status, is_ai, author_user_id, created_at)
         VALUES (1, 1, 'in', 'baileys', 'hi', 'received', 0, NULL, '2026-03-26T21:31:00.000Z'),
                (1, 1, 'out', 'baileys', 'hello', 'sent', 1, NULL, '2026-03-26T21:31:04.500Z'),
                (1, 2, 'in', 'baileys', 'hi', 'received', 0, NULL, '2026-03-26T22:31:00.000Z'),
                (1, 2, 'out', 'baileys', 'yes', 'sent', 0, 1, '2026-03-26T22:45:00.000Z');
         INSERT INTO calls (tenant_id, lead_id, status, answered_by, direction, started_at) VALUES
             (1, 3, 'completed', 'ai', 'inbound', '2026-03-27T21:35:00.000Z'),
             (1, 3, 'no_answer', NULL, 'inbound', '2026-03-27T20:35:00.000Z');
         INSERT INTO appointments (tenant_id, lead_id, service_id, staff_user_id, starts_at, ends_at, blocked_from,
             blocked_until, status, booked_by, created_at)
         VALUES (1, 3, 1, 1, '2026-03-28T08:00:00.000Z', '2026-03-28T08:30:00.000Z', '2026-03-28T08:00:00.000Z',
             '2026-03-28T08:30:00.000Z', 'confirmed', 'ai', '2026-03-27T21:40:00.000Z');
         PRAGMA user_version = 13;",
    )
    .unwrap();
    drop(c);
    let app = Spawn::default().reuse(dir).start().await;
    // The file has a user, so no admin was made: the owner signs in with a new password.
    let out = run_cli(
        &app.data_path(),
        &["user", "reset-password", "--email", "staff@old.test", "--password", "owner-password-1"].map(OsStr::new),
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let admin = app.login("staff@old.test", "owner-password-1").await;
    let (_, d) = admin.get_json("/api/dashboard?from=2026-03-26&to=2026-03-28").await;
    assert_eq!(d["leads_by_source"], json!({"form": 2, "whatsapp": 1}), "{d}");
    assert_eq!(d["first_response"]["ai"], json!({"median_s": 4.0, "p90_s": 4.0, "count": 1}), "{d}");
    assert_eq!(d["first_response"]["person"], json!({"median_s": 840.0, "p90_s": 840.0, "count": 1}), "{d}");
    assert_matches(&app, &admin, &[("2026-03-26", "2026-03-29"), ("2026-03-27", "2026-03-27")]).await;
}
