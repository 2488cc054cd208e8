//! `dashboard`: the owner's dashboard at 100,000 leads and 1,000,000
//! activities over a year (with 200,000 messages in 100,000 conversations,
//! 20,000 calls and 5,000 appointments), for 30 days, 90 days and the
//! longest range (366 days), sequential and under load.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::{sign_in, start, wrk};

const LEADS: i64 = 100_000;
const ACTIVITIES_PER_LEAD: i64 = 10;

pub fn run(dir: &Path) {
    let data = dir.join("dashboard.db");
    drop(start(&data, &[]));
    let t = Instant::now();
    seed(&data);
    println!("dashboard: seeded {LEADS} leads, {} activities in {:.0?}", LEADS * ACTIVITIES_PER_LEAD, t.elapsed());
    let (server, _) = start(&data, &[]);
    let session = sign_in(&server.base);
    let client = reqwest::blocking::Client::new();
    let today = chrono::Utc::now().date_naive();
    let mut all = Vec::new();
    for days in [30, 90, 366] {
        let from = today - chrono::Duration::days(days - 1);
        let url = format!("{}/api/dashboard?from={from}&to={today}", server.base);
        let mut times = Vec::new();
        for _ in 0..50 {
            let t = Instant::now();
            let res = client.get(&url).header("Cookie", &session.cookie).send().unwrap();
            assert_eq!(res.status(), 200, "{url}");
            let _ = res.bytes();
            times.push(t.elapsed());
        }
        times.sort();
        println!("  GET /api/dashboard, {days} days: p50 {:?}, p99 {:?}", times[25], times[49]);
        all.extend(times);
    }
    all.sort();
    let pick = |q: usize| all[(all.len() * q / 100).min(all.len() - 1)];
    println!(
        "dashboard at 100,000 leads / 1,000,000 activities (3 ranges x 50, sequential): p50 {:?}, p99 {:?}",
        pick(50),
        pick(99)
    );
    let r = wrk(&format!("{}/api/dashboard", server.base), &session, None, 2, 8, 5);
    println!("GET /api/dashboard (30 days; wrk -t2 -c8 -d5s): {:.0} req/s, p50 {}, p99 {}", r.rps, r.p50, r.p99);
}

/// Everything the dashboard reads, straight into SQLite (through the
/// schema's triggers, as the server's writes go).
fn seed(data: &Path) {
    let mut c = rusqlite::Connection::open(data).unwrap();
    c.busy_timeout(Duration::from_secs(10)).unwrap();
    let tx = c.transaction().unwrap();
    tx.execute_batch("INSERT INTO services (id, tenant_id, name, duration_min) VALUES (1, 1, 'Visit', 30);").unwrap();
    let staff: i64 = tx.query_row("SELECT min(id) FROM users", [], |r| r.get(0)).unwrap();
    let sources = ["whatsapp", "call", "form", "manual", "other"];
    // A lead every ~315 s over the last year.
    let at = |i: i64, extra_s: i64| {
        let t = chrono::Utc::now() - chrono::Duration::seconds((LEADS - i) * 315) + chrono::Duration::seconds(extra_s);
        t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
    };
    {
        let mut lead = tx
            .prepare(
                "INSERT INTO leads (id, tenant_id, first_name, phone_e164, source, status, created_at, last_activity_at)
                 VALUES (?1, 1, 'Lead', ?2, ?3, 'new', ?4, ?4)",
            )
            .unwrap();
        let mut activity = tx
            .prepare("INSERT INTO lead_activities (tenant_id, lead_id, kind, body, created_at) VALUES (1, ?1, 'note', 'n', ?2)")
            .unwrap();
        let mut message = tx
            .prepare(
                "INSERT INTO messages (tenant_id, lead_id, direction, provider, body, status, is_ai, author_user_id, created_at)
                 VALUES (1, ?1, ?2, 'baileys', 'text', ?3, ?4, ?5, ?6)",
            )
            .unwrap();
        let mut call = tx
            .prepare(
                "INSERT INTO calls (tenant_id, lead_id, status, answered_by, started_at) VALUES (1, ?1, ?2, ?3, ?4)",
            )
            .unwrap();
        let mut appointment = tx
            .prepare(
                "INSERT INTO appointments (tenant_id, lead_id, service_id, staff_user_id, starts_at, ends_at, blocked_from,
                     blocked_until, status, booked_by, created_at)
                 VALUES (1, ?1, 1, ?2, ?3, ?4, ?3, ?4, ?5, ?6, ?7)",
            )
            .unwrap();
        for i in 1..=LEADS {
            let created = at(i, 0);
            lead.execute(rusqlite::params![i, format!("+97250{:07}", i), sources[(i % 5) as usize], created]).unwrap();
            for k in 0..ACTIVITIES_PER_LEAD {
                activity.execute(rusqlite::params![i, at(i, k * 30)]).unwrap();
            }
            message.execute(rusqlite::params![i, "in", "received", false, None::<i64>, at(i, 1)]).unwrap();
            let by_ai = i % 3 != 0;
            message
                .execute(rusqlite::params![i, "out", "sent", by_ai, (!by_ai).then_some(staff), at(i, 5 + i % 600)])
                .unwrap();
            if i % 5 == 1 {
                let outcomes = [
                    ("completed", Some("ai")),
                    ("completed", Some("person")),
                    ("no_answer", None),
                    ("completed", Some("voicemail")),
                ];
                let (status, who) = outcomes[(i / 5 % 4) as usize];
                call.execute(rusqlite::params![i, status, who, created]).unwrap();
            }
            if i % 20 == 3 {
                let states = ["booked", "confirmed", "cancelled", "no_show", "completed"];
                appointment
                    .execute(rusqlite::params![
                        i,
                        staff,
                        at(i, 86_400),
                        at(i, 88_200),
                        states[(i / 20 % 5) as usize],
                        if i % 40 == 3 { "ai" } else { "person" },
                        created
                    ])
                    .unwrap();
            }
        }
    }
    tx.commit().unwrap();
    // Leads written behind the server's back join the search index and totals now.
    let tx = c.transaction().unwrap();
    frontdesk::store::leads::index_all_waiting(&tx).unwrap();
    tx.commit().unwrap();
}
