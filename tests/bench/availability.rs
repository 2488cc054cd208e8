//! `availability`: `GET /api/availability` over 14 days for 10 staff
//! members holding 500 appointments between them (the speed target: p99
//! under 10 ms with `wrk -t2 -c32`).

use std::time::{Duration, Instant};

use chrono::{Duration as Days, Utc};

use crate::{Login, Server, insert_leads, wrk};

fn stored(t: chrono::DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// 10 agents, one service all of them give, one lead, and 500 bookings
/// (50 each: up to four a day over the next 14 days, inside default hours).
fn seed(server: &Server) -> i64 {
    insert_leads(&server.data, 1, 1, 20_000_000);
    let mut c = rusqlite::Connection::open(&server.data).unwrap();
    c.busy_timeout(Duration::from_secs(10)).unwrap();
    let tx = c.transaction().unwrap();
    let lead: i64 = tx.query_row("SELECT max(id) FROM leads WHERE tenant_id = 1", [], |r| r.get(0)).unwrap();
    let service: i64 = tx
        .query_row(
            "INSERT INTO services (tenant_id, name, duration_min, buffer_before_min, buffer_after_min)
             VALUES (1, 'Bench', 30, 5, 10) RETURNING id",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let mut staff = Vec::new();
    for i in 0..10 {
        staff.push(
            tx.query_row(
                "INSERT INTO users (tenant_id, email, name, role, password_hash) VALUES (1, ?1, ?1, 'agent', 'x') RETURNING id",
                [format!("staff{i}@bench.local")],
                |r| r.get::<_, i64>(0),
            )
            .unwrap(),
        );
    }
    let today = Utc::now().date_naive().and_hms_opt(0, 0, 0).unwrap().and_utc();
    for (s, user) in staff.iter().enumerate() {
        for j in 0..50i64 {
            // 07:00-14:00 UTC is inside the default hours in Israel's winter and summer alike.
            let start =
                today + Days::days(1 + j % 14) + Days::hours(7) + Days::minutes(105 * (j / 14) + 15 * (s as i64 % 4));
            let end = start + Days::minutes(30);
            tx.execute(
                "INSERT INTO appointments (tenant_id, lead_id, service_id, staff_user_id, starts_at, ends_at,
                                           blocked_from, blocked_until, booked_by)
                 VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, 'person')",
                rusqlite::params![
                    lead,
                    service,
                    user,
                    stored(start),
                    stored(end),
                    stored(start - Days::minutes(5)),
                    stored(end + Days::minutes(10))
                ],
            )
            .unwrap();
        }
    }
    tx.commit().unwrap();
    service
}

pub fn run(server: &Server, session: &Login) {
    let service = seed(server);
    let now = Utc::now();
    let url = format!(
        "{}/api/availability?service_id={service}&from={}&to={}",
        server.base,
        now.format("%Y-%m-%dT%H:%M:%SZ"),
        (now + Days::days(14)).format("%Y-%m-%dT%H:%M:%SZ")
    );
    let client = reqwest::blocking::Client::new();
    let mut times = Vec::new();
    let mut slots = 0;
    for _ in 0..50 {
        let t = Instant::now();
        let res = client.get(&url).header("Cookie", &session.cookie).send().unwrap();
        assert_eq!(res.status(), 200, "availability");
        let body: serde_json::Value = res.json().unwrap();
        times.push(t.elapsed());
        slots = body["slots"].as_array().map_or(0, Vec::len);
    }
    times.sort();
    println!(
        "GET /api/availability, 14 days, 10 staff, 500 appointments ({slots} slots; 50 sequential): p50 {:?}, p99 {:?}",
        times[times.len() / 2],
        times[times.len() * 99 / 100]
    );
    let r = wrk(&url, session, None, 2, 32, 5);
    println!(
        "GET /api/availability, 14 days, 10 staff, 500 appointments (wrk -t2 -c32 -d5s): {:.0} req/s, p50 {}, p99 {} ({})",
        r.rps, r.p50, r.p99, r.non2xx
    );
}
