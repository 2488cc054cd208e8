//! The frames the relay reads and writes. Audio frames, 50 a second each
//! way on every call, are read into borrowed structs and written from them:
//! no `Value` tree and no copy of the payload. Every other frame is rare and
//! goes through `Value`.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};
use serde_json::{Value, value::RawValue};

use super::Line;

/// A finished transcript line in a model event, if it is one.
pub(super) fn transcript_line(msg: &Value) -> Option<Line> {
    let speaker = match msg["type"].as_str()? {
        "conversation.item.input_audio_transcription.completed" => "caller",
        "response.output_audio_transcript.done" | "response.audio_transcript.done" => "agent",
        _ => return None,
    };
    let text = msg["transcript"].as_str()?.trim();
    (!text.is_empty()).then(|| Line { speaker, text: text.to_string() })
}

/// A Twilio Media Streams message, as far as the relay reads it.
#[derive(Deserialize)]
pub(super) struct TwilioFrame<'a> {
    #[serde(borrow)]
    pub(super) event: Cow<'a, str>,
    #[serde(borrow, default)]
    pub(super) media: Option<TwilioMedia<'a>>,
    #[serde(borrow, default)]
    pub(super) dtmf: Option<&'a RawValue>,
}

#[derive(Deserialize)]
pub(super) struct TwilioMedia<'a> {
    #[serde(borrow, default)]
    pub(super) payload: Option<Cow<'a, str>>,
    /// A string of milliseconds (a number is accepted too).
    #[serde(borrow, default)]
    pub(super) timestamp: Option<&'a RawValue>,
}

/// A realtime model event's type, and the audio fields of a delta.
#[derive(Deserialize)]
pub(super) struct ModelHead<'a> {
    #[serde(borrow, rename = "type", default)]
    pub(super) kind: Cow<'a, str>,
    #[serde(borrow, default)]
    pub(super) delta: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub(super) item_id: Option<Cow<'a, str>>,
}

#[derive(Serialize)]
pub(super) struct AudioAppend<'a> {
    #[serde(rename = "type")]
    pub(super) kind: &'static str,
    pub(super) audio: &'a str,
}

#[derive(Serialize)]
pub(super) struct TwilioOut<'a, T: Serialize> {
    pub(super) event: &'static str,
    #[serde(rename = "streamSid")]
    pub(super) stream_sid: &'a str,
    #[serde(flatten)]
    pub(super) body: T,
}

#[derive(Serialize)]
pub(super) struct MediaBody<'a> {
    pub(super) media: Payload<'a>,
}

#[derive(Serialize)]
pub(super) struct Payload<'a> {
    pub(super) payload: &'a str,
}

#[derive(Serialize)]
pub(super) struct MarkBody {
    pub(super) mark: MarkName,
}

#[derive(Serialize)]
pub(super) struct MarkName {
    pub(super) name: String,
}

pub(super) fn frame_json<T: Serialize>(frame: &T) -> String {
    // Serialising these plain structs cannot fail.
    serde_json::to_string(frame).unwrap_or_default()
}

pub(super) fn media_timestamp(raw: &RawValue) -> Option<u64> {
    raw.get().trim_matches('"').parse().ok()
}
