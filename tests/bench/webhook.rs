//! `webhook`: signed WhatsApp webhook ingest over HTTP at both durabilities,
//! next to the same ingest transaction run straight on SQLite.

use std::{path::Path, time::Instant};

use serde_json::{Value, json};

use crate::{Login, start, status_kb, wrk};

pub(crate) const TWILIO_TOKEN: &str = "bench-twilio-token";
pub(crate) const PUBLIC: &str = "https://crm.example.com";

pub(crate) fn twilio_sig(url: &str, params: &[(&str, String)]) -> String {
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
pub fn run(dir: &Path) {
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
        db.write_blocking(|tx| -> frontdesk::core::CoreResult<()> {
            let tenant = frontdesk::store::tenants::id_by_whatsapp_unscoped(tx, "+972501234567")?.unwrap();
            if !frontdesk::store::messages::first_delivery(tx, tenant, "twilio", &format!("SMraw{i}"))? {
                return Ok(());
            }
            let contact = frontdesk::store::leads::Contact {
                phone_e164: Some(format!("+9725{:08}", i % 5000)),
                whatsapp_id: None,
                name: Some("Bench".into()),
            };
            let (lead, _) =
                frontdesk::core::leads::upsert_contact(tx, tenant, &contact, frontdesk::domain::LeadSource::Whatsapp)?;
            let m = frontdesk::store::messages::insert(
                tx,
                tenant,
                &frontdesk::store::messages::NewMessage {
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
                tenant,
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
