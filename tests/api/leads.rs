//! Leads: lifecycle, phones, duplicates, scope, search.

use serde_json::{Value, json};

use crate::helpers::*;

#[tokio::test]
async fn a_lead_lives_through_create_status_note_patch_and_delete_with_a_timeline() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let lead = create_lead(&admin, "דן", "0521234567").await;
    assert_eq!(lead["phone_e164"], "+972521234567");
    assert_eq!(lead["status"], "new");
    assert_eq!(lead["tenant_id"], 1);
    let id = lead["id"].as_i64().unwrap();
    let (s, l) =
        admin.post(&format!("/api/leads/{id}/status"), &json!({"status": "contacted", "note": "called back"})).await;
    assert_eq!(s, 200);
    assert_eq!(l["status"], "contacted");
    let (s, note) = admin.post(&format!("/api/leads/{id}/activities"), &json!({"body": "prefers mornings"})).await;
    assert_eq!(s, 201);
    assert_eq!(note["kind"], "note");
    let (s, l) = admin
        .patch(
            &format!("/api/leads/{id}"),
            &json!({"last_name": "כהן", "email": "dan@example.com", "status": "qualified"}),
        )
        .await;
    assert_eq!(s, 200, "{l}");
    assert_eq!(l["last_name"], "כהן");
    assert_eq!(l["status"], "qualified");
    let (_, acts) = admin.get_json(&format!("/api/leads/{id}/activities")).await;
    let kinds: Vec<&str> = acts["items"].as_array().unwrap().iter().map(|a| a["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["updated", "status_change", "note", "status_change", "created"], "newest first");
    let first_change = &acts["items"][3];
    assert_eq!(first_change["data"], json!({"from": "new", "to": "contacted"}));
    assert_eq!(first_change["body"], "called back");
    assert_eq!(first_change["actor_user_id"], 1);
    let (s, _) = admin.delete(&format!("/api/leads/{id}")).await;
    assert_eq!(s, 204);
    let (s, body) = admin.get_json(&format!("/api/leads/{id}")).await;
    assert_eq!(s, 404);
    assert_eq!(assert_error(&body), "not_found");
}

#[tokio::test]
async fn phones_are_normalised_and_a_duplicate_is_409_with_the_existing_lead_id() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let lead = create_lead(&admin, "A", "+972 52-765-4321").await;
    for same in ["0527654321", "052-765-4321", "+972527654321"] {
        let (s, body) =
            admin.post("/api/leads", &json!({"first_name": "B", "phone_e164": same, "source": "form"})).await;
        assert_eq!(s, 409, "{same}");
        assert_eq!(assert_error(&body), "duplicate_lead");
        assert_eq!(body["lead_id"], lead["id"]);
    }
    for bad in ["", "hello", "12", "+0123"] {
        let (s, body) =
            admin.post("/api/leads", &json!({"first_name": "B", "phone_e164": bad, "source": "form"})).await;
        assert_eq!(s, 400, "{bad:?}");
        assert_eq!(body["field"], "phone_e164");
    }
    let (s, body) =
        admin.post("/api/leads", &json!({"first_name": "B", "phone_e164": "0541112233", "source": "fax"})).await;
    assert_eq!(s, 400);
    assert_eq!(body["field"], "source");
    let (s, body) = admin.post("/api/leads", &json!({"first_name": " ", "phone_e164": "0541112233"})).await;
    assert_eq!(s, 400);
    assert_eq!(body["field"], "first_name");
    let (s, body) = admin.post("/api/leads", &json!({"phone_e164": "0541112233"})).await;
    assert_eq!(s, 400, "{body}");
    assert_error(&body);
    // Patching a phone onto another lead's number is a 409 too.
    let other = create_lead(&admin, "C", "0541112233").await;
    let (s, body) = admin.patch(&format!("/api/leads/{}", other["id"]), &json!({"phone_e164": "0527654321"})).await;
    assert_eq!(s, 409);
    assert_eq!(body["lead_id"], lead["id"]);
}

