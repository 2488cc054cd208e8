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
    drop(server);
    if want("webhook") {
        webhook_bench(dir.path());
    }
    if want("voice") {
        voice_bench(dir.path());
    }
}

const TWILIO_TOKEN: &str = "bench-twilio-token";
const PUBLIC: &str = "https://crm.example.com";

fn twilio_sig(url: &str, params: &[(&str, String)]) -> String {
    use base64::Engine;
    use hmac::{Hmac, Mac};
    let mut sorted: Vec<&(&str, String)> = params.iter().collect();
    sorted.sort();
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(TWILIO_TOKEN.as_bytes()).unwrap();
    mac.update(url.as_bytes());
    for (k, v) in sorted {
        mac.update(k.as_bytes());
        mac.update(v.as_bytes());
    }
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// Signed WhatsApp webhooks through HTTP (wrk cycling pre-signed distinct
/// bodies), next to the same ingest transaction run straight on SQLite.
fn webhook_bench(dir: &Path) {
    let n = 300_000usize;
    let file = dir.join("bodies.txt");
    {
        use std::io::Write;
        let mut f = std::io::BufWriter::new(std::fs::File::create(&file).unwrap());
        for i in 0..n {
            let params = vec![
                ("From", format!("whatsapp:+9725{:08}", i % 5000)),
                ("To", "whatsapp:+972501234567".to_string()),
                ("Body", format!("message number {i}")),
                ("ProfileName", "Bench".to_string()),
                ("MessageSid", format!("SM{i:032}")),
                ("NumMedia", "0".to_string()),
            ];
            let sig = twilio_sig(&format!("{PUBLIC}/webhook/twilio/whatsapp"), &params);
            let body = params
                .iter()
                .fold(form_urlencoded::Serializer::new(String::new()), |mut s, (k, v)| {
                    s.append_pair(k, v);
                    s
                })
                .finish();
            writeln!(f, "{sig}\t{body}").unwrap();
        }
    }
    let lua = WEBHOOK_LUA.replace("BODIES", file.to_str().unwrap());
    // The same load at both durabilities, each on a fresh data file, one after the other.
    let mut full_rps = 0.0;
    for durability in ["full", "normal"] {
        let data = dir.join(format!("webhook-{durability}.db"));
        let env = [
            ("FRONTDESK_TWILIO_AUTH_TOKEN", TWILIO_TOKEN),
            ("FRONTDESK_PUBLIC_URL", PUBLIC),
            ("FRONTDESK_DURABILITY", durability),
        ];
        drop(start(&data, &env));
        {
            let c = rusqlite::Connection::open(&data).unwrap();
            c.execute("UPDATE tenants SET whatsapp_e164 = '+972501234567' WHERE id = 1", []).unwrap();
        }
        let (server, _) = start(&data, &env);
        let nobody = Login { cookie: String::new(), token: String::new() };
        let r = wrk(&format!("{}/webhook/twilio/whatsapp", server.base), &nobody, Some(&lua), 2, 32, 10);
        println!(
            "signed WhatsApp webhook ingest, FRONTDESK_DURABILITY={durability} (wrk -t2 -c32 -d10s, distinct pre-signed bodies): {:.0} req/s, p50 {}, p99 {} ({})",
            r.rps, r.p50, r.p99, r.non2xx
        );
        if durability == "full" {
            full_rps = r.rps;
        }
        let pid = server.child.id();
        println!(
            "RSS after webhook load: {:.1} MB (anonymous {:.1} MB, file-backed SQLite map {:.1} MB)",
            status_kb(pid, "VmRSS:") as f64 / 1024.0,
            status_kb(pid, "RssAnon:") as f64 / 1024.0,
            status_kb(pid, "RssFile:") as f64 / 1024.0
        );
        drop(server);
    }
    // The same transaction, one per message, straight on SQLite (no HTTP).
    let raw = dir.join("raw.db");
    drop(start(&raw, &[]));
    let db = frontdesk::db::Db::open(&raw).unwrap();
    db.conn().unwrap().execute("UPDATE tenants SET whatsapp_e164 = '+972501234567' WHERE id = 1", []).unwrap();
    let count = 20_000;
    let t = Instant::now();
    for i in 0..count {
        db.write_blocking(|tx| -> frontdesk::store::StoreResult<()> {
            let tenant = frontdesk::store::tenants::by_whatsapp(tx, "+972501234567")?.unwrap();
            if !frontdesk::store::messages::first_delivery(tx, tenant.id, "twilio", &format!("SMraw{i}"))? {
                return Ok(());
            }
            let contact = frontdesk::store::leads::Contact {
                phone_e164: Some(format!("+9725{:08}", i % 5000)),
                whatsapp_id: None,
                name: Some("Bench".into()),
            };
            let (lead, _) = frontdesk::store::leads::upsert_contact(tx, tenant.id, &contact, "whatsapp")?;
            let m = frontdesk::store::messages::insert(
                tx,
                &frontdesk::store::messages::NewMessage {
                    tenant_id: tenant.id,
                    lead_id: lead,
                    direction: "in",
                    provider: "twilio",
                    provider_message_id: Some(&format!("SMraw{i}")),
                    body: "message",
                    media: &Value::Null,
                    status: "received",
                    author_user_id: None,
                    is_ai: false,
                },
            )?;
            frontdesk::store::activities::add(
                tx,
                tenant.id,
                lead,
                frontdesk::domain::ActivityKind::MessageIn,
                "message",
                &json!({"message_id": m.id}),
                None,
            )?;
            Ok(())
        })
        .unwrap();
    }
    let rate = count as f64 / t.elapsed().as_secs_f64();
    println!("same ingest transaction straight on SQLite, one transaction each: {rate:.0} tx/s");
    println!("  ratio HTTP webhook (full) / raw SQLite (full): {:.2}", full_rps / rate);
}

const WEBHOOK_LUA: &str = r#"
threads = {}
function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end
function init(args)
  sigs, bodies = {}, {}
  local n = 0
  for line in io.lines("BODIES") do
    n = n + 1
    if n % 2 == id then
      local tab = line:find("	")
      table.insert(sigs, line:sub(1, tab - 1))
      table.insert(bodies, line:sub(tab + 1))
    end
  end
  i = 0
end
function request()
  i = i + 1
  if i > #bodies then i = 1 end
  return wrk.format("POST", nil, {["Content-Type"] = "application/x-www-form-urlencoded", ["X-Twilio-Signature"] = sigs[i]}, bodies[i])
end
"#;

/// Relay overhead per audio frame, and concurrent calls on this machine,
/// against a fake realtime server that echoes each appended frame as output.
fn voice_bench(dir: &Path) {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    rt.block_on(async {
        use futures_util::{SinkExt, StreamExt};
        use tokio_tungstenite::tungstenite::Message;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let model_url = format!("ws://{}/v1/realtime", listener.local_addr().unwrap());
        tokio::spawn(async move {
            while let Ok((s, _)) = listener.accept().await {
                tokio::spawn(async move {
                    let _ = s.set_nodelay(true);
                    let Ok(mut ws) = tokio_tungstenite::accept_async(s).await else { return };
                    while let Some(Ok(m)) = ws.next().await {
                        let Message::Text(t) = m else { continue };
                        let v: Value = serde_json::from_str(&t).unwrap_or(Value::Null);
                        if v["type"] == "input_audio_buffer.append" {
                            let out = json!({"type": "response.output_audio.delta", "item_id": "i", "delta": v["audio"]});
                            if ws.send(Message::text(out.to_string())).await.is_err() {
                                break;
                            }
                        }
                    }
                });
            }
        });
        let data = dir.join("voice.db");
        let env = [("FRONTDESK_OPENAI_API_KEY", "sk-bench"), ("FRONTDESK_OPENAI_REALTIME_URL", model_url.as_str())];
        let (server, _) = start(&data, &env);
        let ws_url = server.base.replacen("http://", "ws://", 1) + "/ws/twilio/media";
        let payload = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, [0x7fu8; 160]);
        for calls in [1usize, 50, 100, 200, 400] {
            {
                let c = rusqlite::Connection::open(&data).unwrap();
                c.busy_timeout(Duration::from_secs(5)).unwrap();
                c.execute("INSERT OR IGNORE INTO leads (tenant_id, first_name, phone_e164, source) VALUES (1, 'v', '+972529999999', 'call')", []).unwrap();
                for i in 0..calls {
                    c.execute(
                        "INSERT INTO calls (tenant_id, lead_id, call_sid, stream_token, to_e164, status)
                         VALUES (1, (SELECT id FROM leads WHERE phone_e164 = '+972529999999'), ?1, ?1, '+97231234567', 'ringing')",
                        [format!("bench-{calls}-{i}")],
                    )
                    .unwrap();
                }
            }
            let frames = 100; // 2 s of 20 ms frames per call
            let mut tasks = Vec::new();
            for i in 0..calls {
                let url = ws_url.clone();
                let payload = payload.clone();
                let token = format!("bench-{calls}-{i}");
                tasks.push(tokio::spawn(async move {
                    let (mut ws, _) = tokio_tungstenite::connect_async_with_config(url, None, true).await.unwrap();
                    let start = json!({"event": "start", "start": {"streamSid": "MZ", "callSid": token, "customParameters": {"token": token}}});
                    ws.send(Message::text(start.to_string())).await.unwrap();
                    let mut rtts = Vec::with_capacity(frames);
                    let mut tick = tokio::time::interval(Duration::from_millis(20));
                    for n in 0..frames {
                        tick.tick().await;
                        let sent = Instant::now();
                        let media = json!({"event": "media", "media": {"payload": payload, "timestamp": (n * 20).to_string()}});
                        ws.send(Message::text(media.to_string())).await.unwrap();
                        // Wait for our echoed media (skip marks).
                        loop {
                            match tokio::time::timeout(Duration::from_secs(5), ws.next()).await {
                                Ok(Some(Ok(Message::Text(t)))) if t.contains("\"event\":\"media\"") => break,
                                Ok(Some(Ok(_))) => continue,
                                _ => return Err(()),
                            }
                        }
                        rtts.push(sent.elapsed());
                    }
                    let _ = ws.send(Message::text(json!({"event": "stop"}).to_string())).await;
                    Ok(rtts)
                }));
            }
            let mut all = Vec::new();
            let mut failed = 0;
            for t in tasks {
                match t.await.unwrap() {
                    Ok(r) => all.extend(r),
                    Err(()) => failed += 1,
                }
            }
            all.sort();
            if all.is_empty() {
                println!("voice: {calls} concurrent calls: all failed");
                break;
            }
            let p = |q: f64| all[((all.len() as f64 * q) as usize).min(all.len() - 1)];
            println!(
                "voice: {calls} concurrent calls x 50 frames/s: frame round trip Twilio->bridge->model->bridge->Twilio p50 {:?}, p99 {:?} ({failed} calls failed)",
                p(0.5),
                p(0.99)
            );
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        drop(server);
    });
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
