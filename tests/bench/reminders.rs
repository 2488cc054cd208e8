//! `reminders`: idle CPU with 100,000 pending reminders, then the firing lag
//! of 2,000 falling due within a few seconds.

use std::time::Duration;

use serde_json::json;

use crate::{Server, cpu_ticks, sign_in};

/// 100,000 pending reminders: idle CPU while none is due, then the firing
/// lag of 2,000 due within a few seconds.
pub fn run(server: &Server) {
    let mut c = rusqlite::Connection::open(&server.data).unwrap();
    c.busy_timeout(Duration::from_secs(10)).unwrap();
    let lead: i64 = c.query_row("SELECT min(id) FROM leads", [], |r| r.get(0)).unwrap();
    let fmt = |t: time::OffsetDateTime| frontdesk::domain::time::format(t);
    let now = time::OffsetDateTime::now_utc();
    {
        let tx = c.transaction().unwrap();
        let mut stmt = tx
            .prepare(
                "INSERT INTO lead_reminders (tenant_id, lead_id, assignee_user_id, created_by, due_at, note, next_attempt_at)
                 VALUES (1, ?1, 1, 1, ?2, 'later', ?2)",
            )
            .unwrap();
        for i in 0..100_000 {
            stmt.execute(rusqlite::params![lead, fmt(now + time::Duration::days(1) + time::Duration::seconds(i))])
                .unwrap();
        }
        drop(stmt);
        tx.commit().unwrap();
    }
    // Nudge the timer (it re-reads the next due time at least every minute; a new reminder wakes it).
    let pid = server.child.id();
    std::thread::sleep(Duration::from_secs(2));
    let t0 = cpu_ticks(pid);
    std::thread::sleep(Duration::from_secs(10));
    let idle = cpu_ticks(pid) - t0;
    println!(
        "idle CPU with 100,000 pending reminders, none due: {:.2}% of one core over 10 s",
        idle as f64 * 10.0 / 10.0 / 10.0
    );

    let due0 = time::OffsetDateTime::now_utc() + time::Duration::seconds(3);
    {
        let tx = c.transaction().unwrap();
        let mut stmt = tx
            .prepare(
                "INSERT INTO lead_reminders (tenant_id, lead_id, assignee_user_id, created_by, due_at, note, next_attempt_at)
                 VALUES (1, ?1, 1, 1, ?2, 'soon', ?2)",
            )
            .unwrap();
        for i in 0..2_000i64 {
            stmt.execute(rusqlite::params![lead, fmt(due0 + time::Duration::milliseconds(i * 2))]).unwrap();
        }
        drop(stmt);
        tx.commit().unwrap();
    }
    // Rows written behind the server's back are picked up by its next check; wake it through the API as a user would.
    let session = sign_in(&server.base);
    let client = reqwest::blocking::Client::new();
    let res = client
        .post(format!("{}/api/leads/{lead}/reminders", server.base))
        .header("Cookie", &session.cookie)
        .header("X-CSRFToken", &session.token)
        .json(&json!({"due_at": fmt(now + time::Duration::days(30)), "note": "wake"}))
        .send()
        .unwrap();
    assert_eq!(res.status(), 201);
    std::thread::sleep(Duration::from_secs(10));
    let mut lags: Vec<f64> = c
        .prepare(
            "SELECT (julianday(fired_at) - julianday(due_at)) * 86400000.0 FROM lead_reminders WHERE note = 'soon'",
        )
        .unwrap()
        .query_map([], |r| r.get::<_, Option<f64>>(0))
        .unwrap()
        .map(|r| r.unwrap().unwrap_or(f64::INFINITY))
        .collect();
    lags.sort_by(|a, b| a.partial_cmp(b).unwrap());
    println!(
        "reminder firing lag, 2,000 due over 4 s among 100,000 pending: p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms",
        lags[lags.len() / 2],
        lags[lags.len() * 99 / 100],
        lags[lags.len() - 1]
    );
}
