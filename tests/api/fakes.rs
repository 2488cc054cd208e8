//! Local fakes of the providers, over real loopback HTTP: Twilio REST, the
//! Evolution API (Baileys bridge) and an OpenAI-compatible chat server.

use std::sync::{Arc, Mutex};

use axum::{
    Json, Router,
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    routing::{get, post},
};
use serde_json::{Value, json};

/// Files a fake serves, by name: the bytes and their content type.
pub type Files = std::collections::HashMap<String, (Vec<u8>, String)>;

#[derive(Clone, Default)]
pub struct Recorder {
    pub requests: Arc<Mutex<Vec<Value>>>,
    /// When set, the fake answers this status instead of success.
    pub fail_with: Arc<Mutex<Option<u16>>>,
    /// The body of that failure answer (the bridge fake's; a generic one when None).
    pub fail_body: Arc<Mutex<Option<Value>>>,
    /// Evolution API connection state (`open` when None).
    pub state: Arc<Mutex<Option<String>>>,
    /// When set, sendText first echoes the message to this frontdesk as a
    /// `fromMe` webhook (as the real bridge does), before answering.
    pub echo_to: Arc<Mutex<Option<String>>>,
    /// The chat fake's next answers (assistant messages), in order; then plain text.
    pub script: Arc<Mutex<std::collections::VecDeque<Value>>>,
    /// Files the fake serves: Twilio's by media name, the bridge's by message key id (bytes, type).
    pub files: Arc<Mutex<Files>>,
    /// What the bridge answers to `connect` and `create` (its QR code as a data: URL).
    pub qr: Arc<Mutex<Option<String>>>,
    /// The Twilio fake's calls endpoints answer after this many milliseconds.
    pub delay_ms: Arc<Mutex<u64>>,
}

/// Milliseconds since the epoch: when a fake received a request.
pub fn now_ms() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as u64
}

impl Recorder {
    pub fn count(&self) -> usize {
        self.requests.lock().unwrap().len()
    }
    pub fn last(&self) -> Value {
        self.requests.lock().unwrap().last().cloned().unwrap_or(Value::Null)
    }
    /// Queues an assistant message for the chat fake to answer next.
    pub fn answer(&self, message: Value) {
        self.script.lock().unwrap().push_back(message);
    }
    /// Queues a tool call (`arguments` as JSON) for the chat fake to answer next.
    pub fn answer_tool(&self, id: &str, name: &str, arguments: Value) {
        self.answer(json!({"role": "assistant", "content": null, "tool_calls": [
            {"id": id, "type": "function", "function": {"name": name, "arguments": arguments.to_string()}}
        ]}));
    }
    pub fn fail(&self, status: Option<u16>) {
        *self.fail_with.lock().unwrap() = status;
    }
    fn failing(&self) -> Option<StatusCode> {
        self.fail_with.lock().unwrap().and_then(|s| StatusCode::from_u16(s).ok())
    }
}

async fn serve(router: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    format!("http://{addr}")
}

