//! Login throttling, per account and per client address, in memory.
//!
//! An account is slowed after a few failures with a short, capped delay
//! (so an attacker cannot lock a real user out for long); an address that
//! fails many times across accounts is paused longer, and only that address.
//! A success clears the account's count, never the address's: otherwise an
//! attacker could reset their own counter by signing in to an account of
//! their own between guesses. Addresses are the resolved client address
//! (see `client_ip`), so clients behind one trusted proxy do not share one.

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

const WINDOW: Duration = Duration::from_secs(15 * 60);
const ACCOUNT_FREE_FAILURES: u32 = 5;
const ACCOUNT_MAX_DELAY: Duration = Duration::from_secs(60);
const IP_FREE_FAILURES: u32 = 30;
const IP_DELAY: Duration = Duration::from_secs(300);
const MAX_ENTRIES: usize = 100_000;

#[derive(Clone, Copy)]
struct Entry {
    failures: u32,
    first_failure: Instant,
    blocked_until: Option<Instant>,
}

#[derive(Default)]
pub struct LoginThrottle {
    entries: Mutex<HashMap<String, Entry>>,
}

fn account_key(email: &str) -> String {
    format!("a:{}", email.trim().to_lowercase())
}

fn ip_key(ip: &str) -> String {
    format!("i:{ip}")
}

impl LoginThrottle {
    /// Seconds to wait, if either the account or the address is paused.
    pub fn check(&self, email: &str, ip: &str) -> Option<u64> {
        let now = Instant::now();
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        [account_key(email), ip_key(ip)]
            .iter()
            .filter_map(|k| entries.get(k)?.blocked_until)
            .filter(|until| *until > now)
            .map(|until| (until - now).as_secs() + 1)
            .max()
    }

    pub fn failure(&self, email: &str, ip: &str) {
        let now = Instant::now();
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= MAX_ENTRIES {
            entries.retain(|_, e| now.duration_since(e.first_failure) < WINDOW);
        }
        for (key, free, delay) in
            [(account_key(email), ACCOUNT_FREE_FAILURES, None), (ip_key(ip), IP_FREE_FAILURES, Some(IP_DELAY))]
        {
            let e = entries.entry(key).or_insert(Entry { failures: 0, first_failure: now, blocked_until: None });
            if now.duration_since(e.first_failure) > WINDOW {
                *e = Entry { failures: 0, first_failure: now, blocked_until: None };
            }
            e.failures += 1;
            if e.failures >= free {
                // Accounts: 1 s, 2 s, 4 s ... capped at a minute.
                let d = delay
                    .unwrap_or_else(|| Duration::from_secs(1u64 << (e.failures - free).min(6)).min(ACCOUNT_MAX_DELAY));
                e.blocked_until = Some(now + d);
            }
        }
    }

    pub fn success(&self, email: &str) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries.remove(&account_key(email));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_is_paused_after_five_failures_and_freed_by_success() {
        let t = LoginThrottle::default();
        for _ in 0..4 {
            t.failure("A@x.io", "1.1.1.1");
            assert!(t.check("a@x.io", "1.1.1.1").is_none());
        }
        t.failure("a@x.io", "1.1.1.1");
        let wait = t.check("a@x.io", "2.2.2.2").expect("paused");
        assert!(wait <= 60);
        t.success("a@x.io");
        assert!(t.check("a@x.io", "1.1.1.1").is_none());
    }

    #[test]
    fn an_address_is_paused_alone_and_a_success_does_not_reset_it() {
        let t = LoginThrottle::default();
        for i in 0..IP_FREE_FAILURES {
            t.failure(&format!("victim{i}@x.io"), "6.6.6.6");
        }
        t.success("attacker@x.io");
        assert!(t.check("attacker@x.io", "6.6.6.6").is_some(), "the attacker's address stays paused");
        assert!(t.check("someone@x.io", "7.7.7.7").is_none(), "another client signs in to another account");
    }

    #[test]
    fn account_pause_is_capped_at_a_minute() {
        let t = LoginThrottle::default();
        for _ in 0..50 {
            t.failure("a@x.io", &format!("10.0.0.{}", rand::random::<u8>()));
        }
        assert!(t.check("a@x.io", "9.9.9.9").unwrap() <= 61);
    }
}
