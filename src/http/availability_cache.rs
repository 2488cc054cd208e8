//! Answers of `GET /api/availability`, reused while nothing they depend on
//! has changed. Computing one reads every staff member's hours and bookings
//! and walks the step grid (about a millisecond for two weeks of ten staff);
//! a calendar or the AI asks for the same window many times in a row.
//!
//! An answer is kept under the database's booking generation it was computed
//! at (see `Db::booking_generation`), so any committed booking, service,
//! hours or settings change retires it at once. It also depends on the clock
//! (the minimum notice and the horizon move with "now"), so it is kept for a
//! second at most.

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

use axum::body::Bytes;

use crate::domain::{ServiceId, TenantId, UserId};

/// How long an answer follows the clock closely enough.
const FRESH_FOR: Duration = Duration::from_secs(1);
/// Answers larger than this (long windows of many staff) are not kept.
const LARGEST: usize = 512 * 1024;
/// Kept answers, at most; the whole cache is then at most 16 MiB.
const ENTRIES: usize = 32;

/// One question: the business, the service, the staff member, the window (ms).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Question {
    pub tenant: TenantId,
    pub service: ServiceId,
    pub staff: Option<UserId>,
    pub window: (i64, i64),
}

struct Answer {
    generation: u64,
    at: Instant,
    body: Bytes,
}

#[derive(Default)]
pub struct AvailabilityCache(Mutex<HashMap<Question, Answer>>);

impl AvailabilityCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Question, Answer>> {
        // A poisoned lock only means a panic elsewhere; the map itself is whole.
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn get(&self, q: &Question, generation: u64) -> Option<Bytes> {
        let answers = self.lock();
        let a = answers.get(q)?;
        (a.generation == generation && a.at.elapsed() < FRESH_FOR).then(|| a.body.clone())
    }

    pub fn put(&self, q: Question, generation: u64, body: Bytes) {
        if body.len() > LARGEST {
            return;
        }
        let mut answers = self.lock();
        if answers.len() >= ENTRIES && !answers.contains_key(&q) {
            answers.retain(|_, a| a.generation == generation && a.at.elapsed() < FRESH_FOR);
            if answers.len() >= ENTRIES {
                answers.clear();
            }
        }
        answers.insert(q, Answer { generation, at: Instant::now(), body });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(n: i64) -> Question {
        Question { tenant: TenantId(1), service: ServiceId(1), staff: None, window: (n, n + 1) }
    }

    #[test]
    fn an_answer_lasts_until_the_generation_moves_or_a_second_passes() {
        let c = AvailabilityCache::default();
        c.put(q(0), 7, Bytes::from_static(b"{}"));
        assert!(c.get(&q(0), 7).is_some());
        assert!(c.get(&q(0), 8).is_none());
        assert!(c.get(&q(1), 7).is_none());
        for n in 1..=ENTRIES as i64 * 2 {
            c.put(q(n), 7, Bytes::from_static(b"{}"));
        }
        assert!(c.lock().len() <= ENTRIES);
        c.put(q(-5), 7, Bytes::from(vec![b' '; LARGEST + 1]));
        assert!(c.get(&q(-5), 7).is_none());
    }
}
