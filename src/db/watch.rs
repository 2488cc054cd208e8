//! A count of committed changes to the tables free slots are computed from
//! (appointments, services, staff hours, businesses, users), so an answer
//! computed from them can be reused until the next such change.
//!
//! SQLite's update hook marks a change while a transaction runs; the count
//! moves only after that transaction has committed. A reader that takes the
//! count before it reads therefore never files an answer read before a
//! commit under the count after it.

use std::sync::{
    Arc,
    atomic::{AtomicBool, AtomicU64, Ordering},
};

use rusqlite::Connection;

/// The tables availability reads. `service_staff` is a WITHOUT ROWID table,
/// which the hook does not report; its rows are only written together with
/// their service's row (`updated_at`) or removed with a user.
const WATCHED: [&str; 6] = ["appointments", "services", "service_staff", "staff_schedules", "tenants", "users"];

#[derive(Default)]
pub struct Changes {
    marked: AtomicBool,
    committed: AtomicU64,
}

impl Changes {
    /// Moves after every commit that changed a watched table.
    pub fn generation(&self) -> u64 {
        self.committed.load(Ordering::Acquire)
    }

    /// Marks changes made through `conn`.
    pub(super) fn watch(self: &Arc<Self>, conn: &Connection) -> rusqlite::Result<()> {
        let changes = self.clone();
        conn.update_hook(Some(move |_, _: &str, table: &str, _| {
            if WATCHED.contains(&table) {
                changes.marked.store(true, Ordering::Release);
            }
        }))
    }

    /// After a commit (or a rollback, which costs only a recomputation).
    pub(super) fn settled(&self) {
        if self.marked.swap(false, Ordering::AcqRel) {
            self.committed.fetch_add(1, Ordering::AcqRel);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_watched_tables_move_the_count_and_only_once_settled() {
        let c = Connection::open_in_memory().unwrap();
        c.execute_batch("CREATE TABLE services (id INTEGER PRIMARY KEY); CREATE TABLE leads (id INTEGER PRIMARY KEY);")
            .unwrap();
        let changes = Arc::new(Changes::default());
        changes.watch(&c).unwrap();
        c.execute("INSERT INTO leads (id) VALUES (1)", []).unwrap();
        changes.settled();
        assert_eq!(changes.generation(), 0);
        c.execute("INSERT INTO services (id) VALUES (1)", []).unwrap();
        assert_eq!(changes.generation(), 0, "not before the commit is settled");
        changes.settled();
        assert_eq!(changes.generation(), 1);
        changes.settled();
        assert_eq!(changes.generation(), 1);
    }
}
