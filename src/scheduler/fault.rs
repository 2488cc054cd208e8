//! The scheduler's one injected fault, for the black-box test that proves a
//! panicking run does not stop the timer. Armed only through the test-only
//! routes (`FRONTDESK_TEST_FAULTS=1`); otherwise never set.

use std::sync::atomic::{AtomicBool, Ordering};

static PANIC_NEXT_RUN: AtomicBool = AtomicBool::new(false);

/// The next reminder run panics.
pub fn arm() {
    PANIC_NEXT_RUN.store(true, Ordering::SeqCst);
}

/// Called at the start of each reminder run.
pub fn maybe_panic() {
    if PANIC_NEXT_RUN.swap(false, Ordering::SeqCst) {
        panic!("fault injected: a reminder run panics");
    }
}
