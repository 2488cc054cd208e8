//! The search index and the list planner against a real data file.

use super::*;
use crate::db::Db;
use crate::store::PageRequest;

fn matches(db: &Db, term: &str) -> Vec<i64> {
    db.write_blocking(|c| -> StoreResult<Vec<i64>> {
        Ok(c.prepare("SELECT rowid & 4294967295 FROM leads_fts WHERE leads_fts MATCH ?1 ORDER BY rowid")?
            .query_map([term], |r| r.get(0))?
            .collect::<Result<_, _>>()?)
    })
    .unwrap()
}

fn found(db: &Db, q: &str) -> Vec<i64> {
    let s = Search::parse(q).unwrap();
    db.write_blocking(|c| matching_ids(c, Scope::All, &s, None)).unwrap().0
}

/// Search finds what is written at once, whether or not a batch has indexed
/// it yet (a failed write leaves nothing behind, a renamed lead is found by
/// its new name only); the writer indexes a batch once enough leads wait,
/// and a start indexes what another program wrote.
#[test]
fn search_follows_writes_before_and_after_their_batch() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let db = Db::open(&path).unwrap();
    db.write_blocking(|tx| -> StoreResult<_> {
        tx.execute_batch("INSERT INTO tenants (id, name) VALUES (1, 't')")?;
        Ok(())
    })
    .unwrap();
    let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
    rt.block_on(async {
        let add = |name: &'static str, phone: &'static str, fail: bool| {
            let db = db.clone();
            async move {
                db.write(move |tx| -> StoreResult<()> {
                    tx.execute(
                        "INSERT INTO leads (tenant_id, first_name, phone_e164, source) VALUES (1, ?1, ?2, 'manual')",
                        params![name, phone],
                    )?;
                    if fail {
                        return Err(StoreError::NotFound("a failing write"));
                    }
                    Ok(())
                })
                .await
            }
        };
        let (a, b, c) = tokio::join!(
            add("Zehava", "+972521000001", false),
            add("Zalman", "+972521000002", true),
            add("Zipora", "+972521000003", false)
        );
        assert!(a.is_ok() && b.is_err() && c.is_ok());
    });
    let rename = |from: &'static str, to: &'static str| {
        db.write_blocking(move |tx| -> StoreResult<()> {
            tx.execute("UPDATE leads SET first_name = ?2 WHERE first_name = ?1", [from, to])?;
            Ok(())
        })
        .unwrap()
    };
    rename("Zehava", "Yardena");
    let check = || {
        assert_eq!(found(&db, "zipora").len(), 1);
        assert!(found(&db, "Zalman").is_empty(), "a rolled-back write is found");
        assert!(found(&db, "Zehava").is_empty(), "the old name is still found");
        assert_eq!(found(&db, "Yardena").len(), 1);
    };
    check();
    assert!(matches(&db, "\"Zipora\"").is_empty(), "indexed before its batch");
    db.write_blocking(|tx| -> StoreResult<()> {
        for i in 0..BATCH {
            tx.execute(
                "INSERT INTO leads (tenant_id, first_name, phone_e164, source) VALUES (1, 'Filler', ?1, 'form')",
                [format!("+97253{i:07}")],
            )?;
        }
        Ok(())
    })
    .unwrap();
    assert_eq!(matches(&db, "\"Zipora\"").len(), 1, "a batch indexes the waiting leads");
    check();
    // Renamed after indexing: the stale entry is not trusted until the next batch replaces it.
    rename("Yardena", "Tamar");
    assert!(found(&db, "Yardena").is_empty());
    assert_eq!(found(&db, "tamar").len(), 1);
    let other = rusqlite::Connection::open(&path).unwrap();
    other
            .execute("INSERT INTO leads (tenant_id, first_name, phone_e164, source) VALUES (1, 'Tehila', '+972539999999', 'manual')", [])
            .unwrap();
    assert_eq!(found(&db, "Tehila").len(), 1);
    drop(db);
    let db = Db::open(&path).unwrap();
    assert_eq!(matches(&db, "\"Tehila\"").len(), 1, "a start indexes what others wrote");
    assert_eq!(matches(&db, "\"Tamar\"").len(), 1);
    assert!(matches(&db, "\"Yardena\"").is_empty());
}

