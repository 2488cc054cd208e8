//! Staff phones and alerts: the profile, WhatsApp alerts through the
//! business's provider exactly once (also across kill -9), Web Push proven
//! end to end against a local push service that checks the VAPID token and
//! decrypts the payload with the browser's private key, assignment and
//! round-robin, needs-reply and the inbox counts.

use std::{
    path::PathBuf,
    sync::{Arc, Mutex},
    time::Duration,
};

use aes_gcm::{Aes128Gcm, KeyInit, aead::Aead};
use axum::{
    Router,
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode},
    routing::post,
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD as B64};
use futures_util::StreamExt;
use hkdf::Hkdf;
use p256::{
    PublicKey, SecretKey,
    ecdsa::{Signature, VerifyingKey, signature::Verifier},
    elliptic_curve::sec1::ToEncodedPoint,
};
use serde_json::{Value, json};
use sha2::Sha256;
use time::{OffsetDateTime, format_description::well_known::Rfc3339};

use crate::{
    fakes::{self, Recorder},
    helpers::*,
    providers::{BRIDGE_SECRET, baileys_event, post_baileys},
};

pub const PUBLIC_URL: &str = "http://crm.test";

/// A server with the bridge (instance `biz1` for business #1) and test
/// faults on (which lets push endpoints be http://127.0.0.1).
pub fn spawn_with_bridge(bridge: &str, data: Option<PathBuf>) -> Spawn {
    let mut s = Spawn::default()
        .env("FRONTDESK_PUBLIC_URL", PUBLIC_URL)
        .env("FRONTDESK_BAILEYS_URL", bridge)
        .env("FRONTDESK_BAILEYS_SECRET", BRIDGE_SECRET)
        .env("FRONTDESK_TEST_FAULTS", "1");
    if let Some(d) = data {
        s = s.data_file(d);
    }
    s
}

pub async fn setup_business(admin: &Session) {
    let (s, body) = admin.patch("/api/admin/businesses/1", &json!({"whatsapp_instance": "biz1"})).await;
    assert_eq!(s, 200, "{body}");
}

fn in_secs(s: i64) -> String {
    (OffsetDateTime::now_utc() + time::Duration::milliseconds(s * 1000)).format(&Rfc3339).unwrap()
}

/// The WhatsApp texts the bridge was asked to send to `number` (digits, no +).
fn sent_to(rec: &Recorder, number: &str) -> Vec<String> {
    rec.requests
        .lock()
        .unwrap()
        .iter()
        .filter(|r| r["number"] == number)
        .map(|r| r["text"].as_str().unwrap_or("").to_string())
        .collect()
}

/// An agent of business #1 with WhatsApp alerts to `phone`; (id, session).
async fn agent_with_phone(app: &TestApp, admin: &Session, email: &str, phone: &str) -> (i64, Session) {
    let id = add_user(admin, email, "agent").await;
    let agent = app.login(email, "user-password-1").await;
    let (s, me) = agent.patch("/api/auth/me", &json!({"phone_e164": phone, "notify_whatsapp": true})).await;
    assert_eq!(s, 200, "{me}");
    (id, agent)
}

/// Business #1 on the bridge, its agent (alerts to 054-987-6543) and a lead:
/// what the alert tests start from. (agent id, agent session, lead)
async fn agent_and_lead(app: &TestApp, admin: &Session) -> (i64, Session, Value) {
    setup_business(admin).await;
    let (agent_id, agent) = agent_with_phone(app, admin, "agent@a.io", "0549876543").await;
    let lead = create_lead(admin, "Dana", "0521234567").await;
    (agent_id, agent, lead)
}

#[tokio::test]
async fn the_profile_holds_the_phone_and_the_alert_switches() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, me) = admin.get_json("/api/auth/me").await;
    assert_eq!(me["user"]["phone_e164"], Value::Null);
    assert_eq!(me["user"]["notify_whatsapp"], false);
    assert_eq!(me["user"]["notify_push"], false);
    // WhatsApp alerts need a phone.
    let (s, body) = admin.patch("/api/auth/me", &json!({"notify_whatsapp": true})).await;
    assert_eq!(s, 400);
    assert_eq!(body["field"], "notify_whatsapp");
    assert_error(&body);
    let (s, body) = admin.patch("/api/auth/me", &json!({"phone_e164": "not a phone"})).await;
    assert_eq!(s, 400);
    assert_eq!(body["field"], "phone_e164");
    let (s, body) = admin.patch("/api/auth/me", &json!({"phone_e164": 5})).await;
    assert_eq!(s, 400, "{body}");
    let (s, body) = admin.patch("/api/auth/me", &json!({"shoe_size": 5})).await;
    assert_eq!(s, 400, "{body}");
    // A local number is read in the business's region (IL).
    let (s, me) = admin
        .patch("/api/auth/me", &json!({"name": "Ada", "phone_e164": "054-987-6543", "notify_whatsapp": true}))
        .await;
    assert_eq!(s, 200, "{me}");
    assert_eq!(me["user"]["phone_e164"], "+972549876543");
    assert_eq!(me["user"]["notify_whatsapp"], true);
    assert_eq!(me["user"]["name"], "Ada");
    let (_, me) = admin.get_json("/api/auth/me").await;
    assert_eq!(me["user"]["phone_e164"], "+972549876543");
    let (s, me) = admin.patch("/api/auth/me", &json!({"phone_e164": null, "notify_whatsapp": false})).await;
    assert_eq!(s, 200);
    assert_eq!(me["user"]["phone_e164"], Value::Null);
}

