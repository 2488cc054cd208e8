//! The owner's dashboard: its numbers are what happened (leads by source and
//! local day, calls by outcome, the first reply by a person or the AI, the
//! share the AI handled alone, bookings), days end at the business's local
//! midnight, and only owners and the platform admin see it.

use std::time::Duration;

use serde_json::json;

use crate::front_desk::front_desk;
use crate::helpers::*;
use crate::providers::*;

/// The server's data file, opened beside it to seed what the API cannot
/// date (a lead made last year, finished calls).
pub fn db(app: &TestApp) -> rusqlite::Connection {
    let c = rusqlite::Connection::open(app.data_path()).unwrap();
    c.busy_timeout(Duration::from_secs(10)).unwrap();
    c
}

async fn inbound(app: &TestApp, id: &str, number: &str, text: &str) {
    let ev = baileys_event(id, &format!("{number}@s.whatsapp.net"), None, false, text);
    assert_eq!(post_baileys(app, &ev, Some(BRIDGE_SECRET)).await.status(), 200);
}

async fn lead_by_phone(s: &Session, phone: &str) -> i64 {
    let found = leads(s).await.into_iter().find(|l| l["phone_e164"] == phone);
    found.unwrap_or_else(|| panic!("a lead with {phone}"))["id"].as_i64().unwrap()
}

async fn say(s: &Session, lead: i64, text: &str) {
    let (st, b) = s.post(&format!("/api/leads/{lead}/message/whatsapp"), &json!({"text": text})).await;
    assert_eq!(st, 200, "{b}");
}

