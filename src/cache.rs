//! A small time-to-live map: entries are served for [`TtlCache::ttl`] after
//! they were put, then read again from the database. Used for the users and
//! sessions `Auth` reads on every request; writes made by this process
//! remove or replace entries at once, so the TTL only bounds how long a
//! change made by another process (the CLI) takes to be seen.

use std::{
    collections::HashMap,
    hash::Hash,
    sync::Mutex,
    time::{Duration, Instant},
};

/// Entries beyond this are swept of stale ones on the next put.
const SWEEP_AT: usize = 10_000;

pub struct TtlCache<K, V> {
    ttl: Duration,
    entries: Mutex<HashMap<K, (V, Instant)>>,
}

impl<K: Eq + Hash, V: Clone> TtlCache<K, V> {
    pub fn new(ttl: Duration) -> Self {
        TtlCache { ttl, entries: Mutex::new(HashMap::new()) }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<K, (V, Instant)>> {
        // A poisoned lock only means a panic elsewhere; the map itself is whole.
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The value, if put less than the TTL ago and `valid` still holds.
    pub fn get_if(&self, key: &K, valid: impl FnOnce(&V) -> bool) -> Option<V> {
        let entries = self.lock();
        let (v, at) = entries.get(key)?;
        (at.elapsed() < self.ttl && valid(v)).then(|| v.clone())
    }

    pub fn get(&self, key: &K) -> Option<V> {
        self.get_if(key, |_| true)
    }

    pub fn put(&self, key: K, value: V) {
        let mut entries = self.lock();
        if entries.len() > SWEEP_AT {
            let ttl = self.ttl;
            entries.retain(|_, (_, at)| at.elapsed() < ttl);
        }
        entries.insert(key, (value, Instant::now()));
    }

    pub fn remove(&self, key: &K) {
        self.lock().remove(key);
    }

    /// Drops every entry for which `drop` says so.
    pub fn remove_where(&self, mut drop: impl FnMut(&V) -> bool) {
        self.lock().retain(|_, (v, _)| !drop(v));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_expire_and_can_be_removed() {
        let c = TtlCache::new(Duration::from_millis(50));
        c.put(1, "a");
        c.put(2, "b");
        assert_eq!(c.get(&1), Some("a"));
        assert_eq!(c.get_if(&1, |v| *v == "x"), None);
        c.remove(&1);
        assert_eq!(c.get(&1), None);
        c.remove_where(|v| *v == "b");
        assert_eq!(c.get(&2), None);
        c.put(3, "c");
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(c.get(&3), None);
    }
}