#[tokio::test]
async fn a_reminder_reaches_the_assignees_phone_once_and_is_not_a_lead_message() {
    let (bridge, rec) = fakes::evolution("bridge-secret").await;
    let app = spawn_with_bridge(&bridge, None).start().await;
    let admin = app.admin().await;
    let (agent_id, agent, lead) = agent_and_lead(&app, &admin).await;
    let lead_id = lead["id"].as_i64().unwrap();
    let (s, r) = admin
        .post(
            &format!("/api/leads/{lead_id}/reminders"),
            &json!({"due_at": in_secs(1), "note": "call about the quote", "assignee_user_id": agent_id}),
        )
        .await;
    assert_eq!(s, 201, "{r}");
    let texts = eventually(Duration::from_secs(10), "the WhatsApp alert", || async {
        let t = sent_to(&rec, "972549876543");
        (!t.is_empty()).then_some(t)
    })
    .await;
    let text = &texts[0];
    assert!(text.contains("Dana"), "{text}");
    assert!(text.contains("+972521234567"), "{text}");
    assert!(text.contains("call about the quote"), "{text}");
    assert!(text.contains(&format!("{PUBLIC_URL}/leads/{lead_id}")), "{text}");
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(sent_to(&rec, "972549876543").len(), 1, "exactly once");
    // Recorded as sent; not a message to the lead, so the lead's conversation is untouched.
    let (_, alerts) = agent.get_json("/api/alerts").await;
    assert_eq!(alerts["items"][0]["status"], "sent", "{alerts}");
    assert_eq!(alerts["items"][0]["channel"], "whatsapp");
    let (_, l) = admin.get_json(&format!("/api/leads/{lead_id}")).await;
    assert_eq!(l["last_inbound_at"], Value::Null);
    assert!(activities(&admin, lead_id).await.iter().all(|a| a["kind"] != "message_out"));
    assert_eq!(sent_to(&rec, "972521234567").len(), 0);
}

#[tokio::test]
async fn a_failing_provider_is_retried_with_backoff_and_the_failure_is_recorded() {
    let (bridge, rec) = fakes::evolution("bridge-secret").await;
    rec.fail(Some(500));
    let app = spawn_with_bridge(&bridge, None).start().await;
    let admin = app.admin().await;
    let (agent_id, agent, lead) = agent_and_lead(&app, &admin).await;
    let (s, _) = admin.patch(&format!("/api/leads/{}", lead["id"]), &json!({"assignee_user_id": agent_id})).await;
    assert_eq!(s, 200);
    let failed = eventually(Duration::from_secs(10), "a failed attempt recorded", || async {
        let (_, a) = agent.get_json("/api/alerts").await;
        let item = a["items"][0].clone();
        (item["attempts"].as_i64().unwrap_or(0) >= 1 && item["last_error"].is_string()).then_some(item)
    })
    .await;
    assert_eq!(failed["status"], "pending", "retried later: {failed}");
    assert!(failed["last_error"].as_str().unwrap().contains("bridge"), "{failed}");
    // Retried later (the provider's breaker stays open 60 s; alerts get enough attempts to outlast it).
    assert!(failed["attempts"].as_i64().unwrap() < 8);
    assert_eq!(sent_to(&rec, "972549876543").len(), 1, "one real attempt so far");
}

#[tokio::test]
async fn an_alert_goes_out_exactly_once_across_a_kill_and_restart() {
    let (bridge, rec) = fakes::evolution("bridge-secret").await;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("fd.db");
    let mut app = spawn_with_bridge(&bridge, Some(data.clone())).start().await;
    let admin = app.admin().await;
    let (agent_id, _agent, lead) = agent_and_lead(&app, &admin).await;
    let (s, _) = admin
        .post(
            &format!("/api/leads/{}/reminders", lead["id"]),
            &json!({"due_at": in_secs(2), "note": "x", "assignee_user_id": agent_id}),
        )
        .await;
    assert_eq!(s, 201);
    // kill -9 before it is due: no shutdown, no checkpoint.
    app.child.kill().unwrap();
    app.child.wait().unwrap();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let app = spawn_with_bridge(&bridge, Some(data)).start().await;
    assert!(
        wait_until(Duration::from_secs(8), || async { sent_to(&rec, "972549876543").len() == 1 }).await,
        "the alert went out after the restart"
    );
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(sent_to(&rec, "972549876543").len(), 1, "exactly once");
    drop(app);
}

