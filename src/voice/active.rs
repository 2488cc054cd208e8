//! The voice calls in progress, so that shutdown can let them end on their
//! own for a while, then end the rest itself and wait until each is saved.

use std::{future::Future, sync::Arc, time::Duration};

use tokio::sync::watch;

/// Cheap to clone; every clone sees the same calls.
#[derive(Clone)]
pub struct ActiveCalls {
    inner: Arc<Inner>,
}

struct Inner {
    /// How many call handlers are running (from upgrade to saved end).
    count: watch::Sender<usize>,
    /// Becomes true when the server ends the calls still running.
    stop: watch::Sender<bool>,
}

impl Default for ActiveCalls {
    fn default() -> Self {
        ActiveCalls { inner: Arc::new(Inner { count: watch::Sender::new(0), stop: watch::Sender::new(false) }) }
    }
}

/// Counts one call as running until dropped.
pub struct CallGuard {
    inner: Arc<Inner>,
}

impl Drop for CallGuard {
    fn drop(&mut self) {
        self.inner.count.send_modify(|n| *n = n.saturating_sub(1));
    }
}

impl ActiveCalls {
    /// Registers a call; hold the guard until its end is saved.
    pub fn enter(&self) -> CallGuard {
        self.inner.count.send_modify(|n| *n += 1);
        CallGuard { inner: self.inner.clone() }
    }

    pub fn count(&self) -> usize {
        *self.inner.count.borrow()
    }

    /// Resolves when the server ends the calls (at once if it already has).
    pub fn stopped(&self) -> impl Future<Output = ()> + Send + 'static {
        let mut stop = self.inner.stop.subscribe();
        async move {
            // The sender lives as long as any handle to the calls: an error cannot end a call.
            if stop.wait_for(|s| *s).await.is_err() {
                std::future::pending::<()>().await;
            }
        }
    }

    /// At shutdown: waits up to `grace` for the calls to end by themselves,
    /// then ends the rest and waits up to `save_limit` for their ends to be
    /// saved. Returns how many calls were still running when it gave up.
    pub async fn drain(&self, grace: Duration, save_limit: Duration) -> usize {
        let mut count = self.inner.count.subscribe();
        let running = *count.borrow();
        if running > 0 {
            tracing::info!(calls = running, grace_secs = grace.as_secs(), "waiting for voice calls to end");
        }
        let ended = tokio::time::timeout(grace, count.wait_for(|n| *n == 0)).await.is_ok();
        // Set even when none are left: a call whose upgrade was still under way ends at once.
        self.inner.stop.send_replace(true);
        if ended {
            return 0;
        }
        tracing::info!(calls = *count.borrow(), "ending the voice calls still running");
        if tokio::time::timeout(save_limit, count.wait_for(|n| *n == 0)).await.is_ok() {
            return 0;
        }
        let left = *count.borrow();
        tracing::warn!(calls = left, "voice calls did not finish saving in time");
        left
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn drain_ends_running_calls_after_the_grace_and_waits_for_their_save() {
        let calls = ActiveCalls::default();
        let guard = calls.enter();
        let stopped = calls.stopped();
        let handler = tokio::spawn(async move {
            stopped.await;
            tokio::time::sleep(Duration::from_millis(50)).await; // the save
            drop(guard);
        });
        let started = std::time::Instant::now();
        assert_eq!(calls.drain(Duration::from_millis(100), Duration::from_secs(5)).await, 0);
        assert!(started.elapsed() >= Duration::from_millis(150), "waited for the grace, then the save");
        assert_eq!(calls.count(), 0);
        handler.await.unwrap();
    }

    #[tokio::test]
    async fn drain_returns_early_when_calls_end_by_themselves_and_gives_up_on_stuck_ones() {
        let calls = ActiveCalls::default();
        let guard = calls.enter();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(20)).await;
            drop(guard);
        });
        let started = std::time::Instant::now();
        assert_eq!(calls.drain(Duration::from_secs(10), Duration::from_secs(10)).await, 0);
        assert!(started.elapsed() < Duration::from_secs(5));

        let calls = ActiveCalls::default();
        let _stuck = calls.enter();
        assert_eq!(calls.drain(Duration::from_millis(10), Duration::from_millis(10)).await, 1);
    }
}
