//! `voice`: the voice relay's frame round trip at 1 to 400 concurrent calls.

use std::{
    path::Path,
    time::{Duration, Instant},
};

use serde_json::{Value, json};

use crate::start;

/// Relay overhead per audio frame, and concurrent calls on this machine,
/// against a fake realtime server that echoes each appended frame as output.
pub fn run(dir: &Path) {
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