#[tokio::test]
async fn assignment_notifies_the_assignee_but_not_oneself_and_stays_inside_the_business() {
    let (bridge, rec) = fakes::evolution("bridge-secret").await;
    let app = spawn_with_bridge(&bridge, None).start().await;
    let admin = app.admin().await;
    let (agent_id, agent, lead) = agent_and_lead(&app, &admin).await;
    let lead_id = lead["id"].as_i64().unwrap();
    // Another business's user is never an assignee.
    create_business(&admin, "Other", "o@o.io", "+972503333333").await;
    let other = app.login("o@o.io", "owner-password-1").await;
    let other_id = other.get_json("/api/auth/me").await.1["user"]["id"].as_i64().unwrap();
    let (s, body) = admin.patch(&format!("/api/leads/{lead_id}"), &json!({"assignee_user_id": other_id})).await;
    assert_eq!(s, 400, "{body}");
    assert_eq!(body["field"], "assignee_user_id");
    assert_eq!(other.patch(&format!("/api/leads/{lead_id}"), &json!({"assignee_user_id": other_id})).await.0, 404);
    // Assigned by the owner: the agent hears of it, in the app and on the phone.
    let mut events = sse(&agent, "/api/events").await;
    let (s, l) = admin.patch(&format!("/api/leads/{lead_id}"), &json!({"assignee_user_id": agent_id})).await;
    assert_eq!(s, 200, "{l}");
    assert_eq!(l["assignee_user_id"], agent_id);
    let (_, n) = agent.get_json("/api/notifications").await;
    assert_eq!(n["items"][0]["kind"], "assigned");
    assert_eq!(n["items"][0]["lead_id"], lead_id);
    let got = tokio::time::timeout(Duration::from_secs(5), async {
        while let Some((kind, _)) = events.recv().await {
            if kind == "notification.created" {
                return true;
            }
        }
        false
    })
    .await;
    assert_eq!(got, Ok(true), "a live notification event");
    let texts = eventually(Duration::from_secs(5), "the assignment WhatsApp", || async {
        let t = sent_to(&rec, "972549876543");
        (!t.is_empty()).then_some(t)
    })
    .await;
    assert!(texts[0].contains("Dana") && texts[0].contains(&format!("/leads/{lead_id}")), "{}", texts[0]);
    // Taking a lead oneself notifies nobody.
    let lead2 = create_lead(&admin, "Eli", "0521234568").await;
    let (s, _) = agent.patch(&format!("/api/leads/{}", lead2["id"]), &json!({"assignee_user_id": agent_id})).await;
    assert_eq!(s, 200);
    let (_, n) = agent.get_json("/api/notifications").await;
    assert_eq!(n["total"], 1);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(sent_to(&rec, "972549876543").len(), 1);
}