#[tokio::test]
async fn leads_are_scoped_to_the_business_and_the_admin_sees_all() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let b = create_business(&admin, "Bakery", "owner@b.io", "+972501111111").await;
    let c = create_business(&admin, "Cafe", "owner@c.io", "+972502222222").await;
    let owner_b = app.login("owner@b.io", "owner-password-1").await;
    let owner_c = app.login("owner@c.io", "owner-password-1").await;
    add_user(&owner_b, "agent@b.io", "agent").await;
    let agent_b = app.login("agent@b.io", "user-password-1").await;
    let lb = create_lead(&owner_b, "B-lead", "0531111111").await;
    let lc = create_lead(&owner_c, "C-lead", "0531111111").await; // same phone, other business: fine
    assert_eq!(lb["tenant_id"], b);
    assert_eq!(lc["tenant_id"], c);
    let lb_id = lb["id"].as_i64().unwrap();
    let b_path = format!("/api/leads/{lb_id}");
    // Another business's lead is 404 on every verb.
    assert_eq!(owner_c.get_json(&b_path).await.0, 404);
    assert_eq!(owner_c.patch(&b_path, &json!({"first_name": "x"})).await.0, 404);
    assert_eq!(owner_c.post(&format!("{b_path}/status"), &json!({"status": "won"})).await.0, 404);
    assert_eq!(owner_c.post(&format!("{b_path}/activities"), &json!({"body": "x"})).await.0, 404);
    assert_eq!(owner_c.get_json(&format!("{b_path}/activities")).await.0, 404);
    assert_eq!(owner_c.delete(&b_path).await.0, 404);
    // The agent works the lead but may not delete it.
    assert_eq!(agent_b.get_json(&b_path).await.0, 200);
    assert_eq!(agent_b.post(&format!("{b_path}/status"), &json!({"status": "won"})).await.0, 200);
    assert_eq!(agent_b.delete(&b_path).await.0, 403);
    // Lists.
    let (_, list_b) = owner_b.get_json("/api/leads").await;
    assert_eq!(list_b["total"], 1);
    assert_eq!(list_b["items"][0]["id"], lb_id);
    let (_, all) = admin.get_json("/api/leads").await;
    assert_eq!(all["total"], 2, "the admin, not impersonating, sees every business");
    let tenants: Vec<i64> = all["items"].as_array().unwrap().iter().map(|l| l["tenant_id"].as_i64().unwrap()).collect();
    assert!(tenants.contains(&b) && tenants.contains(&c));
    admin.post_empty(&format!("/api/admin/businesses/{c}/impersonate")).await;
    let (_, imp) = admin.get_json("/api/leads").await;
    assert_eq!(imp["total"], 1);
    assert_eq!(imp["items"][0]["tenant_id"], c);
    assert_eq!(admin.get_json(&b_path).await.0, 404, "impersonating C hides B");
    // A lead created while impersonating lands in C, with the real actor recorded.
    let created = create_lead(&admin, "by-admin", "0539999999").await;
    assert_eq!(created["tenant_id"], c);
    let (_, acts) = admin.get_json(&format!("/api/leads/{}/activities", created["id"])).await;
    assert_eq!(acts["items"][0]["actor_user_id"], 1);
    assert_eq!(acts["items"][0]["impersonating"], true);
    admin.post_empty("/api/admin/impersonate/exit").await;
    // Not impersonating: the admin's own leads go home unless tenant_id names another business.
    let home = create_lead(&admin, "home", "0538888888").await;
    assert_eq!(home["tenant_id"], 1);
    let (s, named) =
        admin.post("/api/leads", &json!({"first_name": "n", "phone_e164": "0538888888", "tenant_id": b})).await;
    assert_eq!(s, 201);
    assert_eq!(named["tenant_id"], b);
    let (s, _) =
        owner_b.post("/api/leads", &json!({"first_name": "n", "phone_e164": "0537777777", "tenant_id": c})).await;
    assert_eq!(s, 403);
    let mut anon = app.client();
    anon.fetch_csrf().await;
    assert_eq!(anon.get_json("/api/leads").await.0, 401);
    assert_eq!(anon.post("/api/leads", &json!({"first_name": "x", "phone_e164": "0531231234"})).await.0, 401);
}

