//! Leads as CSV: the streamed export (BOM, header, filters, scope) and the
//! import (Excel's `;` with BOM and CRLF, `,`, local phones, duplicates,
//! invalid rows by number, dry run, limits).

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

const HEADER: &str = "id,first_name,last_name,phone_e164,email,source,status,notes,tags,created_at,last_activity_at";

async fn import_csv(s: &Session, body: impl Into<Vec<u8>>, dry_run: bool) -> (StatusCode, Value) {
    let path = if dry_run { "/api/leads/import?dry_run=true" } else { "/api/leads/import" };
    let res = s
        .http
        .post(s.url(path))
        .header("X-CSRFToken", s.csrf.as_deref().unwrap_or(""))
        .header("content-type", "text/csv")
        .body(body.into())
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// The export's body (BOM checked and removed) as rows of cells, header included.
async fn export(s: &Session, query: &str) -> Vec<Vec<String>> {
    let res = s.get(&format!("/api/leads/export.csv{query}")).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    assert_eq!(res.headers()["content-disposition"], "attachment; filename=\"leads.csv\"");
    let bytes = res.bytes().await.unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "no BOM");
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(&bytes[3..]);
    reader.records().map(|r| r.unwrap().iter().map(str::to_string).collect()).collect()
}

fn by_phone<'a>(rows: &'a [Value], phone: &str) -> &'a Value {
    rows.iter().find(|l| l["phone_e164"] == phone).unwrap_or_else(|| panic!("no lead {phone}"))
}

#[tokio::test]
async fn an_excel_file_with_semicolons_bom_crlf_and_hebrew_names_imports_after_a_dry_run() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let file = "\u{feff}First_Name; Last_Name ;PHONE;Email;Notes;Tags\r\n\
                דנה;כהן;052-1234567;dana@example.com;לקוחה חוזרת;vip|חוזרת\r\n\
                יוסי;לוי;054-7654321;;;\r\n";
    let (s, dry) = import_csv(&admin, file, true).await;
    assert_eq!(s, 200, "{dry}");
    assert_eq!(dry, json!({"dry_run": true, "rows": 2, "created": 2, "updated": 0, "duplicates": [], "invalid": []}));
    assert!(leads(&admin).await.is_empty(), "a dry run writes nothing");
    let (_, audit) = admin.get_json("/api/business/current/audit?action=lead.import").await;
    assert_eq!(audit["total"], 0);

    let (s, done) = import_csv(&admin, file, false).await;
    assert_eq!(s, 200, "{done}");
    assert_eq!(done["created"], 2);
    assert_eq!(done["dry_run"], false);
    let all = leads(&admin).await;
    let dana = by_phone(&all, "+972521234567");
    assert_eq!((dana["first_name"].as_str(), dana["last_name"].as_str()), (Some("דנה"), Some("כהן")));
    assert_eq!(dana["email"], "dana@example.com");
    assert_eq!(dana["notes"], "לקוחה חוזרת");
    assert_eq!(dana["tags"], json!(["vip", "חוזרת"]));
    assert_eq!(by_phone(&all, "+972547654321")["email"], Value::Null);
    let acts = activities(&admin, dana["id"].as_i64().unwrap()).await;
    assert_eq!(acts.iter().filter(|a| a["kind"] == "created").count(), 1);
    let (_, audit) = admin.get_json("/api/business/current/audit?action=lead.import").await;
    assert_eq!(audit["total"], 1);
    assert_eq!(audit["items"][0]["details"]["created"], 2);
}

