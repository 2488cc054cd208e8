//! Safe upgrades and restore: the verified copy taken before a schema
//! migration, and `frontdesk restore` (refused under a running server, or
//! for a file that is corrupt or newer than this build).

use std::{ffi::OsStr, path::Path};

use rusqlite::Connection;

use crate::helpers::*;

fn user_version(path: &Path) -> u32 {
    Connection::open(path).unwrap().pragma_query_value(None, "user_version", |r| r.get(0)).unwrap()
}

fn lead_names(path: &Path) -> Vec<String> {
    let c = Connection::open(path).unwrap();
    let mut stmt = c.prepare("SELECT first_name FROM leads ORDER BY id").unwrap();
    stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
}

fn integrity(path: &Path) -> String {
    Connection::open(path).unwrap().query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap()
}

fn mode_of(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn restore(data: &Path, backup: &Path) -> (bool, String, String) {
    let out = run_cli(data, &[OsStr::new("restore"), backup.as_os_str()]);
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
async fn an_older_data_file_gets_a_verified_copy_before_it_is_migrated() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("frontdesk.db");
    schema_v1_file(&data);
    let mut app = Spawn::default().reuse(dir).start().await;
    assert_eq!(app.client().get("/readyz").await.status(), 200);
    let latest = latest_schema_version();
    let copy = with_suffix(&app.data_path(), &format!(".pre-v{latest}.db"));
    assert!(copy.is_file(), "no pre-upgrade copy: {:?}", names_in(app.dir.path()));
    assert_eq!(user_version(&copy), 1, "the copy is the file as it was");
    assert_eq!(lead_names(&copy), ["Dana"]);
    assert_eq!(integrity(&copy), "ok");
    assert_eq!(mode_of(&copy), 0o600);
    assert_eq!(user_version(&app.data_path()), latest);
    let admin = app.admin().await;
    let names: Vec<_> = leads(&admin).await.iter().map(|l| l["first_name"].clone()).collect();
    assert_eq!(names, ["Dana"], "the migrated file keeps its lead");

    // A current file gets no copy; nor does a new one.
    assert!(app.terminate().success());
    let dir = std::mem::replace(&mut app.dir, tempfile::tempdir().unwrap());
    drop(app);
    let before = names_in(dir.path());
    let again = Spawn::default().reuse(dir).start().await;
    assert_eq!(again.client().get("/readyz").await.status(), 200);
    let pre: Vec<_> = names_in(again.dir.path()).into_iter().filter(|n| n.contains(".pre-v")).collect();
    assert_eq!(pre, [format!("frontdesk.db.pre-v{latest}.db")], "before: {before:?}");
    let fresh = spawn_app().await;
    assert_eq!(fresh.client().get("/readyz").await.status(), 200);
    assert!(names_in(fresh.dir.path()).iter().all(|n| !n.contains(".pre-v")));
}

/// Rebuilding the leads and users tables (to name their CHECKs) keeps every
/// row that refers to them, the search index and the totals.
#[tokio::test]
async fn rebuilt_tables_keep_what_refers_to_them() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("frontdesk.db");
    let c = schema_file_at(&data, 6);
    c.execute_batch(
        "INSERT INTO tenants (id, name) VALUES (1, 'Old Business');
         INSERT INTO leads (id, tenant_id, first_name, phone_e164, source, status)
             VALUES (1, 1, 'Dana', '+972521234567', 'manual', 'new'), (2, 1, 'Noa', '+972521234568', 'call', 'won');
         INSERT INTO lead_activities (tenant_id, lead_id, kind, body) VALUES (1, 1, 'note', 'kept note');
         INSERT INTO messages (tenant_id, lead_id, direction, provider, body) VALUES (1, 1, 'in', 'twilio', 'hello');
         PRAGMA user_version = 6;",
    )
    .unwrap();
    drop(c);
    let app = Spawn::default().reuse(dir).start().await;
    let admin = app.admin().await;
    let found = admin.get_json("/api/leads?q=dana").await.1;
    assert_eq!(found["items"].as_array().unwrap().len(), 1, "{found}");
    assert_eq!(found["items"][0]["last_message"]["body"], "hello");
    let timeline = activities(&admin, 1).await;
    assert!(timeline.iter().any(|a| a["body"] == "kept note"), "{timeline:?}");
    let won = admin.get_json("/api/leads?status=won").await.1;
    assert_eq!(won["total"], 1);

    let c = Connection::open(app.data_path()).unwrap();
    let dangling: i64 = c.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0)).unwrap();
    assert_eq!(dangling, 0);
    assert_eq!(integrity(&app.data_path()), "ok");
    let err = c.execute("INSERT INTO leads (tenant_id, source) VALUES (1, 'manual')", []).unwrap_err();
    assert!(err.to_string().ends_with("lead_has_contact"), "{err}");
}

#[tokio::test]
async fn an_existing_pre_upgrade_copy_is_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("frontdesk.db");
    schema_v1_file(&data);
    let latest = latest_schema_version();
    let taken = with_suffix(&data, &format!(".pre-v{latest}.db"));
    std::fs::write(&taken, b"an older copy, kept as it is").unwrap();
    let app = Spawn::default().reuse(dir).start().await;
    assert_eq!(app.client().get("/readyz").await.status(), 200);
    assert_eq!(std::fs::read(&taken).unwrap(), b"an older copy, kept as it is");
    let other: Vec<_> = names_in(app.dir.path())
        .into_iter()
        .filter(|n| n.starts_with(&format!("frontdesk.db.pre-v{latest}-")))
        .collect();
    assert_eq!(other.len(), 1, "{:?}", names_in(app.dir.path()));
    let copy = app.dir.path().join(&other[0]);
    assert!(other[0].ends_with(".db"));
    assert_eq!(user_version(&copy), 1);
    assert_eq!(lead_names(&copy), ["Dana"]);
}