#[tokio::test]
async fn search_filters_and_pagination() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    for i in 0..30 {
        let (s, _) = admin
            .post(
                "/api/leads",
                &json!({
                    "first_name": if i % 3 == 0 { "Dana" } else { "Yossi" },
                    "last_name": format!("L{i}"),
                    "phone_e164": format!("05412340{i:02}"),
                    "email": format!("p{i}@mail.example"),
                    "source": if i % 2 == 0 { "call" } else { "whatsapp" },
                }),
            )
            .await;
        assert_eq!(s, 201);
    }
    let (_, all) = admin.get_json("/api/leads?page_size=7").await;
    assert_eq!(all["total"], 30);
    assert_eq!(all["items"].as_array().unwrap().len(), 7);
    assert_eq!(all["page_size"], 7);
    assert_eq!(all["items"][0]["last_name"], "L29", "most recent activity first");
    let (_, p5) = admin.get_json("/api/leads?page_size=7&page=5").await;
    assert_eq!(p5["items"].as_array().unwrap().len(), 2);
    assert_eq!(admin.get_json("/api/leads?q=dana").await.1["total"], 10);
    assert_eq!(admin.get_json("/api/leads?q=p7@mail").await.1["total"], 1);
    assert_eq!(admin.get_json("/api/leads?q=054-1234012").await.1["total"], 1, "national format finds E.164");
    assert_eq!(admin.get_json("/api/leads?q=%2B97254123401").await.1["total"], 10);
    assert_eq!(admin.get_json("/api/leads?q=L2").await.1["total"], 11, "short terms still work");
    assert_eq!(admin.get_json("/api/leads?source=call").await.1["total"], 15);
    assert_eq!(admin.get_json("/api/leads?source=call&q=dana").await.1["total"], 5);
    let (s, body) = admin.get_json("/api/leads?status=nope").await;
    assert_eq!(s, 400);
    assert_eq!(body["field"], "status");
    let lead_id = admin.get_json("/api/leads?q=L5").await.1["items"][0]["id"].as_i64().unwrap();
    admin.post(&format!("/api/leads/{lead_id}/status"), &json!({"status": "won"})).await;
    let (_, won) = admin.get_json("/api/leads?status=won").await;
    assert_eq!(won["total"], 1);
    assert_eq!(admin.get_json("/api/leads").await.1["items"][0]["id"], lead_id, "activity moves it to the top");
    // Renames are searchable at once.
    admin.patch(&format!("/api/leads/{lead_id}"), &json!({"first_name": "Zebulun"})).await;
    assert_eq!(admin.get_json("/api/leads?q=zebul").await.1["total"], 1);
}

#[tokio::test]
async fn a_status_change_is_recorded_once_by_the_same_rule_for_every_caller() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let id = create_lead(&admin, "Rule", "0521000301").await["id"].as_i64().unwrap();
    let kinds = |acts: Vec<Value>| -> Vec<String> { acts.iter().map(|a| a["kind"].as_str().unwrap().into()).collect() };
    // POST /status with a change: one entry carrying the note.
    let (s, _) =
        admin.post(&format!("/api/leads/{id}/status"), &json!({"status": "contacted", "note": "called"})).await;
    assert_eq!(s, 200);
    let acts = activities(&admin, id).await;
    assert_eq!(kinds(acts.clone()), ["status_change", "created"]);
    assert_eq!((acts[0]["body"].as_str(), acts[0]["data"]["to"].as_str()), (Some("called"), Some("contacted")));
    // The same status again: no change recorded, the note kept as a note.
    let (s, _) = admin.post(&format!("/api/leads/{id}/status"), &json!({"status": "contacted", "note": "again"})).await;
    assert_eq!(s, 200);
    let (s, _) = admin.post(&format!("/api/leads/{id}/status"), &json!({"status": "contacted"})).await;
    assert_eq!(s, 200);
    // PATCH with the same status: nothing; with another: one entry.
    assert_eq!(admin.patch(&format!("/api/leads/{id}"), &json!({"status": "contacted"})).await.0, 200);
    assert_eq!(admin.patch(&format!("/api/leads/{id}"), &json!({"status": "qualified"})).await.0, 200);
    assert_eq!(kinds(activities(&admin, id).await), ["status_change", "note", "status_change", "created"]);
}
