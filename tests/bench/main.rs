//! `cargo bench`: load and latency figures for the closing notes, measured
//! against the real release binary on loopback with `wrk` (Debian package).
//! Not a pass/fail test: it prints numbers.
//!
//! Sections: start-up and memory; authenticated list and create-with-CSRF
//! throughput (wrk -t2 -c32 -d10s); list and search latency at 100,000 leads;
//! reminder firing lag with 100,000 pending reminders, and idle CPU.

use std::{
    io::{BufRead, BufReader},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use serde_json::{Value, json};

const EMAIL: &str = "bench@local";
const PASSWORD: &str = "bench-password-1";

struct Server {
    child: Child,
    base: String,
    data: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(data: &Path, extra: &[(&str, &str)]) -> (Server, Duration) {
    let t = Instant::now();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_frontdesk"));
    cmd.arg("serve")
        .env("FRONTDESK_BIND", "127.0.0.1:0")
        .env("FRONTDESK_DATA", data)
        .env("FRONTDESK_ADMIN_EMAIL", EMAIL)
        .env("FRONTDESK_ADMIN_PASSWORD", PASSWORD)
        .env("RUST_LOG", "error")
        .stdout(Stdio::piped());
    for (k, v) in extra {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let base = loop {
        let line = lines.next().unwrap().unwrap();
        if let Some(rest) = line.split("listening on ").nth(1) {
            break rest.split_whitespace().next().unwrap().to_string();
        }
    };
    let client = reqwest::blocking::Client::new();
    while client.get(format!("{base}/readyz")).send().map(|r| r.status() != 200).unwrap_or(true) {
        std::thread::sleep(Duration::from_millis(1));
    }
    let ready = t.elapsed();
    std::thread::spawn(move || for _ in lines.by_ref() {});
    (Server { child, base, data: data.to_path_buf() }, ready)
}

fn status_kb(pid: u32, key: &str) -> u64 {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    s.lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// utime + stime of a process, in clock ticks (100/s on Linux).
fn cpu_ticks(pid: u32) -> u64 {
    let s = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after = s.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    f.get(11).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0)
        + f.get(12).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0)
}

struct Login {
    cookie: String,
    token: String,
}

fn login(base: &str) -> Login {
    let client = reqwest::blocking::Client::new();
    let res = client
        .post(format!("{base}/api/auth/login"))
        .json(&json!({"email": EMAIL, "password": PASSWORD}))
        .send()
        .unwrap();
    let cookies: Vec<String> = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_string())
        .collect();
    let body: Value = res.json().unwrap();
    Login { cookie: cookies.join("; "), token: body["csrfToken"].as_str().unwrap().to_string() }
}

/// Inserts `n` leads straight into SQLite (test data, not a measurement).
fn seed_leads(data: &Path, tenant: i64, n: usize, offset: usize) {
    let mut c = rusqlite::Connection::open(data).unwrap();
    c.busy_timeout(Duration::from_secs(10)).unwrap();
    let tx = c.transaction().unwrap();
    {
        let mut stmt = tx
            .prepare(
                "INSERT INTO leads (tenant_id, first_name, last_name, phone_e164, email, source, status)
                 VALUES (?1, ?2, ?3, ?4, ?5, 'form', 'new')",
            )
            .unwrap();
        let names = ["Dana", "Yossi", "Noa", "Avi", "Maya", "Itai", "Tamar", "Omer"];
        for i in offset..offset + n {
            stmt.execute(rusqlite::params![
                tenant,
                names[i % names.len()],
                format!("Levi{i}"),
                format!("+97250{:07}", i),
                format!("p{i}@mail.example"),
            ])
            .unwrap();
        }
    }
    tx.commit().unwrap();
}

struct WrkResult {
    rps: f64,
    p50: String,
    p99: String,
    non2xx: String,
}

fn wrk(url: &str, login: &Login, script: Option<&str>, threads: u32, conns: u32, secs: u32) -> WrkResult {
    let mut cmd = Command::new("wrk");
    cmd.args(["-t", &threads.to_string(), "-c", &conns.to_string(), "-d", &format!("{secs}s"), "--latency"])
        .args(["-H", &format!("Cookie: {}", login.cookie)])
        .args(["-H", &format!("X-CSRFToken: {}", login.token)]);
    let dir = tempfile::tempdir().unwrap();
    if let Some(lua) = script {
        let p = dir.path().join("s.lua");
        std::fs::write(&p, lua).unwrap();
        cmd.args(["-s", p.to_str().unwrap()]);
    }
    let out = cmd.arg(url).output().expect("wrk is needed: apt-get install wrk");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let find = |prefix: &str| {
        text.lines()
            .find(|l| l.trim_start().starts_with(prefix))
            .and_then(|l| l.split_whitespace().nth(1).map(str::to_string))
            .unwrap_or_else(|| "-".into())
    };
    WrkResult {
        rps: find("Requests/sec:").parse().unwrap_or(0.0),
        p50: find("50%"),
        p99: find("99%"),
        non2xx: text
            .lines()
            .find(|l| l.contains("Non-2xx"))
            .map(|l| l.trim().to_string())
            .unwrap_or_else(|| "all 2xx".into()),
    }
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

fn main() {
    let only = std::env::args().nth(1).filter(|a| !a.starts_with('-'));
    let want = |name: &str| only.as_deref().is_none_or(|o| name.contains(o));
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("bench.db");
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_frontdesk"));
    println!("binary: {} ({:.1} MB)", bin.display(), std::fs::metadata(&bin).unwrap().len() as f64 / 1e6);

    // First start creates the file; measure a second, warm start.
    drop(start(&data, &[]));
    let (server, ready) = start(&data, &[]);
    println!("start to /readyz 200: {:.1} ms", ready.as_secs_f64() * 1000.0);
    std::thread::sleep(Duration::from_secs(1));
    println!("idle RSS: {:.1} MB", status_kb(server.child.id(), "VmRSS:") as f64 / 1024.0);
    let mut session = login(&server.base);

    if want("list") {
        seed_leads(&server.data, 1, 10_000, 0);
        let r = wrk(&format!("{}/api/leads?page_size=50", server.base), &session, None, 2, 32, 10);
        println!(
            "GET /api/leads?page_size=50, 10,000 leads (wrk -t2 -c32 -d10s): {:.0} req/s, p50 {}, p99 {} ({})",
            r.rps, r.p50, r.p99, r.non2xx
        );
    }
    if want("create") {
        let r = wrk(&format!("{}/api/leads", server.base), &session, Some(CREATE_LUA), 2, 32, 10);
        println!(
            "POST /api/leads with CSRF (wrk -t2 -c32 -d10s): {:.0} req/s, p50 {}, p99 {} ({})",
            r.rps, r.p50, r.p99, r.non2xx
        );
        println!(
            "RSS after load: {:.1} MB (peak {:.1} MB)",
            status_kb(server.child.id(), "VmRSS:") as f64 / 1024.0,
            status_kb(server.child.id(), "VmHWM:") as f64 / 1024.0
        );
    }
    if want("login") {
        let client = reqwest::blocking::Client::new();
        let t = Instant::now();
        let n = 20;
        for _ in 0..n {
            let r = client
                .post(format!("{}/api/auth/login", server.base))
                .json(&json!({"email": EMAIL, "password": PASSWORD}))
                .send()
                .unwrap();
            assert_eq!(r.status(), 200);
        }
        println!(
            "login latency (sequential, argon2id m=19MiB t=2): {:.1} ms",
            t.elapsed().as_secs_f64() * 1000.0 / n as f64
        );
        let r = wrk(&format!("{}/api/auth/login", server.base), &session, Some(LOGIN_LUA), 2, 8, 5);
        println!("logins/s (wrk -t2 -c8 -d5s): {:.0} req/s, p50 {}, p99 {} ({})", r.rps, r.p50, r.p99, r.non2xx);
        // wrk logged in with this session's cookie, which replaced (rotated) it: sign in afresh.
        session = login(&server.base);
    }

    if want("search") {
        seed_leads(&server.data, 1, 100_000, 10_000_000);
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
        let (p50, p99) = latency_series(&server.base, &session, &paths, 30);
        println!("list+search at ~110,000 leads (7 query shapes x 30, sequential): p50 {p50:?}, p99 {p99:?}");
        let r = wrk(&format!("{}/api/leads?q=dana&page_size=50", server.base), &session, None, 2, 32, 5);
        println!(
            "GET /api/leads?q=dana at ~110,000 leads (wrk -t2 -c32 -d5s): {:.0} req/s, p50 {}, p99 {}",
            r.rps, r.p50, r.p99
        );
    }
    if want("reminders") {
        reminders_bench(&server);
    }
}

/// 100,000 pending reminders: idle CPU while none is due, then the firing
/// lag of 2,000 due within a few seconds.
fn reminders_bench(server: &Server) {
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
    let session = login(&server.base);
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

const LOGIN_LUA: &str = r#"
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"email":"bench@local","password":"bench-password-1"}'
"#;

const CREATE_LUA: &str = r#"
counter = 0
tid = 0
threads = 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end
wrk.headers["Content-Type"] = "application/json"
function request()
  counter = counter + 1
  local body = string.format('{"first_name":"Bench","phone_e164":"+97254%d%06d","source":"form"}', tid, counter)
  return wrk.format("POST", nil, nil, body)
end
"#;
