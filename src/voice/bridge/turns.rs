//! The call's timing: how long each turn took (the caller's end of speech
//! to the first audio frame sent back to Twilio), and the silences that make
//! the agent speak up.

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::metrics::METRICS;

/// A call's turn latencies in milliseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TurnLatency {
    pub median: u64,
    pub max: u64,
    pub turns: u64,
}

impl TurnLatency {
    /// None for a call without a measured turn.
    pub fn of(mut ms: Vec<u64>) -> Option<TurnLatency> {
        if ms.is_empty() {
            return None;
        }
        ms.sort_unstable();
        let n = ms.len();
        let median = if n % 2 == 1 { ms[n / 2] } else { (ms[n / 2 - 1] + ms[n / 2]).div_ceil(2) };
        Some(TurnLatency { median, max: ms[n - 1], turns: n as u64 })
    }
}

/// The turns measured so far.
#[derive(Default)]
pub(super) struct Turns {
    /// The caller stopped speaking and the agent has not answered yet.
    waiting_since: Option<Instant>,
    done_ms: Vec<u64>,
}

impl Turns {
    pub(super) fn speech_started(&mut self) {
        // The caller went on speaking: the turn starts at their next stop.
        self.waiting_since = None;
    }

    pub(super) fn speech_stopped(&mut self, at: Instant) {
        self.waiting_since = Some(at);
    }

    /// An audio frame went to Twilio at `at`: the first one after the caller stopped ends the turn.
    pub(super) fn audio_sent(&mut self, at: Instant) {
        if let Some(since) = self.waiting_since.take() {
            let took = at.saturating_duration_since(since);
            METRICS.voice_turn_latency.observe(took.as_secs_f64());
            self.done_ms.push(u64::try_from(took.as_millis()).unwrap_or(u64::MAX));
        }
    }

    pub(super) fn summary(&self) -> Option<TurnLatency> {
        TurnLatency::of(self.done_ms.clone())
    }
}

/// Where the call is in a silence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Silence {
    /// Someone spoke lately.
    Talking,
    /// The agent asked whether the caller is still there.
    Asked,
    /// The agent is saying goodbye; the call ends when it has played.
    Ending,
}

/// The idle timer: any speech moves it on; it fires after `after` of silence on both sides.
pub(super) struct Idle {
    after: Option<Duration>,
    pub(super) deadline: Option<tokio::time::Instant>,
    pub(super) stage: Silence,
}

impl Idle {
    pub(super) fn new(after: Option<Duration>) -> Idle {
        let mut idle = Idle { after, deadline: None, stage: Silence::Talking };
        idle.agent_active(tokio::time::Instant::now());
        idle
    }

    /// The agent's audio was sent or played at `now`: the silence starts over, its stage stays.
    pub(super) fn agent_active(&mut self, now: tokio::time::Instant) {
        self.deadline = self.after.map(|d| now + d);
    }

    /// The caller spoke at `now`: they are there.
    pub(super) fn caller_active(&mut self, now: tokio::time::Instant) {
        if self.stage != Silence::Ending {
            self.stage = Silence::Talking;
        }
        self.agent_active(now);
    }
}

/// A deadline that never comes in a call's lifetime.
pub(super) fn far() -> tokio::time::Instant {
    tokio::time::Instant::now() + Duration::from_secs(365 * 24 * 3600)
}

/// Resolves at `deadline`, never when there is none.
pub(super) async fn at(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_max_and_count() {
        assert_eq!(TurnLatency::of(vec![]), None);
        assert_eq!(TurnLatency::of(vec![300]), Some(TurnLatency { median: 300, max: 300, turns: 1 }));
        assert_eq!(TurnLatency::of(vec![900, 100, 500]), Some(TurnLatency { median: 500, max: 900, turns: 3 }));
        assert_eq!(TurnLatency::of(vec![400, 100, 200, 300]), Some(TurnLatency { median: 250, max: 400, turns: 4 }));
    }

    #[test]
    fn a_turn_runs_from_the_last_stop_to_the_first_frame_after_it() {
        let mut t = Turns::default();
        let t0 = Instant::now();
        t.audio_sent(t0); // the greeting: no turn
        t.speech_stopped(t0);
        t.speech_started(); // went on speaking
        t.speech_stopped(t0 + Duration::from_millis(100));
        t.audio_sent(t0 + Duration::from_millis(400));
        t.audio_sent(t0 + Duration::from_millis(420)); // same answer
        assert_eq!(t.summary(), Some(TurnLatency { median: 300, max: 300, turns: 1 }));
    }
}
