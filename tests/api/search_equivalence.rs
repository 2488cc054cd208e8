//! Search answers are those of a plain scan: a data file with a few thousand
//! varied leads (Hebrew, English and Cyrillic names, phones, emails), some in
//! the search index, some created or renamed since its last batch, and for a
//! set of terms the API's ids, in order, and totals are compared with every
//! lead's text checked one by one, in the list's order.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::helpers::*;

const FIRST: [&str; 12] =
    ["Dana", "Yossi", "Noa", "Avi", "Maya", "Itai", "דנה", "יוסי", "נועה", "Ольга", "ИВАН", "O\"Brien"];
const LAST: [&str; 8] = ["Levi", "Cohen", "כהן", "לוי", "Petrova", "Mizrahi", "Ben-David", ""];

/// The text the search covers, as the list's search reads it.
fn searched_text(r: &rusqlite::Row) -> String {
    let f = |i: usize| r.get::<_, Option<String>>(i).unwrap().unwrap_or_default();
    format!("{} {} {} {} {}", f(1), f(2), f(3), f(4), f(5))
}

/// The expected answer: every lead of `tenant` (None: all) whose text
/// contains the term (case aside, which the data keeps to scripts where
/// lowercasing is simple), most recently active first.
fn scan(data: &Path, tenant: Option<i64>, status: Option<&str>, term: &str) -> Vec<i64> {
    let c = rusqlite::Connection::open(data).unwrap();
    let mut stmt = c
        .prepare(
            "SELECT id, first_name, last_name, phone_e164, whatsapp_id, email FROM leads
             WHERE (?1 IS NULL OR tenant_id = ?1) AND (?2 IS NULL OR status = ?2)
             ORDER BY last_activity_at DESC, id DESC",
        )
        .unwrap();
    let term = term.to_lowercase();
    stmt.query_map(rusqlite::params![tenant, status], |r| Ok((r.get::<_, i64>(0)?, searched_text(r).to_lowercase())))
        .unwrap()
        .map(Result::unwrap)
        .filter(|(_, text)| text.contains(&term))
        .map(|(id, _)| id)
        .collect()
}

/// The term as the search takes it: phone-looking input is its digits without a leading 0.
fn as_searched(q: &str) -> String {
    if q.chars().all(|c| c.is_ascii_digit() || " +-().".contains(c)) {
        q.chars().filter(char::is_ascii_digit).collect::<String>().trim_start_matches('0').to_string()
    } else {
        q.to_string()
    }
}

/// Every page of the API's answer (up to `max_pages`), and its first page's body.
async fn api_ids(s: &Session, query: &str, max_pages: usize) -> (Vec<i64>, Value) {
    let mut ids = Vec::new();
    let mut first = Value::Null;
    for page in 1..=max_pages {
        let (st, body) = s.get_json(&format!("/api/leads?{query}&page_size=200&page={page}")).await;
        assert_eq!(st, 200, "{query}: {body}");
        let items = body["items"].as_array().unwrap();
        ids.extend(items.iter().map(|l| l["id"].as_i64().unwrap()));
        let done = items.len() < 200;
        if page == 1 {
            first = body;
        }
        if done {
            break;
        }
    }
    (ids, first)
}

fn seed(data: &Path, tenants: &[i64], n: usize) {
    let mut c = rusqlite::Connection::open(data).unwrap();
    let tx = c.transaction().unwrap();
    {
        let mut ins = tx
            .prepare(
                "INSERT INTO leads (tenant_id, first_name, last_name, phone_e164, whatsapp_id, email, source, status,
                                    last_activity_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'form', ?7, strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?8))",
            )
            .unwrap();
        for i in 0..n {
            let email = (i % 3 != 0).then(|| format!("{}{i}@mail.example", ["dana", "noa", "x"][i % 3]));
            let whatsapp = (i % 7 == 0).then(|| format!("97252{i:07}"));
            ins.execute(rusqlite::params![
                tenants[i % tenants.len()],
                FIRST[i % FIRST.len()],
                LAST[(i / 3) % LAST.len()],
                format!("+9725{}{i:07}", i % 4),
                whatsapp,
                email,
                ["new", "contacted", "won"][i % 3],
                format!("-{} seconds", (n - i) * 7),
            ])
            .unwrap();
        }
    }
    tx.commit().unwrap();
}