#[tokio::test]
async fn round_robin_spreads_new_leads_over_the_agents_and_keeps_its_turn_across_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("fd.db");
    let mut app = Spawn::default().data_file(data.clone()).start().await;
    let admin = app.admin().await;
    let (s, body) = admin.patch("/api/business/current", &json!({"auto_assign": "sideways"})).await;
    assert_eq!(s, 400);
    assert_eq!(body["field"], "auto_assign");
    let (s, b) = admin.patch("/api/business/current", &json!({"auto_assign": "round_robin"})).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["auto_assign"], "round_robin");
    assert_eq!(admin.get_json("/api/business/current").await.1["auto_assign"], "round_robin");
    let agents = [
        add_user(&admin, "a1@a.io", "agent").await,
        add_user(&admin, "a2@a.io", "agent").await,
        add_user(&admin, "a3@a.io", "agent").await,
    ];
    // A disabled agent, an owner, and another business's agent never get one.
    let off = add_user(&admin, "off@a.io", "agent").await;
    assert_eq!(admin.patch(&format!("/api/business/current/users/{off}"), &json!({"disabled": true})).await.0, 200);
    add_user(&admin, "owner2@a.io", "owner").await;
    create_business(&admin, "Other", "o@o.io", "+972503333333").await;
    let other = app.login("o@o.io", "owner-password-1").await;
    add_user(&other, "x@o.io", "agent").await;
    for i in 0..5 {
        create_lead(&admin, &format!("L{i}"), &format!("05212340{i:02}")).await;
    }
    // The turn is in the data file: a restart carries on where it stopped.
    app.terminate();
    let app = Spawn::default().data_file(data).start().await;
    let admin = app.admin().await;
    for i in 5..9 {
        create_lead(&admin, &format!("L{i}"), &format!("05212340{i:02}")).await;
    }
    // The tenth arrives by WhatsApp webhook? (No bridge here: the API again.)
    create_lead(&admin, "L9", "0521234099").await;
    let all = leads(&admin).await;
    assert_eq!(all.len(), 10);
    let mut counts: Vec<usize> =
        agents.iter().map(|a| all.iter().filter(|l| l["assignee_user_id"] == *a).count()).collect();
    assert_eq!(counts.iter().sum::<usize>(), 10, "every new lead is assigned");
    assert_eq!(counts[0], 4, "the first agent gets the 1st, 4th, 7th and 10th");
    counts.sort();
    assert_eq!(counts, vec![3, 3, 4]);
    // Each agent was told.
    let a1 = app.login("a1@a.io", "user-password-1").await;
    let (_, n) = a1.get_json("/api/notifications").await;
    assert_eq!(n["total"], 4);
    assert!(n["items"].as_array().unwrap().iter().all(|x| x["kind"] == "assigned"));
    let tl = activities(&admin, all[0]["id"].as_i64().unwrap()).await;
    assert!(tl.iter().any(|a| a["kind"] == "assigned" && a["data"]["auto"] == true), "{tl:?}");
    let kinds: Vec<&str> = tl.iter().map(|a| a["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["assigned", "created"], "created first, then assigned (the timeline is newest first)");

    // An imported lead is created and assigned the same way.
    let res = admin
        .http
        .post(admin.url("/api/leads/import"))
        .header("X-CSRFToken", admin.csrf.as_deref().unwrap())
        .header("content-type", "text/csv")
        .body("first_name,phone\nImported,0521234100\n")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let imported = leads(&admin).await.into_iter().find(|l| l["first_name"] == "Imported").unwrap();
    assert_eq!(imported["assignee_user_id"], agents[1], "the turn goes on through an import");
    let tl = activities(&admin, imported["id"].as_i64().unwrap()).await;
    let kinds: Vec<&str> = tl.iter().map(|a| a["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["assigned", "created"]);
    assert_eq!(tl[1]["data"]["via"], "import");
}

#[tokio::test]
async fn webhook_leads_are_auto_assigned_too_and_needs_reply_flips_on_an_outbound() {
    let (bridge, _rec) = fakes::evolution("bridge-secret").await;
    let app = spawn_with_bridge(&bridge, None).start().await;
    let admin = app.admin().await;
    setup_business(&admin).await;
    let (s, _) = admin.patch("/api/business/current", &json!({"auto_assign": "round_robin"})).await;
    assert_eq!(s, 200);
    let agent_id = add_user(&admin, "a1@a.io", "agent").await;
    let agent = app.login("a1@a.io", "user-password-1").await;
    let res = post_baileys(
        &app,
        &baileys_event("M1", "972521111111@s.whatsapp.net", None, false, "hello?"),
        Some(BRIDGE_SECRET),
    )
    .await;
    assert_eq!(res.status(), 200);
    let lead = leads(&admin).await[0].clone();
    let lead_id = lead["id"].as_i64().unwrap();
    assert_eq!(lead["assignee_user_id"], agent_id, "a lead made by the webhook is assigned");
    let kinds: Vec<String> =
        activities(&admin, lead_id).await.iter().map(|a| a["kind"].as_str().unwrap().to_string()).collect();
    assert_eq!(kinds, ["message_in", "assigned", "created"], "created, assigned, then the message");
    assert_eq!(lead["needs_reply"], true);
    let counts = agent.get_json("/api/inbox/counts").await.1;
    assert_eq!(counts, json!({"needs_reply": 1, "mine": 1, "unassigned": 0, "reminders_due": 0}));
    let (_, waiting) = agent.get_json("/api/leads?needs_reply=true").await;
    assert_eq!(waiting["total"], 1);
    // The agent answers: it no longer needs a reply.
    let (s, body) = agent.post(&format!("/api/leads/{lead_id}/message/whatsapp"), &json!({"text": "hi!"})).await;
    assert_eq!(s, 200, "{body}");
    let (_, l) = agent.get_json(&format!("/api/leads/{lead_id}")).await;
    assert_eq!(l["needs_reply"], false);
    assert_eq!(agent.get_json("/api/inbox/counts").await.1["needs_reply"], 0);
    assert_eq!(agent.get_json("/api/leads?needs_reply=true").await.1["total"], 0);
}

#[tokio::test]
async fn inbox_counts_match_the_lists() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let me = admin.get_json("/api/auth/me").await.1["user"]["id"].as_i64().unwrap();
    let agent_id = add_user(&admin, "a1@a.io", "agent").await;
    let mut ids = Vec::new();
    for i in 0..6 {
        ids.push(create_lead(&admin, &format!("L{i}"), &format!("05212340{i:02}")).await["id"].as_i64().unwrap());
    }
    for (id, who) in [(ids[0], me), (ids[1], me), (ids[2], me), (ids[3], agent_id)] {
        assert_eq!(admin.patch(&format!("/api/leads/{id}"), &json!({"assignee_user_id": who})).await.0, 200);
    }
    // Closed leads leave "mine" and "unassigned".
    assert_eq!(admin.post(&format!("/api/leads/{}/status", ids[2]), &json!({"status": "won"})).await.0, 200);
    assert_eq!(admin.post(&format!("/api/leads/{}/status", ids[5]), &json!({"status": "archived"})).await.0, 200);
    let (s, _) =
        admin.post(&format!("/api/leads/{}/reminders", ids[0]), &json!({"due_at": in_secs(1), "note": "now"})).await;
    assert_eq!(s, 201);
    admin.post(&format!("/api/leads/{}/reminders", ids[0]), &json!({"due_at": in_secs(3600), "note": "later"})).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let c = admin.get_json("/api/inbox/counts").await.1;
    let total = |q: &str| {
        let admin = &admin;
        let q = q.to_string();
        async move { admin.get_json(&format!("/api/leads?{q}")).await.1["total"].as_i64().unwrap() }
    };
    assert_eq!(c["mine"], 2, "{c}");
    assert_eq!(c["mine"].as_i64().unwrap(), total("assignee=me&open=true").await);
    assert_eq!(c["unassigned"], 1, "{c}");
    assert_eq!(c["unassigned"].as_i64().unwrap(), total("assignee=none&open=true").await);
    assert_eq!(c["needs_reply"].as_i64().unwrap(), total("needs_reply=true").await);
    assert_eq!(c["reminders_due"], 1, "{c}");
    let (s, body) = admin.get_json("/api/leads?open=maybe").await;
    assert_eq!(s, 400);
    assert_eq!(body["field"], "open");
}

// ---- Web Push ---------------------------------------------------------------

/// A browser: its P-256 key pair and auth secret.
struct Browser {
    secret: SecretKey,
    auth: [u8; 16],
}

impl Browser {
    fn new() -> Browser {
        let mut auth = [0u8; 16];
        rand::RngCore::fill_bytes(&mut rand::rng(), &mut auth);
        Browser { secret: SecretKey::random(&mut p256::elliptic_curve::rand_core::OsRng), auth }
    }

    fn subscription(&self, endpoint: &str) -> Value {
        json!({"endpoint": endpoint, "expirationTime": null, "keys": {
            "p256dh": B64.encode(self.secret.public_key().to_encoded_point(false).as_bytes()),
            "auth": B64.encode(self.auth),
        }})
    }

    /// RFC 8291 decryption, as a browser does it.
    fn decrypt(&self, body: &[u8]) -> Vec<u8> {
        let salt = &body[..16];
        let rs = u32::from_be_bytes(body[16..20].try_into().unwrap());
        assert!(rs >= 18);
        let idlen = body[20] as usize;
        assert_eq!(idlen, 65);
        let as_public = PublicKey::from_sec1_bytes(&body[21..21 + idlen]).unwrap();
        let ciphertext = &body[21 + idlen..];
        let shared = p256::ecdh::diffie_hellman(self.secret.to_nonzero_scalar(), as_public.as_affine());
        let mut info = b"WebPush: info\0".to_vec();
        info.extend_from_slice(self.secret.public_key().to_encoded_point(false).as_bytes());
        info.extend_from_slice(as_public.to_encoded_point(false).as_bytes());
        let mut ikm = [0u8; 32];
        Hkdf::<Sha256>::new(Some(&self.auth), shared.raw_secret_bytes()).expand(&info, &mut ikm).unwrap();
        let hk = Hkdf::<Sha256>::new(Some(salt), &ikm);
        let (mut cek, mut nonce) = ([0u8; 16], [0u8; 12]);
        hk.expand(b"Content-Encoding: aes128gcm\0", &mut cek).unwrap();
        hk.expand(b"Content-Encoding: nonce\0", &mut nonce).unwrap();
        let mut plain = Aes128Gcm::new_from_slice(&cek).unwrap().decrypt((&nonce).into(), ciphertext).unwrap();
        // Strip the padding and the last-record delimiter.
        while plain.last() == Some(&0) {
            plain.pop();
        }
        assert_eq!(plain.pop(), Some(2), "last record delimiter");
        plain
    }
}

/// (headers, body) of each push received.
#[derive(Clone, Default)]
struct PushService {
    received: Arc<Mutex<Vec<(HeaderMap, Bytes)>>>,
    status: Arc<Mutex<u16>>,
}

async fn push_service() -> (String, PushService) {
    let svc = PushService { status: Arc::new(Mutex::new(201)), ..Default::default() };
    async fn receive(State(svc): State<PushService>, headers: HeaderMap, body: Bytes) -> StatusCode {
        svc.received.lock().unwrap().push((headers, body));
        StatusCode::from_u16(*svc.status.lock().unwrap()).unwrap()
    }
    let router = Router::new().route("/push/{id}", post(receive)).with_state(svc.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (format!("http://{addr}"), svc)
}

/// Checks the VAPID `Authorization` header against the server's public key; returns the claims.
fn check_vapid(headers: &HeaderMap, server_key: &str, origin: &str) -> Value {
    let auth = headers["authorization"].to_str().unwrap();
    let rest = auth.strip_prefix("vapid t=").expect("vapid scheme");
    let (jwt, k) = rest.split_once(", k=").unwrap();
    assert_eq!(k, server_key, "k is the key /api/push/key hands out");
    let (input, sig) = jwt.rsplit_once('.').unwrap();
    let (head, claims) = input.split_once('.').unwrap();
    let head: Value = serde_json::from_slice(&B64.decode(head).unwrap()).unwrap();
    assert_eq!(head["alg"], "ES256");
    let key = VerifyingKey::from_sec1_bytes(&B64.decode(k).unwrap()).unwrap();
    let sig = Signature::from_slice(&B64.decode(sig).unwrap()).unwrap();
    key.verify(input.as_bytes(), &sig).expect("the JWT is signed by the server's VAPID key");
    let claims: Value = serde_json::from_slice(&B64.decode(claims).unwrap()).unwrap();
    assert_eq!(claims["aud"], origin);
    assert_eq!(claims["sub"], PUBLIC_URL);
    let exp = claims["exp"].as_i64().unwrap();
    let now = OffsetDateTime::now_utc().unix_timestamp();
    assert!(exp > now && exp <= now + 24 * 3600, "exp within 24 h: {exp} vs {now}");
    assert_eq!(headers["content-encoding"], "aes128gcm");
    assert!(headers.contains_key("ttl"));
    claims
}

#[tokio::test]
async fn push_subscriptions_are_validated() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (s, k) = admin.get_json("/api/push/key").await;
    assert_eq!(s, 200);
    let key = B64.decode(k["public_key"].as_str().unwrap()).unwrap();
    assert_eq!(key.len(), 65);
    assert_eq!(key[0], 4, "uncompressed point");
    assert!(PublicKey::from_sec1_bytes(&key).is_ok());
    assert_eq!(app.client().get_json("/api/push/key").await.0, 401);
    let b = Browser::new();
    // Without test faults only https endpoints are taken.
    let (s, body) = admin.post("/api/push/subscriptions", &b.subscription("http://127.0.0.1:9/push/x")).await;
    assert_eq!(s, 400);
    assert_eq!(body["field"], "endpoint");
    let (s, body) = admin.post("/api/push/subscriptions", &b.subscription("not a url")).await;
    assert_eq!(s, 400);
    assert_eq!(body["field"], "endpoint");
    let mut bad = b.subscription("https://93.184.215.14/wpush/x");
    bad["keys"]["p256dh"] = json!("AAAA");
    let (s, body) = admin.post("/api/push/subscriptions", &bad).await;
    assert_eq!(s, 400);
    assert_eq!(body["field"], "keys.p256dh");
    let mut bad = b.subscription("https://93.184.215.14/wpush/x");
    bad["keys"]["auth"] = json!("c2hvcnQ");
    let (s, body) = admin.post("/api/push/subscriptions", &bad).await;
    assert_eq!(s, 400);
    assert_eq!(body["field"], "keys.auth");
    let (s, body) = admin.post("/api/push/subscriptions", &json!({"endpoint": "https://x.io"})).await;
    assert_eq!(s, 400, "{body}");
    assert_error(&body);
    let (s, _) = admin.post("/api/push/subscriptions", &b.subscription("https://93.184.215.14/wpush/x")).await;
    assert_eq!(s, 201);
    // The same browser again replaces its row.
    let (s, _) = admin.post("/api/push/subscriptions", &b.subscription("https://93.184.215.14/wpush/x")).await;
    assert_eq!(s, 201);
    assert_eq!(admin.get_json("/api/push/subscriptions").await.1["items"].as_array().unwrap().len(), 1);
    let (s, _) = admin
        .send_json(
            reqwest::Method::DELETE,
            "/api/push/subscriptions",
            Some(&json!({"endpoint": "https://93.184.215.14/wpush/x"})),
        )
        .await;
    assert_eq!(s, 204);
    let (s, _) = admin
        .send_json(
            reqwest::Method::DELETE,
            "/api/push/subscriptions",
            Some(&json!({"endpoint": "https://93.184.215.14/wpush/x"})),
        )
        .await;
    assert_eq!(s, 404);
}

#[tokio::test]
async fn a_push_is_signed_and_encrypted_for_the_browser_and_a_gone_subscription_is_dropped() {
    let (bridge, _rec) = fakes::evolution("bridge-secret").await;
    let (push_base, svc) = push_service().await;
    let app = spawn_with_bridge(&bridge, None).start().await;
    let admin = app.admin().await;
    setup_business(&admin).await;
    let agent_id = add_user(&admin, "agent@a.io", "agent").await;
    let agent = app.login("agent@a.io", "user-password-1").await;
    let server_key = agent.get_json("/api/push/key").await.1["public_key"].as_str().unwrap().to_string();
    let browser = Browser::new();
    let endpoint = format!("{push_base}/push/browser-1");
    let (s, body) = agent.post("/api/push/subscriptions", &browser.subscription(&endpoint)).await;
    assert_eq!(s, 201, "{body}");
    let (s, _) = agent.patch("/api/auth/me", &json!({"notify_push": true})).await;
    assert_eq!(s, 200);
    let lead = create_lead(&admin, "Dana", "0521234567").await;
    let lead_id = lead["id"].as_i64().unwrap();
    let (s, _) = admin.patch(&format!("/api/leads/{lead_id}"), &json!({"assignee_user_id": agent_id})).await;
    assert_eq!(s, 200);
    let (headers, body) =
        eventually(Duration::from_secs(10), "a push", || async { svc.received.lock().unwrap().first().cloned() }).await;
    check_vapid(&headers, &server_key, &push_base);
    let payload: Value = serde_json::from_slice(&browser.decrypt(&body)).unwrap();
    assert_eq!(payload["url"], format!("/leads/{lead_id}"));
    assert_eq!(payload["lead_id"], lead_id);
    assert_eq!(payload["kind"], "assigned");
    assert!(payload["title"].as_str().unwrap().contains("Dana"), "{payload}");
    let (_, alerts) = agent.get_json("/api/alerts").await;
    assert_eq!(alerts["items"][0]["status"], "sent");
    // The browser dropped the subscription: 410, and it is deleted.
    *svc.status.lock().unwrap() = 410;
    let lead2 = create_lead(&admin, "Eli", "0521234568").await;
    let (s, _) = admin.patch(&format!("/api/leads/{}", lead2["id"]), &json!({"assignee_user_id": agent_id})).await;
    assert_eq!(s, 200);
    eventually(Duration::from_secs(10), "the subscription deleted", || async {
        let (_, subs) = agent.get_json("/api/push/subscriptions").await;
        subs["items"].as_array().unwrap().is_empty().then_some(())
    })
    .await;
    assert_eq!(svc.received.lock().unwrap().len(), 2);
    let a = eventually(Duration::from_secs(5), "the failed alert", || async {
        let (_, alerts) = agent.get_json("/api/alerts").await;
        let a = alerts["items"][0].clone();
        (a["status"] == "failed").then_some(a)
    })
    .await;
    assert!(a["last_error"].as_str().unwrap().contains("gone"), "{a}");
}

#[tokio::test]
async fn push_endpoints_must_be_public_https_on_443_and_a_user_keeps_ten() {
    for faults in ["0", "1"] {
        let app = Spawn::default().env("FRONTDESK_TEST_FAULTS", faults).start().await;
        let admin = app.admin().await;
        let b = Browser::new();
        for endpoint in [
            "https://127.0.0.1/x",
            &format!("https://127.0.0.1:{}/x", app.base.rsplit(':').next().unwrap()),
            "https://169.254.169.254/latest/meta-data/",
            "https://10.0.0.1:8443/",
            "https://10.0.0.1/",
            "https://192.168.1.10/x",
            "https://100.64.0.1/x",
            "https://localhost:9100/",
            "https://localhost/x",
            "http://localhost:9100/x",
            "https://[::1]/x",
            "https://[::ffff:127.0.0.1]/x",
            "https://[fd00::1]/x",
            "https://[fe80::1]/x",
            "https://0.0.0.0/x",
            "https://2130706433/x",
            "https://224.0.0.1/x",
            "http://93.184.215.14/x",
            "https://93.184.215.14:8443/x",
            "https://user:pw@93.184.215.14/x",
        ] {
            let (s, body) = admin.post("/api/push/subscriptions", &b.subscription(endpoint)).await;
            assert_eq!((s.as_u16(), body["field"].as_str()), (400, Some("endpoint")), "{endpoint}: {body}");
        }
        // A user keeps ten browsers: the eleventh and twelfth drop the oldest.
        for i in 0..12 {
            let endpoint = format!("https://93.184.215.14/wpush/{i}");
            let (s, body) = admin.post("/api/push/subscriptions", &Browser::new().subscription(&endpoint)).await;
            assert_eq!(s, 201, "{body}");
        }
        let (_, subs) = admin.get_json("/api/push/subscriptions").await;
        let kept: Vec<&str> =
            subs["items"].as_array().unwrap().iter().map(|s| s["endpoint"].as_str().unwrap()).collect();
        assert_eq!(kept.len(), 10, "{kept:?}");
        assert_eq!(kept[0], "https://93.184.215.14/wpush/2", "the two oldest went");
    }
}

/// A local HTTP server that counts every request it gets, whatever its path.
async fn counting_server() -> (String, Arc<Mutex<usize>>) {
    let hits: Arc<Mutex<usize>> = Arc::default();
    let h = hits.clone();
    let router = Router::new().fallback(move || {
        let h = h.clone();
        async move {
            *h.lock().unwrap() += 1;
            "internal"
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (format!("http://{addr}"), hits)
}

/// Makes an alert for `agent_id` (a lead assigned to them) and waits until it failed.
async fn failed_alert(admin: &Session, agent: &Session, agent_id: i64, phone: &str) -> Value {
    let lead = create_lead(admin, "Redirected", phone).await;
    let (s, _) = admin.patch(&format!("/api/leads/{}", lead["id"]), &json!({"assignee_user_id": agent_id})).await;
    assert_eq!(s, 200);
    eventually(Duration::from_secs(10), "the failed alert", || async {
        let (_, alerts) = agent.get_json("/api/alerts").await;
        let a = alerts["items"][0].clone();
        (a["status"] == "failed").then_some(a)
    })
    .await
}

#[tokio::test]
async fn a_push_service_redirect_is_not_followed_and_clients_see_a_plain_reason() {
    let (bridge, _rec) = fakes::evolution("bridge-secret").await;
    let (internal, hits) = counting_server().await;
    // A "push service" that answers every push with a 307 to an internal address.
    let target = format!("{internal}/admin/do-something");
    let router = Router::new().route(
        "/push/{id}",
        post(move || {
            let target = target.clone();
            async move { (StatusCode::TEMPORARY_REDIRECT, [("location", target)], "") }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let push_base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });

    let app = spawn_with_bridge(&bridge, None).start().await;
    let admin = app.admin().await;
    setup_business(&admin).await;
    let agent_id = add_user(&admin, "agent@r.io", "agent").await;
    let agent = app.login("agent@r.io", "user-password-1").await;
    let (s, body) =
        agent.post("/api/push/subscriptions", &Browser::new().subscription(&format!("{push_base}/push/b1"))).await;
    assert_eq!(s, 201, "{body}");
    assert_eq!(agent.patch("/api/auth/me", &json!({"notify_push": true})).await.0, 200);
    let a = failed_alert(&admin, &agent, agent_id, "0521234581").await;
    let reason = a["last_error"].as_str().unwrap();
    assert!(reason.contains("redirect"), "{a}");
    assert!(!reason.contains("307") && !reason.contains("127.0.0.1"), "no status code or address: {a}");
    assert_eq!(*hits.lock().unwrap(), 0, "the redirect was not followed");

    // A subscription stored before these rules, whose name resolves to
    // loopback, is refused at send time by the address it would connect to.
    let c = rusqlite::Connection::open(app.data_path()).unwrap();
    c.execute("DELETE FROM push_subscriptions", []).unwrap();
    let sub = Browser::new().subscription("https://localhost/push/old");
    c.execute(
        "INSERT INTO push_subscriptions (tenant_id, user_id, endpoint, p256dh, auth) VALUES (1, ?1, ?2, ?3, ?4)",
        rusqlite::params![
            agent_id,
            sub["endpoint"].as_str().unwrap(),
            sub["keys"]["p256dh"].as_str().unwrap(),
            sub["keys"]["auth"].as_str().unwrap()
        ],
    )
    .unwrap();
    drop(c);
    let a = failed_alert(&admin, &agent, agent_id, "0521234582").await;
    assert!(a["last_error"].as_str().unwrap().contains("public internet address"), "{a}");
}

/// A bridge that records when each text arrived.
async fn timing_bridge() -> (String, Arc<Mutex<Vec<(OffsetDateTime, String)>>>) {
    type Log = Arc<Mutex<Vec<(OffsetDateTime, String)>>>;
    let log: Log = Arc::default();
    async fn state() -> axum::Json<Value> {
        axum::Json(json!({"instance": {"instanceName": "biz1", "state": "open"}}))
    }
    async fn send(State(log): State<Log>, axum::Json(body): axum::Json<Value>) -> (StatusCode, axum::Json<Value>) {
        let mut l = log.lock().unwrap();
        l.push((OffsetDateTime::now_utc(), body["text"].as_str().unwrap_or("").to_string()));
        let n = l.len();
        (StatusCode::CREATED, axum::Json(json!({"key": {"id": format!("T{n}"), "fromMe": true}})))
    }
    let router = Router::new()
        .route("/instance/connectionState/{instance}", axum::routing::get(state))
        .route("/message/sendText/{instance}", post(send))
        .with_state(log.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (format!("http://{addr}"), log)
}

/// The figure for the report: from a reminder's due time to the provider
/// receiving its WhatsApp alert, over 1,000 reminders due 100 a second.
/// `cargo test --test api -- --ignored alert_latency --nocapture`
#[tokio::test]
#[ignore = "a measurement (about 30 s); prints p50/p99"]
async fn alert_latency_over_1000_reminders() {
    const N: usize = 1000;
    let (bridge, log) = timing_bridge().await;
    let app = spawn_with_bridge(&bridge, None).env("FRONTDESK_BODY_LIMIT_KB", "1024").start().await;
    let admin = app.admin().await;
    setup_business(&admin).await;
    let (agent_id, _agent) = agent_with_phone(&app, &admin, "agent@a.io", "0549876543").await;
    let mut leads_ids = Vec::new();
    for i in 0..10 {
        leads_ids.push(create_lead(&admin, &format!("L{i}"), &format!("05212340{i:02}")).await["id"].as_i64().unwrap());
    }
    let start = OffsetDateTime::now_utc() + time::Duration::seconds(15);
    let due: Vec<OffsetDateTime> = (0..N).map(|i| start + time::Duration::milliseconds(i as i64 * 10)).collect();
    let admin = &admin;
    let creates = due.iter().enumerate().map(|(i, at)| {
        let lead = leads_ids[i % leads_ids.len()];
        let body =
            json!({"due_at": at.format(&Rfc3339).unwrap(), "note": format!("r#{i}#"), "assignee_user_id": agent_id});
        async move {
            let (s, b) = admin.post(&format!("/api/leads/{lead}/reminders"), &body).await;
            assert_eq!(s, 201, "{b}");
        }
    });
    futures_util::stream::iter(creates).buffer_unordered(8).collect::<Vec<_>>().await;
    assert!(OffsetDateTime::now_utc() < start, "creating the reminders took too long for the measurement");
    let done = wait_until(Duration::from_secs(60), || async { log.lock().unwrap().len() >= N }).await;
    assert!(done, "only {} of {N} alerts arrived", log.lock().unwrap().len());
    let mut lat: Vec<f64> = log
        .lock()
        .unwrap()
        .iter()
        .map(|(at, text)| {
            let i: usize = text.split("r#").nth(1).and_then(|s| s.split('#').next()).unwrap().parse().unwrap();
            (*at - due[i]).as_seconds_f64() * 1000.0
        })
        .collect();
    assert_eq!(lat.len(), N, "each alert exactly once");
    lat.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let p = |q: f64| lat[((lat.len() as f64 * q).ceil() as usize).saturating_sub(1)];
    println!(
        "alert latency, due time -> provider received, {N} reminders at 100/s: p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms",
        p(0.50),
        p(0.99),
        lat[lat.len() - 1]
    );
}