pub async fn twilio_rest() -> (String, Recorder) {
    let rec = Recorder::default();
    async fn send(
        State(rec): State<Recorder>,
        Path(sid): Path<String>,
        headers: HeaderMap,
        body: String,
    ) -> (StatusCode, Json<Value>) {
        let form: Vec<(String, String)> =
            form_urlencoded::parse(body.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
        let mut v = serde_json::Map::new();
        for (k, val) in form {
            v.insert(k, Value::String(val));
        }
        v.insert("_account".into(), Value::String(sid.trim_end_matches(".json").into()));
        v.insert("_auth".into(), json!(headers.get("authorization").and_then(|h| h.to_str().ok())));
        rec.requests.lock().unwrap().push(Value::Object(v));
        if let Some(s) = rec.failing() {
            return (s, Json(json!({"code": 20003, "message": "fake failure"})));
        }
        let n = rec.count();
        (StatusCode::CREATED, Json(json!({"sid": format!("SM{n:032}"), "status": "queued"})))
    }
    /// A new call (`To`, `Url`, ...), recorded with `_create`; answered with a fresh `CA...` sid.
    async fn create_call(State(rec): State<Recorder>, body: String) -> (StatusCode, Json<Value>) {
        let delay = *rec.delay_ms.lock().unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(delay)).await;
        let mut v: serde_json::Map<String, Value> = form_urlencoded::parse(body.as_bytes())
            .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
            .collect();
        v.insert("_create".into(), Value::Bool(true));
        rec.requests.lock().unwrap().push(Value::Object(v));
        if let Some(s) = rec.failing() {
            return (s, Json(json!({"code": 21211, "message": "fake failure"})));
        }
        let n = rec.count();
        (StatusCode::CREATED, Json(json!({"sid": format!("CA{n:032}"), "status": "queued"})))
    }
    /// A live call's update (`Twiml` or `Status`), recorded with `_call`.
    async fn update_call(
        State(rec): State<Recorder>,
        Path((_account, call)): Path<(String, String)>,
        body: String,
    ) -> (StatusCode, Json<Value>) {
        let delay = *rec.delay_ms.lock().unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(delay)).await;
        let mut v: serde_json::Map<String, Value> = form_urlencoded::parse(body.as_bytes())
            .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
            .collect();
        v.insert("_call".into(), Value::String(call.trim_end_matches(".json").into()));
        rec.requests.lock().unwrap().push(Value::Object(v));
        (StatusCode::OK, Json(json!({"sid": call.trim_end_matches(".json"), "status": "in-progress"})))
    }
    /// A media URL of an inbound message, recorded with its Authorization.
    async fn media(
        State(rec): State<Recorder>,
        Path(name): Path<String>,
        headers: HeaderMap,
    ) -> Result<([(axum::http::HeaderName, String); 1], Vec<u8>), StatusCode> {
        let auth = headers.get("authorization").and_then(|h| h.to_str().ok());
        rec.requests.lock().unwrap().push(json!({"_media": name, "_auth": auth}));
        let (bytes, ct) = rec.files.lock().unwrap().get(&name).cloned().ok_or(StatusCode::NOT_FOUND)?;
        Ok(([(axum::http::header::CONTENT_TYPE, ct)], bytes))
    }
    let router = Router::new()
        .route("/media/{name}", get(media))
        .route("/2010-04-01/Accounts/{sid}/Messages.json", post(send))
        .route("/2010-04-01/Accounts/{account}/Calls.json", post(create_call))
        .route("/2010-04-01/Accounts/{account}/Calls/{call}", post(update_call))
        .with_state(rec.clone());
    (serve(router).await, rec)
}

pub async fn evolution(apikey: &'static str) -> (String, Recorder) {
    let rec = Recorder::default();
    async fn state(
        State(rec): State<Recorder>,
        headers: HeaderMap,
        Path(_i): Path<String>,
    ) -> (StatusCode, Json<Value>) {
        if headers.get("apikey").and_then(|h| h.to_str().ok()) != Some("bridge-secret") {
            return (StatusCode::UNAUTHORIZED, Json(json!({"error": "bad apikey"})));
        }
        let st = rec.state.lock().unwrap().clone().unwrap_or_else(|| "open".into());
        (StatusCode::OK, Json(json!({"instance": {"instanceName": "x", "state": st}})))
    }
    async fn send(
        State(rec): State<Recorder>,
        headers: HeaderMap,
        Path(instance): Path<String>,
        Json(mut body): Json<Value>,
    ) -> (StatusCode, Json<Value>) {
        if headers.get("apikey").and_then(|h| h.to_str().ok()) != Some("bridge-secret") {
            return (StatusCode::UNAUTHORIZED, Json(json!({"error": "bad apikey"})));
        }
        body["_instance"] = Value::String(instance);
        body["_at"] = json!(now_ms());
        rec.requests.lock().unwrap().push(body.clone());
        if let Some(s) = rec.failing() {
            let answer = rec.fail_body.lock().unwrap().clone();
            return (s, Json(answer.unwrap_or_else(|| json!({"error": "fake failure"}))));
        }
        let n = rec.count();
        let id = format!("BAE5{n:08}");
        let echo = rec.echo_to.lock().unwrap().clone();
        if let Some(base) = echo {
            let event = json!({
                "event": "messages.upsert", "instance": body["_instance"], "apikey": "bridge-secret",
                "data": {"key": {"remoteJid": format!("{}@s.whatsapp.net", body["number"].as_str().unwrap_or("")),
                                 "fromMe": true, "id": id},
                         "message": {"conversation": body["text"]}}
            });
            let res = reqwest::Client::new().post(format!("{base}/webhook/baileys")).json(&event).send().await.unwrap();
            assert_eq!(res.status(), 200, "echo webhook");
        }
        (StatusCode::CREATED, Json(json!({"key": {"id": id, "fromMe": true}})))
    }
    /// The file of a message, by its key id, as base64.
    async fn base64(
        State(rec): State<Recorder>,
        Path(instance): Path<String>,
        Json(body): Json<Value>,
    ) -> (StatusCode, Json<Value>) {
        use base64::Engine;
        let id = body["message"]["key"]["id"].as_str().unwrap_or_default().to_string();
        rec.requests.lock().unwrap().push(json!({"_base64": id, "_instance": instance}));
        match rec.files.lock().unwrap().get(&id) {
            Some((bytes, ct)) => (
                StatusCode::CREATED,
                Json(json!({"mediaType": "audioMessage", "mimetype": ct,
                            "base64": base64::engine::general_purpose::STANDARD.encode(bytes)})),
            ),
            None => (StatusCode::BAD_REQUEST, Json(json!({"error": "no such message"}))),
        }
    }
    async fn connect(
        State(rec): State<Recorder>,
        Path(instance): Path<String>,
        axum::extract::Query(q): axum::extract::Query<std::collections::HashMap<String, String>>,
    ) -> Json<Value> {
        rec.requests.lock().unwrap().push(json!({"_connect": instance, "number": q.get("number")}));
        let qr = rec.qr.lock().unwrap().clone();
        let code = q.get("number").map(|_| "WZYE-H1YY");
        Json(json!({"pairingCode": code, "code": "2@abc", "base64": qr, "count": 1}))
    }
    async fn create(State(rec): State<Recorder>, Json(mut body): Json<Value>) -> (StatusCode, Json<Value>) {
        body["_create"] = json!(true);
        rec.requests.lock().unwrap().push(body.clone());
        let qr = rec.qr.lock().unwrap().clone();
        (
            StatusCode::CREATED,
            Json(json!({"instance": {"instanceName": body["instanceName"], "status": "created"},
                        "qrcode": {"base64": qr, "pairingCode": null}})),
        )
    }
    assert_eq!(apikey, "bridge-secret");
    let router = Router::new()
        .route("/instance/connectionState/{instance}", get(state))
        .route("/instance/connect/{instance}", get(connect))
        .route("/instance/create", post(create))
        .route("/chat/getBase64FromMediaMessage/{instance}", post(base64))
        .route("/message/sendText/{instance}", post(send))
        .route("/message/sendMedia/{instance}", post(send))
        // A file is sent as base64 in JSON: larger than axum's default limit.
        .layer(axum::extract::DefaultBodyLimit::disable())
        .with_state(rec.clone());
    (serve(router).await, rec)
}