const TERMS: [&str; 23] = [
    "dana",
    "DANA",
    "Dan",
    "levi",
    "a le",
    "דנה",
    "כהן",
    "ольга",
    "иван",
    "ПЕТРОВА",
    "o\"brien",
    "\"b",
    "mail.ex",
    "@mail",
    "0521",
    "052-1",
    "+972 53",
    "97252",
    "+9725",
    "zzzz",
    "Ben-D",
    "renamed",
    "freshly",
];

#[tokio::test]
async fn search_answers_as_a_scan_of_every_lead() {
    let dir = tempfile::tempdir().unwrap();
    let data: PathBuf = dir.path().join("search.db");
    let mut app = Spawn::default().data_file(data.clone()).start().await;
    let admin = app.admin().await;
    let other = create_business(&admin, "Other", "owner@other.test", "+97235550000").await;
    app.terminate();
    drop(app);
    seed(&data, &[1, 1, other], 3000);

    let app = Spawn::default().data_file(data.clone()).start().await;
    let admin = app.admin().await;
    let owner = app.login("owner@other.test", "owner-password-1").await;
    // After the file's leads: some created through the API (the last ones not
    // yet in an index batch), some renamed, one deleted.
    for i in 0..100 {
        let first = if i % 2 == 0 { "Freshly" } else { "Dana" };
        create_lead(&owner, first, &format!("+97254{i:07}")).await;
    }
    for id in [5, 9, 12, 2999, 3000] {
        let (st, body) = admin.patch(&format!("/api/leads/{id}"), &json!({"first_name": "Renamed"})).await;
        assert_eq!(st, 200, "{body}");
    }
    for id in [14, 15] {
        let (st, body) = admin.delete(&format!("/api/leads/{id}")).await;
        assert!(st.is_success(), "{body}");
    }

    let (mut bounded, mut found) = (0, 0);
    for (session, tenant) in [(&owner, Some(other)), (&admin, None)] {
        for term in TERMS {
            let q: String = form_urlencoded::byte_serialize(term.as_bytes()).collect();
            let want = scan(&data, tenant, None, &as_searched(term));
            let (got, body) = api_ids(session, &format!("q={q}"), 12).await;
            found += usize::from(!want.is_empty());
            if body["total_is_lower_bound"] == json!(true) {
                bounded += 1;
                let shown = body["total"].as_i64().unwrap();
                assert!(want.len() as i64 > shown, "{term}: {} matches, said more than {shown}", want.len());
                assert_eq!(got[..], want[..got.len()], "{term}: the newest matches");
            } else {
                assert_eq!(body["total"], json!(want.len()), "{term}: total");
                // All pages, or as many as were read.
                let read = want.len().min(12 * 200);
                assert_eq!(got[..], want[..read], "{term}: ids in order (tenant {tenant:?})");
            }
            let want = scan(&data, tenant, Some("won"), &as_searched(term));
            let (got, body) = api_ids(session, &format!("q={q}&status=won"), 6).await;
            assert_eq!(body["total"], json!(want.len()), "{term} won: total");
            assert_eq!(got, want, "{term} won: ids in order");
        }
    }
    // The plain list in the same order (the platform's merges its businesses' orders).
    for (session, tenant) in [(&owner, Some(other)), (&admin, None)] {
        for (query, status) in [("source=form", None), ("status=won", Some("won")), ("status=new", Some("new"))] {
            let want = scan(&data, tenant, status, "");
            let (got, body) = api_ids(session, query, 3).await;
            assert_eq!(body["total"], json!(want.len()), "{query}: total");
            assert_eq!(got[..], want[..want.len().min(600)], "{query}: ids in order (tenant {tenant:?})");
        }
    }
    assert!(bounded > 0 && found > 20, "the terms cover bounded totals ({bounded}) and matches ({found})");
}
