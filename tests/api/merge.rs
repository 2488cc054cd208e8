//! Duplicate leads: found by phone, WhatsApp id (a `@lid` one included) or
//! email whatever its case, in the same business only; merged in one
//! transaction that moves every row naming the other lead and loses none.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::json;

use crate::dashboard::db;
use crate::front_desk::front_desk;
use crate::helpers::*;
use crate::providers::*;

/// Rows per table that name `lead` through a foreign key to `leads`.
fn rows_naming(c: &rusqlite::Connection, lead: i64) -> BTreeMap<String, i64> {
    let refs: Vec<(String, String)> = c
        .prepare(
            "SELECT m.name, f.\"from\" FROM sqlite_schema m, pragma_foreign_key_list(m.name) f
             WHERE m.type = 'table' AND f.\"table\" = 'leads'",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    refs.into_iter()
        .map(|(t, col)| {
            let n = c.query_row(&format!("SELECT count(*) FROM \"{t}\" WHERE \"{col}\" = ?1"), [lead], |r| r.get(0));
            (t, n.unwrap())
        })
        .collect()
}

#[tokio::test]
async fn a_merge_moves_every_row_of_the_other_lead_and_deletes_it() {
    let (app, admin, owner, _bridge, _chat) = front_desk("50").await;
    // The same person twice: entered by hand, and writing from a hidden (@lid) WhatsApp id.
    let keep = create_lead(&admin, "Dana", "0527000001").await["id"].as_i64().unwrap();
    let (s, b) =
        admin.patch(&format!("/api/leads/{keep}"), &json!({"email": "Dana@Example.com", "tags": ["vip"]})).await;
    assert_eq!(s, 200, "{b}");
    let ev = baileys_event("M1", "99887766554433@lid", None, false, "hello from my other phone");
    assert_eq!(post_baileys(&app, &ev, Some(BRIDGE_SECRET)).await.status(), 200);
    let other = leads(&admin).await.into_iter().find(|l| l["whatsapp_id"] == "99887766554433@lid").unwrap();
    let other = other["id"].as_i64().unwrap();
    wait_for_kind(&admin, other, "ai_reply", 1).await;
    let (s, b) = admin
        .patch(
            &format!("/api/leads/{other}"),
            &json!({"email": "dana@example.COM", "tags": ["new", "vip"], "last_name": "Levi"}),
        )
        .await;
    assert_eq!(s, 200, "{b}");

    // Another business's lead with the same email is not a duplicate.
    let b2 = create_business(&admin, "Other biz", "owner2@biz.test", "+972031111111").await;
    let owner2 = login_over_http_as(&app, "owner2@biz.test", "owner-password-1").await;
    let (s, b) = owner2
        .post(
            "/api/leads",
            &json!({"first_name": "Dana", "phone_e164": "0527000001", "email": "dana@example.com", "source": "manual"}),
        )
        .await;
    assert_eq!(s, 201, "{b} (business {b2})");

    let (s, d) = owner.get_json(&format!("/api/leads/{keep}/duplicates")).await;
    assert_eq!(s, 200, "{d}");
    let ids: Vec<i64> = d["items"].as_array().unwrap().iter().map(|l| l["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, vec![other]);
    let (_, d) = owner.get_json(&format!("/api/leads/{other}/duplicates")).await;
    assert_eq!(d["items"][0]["id"], keep);

    // Give the other lead one of everything.
    let (s, b) = admin
        .post(&format!("/api/leads/{other}/reminders"), &json!({"due_at": "2030-01-01T09:00:00Z", "note": "call"}))
        .await;
    assert_eq!(s, 201, "{b}");
    let (s, b) = admin
        .post(
            &format!("/api/leads/{other}/message/whatsapp"),
            &json!({"text": "later", "send_at": (chrono::Utc::now() + chrono::Duration::days(30)).to_rfc3339()}),
        )
        .await;
    assert_eq!(s, 202, "{b}");
    let (s, b) = admin.post(&format!("/api/leads/{other}/activities"), &json!({"body": "a note"})).await;
    assert_eq!(s, 201, "{b}");
    let (s, svc) = admin.post("/api/services", &json!({"name": "Cut", "duration_min": 30})).await;
    assert_eq!(s, 201, "{svc}");
    let (_, me) = owner.get_json("/api/auth/me").await;
    {
        let c = db(&app);
        c.execute("INSERT INTO calls (tenant_id, lead_id, status) VALUES (1, ?1, 'missed')", [other]).unwrap();
        c.execute(
            "INSERT INTO appointments (tenant_id, lead_id, service_id, staff_user_id, starts_at, ends_at, blocked_from,
                 blocked_until, booked_by)
             VALUES (1, ?1, ?2, ?3, '2030-01-01T09:00:00.000Z', '2030-01-01T09:30:00.000Z',
                 '2030-01-01T09:00:00.000Z', '2030-01-01T09:30:00.000Z', 'person')",
            rusqlite::params![other, svc["id"].as_i64().unwrap(), me["user"]["id"].as_i64().unwrap()],
        )
        .unwrap();
    }
    let (_, before_list) = admin.get_json("/api/leads").await;
    let c = db(&app);
    let (before_keep, before_other) = (rows_naming(&c, keep), rows_naming(&c, other));
    for table in ["lead_activities", "messages", "calls", "lead_reminders", "appointments", "scheduled_messages"] {
        assert!(before_other[table] > 0, "the other lead has {table} rows: {before_other:?}");
    }

    // Only owners merge; never into itself; never across businesses.
    add_user(&admin, "agent@biz.test", "agent").await;
    let agent = login_over_http_as(&app, "agent@biz.test", "user-password-1").await;
    let (s, _) = agent.post(&format!("/api/leads/{keep}/merge"), &json!({"other_id": other})).await;
    assert_eq!(s, 403);
    let (s, b) = owner.post(&format!("/api/leads/{keep}/merge"), &json!({"other_id": keep})).await;
    assert_eq!((s.as_u16(), b["field"].as_str()), (400, Some("other_id")));
    let foreign = leads(&owner2).await[0]["id"].as_i64().unwrap();
    let (s, _) = owner.post(&format!("/api/leads/{keep}/merge"), &json!({"other_id": foreign})).await;
    assert_eq!(s, 404);

    let (s, merged) = owner.post(&format!("/api/leads/{keep}/merge"), &json!({"other_id": other})).await;
    assert_eq!(s, 200, "{merged}");
    // Empty fields filled, the rest kept, tags joined.
    assert_eq!(merged["first_name"], "Dana");
    assert_eq!(merged["last_name"], "Levi");
    assert_eq!(merged["email"], "Dana@Example.com");
    assert_eq!(merged["phone_e164"], "+972527000001");
    assert_eq!(merged["whatsapp_id"], "99887766554433@lid");
    assert_eq!(merged["tags"], json!(["vip", "new"]));
    assert_eq!(merged["last_message"]["body"], "AI reply text", "{merged}");

    let (s, _) = owner.get_json(&format!("/api/leads/{other}")).await;
    assert_eq!(s, 404);
    let (after_keep, after_other) = (rows_naming(&c, keep), rows_naming(&c, other));
    for (table, n) in &after_keep {
        let expected = match table.as_str() {
            // The merge's own entry.
            "lead_activities" => before_keep[table] + before_other[table] + 1,
            _ => before_keep[table] + before_other[table],
        };
        assert_eq!(*n, expected, "{table}: {before_keep:?} + {before_other:?} -> {after_keep:?}");
        assert_eq!(after_other[table], 0, "{table}");
    }
    let merged_entry = activities(&owner, keep).await.into_iter().find(|a| a["kind"] == "merged").unwrap();
    assert_eq!(merged_entry["data"]["other_id"], other);
    let (_, audit) = owner.get_json("/api/business/current/audit?action=lead.merged").await;
    let row = &audit["items"][0];
    assert_eq!((row["details"]["lead_id"].as_i64(), row["details"]["other_id"].as_i64()), (Some(keep), Some(other)));

    // The totals and the search index follow.
    let (_, after_list) = admin.get_json("/api/leads").await;
    assert_eq!(after_list["total"].as_i64().unwrap(), before_list["total"].as_i64().unwrap() - 1);
    let found = eventually(Duration::from_secs(5), "the merged lead found by its WhatsApp id", || async {
        let (_, r) = admin.get_json("/api/leads?q=99887766554433").await;
        let ids: Vec<i64> = r["items"].as_array().unwrap().iter().map(|l| l["id"].as_i64().unwrap()).collect();
        (ids == vec![keep]).then_some(ids)
    })
    .await;
    assert_eq!(found, vec![keep]);
    let (_, r) = admin.get_json("/api/leads?q=Levi").await;
    assert_eq!(r["total"], 1, "{r}");
}

#[tokio::test]
async fn a_merged_leads_id_is_never_given_to_a_new_lead() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let keep = create_lead(&admin, "Dana", "0527000011").await["id"].as_i64().unwrap();
    // The newest lead: deleting it frees the highest id.
    let other = create_lead(&admin, "Dana Levi", "0527000012").await["id"].as_i64().unwrap();
    let (s, b) = admin.post(&format!("/api/leads/{keep}/merge"), &json!({"other_id": other})).await;
    assert_eq!(s, 200, "{b}");
    let next = create_lead(&admin, "Noa", "0527000013").await["id"].as_i64().unwrap();
    assert!(next > other, "a new lead took id {next}; the merged lead was {other}");
    let (s, _) = admin.get_json(&format!("/api/leads/{other}")).await;
    assert_eq!(s, 404);
}
