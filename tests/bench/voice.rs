//! `voice`: the voice relay's frame round trip at 1 to 400 concurrent calls.
//!
//! Each call sends 100 media frames, one every 20 ms, and waits for each
//! frame's echo. The first frame of a call also waits for the call's set-up
//! (the call's row, the prompt, the model's WebSocket handshake and
//! `session.update`), so it is reported apart: `set-up` is that first
//! round trip, `frames` are the 99 after it. `direct` runs the same clients
//! straight against the fake model, without frontdesk between them: what
//! this harness and the machine take by themselves, the floor under the
//! relay's figures. `relay share` is frontdesk's own time per frame (a model
//! frame in to its Twilio frame out), from its `frontdesk_voice_relay_seconds`
//! histogram on /metrics: the bucket the percentile falls in, so `≤ 5.0 ms`.
//! `FRONTDESK_BENCH_CALLS=50,200` picks the call counts.

use std::{
    path::Path,
    time::{Duration, Instant},
};

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use crate::{cpu_ticks, start, status_kb};

/// Frames per call: 2 s of 20 ms frames.
const FRAMES: usize = 100;

/// The harness's sockets read into 8 KiB, as frontdesk's do: tungstenite
/// zero-fills its 128 KiB default before every read, which would make the
/// harness, not the relay, the bottleneck.
fn socket_config() -> tokio_tungstenite::tungstenite::protocol::WebSocketConfig {
    tokio_tungstenite::tungstenite::protocol::WebSocketConfig::default().read_buffer_size(8 * 1024)
}

