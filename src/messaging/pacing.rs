//! Pacing of automatic sends through the bridge, per instance: at most N a
//! minute, each 1-3 s (with jitter) after the one before, in the order they
//! asked. A WhatsApp number that sends in bursts looks like a bot to
//! WhatsApp and gets banned; a phone's owner types slower than that. A
//! person's send never waits here (it is noted, so the automatic ones keep
//! their distance from it).

use std::{
    collections::{HashMap, VecDeque},
    sync::{Arc, Mutex},
    time::Duration,
};

use tokio::time::Instant;

const WINDOW: Duration = Duration::from_secs(60);
const MIN_GAP_MS: u64 = 1000;
const MAX_GAP_MS: u64 = 3000;

pub struct Pacer {
    per_minute: usize,
    window: Duration,
    gap_ms: (u64, u64),
    lanes: Mutex<HashMap<String, Arc<Lane>>>,
}

#[derive(Default)]
struct Lane {
    /// Held by the automatic send whose turn it is; tokio's mutex is fair
    /// (first come, first served), which keeps them in order.
    queue: Arc<tokio::sync::Mutex<()>>,
    /// When sends went out in the last minute, oldest first.
    sent: Mutex<VecDeque<Instant>>,
}

/// An automatic send's turn: the next one waits until this is dropped.
pub struct Turn {
    _queue: tokio::sync::OwnedMutexGuard<()>,
}

impl Pacer {
    pub fn new(per_minute: u32) -> Self {
        Pacer::scaled(per_minute, WINDOW, (MIN_GAP_MS, MAX_GAP_MS))
    }

    /// `per_window` sends per `window`, `gap_ms` apart (the tests' faster clock).
    fn scaled(per_window: u32, window: Duration, gap_ms: (u64, u64)) -> Self {
        Pacer { per_minute: per_window.max(1) as usize, window, gap_ms, lanes: Mutex::default() }
    }

    fn lane(&self, key: &str) -> Arc<Lane> {
        let mut lanes = self.lanes.lock().unwrap_or_else(|p| p.into_inner());
        lanes.entry(key.to_string()).or_default().clone()
    }

    /// Waits for an automatic send's turn on `key` (the instance).
    pub async fn turn(&self, key: &str) -> Turn {
        let lane = self.lane(key);
        let guard = lane.queue.clone().lock_owned().await;
        let gap = Duration::from_millis(rand::random_range(self.gap_ms.0..=self.gap_ms.1));
        loop {
            let now = Instant::now();
            let ready_at = {
                let mut sent = lane.sent.lock().unwrap_or_else(|p| p.into_inner());
                while sent.len() > 1 && sent.front().is_some_and(|t| now.duration_since(*t) >= self.window) {
                    sent.pop_front();
                }
                let mut at = sent.back().map_or(now, |last| *last + gap);
                if sent.len() >= self.per_minute {
                    at = at.max(sent[sent.len() - self.per_minute] + self.window);
                }
                if at <= now {
                    sent.push_back(now);
                    None
                } else {
                    Some(at)
                }
            };
            match ready_at {
                None => return Turn { _queue: guard },
                // A person's send may land meanwhile: look again after the wait.
                Some(at) => tokio::time::sleep_until(at).await,
            }
        }
    }

    /// A person's send on `key` went out now (it did not wait).
    pub fn note(&self, key: &str) {
        let lane = self.lane(key);
        lane.sent.lock().unwrap_or_else(|p| p.into_inner()).push_back(Instant::now());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Time scaled down a hundredfold: a "minute" of 600 ms, gaps of 10-30 ms.
    const W: Duration = Duration::from_millis(600);
    const MS: Duration = Duration::from_millis(1);

    #[tokio::test]
    async fn automatic_sends_are_spaced_capped_and_in_order() {
        let pacer = Arc::new(Pacer::scaled(20, W, (10, 30)));
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let mut tasks = Vec::new();
        for i in 0..30 {
            let (pacer, tx) = (pacer.clone(), tx.clone());
            tasks.push(tokio::spawn(async move {
                let _turn = pacer.turn("biz1").await;
                tx.send((i, Instant::now())).unwrap();
            }));
            // Each asks after the one before.
            tokio::time::sleep(MS).await;
        }
        drop(tx);
        let mut got = Vec::new();
        while let Some(x) = rx.recv().await {
            got.push(x);
        }
        let order: Vec<i32> = got.iter().map(|(i, _)| *i).collect();
        assert_eq!(order, (0..30).collect::<Vec<_>>(), "in order");
        for w in got.windows(2) {
            assert!(w[1].1 - w[0].1 >= 10 * MS, "{:?}", w[1].1 - w[0].1);
        }
        // The 21st waits for the first to be a "minute" old.
        assert!(got[20].1 - got[0].1 >= W);
        // Another instance has its own lane.
        let t = Instant::now();
        drop(pacer.turn("biz2").await);
        assert!(Instant::now() - t < 10 * MS);
    }

    #[tokio::test]
    async fn a_person_does_not_wait_and_the_next_automatic_send_keeps_its_distance() {
        let pacer = Pacer::scaled(20, W, (50, 60));
        drop(pacer.turn("biz1").await);
        pacer.note("biz1");
        let noted = Instant::now();
        drop(pacer.turn("biz1").await);
        assert!(Instant::now() - noted >= 50 * MS);
    }
}