#[tokio::test]
async fn duplicates_fill_empty_fields_only_and_invalid_rows_are_named_by_row() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let existing = create_lead(&admin, "Existing", "0521111111").await;
    let existing_id = existing["id"].as_i64().unwrap();
    let file = "first_name,last_name,phone_e164,email,notes\n\
                Rina,Levi,0521111111,rina@example.com,\n\
                Avi,,0532222222,,\n\
                Avi2,Ben,053-2222222,avi@example.com,\n\
                Bad,,12,,\n\
                Bad2,,0543333333,not-an-email,\n\
                ,NoFirst,0544444444,,\n\
                \"Quoted, Name\",,0545555555,,\"line1\nline2\"\n";
    let (s, dry) = import_csv(&admin, file, true).await;
    assert_eq!(s, 200, "{dry}");
    assert_eq!(dry["rows"], 7);
    assert_eq!(dry["created"], 2);
    assert_eq!(dry["updated"], 2);
    assert_eq!(dry["duplicates"], json!([{"row": 1, "lead_id": existing_id}, {"row": 3, "lead_id": null}]));
    let invalid: Vec<(i64, &str)> = dry["invalid"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["row"].as_i64().unwrap(), i["field"].as_str().unwrap()))
        .collect();
    assert_eq!(invalid, [(4, "phone_e164"), (5, "email"), (6, "first_name")]);
    assert!(dry["invalid"][0]["message"].as_str().unwrap().contains("phone"));
    assert_eq!(leads(&admin).await.len(), 1, "a dry run writes nothing");
    assert_eq!(by_phone(&leads(&admin).await, "+972521111111")["email"], Value::Null);

    let (s, done) = import_csv(&admin, file, false).await;
    assert_eq!(s, 200, "{done}");
    assert_eq!((done["created"].as_i64(), done["updated"].as_i64()), (Some(2), Some(2)));
    let all = leads(&admin).await;
    assert_eq!(all.len(), 3);
    let avi = by_phone(&all, "+972532222222");
    assert_eq!(done["duplicates"], json!([{"row": 1, "lead_id": existing_id}, {"row": 3, "lead_id": avi["id"]}]));
    assert_eq!(done["invalid"], dry["invalid"]);
    let e = by_phone(&all, "+972521111111");
    assert_eq!(e["first_name"], "Existing", "an import never overwrites");
    assert_eq!((e["last_name"].as_str(), e["email"].as_str()), (Some("Levi"), Some("rina@example.com")));
    assert_eq!((avi["first_name"].as_str(), avi["last_name"].as_str()), (Some("Avi"), Some("Ben")));
    assert_eq!(by_phone(&all, "+972545555555")["notes"], "line1\nline2");
    let acts = activities(&admin, existing_id).await;
    assert!(acts.iter().any(|a| a["kind"] == "updated"), "{acts:?}");

    // The same file again: everything is a duplicate now, nothing to fill.
    let (_, again) = import_csv(&admin, file, false).await;
    assert_eq!((again["created"].as_i64(), again["updated"].as_i64()), (Some(0), Some(0)));
    assert_eq!(again["duplicates"].as_array().unwrap().len(), 4);
}

#[tokio::test]
async fn the_import_refuses_other_types_missing_columns_too_many_rows_and_cross_site_writes() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (s, body) = admin.post("/api/leads/import", &json!({"first_name": "A"})).await;
    assert_eq!(s, 415);
    assert_eq!(assert_error(&body), "unsupported_media_type");
    let (s, body) = import_csv(&admin, "first_name,email\nA,a@b.co\n", false).await;
    assert_eq!(s, 400);
    assert_eq!(assert_error(&body), "invalid_input");
    assert_eq!(body["field"], "header");
    let mut big = String::from("first_name,phone\n");
    for i in 0..20_001 {
        big.push_str(&format!("A,05{i:08}\n"));
    }
    let (s, body) = import_csv(&admin, big, true).await;
    assert_eq!(s, 413);
    assert_eq!(assert_error(&body), "payload_too_large");
    assert!(body["hint"].as_str().unwrap().contains("20000"), "{body}");
    let mut no_token = app.admin().await;
    no_token.csrf = None;
    let (s, _) = import_csv(&no_token, "first_name,phone\nA,0521234567\n", false).await;
    assert_eq!(s, 403);
    assert!(leads(&admin).await.is_empty());
}

