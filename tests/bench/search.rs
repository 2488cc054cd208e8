//! `search`: list and search latency at ~110,000 leads, sequential and under load.

use std::time::{Duration, Instant};

use crate::{Login, Server, insert_leads, wrk};

pub fn run(server: &Server, session: &Login) {
    insert_leads(&server.data, 1, 100_000, 10_000_000);
    let paths: Vec<String> = [
        "/api/leads?page_size=50",
        "/api/leads?page_size=50&page=100",
        "/api/leads?q=dana&page_size=50",
        "/api/leads?q=Levi1000042",
        "/api/leads?q=050-1000042",
        "/api/leads?q=p10000042@mail",
        "/api/leads?status=new&page_size=50",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let (p50, p99) = latency_series(&server.base, session, &paths, 30);
    println!("list+search at ~110,000 leads (7 query shapes x 30, sequential): p50 {p50:?}, p99 {p99:?}");
    let r = wrk(&format!("{}/api/leads?q=dana&page_size=50", server.base), session, None, 2, 32, 5);
    println!(
        "GET /api/leads?q=dana at ~110,000 leads (wrk -t2 -c32 -d5s): {:.0} req/s, p50 {}, p99 {}",
        r.rps, r.p50, r.p99
    );
    // The same searches inside the business, as its staff see them (the
    // platform admin acting in it): the tenant filter must not change the plan.
    let business = act_in_business(&server.base, session, 1);
    let (p50, p99) = latency_series(&server.base, &business, &paths, 30);
    println!("list+search in the business (7 query shapes x 30, sequential): p50 {p50:?}, p99 {p99:?}");
    let r = wrk(&format!("{}/api/leads?q=dana&page_size=50", server.base), &business, None, 2, 32, 5);
    println!(
        "GET /api/leads?q=dana in the business (wrk -t2 -c32 -d5s): {:.0} req/s, p50 {}, p99 {}",
        r.rps, r.p50, r.p99
    );
}

/// A session of the admin acting inside business `id` (the cookie rotates).
fn act_in_business(base: &str, login: &Login, id: i64) -> Login {
    let res = reqwest::blocking::Client::new()
        .post(format!("{base}/api/admin/businesses/{id}/impersonate"))
        .header("Cookie", &login.cookie)
        .header("X-CSRFToken", &login.token)
        .send()
        .unwrap();
    assert_eq!(res.status(), 200, "impersonate");
    let cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_string())
        .collect::<Vec<_>>()
        .join("; ");
    let body: serde_json::Value = res.json().unwrap();
    let token = body["csrfToken"].as_str().map(str::to_string).unwrap_or_else(|| login.token.clone());
    Login { cookie: if cookie.is_empty() { login.cookie.clone() } else { cookie }, token }
}

fn latency_series(base: &str, login: &Login, paths: &[String], rounds: usize) -> (Duration, Duration) {
    let client = reqwest::blocking::Client::new();
    let mut times = Vec::new();
    for p in paths {
        let mut own = Vec::new();
        for _ in 0..rounds {
            let t = Instant::now();
            let res = client.get(format!("{base}{p}")).header("Cookie", &login.cookie).send().unwrap();
            assert_eq!(res.status(), 200, "{p}");
            let _ = res.bytes();
            own.push(t.elapsed());
        }
        own.sort();
        println!("  {p}: p50 {:?}, p99 {:?}", own[own.len() / 2], own[own.len() * 99 / 100]);
        times.extend(own);
    }
    times.sort();
    (times[times.len() / 2], times[times.len() * 99 / 100])
}