/// A fake realtime model that echoes each appended frame as output audio.
async fn fake_model() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("ws://{}/v1/realtime", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((s, _)) = listener.accept().await {
            tokio::spawn(async move {
                let _ = s.set_nodelay(true);
                let Ok(mut ws) = tokio_tungstenite::accept_async_with_config(s, Some(socket_config())).await else {
                    return;
                };
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
    url
}

/// Round trips of one call's frames, or Err if the call broke.
async fn one_call(url: String, token: Option<String>, payload: String) -> Result<Vec<Duration>, ()> {
    let (mut ws, _) =
        tokio_tungstenite::connect_async_with_config(url, Some(socket_config()), true).await.map_err(|_| ())?;
    if let Some(token) = &token {
        let start = json!({"event": "start", "start": {"streamSid": "MZ", "callSid": token, "customParameters": {"token": token}}});
        ws.send(Message::text(start.to_string())).await.map_err(|_| ())?;
    }
    let mut rtts = Vec::with_capacity(FRAMES);
    let mut tick = tokio::time::interval(Duration::from_millis(20));
    for n in 0..FRAMES {
        tick.tick().await;
        let sent = Instant::now();
        // Through frontdesk: a Twilio media frame, answered by a Twilio media
        // frame (marks skipped). Direct: the model's own append and delta.
        let (frame, answer) = if token.is_some() {
            (
                json!({"event": "media", "media": {"payload": payload, "timestamp": (n * 20).to_string()}}),
                "\"event\":\"media\"",
            )
        } else {
            (json!({"type": "input_audio_buffer.append", "audio": payload}), "output_audio.delta")
        };
        ws.send(Message::text(frame.to_string())).await.map_err(|_| ())?;
        loop {
            match tokio::time::timeout(Duration::from_secs(5), ws.next()).await {
                Ok(Some(Ok(Message::Text(t)))) if t.contains(answer) => break,
                Ok(Some(Ok(_))) => continue,
                _ => return Err(()),
            }
        }
        rtts.push(sent.elapsed());
    }
    if token.is_some() {
        let _ = ws.send(Message::text(json!({"event": "stop"}).to_string())).await;
    }
    Ok(rtts)
}

struct Round {
    setup: Vec<Duration>,
    frames: Vec<Duration>,
    failed: usize,
}

async fn round(calls: usize, url: &str, tokens: Option<&str>, payload: &str) -> Round {
    let tasks: Vec<_> = (0..calls)
        .map(|i| tokio::spawn(one_call(url.to_string(), tokens.map(|t| format!("{t}-{i}")), payload.to_string())))
        .collect();
    let mut r = Round { setup: Vec::new(), frames: Vec::new(), failed: 0 };
    for t in tasks {
        match t.await.unwrap() {
            Ok(rtts) => {
                r.setup.push(rtts[0]);
                r.frames.extend(&rtts[1..]);
            }
            Err(()) => r.failed += 1,
        }
    }
    r.setup.sort();
    r.frames.sort();
    r
}

/// The relay histogram's cumulative buckets (`le` in seconds, count) on /metrics.
async fn relay_buckets(metrics: &str) -> Vec<(f64, f64)> {
    let Ok(res) = reqwest::get(metrics).await else { return Vec::new() };
    let text = res.text().await.unwrap_or_default();
    text.lines()
        .filter_map(|l| l.strip_prefix("frontdesk_voice_relay_seconds_bucket{le=\""))
        .filter_map(|l| {
            let (le, rest) = l.split_once('"')?;
            let count = rest.rsplit(' ').next()?.parse().ok()?;
            Some((if le == "+Inf" { f64::INFINITY } else { le.parse().ok()? }, count))
        })
        .collect()
}

/// The upper bound of the bucket holding quantile `q` of the frames between two scrapes.
fn bucket_pct(before: &[(f64, f64)], after: &[(f64, f64)], q: f64) -> String {
    let delta: Vec<(f64, f64)> =
        after.iter().map(|&(le, n)| (le, n - before.iter().find(|b| b.0 == le).map_or(0.0, |b| b.1))).collect();
    let total = delta.last().map_or(0.0, |d| d.1);
    if total <= 0.0 {
        return "-".into();
    }
    match delta.iter().find(|d| d.1 >= total * q) {
        Some(&(le, _)) if le.is_finite() => format!("≤ {:.2} ms", le * 1000.0),
        _ => "> 80 ms".into(),
    }
}

fn pct(sorted: &[Duration], q: f64) -> String {
    if sorted.is_empty() {
        return "-".into();
    }
    let d = sorted[((sorted.len() as f64 * q) as usize).min(sorted.len() - 1)];
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// Relay overhead per audio frame, and concurrent calls on this machine.
pub fn run(dir: &Path) {
    let counts: Vec<usize> = std::env::var("FRONTDESK_BENCH_CALLS")
        .ok()
        .map(|v| v.split(',').filter_map(|c| c.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1, 50, 100, 200, 400]);
    // One thread for the callers and the fake model, so frontdesk keeps the rest.
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    rt.block_on(async {
        let model_url = fake_model().await;
        let data = dir.join("voice.db");
        let metrics_addr = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().to_string()
        };
        let metrics = format!("http://{metrics_addr}/metrics");
        let env = [
            ("FRONTDESK_OPENAI_API_KEY", "sk-bench"),
            ("FRONTDESK_OPENAI_REALTIME_URL", model_url.as_str()),
            ("FRONTDESK_METRICS_BIND", metrics_addr.as_str()),
        ];
        let (server, _) = start(&data, &env);
        let pid = server.child.id();
        let ws_url = server.base.replacen("http://", "ws://", 1) + "/ws/twilio/media";
        let payload = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, [0x7fu8; 160]);
        for (n, &calls) in counts.iter().enumerate() {
            {
                let c = rusqlite::Connection::open(&data).unwrap();
                c.busy_timeout(Duration::from_secs(5)).unwrap();
                c.execute("INSERT OR IGNORE INTO leads (tenant_id, first_name, phone_e164, source) VALUES (1, 'v', '+972529999999', 'call')", []).unwrap();
                for i in 0..calls {
                    c.execute(
                        "INSERT INTO calls (tenant_id, lead_id, call_sid, stream_token, to_e164, status)
                         VALUES (1, (SELECT id FROM leads WHERE phone_e164 = '+972529999999'), ?1, ?1, '+97231234567', 'ringing')",
                        [format!("bench-{n}-{calls}-{i}")],
                    )
                    .unwrap();
                }
            }
            let direct = round(calls, &model_url, None, &payload).await;
            tokio::time::sleep(Duration::from_millis(300)).await;
            let cpu = cpu_ticks(pid);
            let buckets_before = relay_buckets(&metrics).await;
            let relay = round(calls, &ws_url, Some(&format!("bench-{n}-{calls}")), &payload).await;
            let cpu_ms = (cpu_ticks(pid) - cpu) as f64 * 10.0;
            let buckets_after = relay_buckets(&metrics).await;
            let peak_mb = status_kb(pid, "VmHWM:") as f64 / 1024.0;
            let frames = relay.frames.len() + relay.setup.len();
            println!(
                "voice: {calls} calls x 50 frames/s: relay share (model frame in -> Twilio frame out) p50 {}, p99 {}; \
                 frame round trip Twilio->bridge->model->bridge->Twilio p50 {}, p99 {}; \
                 set-up (first frame) p50 {}, p99 {}; direct to the model p50 {}, p99 {}; \
                 server CPU {:.0} µs/frame, peak RSS {:.1} MB ({} calls failed)",
                bucket_pct(&buckets_before, &buckets_after, 0.5),
                bucket_pct(&buckets_before, &buckets_after, 0.99),
                pct(&relay.frames, 0.5),
                pct(&relay.frames, 0.99),
                pct(&relay.setup, 0.5),
                pct(&relay.setup, 0.99),
                pct(&direct.frames, 0.5),
                pct(&direct.frames, 0.99),
                if frames > 0 { cpu_ms * 1000.0 / frames as f64 } else { 0.0 },
                peak_mb,
                relay.failed + direct.failed,
            );
            if relay.setup.is_empty() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        drop(server);
    });
}
