//! `wal`: what one write costs the disk. Each write is sent alone (so it is
//! committed alone) to a server whose WAL is never checkpointed
//! (`FRONTDESK_WAL_CHECKPOINTS=external`); the WAL's growth over the writes
//! is bytes and 4 KiB pages per write, and its frames are attributed to the
//! tables and indexes they belong to (SQLite's `dbstat`).

use std::{collections::HashMap, path::Path};

use serde_json::json;

use crate::{
    PASSWORD, insert_leads, sign_in, sign_in_as, start,
    webhook::{PUBLIC, TWILIO_TOKEN, twilio_sig},
};

const WRITES: usize = 300;
/// A WAL frame: a 24-byte header and the page.
const FRAME: u64 = 24 + 4096;

pub fn run(dir: &Path) {
    let data = dir.join("wal.db");
    let env = [
        ("FRONTDESK_WAL_CHECKPOINTS", "external"),
        ("FRONTDESK_TWILIO_AUTH_TOKEN", TWILIO_TOKEN),
        ("FRONTDESK_PUBLIC_URL", PUBLIC),
    ];
    drop(start(&data, &env));
    {
        let c = rusqlite::Connection::open(&data).unwrap();
        c.execute("UPDATE tenants SET whatsapp_e164 = '+972501234567' WHERE id = 1", []).unwrap();
    }
    insert_leads(&data, 1, 10_000, 1_000_000);
    let (server, _) = start(&data, &env);
    let admin = sign_in(&server.base);
    let client = reqwest::blocking::Client::new();
    let owner_email = "wal-owner@example.com";
    let res = client
        .post(format!("{}/api/business/current/users", server.base))
        .header("Cookie", &admin.cookie)
        .header("X-CSRFToken", &admin.token)
        .json(&json!({"email": owner_email, "name": "Owner", "password": PASSWORD, "role": "owner"}))
        .send()
        .unwrap();
    assert!(res.status().is_success(), "add an owner: {}", res.text().unwrap_or_default());
    let owner = sign_in_as(&server.base, owner_email, PASSWORD);

    let wal = data.with_extension("db-wal");
    let measure = |name: &str, write: &mut dyn FnMut(usize)| {
        let before = std::fs::metadata(&wal).map_or(0, |m| m.len());
        for i in 0..WRITES {
            write(i);
        }
        let after = std::fs::metadata(&wal).map_or(0, |m| m.len());
        let per = (after - before) as f64 / WRITES as f64;
        println!(
            "WAL per isolated write, {name} ({WRITES} writes, ~10,000 leads): {:.1} KB, {:.1} pages",
            per / 1024.0,
            per / FRAME as f64
        );
        println!("    {}", pages_by_tree(&data, &wal, before, after));
    };
    let post = |path: &str, body: serde_json::Value| {
        let res = client
            .post(format!("{}{path}", server.base))
            .header("Cookie", &owner.cookie)
            .header("X-CSRFToken", &owner.token)
            .json(&body)
            .send()
            .unwrap();
        assert!(res.status().is_success(), "{path}: {}", res.status());
        res.json::<serde_json::Value>().unwrap()
    };
    let webhook = |i: usize, from: String| {
        let params = vec![
            ("From", format!("whatsapp:{from}")),
            ("To", "whatsapp:+972501234567".to_string()),
            ("Body", format!("message number {i}")),
            ("ProfileName", "Bench".to_string()),
            ("MessageSid", format!("SMwal{from}{i:08}")),
            ("NumMedia", "0".to_string()),
        ];
        let sig = twilio_sig(&format!("{PUBLIC}/webhook/twilio/whatsapp"), &params);
        let res = client
            .post(format!("{}/webhook/twilio/whatsapp", server.base))
            .header("X-Twilio-Signature", sig)
            .form(&params)
            .send()
            .unwrap();
        assert!(res.status().is_success(), "webhook: {}", res.status());
    };
    measure("lead created by an owner", &mut |i| {
        post(
            "/api/leads",
            json!({"first_name": "Wal", "last_name": format!("Lead{i}"), "phone_e164": format!("+97253{i:07}"), "email": format!("w{i}@mail.example")}),
        );
    });
    measure("WhatsApp webhook making a new lead", &mut |i| webhook(i, format!("+97255{i:07}")));
    // insert_leads gave the leads the phones +97250 1000000 to +97250 1009999.
    measure("WhatsApp message to an existing lead", &mut |i| webhook(i, format!("+97250{:07}", 1_000_000 + i * 7)));
    let ids: Vec<i64> = rusqlite::Connection::open(&data)
        .unwrap()
        .prepare("SELECT id FROM leads ORDER BY id LIMIT ?1")
        .unwrap()
        .query_map([WRITES as i64], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let statuses = ["contacted", "qualified", "won", "lost"];
    measure("status change", &mut |i| {
        post(&format!("/api/leads/{}/status", ids[i]), json!({"status": statuses[i % statuses.len()]}));
    });
}

/// The WAL frames between two offsets, counted per table or index (per write).
fn pages_by_tree(data: &Path, wal: &Path, from: u64, to: u64) -> String {
    let bytes = std::fs::read(wal).unwrap_or_default();
    let c = rusqlite::Connection::open(data).unwrap();
    let owner: HashMap<u32, String> = c
        .prepare("SELECT pageno, name FROM dbstat")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut counts: HashMap<&str, u64> = HashMap::new();
    let mut at = from.max(32);
    while at + FRAME <= to.min(bytes.len() as u64) {
        let i = at as usize;
        let page = u32::from_be_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
        *counts.entry(owner.get(&page).map_or("(freed)", String::as_str)).or_default() += 1;
        at += FRAME;
    }
    let mut counts: Vec<(&str, u64)> = counts.into_iter().collect();
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    counts.iter().map(|(name, n)| format!("{name} {:.2}", *n as f64 / WRITES as f64)).collect::<Vec<_>>().join(", ")
}
