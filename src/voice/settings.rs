//! The voice agent's settings (environment variables and flags, flattened
//! into the server's settings): how it takes turns, how long it waits in a
//! silence, and how many callbacks a business may place an hour.

use clap::{Args, ValueEnum};

/// How the model decides the caller has finished speaking.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Vad {
    /// Judges from the words whether the caller is done (`semantic_vad`).
    Semantic,
    /// Waits for a fixed stretch of silence (`server_vad`).
    Server,
}

/// How quickly semantic turn detection answers.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Eagerness {
    Low,
    Medium,
    High,
    Auto,
}

impl Eagerness {
    pub fn as_str(self) -> &'static str {
        match self {
            Eagerness::Low => "low",
            Eagerness::Medium => "medium",
            Eagerness::High => "high",
            Eagerness::Auto => "auto",
        }
    }
}

#[derive(Args, Clone, Debug)]
pub struct VoiceSettings {
    /// Turn detection: semantic (the model judges from the words) or server (silence only).
    #[arg(long, env = "FRONTDESK_VOICE_VAD", value_enum, default_value = "semantic", global = true)]
    pub voice_vad: Vad,
    /// How eagerly semantic turn detection answers: low, medium, high or auto.
    #[arg(long, env = "FRONTDESK_VOICE_EAGERNESS", value_enum, default_value = "auto", global = true)]
    pub voice_eagerness: Eagerness,
    /// Seconds of silence on both sides before the agent asks whether the caller is still there
    /// (after as many again it says goodbye and hangs up).
    #[arg(long, env = "FRONTDESK_VOICE_IDLE_SECS", default_value_t = 8.0, global = true)]
    pub voice_idle_secs: f64,
    /// Callbacks (reminders that place a call) each business may place per hour; more wait.
    #[arg(long, env = "FRONTDESK_OUTBOUND_CALLS_PER_HOUR", default_value_t = 20, global = true)]
    pub outbound_calls_per_hour: u32,
}

impl VoiceSettings {
    /// The silence before the agent speaks up (at least 0.1 s).
    pub fn idle(&self) -> std::time::Duration {
        std::time::Duration::from_secs_f64(if self.voice_idle_secs.is_finite() {
            self.voice_idle_secs.max(0.1)
        } else {
            8.0
        })
    }
}

/// The voice agent's callback URLs, as Twilio calls (and signs) them.
#[derive(Clone, Debug)]
pub struct VoiceUrls {
    /// A caller on hold during a transfer fetches its music here (the queue's `waitUrl`).
    pub hold: String,
    /// The person a transfer rings hears the call's summary from here, then is connected.
    pub whisper: String,
    /// How ringing that person ended (their leg's `StatusCallback`).
    pub transfer_status: String,
    /// The caller left the hold queue (the `<Enqueue action>`): connected, hung up, or back to the AI.
    pub transfer_result: String,
    /// A callback was answered: the TwiML that connects the AI.
    pub outbound_answer: String,
    /// Answering machine detection's verdict on a callback.
    pub amd: String,
}

impl VoiceUrls {
    pub fn new(public_base: &str) -> VoiceUrls {
        let at = |path: &str| format!("{public_base}/webhook/twilio/{path}");
        VoiceUrls {
            hold: at("hold"),
            whisper: at("whisper"),
            transfer_status: at("transfer-status"),
            transfer_result: at("transfer-result"),
            outbound_answer: at("outbound"),
            amd: at("amd"),
        }
    }
}
