//! How far the AI may go on its own: tool calls per model round and per
//! reply (or per phone call), AI-made reminders per lead, the only status
//! moves it may make, and replies per business per hour. One customer
//! message must never turn into hundreds of writes or owner alerts.

use std::{
    collections::{HashMap, VecDeque},
    sync::Mutex,
    time::{Duration, Instant},
};

use crate::domain::{LeadStatus, TenantId};

/// Tool calls run from one model round (a chat completion, or one realtime response).
pub const ROUND_TOOL_CALLS: usize = 3;
/// Tool calls run while answering one WhatsApp burst.
pub const REPLY_TOOL_CALLS: usize = 6;
/// Tool calls run during one phone call (hanging up is always allowed).
pub const CALL_TOOL_CALLS: usize = 12;
/// Call-backs the AI may have waiting on one lead at a time.
pub const PENDING_AI_REMINDERS: i64 = 3;

/// What a call past the budget gets back instead of running.
pub const TOO_MANY: &str = "too many tool calls: this one was not run; answer the customer instead";

/// Counts tool calls against a per-round and a total limit.
#[derive(Debug)]
pub struct ToolBudget {
    per_round: usize,
    total: usize,
    used: usize,
    round: Option<String>,
    used_in_round: usize,
}

impl ToolBudget {
    pub fn new(per_round: usize, total: usize) -> Self {
        ToolBudget { per_round, total, used: 0, round: None, used_in_round: 0 }
    }

    /// A WhatsApp reply: [`ROUND_TOOL_CALLS`] per completion, [`REPLY_TOOL_CALLS`] in all.
    pub fn reply() -> Self {
        Self::new(ROUND_TOOL_CALLS, REPLY_TOOL_CALLS)
    }

    /// A phone call: [`ROUND_TOOL_CALLS`] per response, [`CALL_TOOL_CALLS`] in all.
    pub fn call() -> Self {
        Self::new(ROUND_TOOL_CALLS, CALL_TOOL_CALLS)
    }

    /// Whether one more call of round `round` may run (and counts it if so).
    /// `exempt` calls count against the round only.
    pub fn admit(&mut self, round: &str, exempt: bool) -> bool {
        if self.round.as_deref() != Some(round) {
            self.round = Some(round.to_string());
            self.used_in_round = 0;
        }
        if self.used_in_round >= self.per_round || (!exempt && self.used >= self.total) {
            return false;
        }
        self.used_in_round += 1;
        if !exempt {
            self.used += 1;
        }
        true
    }
}

/// The AI moves a lead only forward, and only out of `new` or `contacted`:
/// what a person decided (qualified, won, lost, archived) stays.
pub fn status_move(from: LeadStatus, to: LeadStatus) -> Result<(), String> {
    use LeadStatus::*;
    match (from, to) {
        (New, Contacted | Qualified) | (Contacted, Qualified) => Ok(()),
        (_, Won | Lost | Archived | New) => {
            Err(format!("status `{}` is not allowed; use contacted or qualified", to.as_str()))
        }
        (f, t) if f == t => Err(format!("the lead is already {}", t.as_str())),
        (f, _) => Err(format!("the lead is {}; only a person changes its status from there", f.as_str())),
    }
}

/// Replies per business in the last hour, kept in memory: a count that
/// includes failed attempts, read on every reply without a table scan. A
/// restart forgets it (the per-lead budget, which is stored, still holds).
#[derive(Default)]
pub struct BusinessReplies {
    windows: Mutex<HashMap<TenantId, Window>>,
}

#[derive(Default)]
struct Window {
    replies: VecDeque<Instant>,
    alerted_at: Option<Instant>,
}

/// The answer of [`BusinessReplies::take`].
#[derive(Debug, PartialEq, Eq)]
pub enum Admit {
    Reply,
    /// Over the cap; `alert` is true at most once an hour per business.
    Refused {
        alert: bool,
    },
}

const HOUR: Duration = Duration::from_secs(3600);

impl BusinessReplies {
    /// Counts one reply of `tenant` if fewer than `max` were counted in the hour before `now`.
    pub fn take(&self, tenant: TenantId, max: u32, now: Instant) -> Admit {
        let mut map = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        let w = map.entry(tenant).or_default();
        while w.replies.front().is_some_and(|t| now.duration_since(*t) >= HOUR) {
            w.replies.pop_front();
        }
        if w.replies.len() < max as usize {
            w.replies.push_back(now);
            return Admit::Reply;
        }
        let alert = w.alerted_at.is_none_or(|t| now.duration_since(t) >= HOUR);
        if alert {
            w.alerted_at = Some(now);
        }
        Admit::Refused { alert }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use LeadStatus::*;

    #[test]
    fn a_budget_bounds_each_round_and_the_whole() {
        let mut b = ToolBudget::reply();
        let admitted = |b: &mut ToolBudget, round: &str, n: usize| (0..n).filter(|_| b.admit(round, false)).count();
        assert_eq!(admitted(&mut b, "r1", 5), 3);
        assert_eq!(admitted(&mut b, "r2", 5), 3);
        assert_eq!(admitted(&mut b, "r3", 5), 0, "the reply's total is spent");
        let mut call = ToolBudget::call();
        for r in 0..4 {
            assert_eq!(admitted(&mut call, &format!("resp{r}"), 3), 3);
        }
        assert!(!call.admit("resp9", false));
        assert!(call.admit("resp9", true), "hanging up stays possible");
    }

    #[test]
    fn the_ai_moves_a_lead_only_forward_from_new_or_contacted() {
        for (from, to) in [(New, Contacted), (New, Qualified), (Contacted, Qualified)] {
            assert!(status_move(from, to).is_ok(), "{from:?} -> {to:?}");
        }
        let all: Vec<LeadStatus> = LeadStatus::ALL.iter().filter_map(|s| LeadStatus::parse(s)).collect();
        assert_eq!(all.len(), 6);
        for &from in &all {
            for &to in &all {
                let allowed = matches!((from, to), (New, Contacted | Qualified) | (Contacted, Qualified));
                assert_eq!(status_move(from, to).is_ok(), allowed, "{from:?} -> {to:?}");
            }
        }
        assert!(status_move(Won, Qualified).unwrap_err().contains("won"));
    }

    #[test]
    fn the_business_cap_counts_an_hour_and_alerts_once_an_hour() {
        let r = BusinessReplies::default();
        let t0 = Instant::now();
        let (a, b) = (TenantId(1), TenantId(2));
        assert_eq!(r.take(a, 2, t0), Admit::Reply);
        assert_eq!(r.take(a, 2, t0), Admit::Reply);
        assert_eq!(r.take(a, 2, t0), Admit::Refused { alert: true });
        assert_eq!(r.take(a, 2, t0 + Duration::from_secs(60)), Admit::Refused { alert: false });
        assert_eq!(r.take(b, 2, t0), Admit::Reply, "each business has its own");
        assert_eq!(r.take(a, 2, t0 + HOUR), Admit::Reply, "an hour later the window has moved");
        assert_eq!(r.take(a, 0, t0), Admit::Refused { alert: false });
    }
}