/// The list's hand-written body must stay what serialising `Lead`s gives.
#[test]
fn the_streamed_list_body_is_the_lead_json_of_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&dir.path().join("l.db")).unwrap();
    db.write_blocking(|tx| -> StoreResult<_> {
        tx.execute_batch(
            "INSERT INTO tenants (id, name) VALUES (1, 't');
                 INSERT INTO leads (tenant_id, first_name, last_name, phone_e164, email, source, notes)
                     VALUES (1, 'דנה \"ד\"', 'לוי\\', '+972521111111', 'd@example.com', 'manual', 'line1
line2');
                 INSERT INTO leads (tenant_id, first_name, whatsapp_id, source, status)
                     VALUES (1, 'x', 'wa-user', 'whatsapp', 'contacted');",
        )?;
        Ok(())
    })
    .unwrap();
    let page = PageRequest::new(Some(1), Some(10), 25);
    let body = db.write_blocking(|c| list_json(c, Scope::All, &LeadFilter::default(), page)).unwrap();
    let got: serde_json::Value = serde_json::from_slice(&body).unwrap();
    let want = db
        .write_blocking(|c| -> StoreResult<_> {
            let ids: Vec<i64> = got["items"].as_array().unwrap().iter().map(|l| l["id"].as_i64().unwrap()).collect();
            let leads = ids
                .iter()
                .map(|id| get(c, Scope::All, LeadId(*id)).map(Option::unwrap))
                .collect::<StoreResult<Vec<_>>>()?;
            let mut want = serde_json::to_value(page.wrap(leads, 2)).unwrap();
            want["total_is_lower_bound"] = false.into();
            Ok(want)
        })
        .unwrap();
    assert_eq!(got, want);
    assert_eq!(got["items"].as_array().unwrap().len(), 2);
}

/// Every way a search page can be made (walking the activity index for a
/// common term, sorting the matches of a rare one, other filters on top)
/// answers what a plain scan in the business would, page by page.
#[test]
fn search_pages_match_a_plain_scan_in_the_business() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&dir.path().join("q.db")).unwrap();
    db.write_blocking(|tx| -> StoreResult<_> {
        tx.execute_batch("INSERT INTO tenants (id, name) VALUES (1, 'a'), (2, 'b')")?;
        let names = ["Dana", "Yossi", "Noa", "Avi"];
        for i in 0..400i64 {
            let tenant = 1 + i % 2;
            let status = if i % 3 == 0 { "contacted" } else { "new" };
            tx.execute(
                "INSERT INTO leads (tenant_id, first_name, last_name, phone_e164, source, status, last_activity_at)
                     VALUES (?1, ?2, ?3, ?4, 'form', ?5, ?6)",
                params![
                    tenant,
                    names[(i % 4) as usize],
                    format!("Levi{i}"),
                    format!("+9725200{i:05}"),
                    status,
                    format!("2026-01-01T00:{:02}:{:02}.000Z", (i * 7919) % 60, i % 60)
                ],
            )?;
        }
        Ok(())
    })
    .unwrap();
    let ids = |body: Vec<u8>| -> (Vec<i64>, i64, bool) {
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        let ids = v["items"].as_array().unwrap().iter().map(|l| l["id"].as_i64().unwrap()).collect();
        (ids, v["total"].as_i64().unwrap(), v["total_is_lower_bound"] == serde_json::Value::Bool(true))
    };
    let cases: [(&str, Option<LeadStatus>); 5] =
        [("Dana", None), ("Levi1", None), ("Levi123", None), ("Dana", Some(LeadStatus::Contacted)), ("Nobody", None)];
    for scope in [Scope::Tenant(TenantId(1)), Scope::Tenant(TenantId(2)), Scope::All] {
        for (q, status) in cases {
            let like = format!("%{q}%");
            let want: Vec<i64> = db
                .write_blocking(|c| -> StoreResult<_> {
                    Ok(c.prepare(
                        "SELECT id FROM leads WHERE (?1 IS NULL OR tenant_id = ?1) AND (?2 IS NULL OR status = ?2)
                             AND (first_name LIKE ?3 OR last_name LIKE ?3) ORDER BY last_activity_at DESC, id DESC",
                    )?
                    .query_map(params![scope.filter(), status, like], |r| r.get(0))?
                    .collect::<Result<_, _>>()?)
                })
                .unwrap();
            for (page, size) in [(1, 50), (2, 7), (3, 20), (40, 50)] {
                let f = LeadFilter { q: Some(q.to_string()), status, ..Default::default() };
                let p = PageRequest::new(Some(page), Some(size), 25);
                let (got, total, more) = ids(db.write_blocking(|c| list_json(c, scope, &f, p)).unwrap());
                let expect: Vec<i64> = want.iter().copied().skip(p.offset() as usize).take(size as usize).collect();
                let case = format!("{scope:?} q={q} {status:?} page {page}/{size}");
                assert_eq!(got, expect, "{case}");
                if more {
                    // Dense matches: the total says "more than" the page, truthfully.
                    assert!(want.len() as i64 > total && total >= p.offset() + size, "{case}: more than {total}");
                } else {
                    assert_eq!(total, want.len() as i64, "{case}");
                }
            }
        }
    }
}

#[test]
fn search_terms_for_phones_drop_formatting_and_the_national_zero() {
    assert_eq!(search_term("052-123").as_deref(), Some("\"52123\""));
    assert_eq!(search_term("+972 52").as_deref(), Some("\"97252\""));
    assert_eq!(search_term("ab"), None);
    assert_eq!(search_term("דנה").as_deref(), Some("\"דנה\""));
    assert_eq!(search_term("a\"b c").as_deref(), Some("\"a\"\"b c\""));
}