#[tokio::test]
async fn the_export_streams_every_lead_in_scope_with_filters_and_round_trips_through_the_import() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    create_business(&admin, "Bakery", "owner@b.io", "+972501111111").await;
    create_business(&admin, "Cafe", "owner@c.io", "+972502222222").await;
    let owner_b = app.login("owner@b.io", "owner-password-1").await;
    let owner_c = app.login("owner@c.io", "owner-password-1").await;
    create_lead(&admin, "Elsewhere", "0529999999").await;
    let dana = create_lead(&owner_b, "דנה", "0521234567").await;
    create_lead(&owner_b, "=HYPERLINK(\"x\")", "0521234568").await;
    let (s, _) =
        owner_b.post(&format!("/api/leads/{}/status", dana["id"]), &json!({"status": "won", "note": ""})).await;
    assert_eq!(s, 200);

    let rows = export(&owner_b, "").await;
    assert_eq!(rows[0].join(","), HEADER);
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert!(rows.iter().all(|r| r[1] != "Elsewhere"), "another business's lead leaked");
    let d = rows.iter().find(|r| r[3] == "+972521234567").unwrap();
    assert_eq!((d[1].as_str(), d[5].as_str(), d[6].as_str()), ("דנה", "form", "won"));
    let f = rows.iter().find(|r| r[3] == "+972521234568").unwrap();
    assert_eq!(f[1], "'=HYPERLINK(\"x\")", "formulas are neutralised");
    let won = export(&owner_b, "?status=won").await;
    assert_eq!(won.len(), 2);
    assert_eq!(won[1][1], "דנה");
    assert_eq!(export(&owner_b, "?q=%D7%93%D7%A0%D7%94").await.len(), 2, "search by a Hebrew name");
    assert_eq!(export(&owner_b, "?source=call").await.len(), 1, "the header only");
    let (s, body) = owner_b.get_json("/api/leads/export.csv?status=nope").await;
    assert_eq!((s, body["field"].as_str()), (StatusCode::BAD_REQUEST, Some("status")));
    assert_eq!(app.client().get("/api/leads/export.csv").await.status(), 401);

    // Round trip into another business: the same names and phones.
    let res = owner_b.get("/api/leads/export.csv").await;
    let file = res.bytes().await.unwrap().to_vec();
    let (s, done) = import_csv(&owner_c, file, false).await;
    assert_eq!(s, 200, "{done}");
    assert_eq!(done["created"], 2);
    let mut b: Vec<_> = rows[1..].iter().map(|r| (r[1].clone(), r[3].clone())).collect();
    let mut c: Vec<_> = export(&owner_c, "").await[1..].iter().map(|r| (r[1].clone(), r[3].clone())).collect();
    b.sort();
    c.sort();
    assert_eq!(b, c);
    let imported = leads(&owner_c).await;
    assert_eq!(by_phone(&imported, "+972521234568")["first_name"], "=HYPERLINK(\"x\")");

    // Many pages: every lead exactly once.
    let mut many = String::from("first_name;phone\n");
    for i in 0..1_234 {
        many.push_str(&format!("N{i};+9725300{i:05}\n"));
    }
    let (s, done) = import_csv(&owner_c, many, false).await;
    assert_eq!((s, done["created"].as_i64()), (StatusCode::OK, Some(1_234)), "{done}");
    let rows = export(&owner_c, "").await;
    assert_eq!(rows.len(), 1 + 1_234 + 2);
    let ids: std::collections::HashSet<_> = rows[1..].iter().map(|r| r[0].clone()).collect();
    assert_eq!(ids.len(), 1_236);
    // The platform admin (not impersonating) exports every business.
    assert_eq!(export(&admin, "").await.len(), 1 + 1 + 2 + 1_236);
}