#[tokio::test]
async fn restore_puts_a_copy_back_when_the_server_is_stopped_and_keeps_the_replaced_file() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("frontdesk.db");
    schema_v1_file(&data);
    let mut app = Spawn::default().reuse(dir).start().await;
    let admin = app.admin().await;
    create_lead(&admin, "After", "0529999999").await;
    assert!(app.terminate().success());
    let latest = latest_schema_version();
    let pre = with_suffix(&app.data_path(), &format!(".pre-v{latest}.db"));
    let data = app.data_path();

    let (ok, out, err) = restore(&data, &pre);
    assert!(ok, "{out}{err}");
    assert!(out.contains("restored") && out.contains("kept as"), "{out}");
    let replaced: Vec<_> = names_in(app.dir.path()).into_iter().filter(|n| n.contains(".replaced-")).collect();
    assert_eq!(replaced.len(), 1, "{:?}", names_in(app.dir.path()));
    let replaced = app.dir.path().join(&replaced[0]);
    assert!(out.contains(&*replaced.to_string_lossy()), "{out}");
    assert_eq!(lead_names(&replaced), ["Dana", "After"], "the replaced file keeps every write");
    assert_eq!(integrity(&replaced), "ok");
    assert_eq!(user_version(&data), 1);
    assert_eq!(lead_names(&data), ["Dana"]);
    assert_eq!(mode_of(&data), 0o600);
    assert!(!with_suffix(&data, "-wal").exists() && !with_suffix(&data, "-shm").exists());
    assert!(names_in(app.dir.path()).iter().all(|n| !n.contains("restoring")));

    // The next start migrates the restored file as usual, with its own copy first.
    let dir = std::mem::replace(&mut app.dir, tempfile::tempdir().unwrap());
    drop(app);
    let again = Spawn::default().reuse(dir).start().await;
    let admin = again.admin().await;
    let names: Vec<_> = leads(&admin).await.iter().map(|l| l["first_name"].clone()).collect();
    assert_eq!(names, ["Dana"]);
    assert_eq!(user_version(&again.data_path()), latest);
    let pre: Vec<_> =
        names_in(again.dir.path()).into_iter().filter(|n| n.contains(&format!(".pre-v{latest}"))).collect();
    assert_eq!(pre.len(), 2, "{pre:?}");
}

#[tokio::test]
async fn restore_refuses_while_a_server_runs_and_touches_nothing() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    create_lead(&admin, "Live", "0521231234").await;
    let backup = app.dir.path().join("b.db");
    let out = run_cli(&app.data_path(), &[OsStr::new("backup"), backup.as_os_str()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let before = names_in(app.dir.path());

    let (ok, out, err) = restore(&app.data_path(), &backup);
    assert!(!ok, "restore ran under a live server: {out}");
    assert!(err.contains("in use") && err.contains("Stop"), "{err}");
    assert_eq!(names_in(app.dir.path()), before, "no file was added, moved or removed");
    create_lead(&admin, "Still", "0521231235").await;
    assert_eq!(leads(&admin).await.len(), 2, "the server goes on with its own file");
}

#[tokio::test]
async fn restore_refuses_a_newer_schema_and_corrupt_files() {
    let mut app = spawn_app().await;
    let admin = app.admin().await;
    for i in 0..40 {
        create_lead(&admin, &format!("L{i}"), &format!("05230{i:05}")).await;
    }
    let good = app.dir.path().join("good.db");
    let out = run_cli(&app.data_path(), &[OsStr::new("backup"), good.as_os_str()]);
    assert!(out.status.success());
    assert!(app.terminate().success());
    let data = app.data_path();

    let newer = app.dir.path().join("newer.db");
    std::fs::copy(&good, &newer).unwrap();
    Connection::open(&newer).unwrap().pragma_update(None, "user_version", 999).unwrap();
    let random = app.dir.path().join("random.db");
    std::fs::write(&random, (0..64 * 1024u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect::<Vec<_>>())
        .unwrap();
    let truncated = app.dir.path().join("truncated.db");
    let bytes = std::fs::read(&good).unwrap();
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    let missing = app.dir.path().join("missing.db");

    let data_before = std::fs::read(&data).unwrap();
    let files_before = names_in(app.dir.path());
    for (file, expect) in [
        (&newer, vec!["999", "newer"]),
        (&random, vec!["cannot be restored"]),
        (&truncated, vec!["cannot be restored"]),
        (&missing, vec!["no backup file"]),
    ] {
        let (ok, out, err) = restore(&data, file);
        assert!(!ok, "{} was restored: {out}", file.display());
        for e in expect {
            assert!(err.contains(e), "{}: {err}", file.display());
        }
        assert_eq!(std::fs::read(&data).unwrap(), data_before, "{}: the data file changed", file.display());
        let mut now = names_in(app.dir.path());
        now.retain(|n| n != "frontdesk.db.lock");
        let mut was = files_before.clone();
        was.retain(|n| n != "frontdesk.db.lock");
        assert_eq!(now, was, "{}: files were left behind or moved", file.display());
    }
    // The good one still restores.
    let (ok, out, err) = restore(&data, &good);
    assert!(ok, "{out}{err}");
    assert_eq!(lead_names(&data).len(), 40);
}
