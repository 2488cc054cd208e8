//! `cargo bench`: load and latency figures, measured against the real
//! release binary on loopback with `wrk` (Debian package). Not a pass/fail
//! test: it prints numbers.
//!
//! `cargo bench` runs every section; `cargo bench --bench load -- NAME` only
//! those whose name contains NAME. Sections, one file each beside this one:
//! start-up and memory (always, here); `list` and `create`: authenticated
//! list and create-with-CSRF throughput ([`leads`]); `login`: login latency
//! and rate ([`login`]); `search`: list and search latency at ~110,000 leads
//! ([`search`]); `reminders`: idle CPU and firing lag with 100,000 pending
//! reminders ([`reminders`]); `webhook`: signed webhook ingest at both
//! durabilities next to the raw SQLite rate ([`webhook`]); `voice`: the voice
//! relay's frame round trip at 1-400 concurrent calls ([`voice`]); `wal`:
//! WAL bytes and pages per isolated write, by table and index ([`wal`]);
//! `availability`: free slots over 14 days for 10 staff with 500
//! appointments ([`availability`]); `dashboard`: the owner's dashboard at
//! 100,000 leads and 1,000,000 activities ([`dashboard`]).
//!
//! This file holds the command line and what the sections share: starting
//! the server, signing in, inserting test data, running `wrk`, reading
//! `/proc`. `FRONTDESK_BENCH_BIN=path` runs another build of the server
//! under the same harness.

mod availability;
mod dashboard;
mod leads;
mod login;
mod reminders;
mod search;
mod voice;
mod wal;
mod webhook;

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

/// The server under test: this build's, or `FRONTDESK_BENCH_BIN` (to
/// compare two builds with the same harness).
fn binary() -> PathBuf {
    std::env::var_os("FRONTDESK_BENCH_BIN")
        .map_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_frontdesk")), PathBuf::from)
}

fn start(data: &Path, extra: &[(&str, &str)]) -> (Server, Duration) {
    let t = Instant::now();
    let mut cmd = Command::new(binary());
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

fn sign_in(base: &str) -> Login {
    sign_in_as(base, EMAIL, PASSWORD)
}

fn sign_in_as(base: &str, email: &str, password: &str) -> Login {
    let client = reqwest::blocking::Client::new();
    let res = client
        .post(format!("{base}/api/auth/login"))
        .json(&json!({"email": email, "password": password}))
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
fn insert_leads(data: &Path, tenant: i64, n: usize, offset: usize) {
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
    // Leads written behind the server's back wait for its next write (or
    // start) to be indexed; a measurement of search wants them indexed now.
    let indexed_in_batches: bool =
        c.query_row("SELECT count(*) FROM sqlite_master WHERE name = 'leads_indexed'", [], |r| r.get(0)).unwrap();
    if indexed_in_batches {
        let tx = c.transaction().unwrap();
        frontdesk::store::leads::index_all_waiting(&tx).unwrap();
        tx.commit().unwrap();
    }
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

fn main() {
    let only = std::env::args().nth(1).filter(|a| !a.starts_with('-'));
    let want = |name: &str| only.as_deref().is_none_or(|o| name.contains(o));
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("bench.db");
    let bin = binary();
    println!("binary: {} ({:.1} MB)", bin.display(), std::fs::metadata(&bin).unwrap().len() as f64 / 1e6);

    // First start creates the file; measure a second, warm start.
    drop(start(&data, &[]));
    let (server, ready) = start(&data, &[]);
    println!("start to /readyz 200: {:.1} ms", ready.as_secs_f64() * 1000.0);
    std::thread::sleep(Duration::from_secs(1));
    println!("idle RSS: {:.1} MB", status_kb(server.child.id(), "VmRSS:") as f64 / 1024.0);
    let mut session = sign_in(&server.base);

    if want("list") {
        leads::list(&server, &session);
    }
    if want("create") {
        leads::create(&server, &session);
    }
    if want("login") {
        login::run(&server, &session);
        // wrk logged in with this session's cookie, which replaced (rotated) it: sign in afresh.
        session = sign_in(&server.base);
    }
    if want("search") {
        search::run(&server, &session);
    }
    if want("availability") {
        availability::run(&server, &session);
    }
    if want("reminders") {
        reminders::run(&server);
    }
    drop(server);
    if want("webhook") {
        webhook::run(dir.path());
    }
    if want("voice") {
        voice::run(dir.path());
    }
    if want("wal") {
        wal::run(dir.path());
    }
    if want("dashboard") {
        dashboard::run(dir.path());
    }
}