#[tokio::test]
async fn the_dashboard_counts_what_happened_in_the_business_s_days() {
    let (app, admin, owner, _bridge, _chat) = front_desk("50").await;

    // Two WhatsApp conversations the AI answers first; in the second a person joins.
    inbound(&app, "D1", "972526000001", "hello").await;
    inbound(&app, "D2", "972526000002", "hi there").await;
    let w1 = lead_by_phone(&admin, "+972526000001").await;
    let w2 = lead_by_phone(&admin, "+972526000002").await;
    wait_for_kind(&admin, w1, "ai_reply", 1).await;
    wait_for_kind(&admin, w2, "ai_reply", 1).await;
    say(&admin, w2, "A person here").await;
    // A lead from a form, the AI paused on it: a person answers first.
    let m1 = create_lead(&admin, "Manual", "0526000003").await["id"].as_i64().unwrap();
    let (s, b) = admin.post(&format!("/api/leads/{m1}/ai"), &json!({"paused": true})).await;
    assert_eq!(s, 200, "{b}");
    inbound(&app, "D3", "972526000003", "question").await;
    wait_for_kind(&admin, m1, "message_in", 1).await;
    say(&admin, m1, "Answer from a person").await;
    let (s, b) =
        admin.post("/api/leads", &json!({"first_name": "Typed", "phone_e164": "0526000004", "source": "manual"})).await;
    assert_eq!(s, 201, "{b}");

    // Two leads of last year, either side of midnight in Jerusalem (UTC+3 in June).
    let late = create_lead(&admin, "Late", "0526000005").await["id"].as_i64().unwrap();
    let early = create_lead(&admin, "Early", "0526000006").await["id"].as_i64().unwrap();
    let (service, staff) = {
        let (s, b) = admin.post("/api/services", &json!({"name": "Cut", "duration_min": 30})).await;
        assert_eq!(s, 201, "{b}");
        let (_, me) = owner.get_json("/api/auth/me").await;
        (b["id"].as_i64().unwrap(), me["user"]["id"].as_i64().unwrap())
    };
    {
        let c = db(&app);
        c.execute("UPDATE leads SET created_at = '2025-06-10T20:30:00.000Z' WHERE id = ?1", [late]).unwrap();
        c.execute("UPDATE leads SET created_at = '2025-06-10T21:30:00.000Z' WHERE id = ?1", [early]).unwrap();
        // Calls: two missed, one each answered by the AI, a person and voicemail; one still
        // ringing and one outbound, which count for nothing.
        for (status, answered, direction) in [
            ("no_answer", None, "inbound"),
            ("missed", None, "inbound"),
            ("completed", Some("ai"), "inbound"),
            ("completed", Some("person"), "inbound"),
            ("completed", Some("voicemail"), "inbound"),
            ("ringing", None, "inbound"),
            ("completed", None, "outbound"),
        ] {
            c.execute(
                "INSERT INTO calls (tenant_id, lead_id, status, answered_by, direction) VALUES (1, ?1, ?2, ?3, ?4)",
                rusqlite::params![m1, status, answered, direction],
            )
            .unwrap();
        }
        // Bookings made now (two by the AI, one by staff, one by the customer), and
        // their states, starting an hour ago.
        for (by, status) in [("ai", "confirmed"), ("ai", "cancelled"), ("person", "no_show"), ("customer", "booked")] {
            c.execute(
                "INSERT INTO appointments (tenant_id, lead_id, service_id, staff_user_id, starts_at, ends_at,
                     blocked_from, blocked_until, status, booked_by)
                 VALUES (1, ?1, ?2, ?3, strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-1 hour'),
                     strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-30 minutes'),
                     strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-1 hour'),
                     strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-30 minutes'), ?4, ?5)",
                rusqlite::params![m1, service, staff, status, by],
            )
            .unwrap();
        }
    }

    let (s, d) = owner.get_json("/api/dashboard").await;
    assert_eq!(s, 200, "{d}");
    assert_eq!(d["time_zone"], "Asia/Jerusalem");
    assert_eq!(d["leads_by_source"], json!({"whatsapp": 2, "manual": 1, "form": 1}), "{d}");
    let by_day: i64 = d["leads_by_day"].as_array().unwrap().iter().map(|x| x["count"].as_i64().unwrap()).sum();
    assert_eq!(by_day, 4);
    assert_eq!(d["calls"], json!({"person": 1, "ai": 1, "voicemail": 1, "missed": 2}));
    let fr = &d["first_response"];
    assert_eq!((fr["ai"]["count"].as_i64(), fr["person"]["count"].as_i64()), (Some(2), Some(1)), "{d}");
    for who in ["ai", "person"] {
        let (median, p90) = (fr[who]["median_s"].as_f64().unwrap(), fr[who]["p90_s"].as_f64().unwrap());
        assert!((0.0..60.0).contains(&median) && median <= p90, "{d}");
    }
    // Of three conversations only the first was the AI's alone.
    assert!((d["ai_handled_share"].as_f64().unwrap() - 1.0 / 3.0).abs() < 1e-9, "{d}");
    assert_eq!(
        d["appointments"],
        json!({"booked_by_ai": 2, "booked_by_staff": 1, "confirmed": 1, "cancelled": 1, "no_show": 1})
    );

    // Local days: 23:30 on June 10 and 00:30 on June 11 are two days.
    let (s, d) = owner.get_json("/api/dashboard?from=2025-06-10&to=2025-06-10").await;
    assert_eq!(s, 200, "{d}");
    assert_eq!(d["leads_by_day"], json!([{"date": "2025-06-10", "source": "form", "count": 1}]));
    let (_, d) = owner.get_json("/api/dashboard?from=2025-06-11&to=2025-06-11").await;
    assert_eq!(d["leads_by_day"], json!([{"date": "2025-06-11", "source": "form", "count": 1}]));
    assert_eq!(d["calls"], json!({"person": 0, "ai": 0, "voicemail": 0, "missed": 0}));
    assert_eq!(d["first_response"]["ai"], json!({"median_s": null, "p90_s": null, "count": 0}));
    let (_, d) = owner.get_json("/api/dashboard?from=2025-06-10&to=2025-06-11").await;
    assert_eq!(d["leads_by_source"], json!({"form": 2}));

    // Clear refusals.
    for (q, field) in [
        ("from=2025-06-12&to=2025-06-11", "from"),
        ("from=2024-01-01&to=2025-06-11", "to"),
        ("from=yesterday", "from"),
        ("to=2025-02-30", "to"),
    ] {
        let (s, b) = owner.get_json(&format!("/api/dashboard?{q}")).await;
        assert_eq!((s.as_u16(), b["field"].as_str()), (400, Some(field)), "{q}: {b}");
    }
    let (s, _) = owner.get_json("/api/dashboard?from=2024-06-11&to=2025-06-11").await;
    assert_eq!(s, 200, "366 days is the most");
    // Staff do not see it.
    add_user(&admin, "agent@biz.test", "agent").await;
    let agent = login_over_http_as(&app, "agent@biz.test", "user-password-1").await;
    let (s, _) = agent.get_json("/api/dashboard").await;
    assert_eq!(s, 403);
}