pub async fn chat() -> (String, Recorder) {
    let rec = Recorder::default();
    async fn complete(
        State(rec): State<Recorder>,
        headers: HeaderMap,
        Json(mut body): Json<Value>,
    ) -> (StatusCode, Json<Value>) {
        body["_auth"] = json!(headers.get("authorization").and_then(|h| h.to_str().ok()));
        rec.requests.lock().unwrap().push(body);
        if let Some(s) = rec.failing() {
            return (s, Json(json!({"error": {"message": "fake outage"}})));
        }
        let scripted = rec.script.lock().unwrap().pop_front();
        let message = scripted.unwrap_or_else(|| json!({"role": "assistant", "content": "AI reply text"}));
        (StatusCode::OK, Json(json!({"choices": [{"message": message}]})))
    }
    /// Speech to text: records the form's fields and the file's size; answers the script's
    /// next `{"text": ...}` if it is one, else a fixed sentence.
    async fn transcribe(State(rec): State<Recorder>, headers: HeaderMap, body: axum::body::Bytes) -> Json<Value> {
        let text = String::from_utf8_lossy(&body);
        let field = |name: &str| {
            let marker = format!("name=\"{name}\"\r\n\r\n");
            text.split(&marker).nth(1).and_then(|rest| rest.split("\r\n").next()).map(str::to_string)
        };
        let file_at = body.windows(4).position(|w| w == b"\r\n\r\n".as_slice());
        let ct = headers.get("content-type").and_then(|h| h.to_str().ok()).unwrap_or_default().to_string();
        rec.requests.lock().unwrap().push(json!({
            "_transcription": true, "model": field("model"), "language": field("language"),
            "content_type": ct, "has_file": text.contains("name=\"file\"") && file_at.is_some(),
            "_auth": headers.get("authorization").and_then(|h| h.to_str().ok()),
        }));
        Json(json!({"text": "I want to book a haircut tomorrow"}))
    }
    let router = Router::new()
        .route("/v1/chat/completions", post(complete))
        .route("/v1/audio/transcriptions", post(transcribe))
        .with_state(rec.clone());
    (format!("{}/v1", serve(router).await), rec)
}
