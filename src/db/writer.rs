//! The writer thread: takes every queued write, runs each in its own
//! SAVEPOINT inside one `BEGIN IMMEDIATE` transaction, commits once, and only
//! then answers each caller (see the module above for the guarantees), or
//! has the syncer answer them once the commit is on disk (see `syncer`).

use std::{
    collections::VecDeque,
    panic::AssertUnwindSafe,
    sync::{Arc, Mutex, mpsc},
};

use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::{Transaction, TransactionBehavior};

use super::syncer::Committed;
pub(super) use super::syncer::Completion;

/// Runs one write inside the group transaction; says whether it succeeded.
pub(super) type WriteJob = Box<dyn FnOnce(&Transaction) -> (bool, Completion) + Send>;

/// Most writes committed together.
const MAX_GROUP: usize = 512;

/// The writer thread: one group transaction per batch of queued writes.
/// A panic anywhere in a batch (jobs already catch their own) drops that
/// batch's transaction, which rolls it back, and the loop goes on.
/// With `syncer`, the connection commits without fsync and a committed
/// group's answers go to the syncer, which sends them after its fsync.
pub(super) fn writer_loop(
    mut conn: r2d2::PooledConnection<SqliteConnectionManager>,
    queue: mpsc::Receiver<WriteJob>,
    lock: Arc<Mutex<()>>,
    syncer: Option<Committed>,
    changes: &super::watch::Changes,
) {
    let mut pending: VecDeque<WriteJob> = VecDeque::new();
    loop {
        if pending.is_empty() {
            match queue.recv() {
                Ok(job) => pending.push_back(job),
                Err(_) => return,
            }
        }
        while pending.len() < MAX_GROUP {
            match queue.try_recv() {
                Ok(job) => pending.push_back(job),
                Err(_) => break,
            }
        }
        let batch: Vec<WriteJob> = pending.drain(..pending.len().min(MAX_GROUP)).collect();
        let metrics = &crate::metrics::METRICS;
        metrics.writer_queue.dec_by(batch.len() as i64);
        metrics.writer_group.observe(batch.len() as f64);
        let began = std::time::Instant::now();
        let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| run_group(&mut conn, &lock, batch)));
        // Before anyone is answered: a caller that reads next sees the new count.
        changes.settled();
        metrics.writer_group_seconds.observe(began.elapsed().as_secs_f64());
        match outcome {
            Ok(Group { unrun, answers, commit }) => {
                answer(answers, commit, syncer.as_ref());
                metrics.writer_queue.inc_by(unrun.len() as i64);
                // Jobs never started because SQLite rolled the group back: first in the next group.
                for job in unrun.into_iter().rev() {
                    pending.push_front(job);
                }
            }
            Err(_) => tracing::error!("the database writer recovered from a panic; that group was rolled back"),
        }
    }
}

/// What a group transaction did: the answers of the jobs it ran, whether it
/// committed, and the jobs it did not start.
struct Group {
    answers: Vec<Completion>,
    commit: Result<(), String>,
    unrun: Vec<WriteJob>,
}

impl Group {
    /// Nothing ran: dropping each job answers its caller with an error.
    fn never_begun() -> Group {
        Group { answers: Vec::new(), commit: Ok(()), unrun: Vec::new() }
    }
}

/// Sends a group's answers: a commit that still needs its fsync goes to the
/// syncer; a failed commit, or one SQLite synced itself, is answered now.
fn answer(answers: Vec<Completion>, commit: Result<(), String>, syncer: Option<&Committed>) {
    let (answers, outcome) = match (syncer, &commit) {
        (Some(syncer), Ok(())) => match syncer.send(answers) {
            Ok(()) => return,
            // Only if the syncer thread is gone: these writes are committed but maybe not on disk.
            Err(mpsc::SendError(answers)) => (answers, Err("the WAL syncer has stopped".to_string())),
        },
        _ => (answers, commit),
    };
    for a in answers {
        a(outcome.clone());
    }
}

/// Runs one group transaction.
fn run_group(
    conn: &mut r2d2::PooledConnection<SqliteConnectionManager>,
    lock: &Mutex<()>,
    batch: Vec<WriteJob>,
) -> Group {
    let _guard = lock.lock().unwrap_or_else(|p| p.into_inner());
    let tx = match conn.transaction_with_behavior(TransactionBehavior::Immediate) {
        Ok(tx) => tx,
        Err(e) => {
            tracing::error!(error = %e, "could not begin a write transaction");
            return Group::never_begun();
        }
    };
    let mut answers = Vec::with_capacity(batch.len());
    let mut jobs = batch.into_iter();
    let mut rolled_back = false;
    for job in jobs.by_ref() {
        if let Err(e) = savepoint(&tx, "SAVEPOINT w") {
            tracing::error!(error = %e, "savepoint failed");
            rolled_back = tx.is_autocommit();
            drop(job);
            if rolled_back {
                break;
            }
            continue;
        }
        let (ok, completion) = job(&tx);
        answers.push(completion);
        // SQLite may have rolled the whole transaction back (I/O error, disk
        // full, a job that ended it): nothing of this group will commit.
        if tx.is_autocommit() {
            rolled_back = true;
            break;
        }
        let end = if ok { savepoint(&tx, "RELEASE w") } else { tx.execute_batch("ROLLBACK TO w; RELEASE w") };
        if let Err(e) = end {
            tracing::error!(error = %e, "savepoint release failed");
            if tx.is_autocommit() {
                rolled_back = true;
                break;
            }
        }
    }
    let unrun: Vec<WriteJob> = jobs.collect();
    let commit = if rolled_back {
        // Autocommit mode: there is nothing left to commit (dropping `tx` rolls back nothing).
        drop(tx);
        tracing::error!(
            jobs = answers.len(),
            "SQLite rolled back a whole write group; its writes are answered with errors"
        );
        Err("the transaction was rolled back by the database".to_string())
    } else {
        // The search index is part of the group: if it cannot be brought up
        // to date, nothing of the group commits.
        match crate::store::leads::sync_search_index(&tx) {
            Ok(()) => tx.commit().map_err(|e| e.to_string()),
            Err(e) => {
                drop(tx);
                Err(format!("search index upkeep failed: {e}"))
            }
        }
    };
    if let Err(e) = &commit
        && !rolled_back
    {
        tracing::error!(error = %e, "group commit failed");
    }
    Group { answers, commit, unrun }
}

/// A savepoint statement from the statement cache: two per write, so not
/// parsed anew each time as `execute_batch` would.
fn savepoint(tx: &Transaction, sql: &str) -> rusqlite::Result<()> {
    tx.prepare_cached(sql)?.execute([]).map(|_| ())
}
