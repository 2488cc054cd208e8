//! What the model is told: the first `session.update`, and the short
//! instructions of the responses the bridge asks for by itself (the idle
//! prompt, the goodbye, the filler while a tool runs).

use std::time::Duration;

use serde_json::{Value, json};

/// Settings sent to the model at the start of the call.
#[derive(Default)]
pub struct SessionConfig {
    pub instructions: String,
    pub greet: bool,
    /// Function tools in the realtime format (empty: none).
    pub tools: Vec<Value>,
    /// The caller's expected language for transcription (`he`, `en`).
    pub language: Option<String>,
    /// The agent's voice; None leaves the model's default.
    pub voice: Option<String>,
    /// `audio.input.turn_detection`; None is plain `server_vad`.
    pub turn_detection: Option<Value>,
    /// Silence on both sides this long makes the agent ask whether the
    /// caller is still there, then say goodbye; None never does.
    pub idle: Option<Duration>,
}

/// A tool running longer than this gets a short spoken filler.
pub const FILLER_AFTER: Duration = Duration::from_millis(1500);

/// The first `session.update`: the business's prompt, µ-law both ways,
/// turn detection, input transcription, the voice and the tools.
pub fn session_update(cfg: &SessionConfig) -> Value {
    let mut transcription = json!({"model": "gpt-4o-mini-transcribe"});
    if let Some(lang) = &cfg.language {
        transcription["language"] = json!(lang);
    }
    let mut output = json!({"format": {"type": "audio/pcmu"}});
    if let Some(voice) = &cfg.voice {
        output["voice"] = json!(voice);
    }
    let turn_detection = cfg.turn_detection.clone().unwrap_or_else(|| json!({"type": "server_vad"}));
    let mut session = json!({
        "type": "realtime",
        "instructions": cfg.instructions,
        "audio": {
            "input": {
                "format": {"type": "audio/pcmu"},
                "turn_detection": turn_detection,
                "transcription": transcription
            },
            "output": output
        }
    });
    if !cfg.tools.is_empty() {
        session["tools"] = json!(cfg.tools);
        session["tool_choice"] = json!("auto");
    }
    json!({"type": "session.update", "session": session})
}

fn language_name(language: Option<&str>) -> &'static str {
    match language {
        Some("en") => "English",
        _ => "Hebrew",
    }
}

/// A response the bridge asks for, spoken with `instructions` and no tools.
fn spoken(instructions: String) -> String {
    json!({"type": "response.create", "response": {"instructions": instructions, "tool_choice": "none"}}).to_string()
}

/// After a silence: ask once whether the caller is still on the line.
pub fn still_there(language: Option<&str>) -> String {
    spoken(format!(
        "The line has been silent for a while. In {}, ask the caller briefly and warmly whether they are \
         still there. One short sentence.",
        language_name(language)
    ))
}

/// After a second silence: end the call politely.
pub fn goodbye(language: Option<&str>) -> String {
    spoken(format!(
        "The caller has not answered. In {}, say in one short sentence that you are ending the call and that \
         they are welcome to call back, then say goodbye.",
        language_name(language)
    ))
}

/// While a slow tool runs: a brief filler.
pub fn filler(language: Option<&str>) -> String {
    spoken(format!(
        "You are still working on the caller's request. In {}, say only a very short phrase such as \
         \"one moment, please\". Do not say anything else.",
        language_name(language)
    ))
}
