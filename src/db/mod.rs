//! The database: an r2d2 pool of SQLite connections with PRAGMAs set on
//! acquire, migrations from `schema.sql`, and helpers that run SQLite work on
//! the blocking pool (never on the async threads).
//!
//! Writes go through one writer thread that commits in groups: it takes every
//! write waiting in its queue, runs each in its own SAVEPOINT inside a single
//! `BEGIN IMMEDIATE` transaction, commits once, and only then answers each
//! caller (at full durability, once the syncer has fsynced the WAL). A failing
//! write rolls back to its savepoint without touching the others; a failed
//! commit fails them all. So "Ok means committed" holds while one fsync/FTS
//! flush serves many requests. SQLite allows one writer anyway;
//! `busy_timeout` still covers other processes (`frontdesk backup`, the CLI).
//!
//! Some errors (I/O, disk full, a statement that ends the transaction) make
//! SQLite roll the whole group back on its own. The writer notices (the
//! connection is back in autocommit mode), answers every job already run with
//! an error, and runs the jobs not yet started in a fresh transaction, so a
//! job is never committed while its caller is told it failed (short of an
//! fsync that fails after the commit: see `syncer`).

use std::{
    panic::AssertUnwindSafe,
    path::Path,
    sync::{Arc, Mutex, mpsc},
    time::Duration,
};

use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

use crate::store::StoreError;

fn unavailable(why: impl std::fmt::Display) -> StoreError {
    StoreError::Unavailable(why.to_string())
}

/// The schema, split into versioned blocks by `-- version: N` lines.
pub const SCHEMA_SQL: &str = include_str!("../../schema.sql");

pub type Pool = r2d2::Pool<SqliteConnectionManager>;

/// Handle to the database; cheap to clone.
#[derive(Clone)]
pub struct Db {
    pool: Pool,
    write_lock: Arc<Mutex<()>>,
    /// Held while a checkpoint runs: the background one and the final
    /// TRUNCATE at shutdown must not meet (the loser would only report busy).
    checkpointing: Arc<Mutex<()>>,
    writer: mpsc::Sender<WriteJob>,
    changes: Arc<watch::Changes>,
}

/// How much an answered write survives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Durability {
    /// Power loss: one fsync of the WAL per group commit before its writes
    /// are answered (the syncer thread's, overlapping the next group).
    Full,
    /// A process crash only: `synchronous=NORMAL`.
    Normal,
}

impl Durability {
    fn pragma(self) -> &'static str {
        match self {
            Durability::Full => "FULL",
            Durability::Normal => "NORMAL",
        }
    }
}

pub mod backup;
pub mod lock;
pub mod path;
/// Who copies the WAL back into the data file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum WalCheckpoints {
    /// This server: every 250 ms on its own thread, and at shutdown.
    #[default]
    Internal,
    /// Another process (Litestream): no checkpoint thread, none at shutdown,
    /// and none when a connection closes; the WAL grows until it checkpoints.
    External,
}

/// How the database is opened.
#[derive(Clone, Copy, Debug)]
pub struct DbOptions {
    pub durability: Durability,
    pub checkpoints: WalCheckpoints,
    /// WAL size in bytes past which the internal checkpointer makes it start
    /// over (see `checkpoint_loop`), and that it is then cut back to.
    pub wal_limit: i64,
}

impl Default for DbOptions {
    fn default() -> Self {
        DbOptions { durability: Durability::Full, checkpoints: WalCheckpoints::Internal, wal_limit: WAL_LIMIT }
    }
}

mod checkpoint;
mod files;
mod migrate;
mod syncer;
mod watch;
mod writer;

use checkpoint::{WAL_LIMIT, checkpoint, checkpoint_loop};
use files::{companion, make_private};
use migrate::{copy_before_upgrade, migrate};
pub use migrate::{latest_version, migrations};

use writer::{Completion, WriteJob, writer_loop};

/// Why the database could not be opened; printed to the operator as-is.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error(
        "cannot open the data file {path}: {source}. Check that its folder exists and is writable by this user, \
         or point FRONTDESK_DATA (--data) somewhere writable."
    )]
    Unwritable { path: String, source: rusqlite::Error },
    #[error(
        "the data file {path} has schema version {found}, newer than this build of frontdesk knows ({known}). \
         It was written by a newer frontdesk: run that version, or restore a backup made for this one."
    )]
    NewerSchema { path: String, found: u32, known: u32 },
    #[error(
        "could not write a copy of {path} before upgrading its schema from version {from} to {to}: {reason}. \
         Nothing was migrated; free some disk space or make the data file's folder writable, then start again."
    )]
    PreUpgradeCopy { path: String, from: u32, to: u32, reason: String },
    #[error(
        "upgrading {path} to schema version {version} stopped: {reason}. Nothing of that version was written; \
         restore the copy made before the upgrade or report the problem."
    )]
    Migration { path: String, version: u32, reason: String },
    #[error("database error while opening {path}: {source}")]
    Sqlite { path: String, source: rusqlite::Error },
    #[error("database pool error: {0}")]
    Pool(#[from] r2d2::Error),
}

/// Process-wide SQLite settings, made once before the first connection.
/// Memory statistics cost a global mutex on every SQLite allocation and
/// nothing here reads them.
fn configure_sqlite() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: sqlite3_config is only allowed before SQLite initialises; if a
        // connection was opened already it returns SQLITE_MISUSE and changes nothing.
        let rc = unsafe { rusqlite::ffi::sqlite3_config(rusqlite::ffi::SQLITE_CONFIG_MEMSTATUS, 0) };
        if rc != rusqlite::ffi::SQLITE_OK {
            tracing::debug!(rc, "SQLite was initialised already; memory statistics stay on");
        }
    });
}

fn init_connection(conn: &mut Connection, opts: DbOptions) -> rusqlite::Result<()> {
    let durability = opts.durability;
    // busy_timeout first: switching to WAL on a fresh file can itself meet a lock.
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "synchronous", durability.pragma())?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    // rusqlite keeps 16 statements by default; a webhook alone runs more than
    // that on the writer, which then re-prepared (and re-compiled the
    // triggers of) a third of its statements on every write.
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    // Reads of the first 48 MiB go through a shared memory map (the OS page
    // cache serves every pooled connection). Mapped pages count as resident
    // memory, so the map is kept small; beyond it SQLite reads as usual.
    conn.pragma_update(None, "mmap_size", 48 * 1024 * 1024)?;
    // Plans must not depend on bound values: otherwise SQLite (3.53) bakes a
    // bound `LIMIT ?` into the plan and re-prepares every paged query at each
    // execution (a tenth of the list endpoint's CPU before this was set).
    conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    // Checkpoints run on their own thread (`checkpoint_loop`), not inside the
    // writer's commits, where they held up every write of the group behind them.
    conn.pragma_update(None, "wal_autocheckpoint", 0)?;
    conn.pragma_update(None, "journal_size_limit", opts.wal_limit)?;
    // The search's own SQL function (the walk asks it of each lead it passes).
    crate::store::leads::register_functions(conn)?;
    if opts.checkpoints == WalCheckpoints::External {
        // The last connection to close would otherwise checkpoint (and delete)
        // the WAL behind the external checkpointer's back.
        conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true)?;
    }
    Ok(())
}

/// Prepared statements kept per connection: more than the distinct
/// statements any connection runs, so none is prepared twice.
const STATEMENT_CACHE: usize = 128;

/// Pooled connections (reads run on them; one is the writer's).
pub const READERS: u32 = 8;

/// Starts one of the database's own threads.
fn spawn(name: &str, shown: &str, f: impl FnOnce() + Send + 'static) -> Result<(), OpenError> {
    std::thread::Builder::new().name(name.into()).spawn(f).map(drop).map_err(|e| OpenError::Sqlite {
        path: shown.to_string(),
        source: rusqlite::Error::ToSqlConversionFailure(Box::new(e)),
    })
}

impl Db {
    /// Opens (creating if needed) the data file at full durability.
    pub fn open(path: &Path) -> Result<Db, OpenError> {
        Db::open_with(path, Durability::Full)
    }

    /// Opens (creating if needed) the data file at `durability`, checkpointing it itself.
    pub fn open_with(path: &Path, durability: Durability) -> Result<Db, OpenError> {
        Db::open_opts(path, DbOptions { durability, ..DbOptions::default() })
    }

    /// Opens (creating if needed) the data file, migrates it, and builds the
    /// pool; starts the checkpoint thread unless checkpoints are external.
    pub fn open_opts(path: &Path, opts: DbOptions) -> Result<Db, OpenError> {
        configure_sqlite();
        // The `-wal` the syncer fsyncs and the pre-upgrade copy are named after this.
        let path = &self::path::canonical(path);
        let shown = path.display().to_string();
        make_private(path);
        let mut conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|source| OpenError::Unwritable { path: shown.clone(), source })?;
        // Opening is lazy; make SQLite touch the file so an unwritable path fails here.
        init_connection(&mut conn, opts).map_err(|source| OpenError::Unwritable { path: shown.clone(), source })?;
        copy_before_upgrade(&conn, path, &shown)?;
        migrate(&mut conn, &shown)?;
        // Leads another program wrote (which the writer's batches have not seen) are indexed now.
        conn.transaction()
            .and_then(|tx| crate::store::leads::index_all_waiting(&tx).and_then(|()| tx.commit()))
            .map_err(|source| OpenError::Sqlite { path: shown.clone(), source })?;

        let changes = Arc::new(watch::Changes::default());
        let watching = changes.clone();
        let manager = SqliteConnectionManager::file(path).with_init(move |c| {
            init_connection(c, opts)?;
            watching.watch(c)
        });
        let pool = r2d2::Pool::builder()
            .max_size(READERS)
            .min_idle(Some(1))
            .connection_timeout(Duration::from_secs(10))
            .build(manager)?;
        let write_lock = Arc::new(Mutex::new(()));
        let checkpointing = Arc::new(Mutex::new(()));
        let (writer, queue) = mpsc::channel::<WriteJob>();
        let pooled = pool.get()?;
        // Full durability: the writer commits without fsync and the syncer
        // fsyncs each commit before it is answered (see `syncer`), so the
        // next group runs during the fsync. Other connections keep FULL.
        let syncer = if opts.durability == Durability::Full {
            pooled
                .pragma_update(None, "synchronous", Durability::Normal.pragma())
                .map_err(|source| OpenError::Sqlite { path: shown.clone(), source })?;
            let (committed, groups) = mpsc::channel();
            let wal = companion(path, "-wal");
            spawn("sqlite-syncer", &shown, move || syncer::syncer_loop(wal, groups))?;
            Some(committed)
        } else {
            None
        };
        let lock = write_lock.clone();
        let settled = changes.clone();
        spawn("sqlite-writer", &shown, move || writer_loop(pooled, queue, lock, syncer, &settled))?;
        // The connection that migrated the file goes on to checkpoint it.
        if opts.checkpoints == WalCheckpoints::Internal {
            let (checkpointing, writer) = (Arc::downgrade(&checkpointing), Arc::downgrade(&write_lock));
            let limit = opts.wal_limit;
            spawn("sqlite-checkpoint", &shown, move || checkpoint_loop(conn, checkpointing, writer, limit))?;
        }
        Ok(Db { pool, write_lock, checkpointing, writer, changes })
    }

    /// Runs read-only work on a pooled connection, off the async threads.
    /// `E` is the caller's error: the store's own, or the API's when the
    /// work also validates (anything a `StoreError` converts into).
    pub async fn read<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&Connection) -> Result<T, E> + Send + 'static,
    {
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || {
            let conn = pool.get().map_err(|e| E::from(unavailable(e)))?;
            f(&conn)
        })
        .await
        .map_err(|e| E::from(unavailable(e)))?
    }

    /// Runs `f` as one atomic unit of the writer's next group transaction.
    /// Returns once that transaction has committed: Ok means on disk (WAL).
    /// An Err from `f` undoes exactly what `f` wrote.
    pub async fn write<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&Transaction) -> Result<T, E> + Send + 'static,
    {
        let (done, result) = tokio::sync::oneshot::channel::<Result<T, E>>();
        let job: WriteJob = Box::new(move |tx: &Transaction| {
            let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| f(tx)))
                .unwrap_or_else(|_| Err(E::from(unavailable("a database write panicked"))));
            let ok = outcome.is_ok();
            let completion: Completion = Box::new(move |commit: Result<(), String>| {
                let _ = done.send(match commit {
                    Ok(()) => outcome,
                    Err(e) => Err(E::from(unavailable(format!("commit failed: {e}")))),
                });
            });
            (ok, completion)
        });
        // Counted before the send, so the writer never takes it off a count it is not on yet.
        crate::metrics::METRICS.writer_queue.inc();
        if self.writer.send(job).is_err() {
            crate::metrics::METRICS.writer_queue.dec();
            return Err(E::from(unavailable("the database writer has stopped")));
        }
        result.await.map_err(|_| E::from(unavailable("the database writer dropped a write")))?
    }

    /// The blocking form of [`Db::write`], for code already off the async threads.
    pub fn write_blocking<T, E, F>(&self, f: F) -> Result<T, E>
    where
        E: From<StoreError>,
        F: FnOnce(&Transaction) -> Result<T, E>,
    {
        let mut conn = self.pool.get().map_err(|e| E::from(unavailable(e)))?;
        // A poisoned lock only means another writer panicked; the database is still consistent.
        let _guard = self.write_lock.lock().unwrap_or_else(|p| p.into_inner());
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(|e| E::from(e.into()))?;
        let value = f(&tx)?;
        // As the writer's groups do: index the waiting leads once they make a batch.
        crate::store::leads::sync_search_index(&tx).map_err(E::from)?;
        let committed = tx.commit();
        self.changes.settled();
        committed.map_err(|e| E::from(e.into()))?;
        Ok(value)
    }

    /// Moves after each commit that changed what free slots are computed from.
    pub fn booking_generation(&self) -> u64 {
        self.changes.generation()
    }

    /// A pooled connection for blocking callers (CLI commands, start-up).
    pub fn conn(&self) -> Result<r2d2::PooledConnection<SqliteConnectionManager>, StoreError> {
        self.pool.get().map_err(unavailable)
    }

    /// `/readyz`: the database answers, its schema is the one this build
    /// expects, and the writer can begin and commit a transaction within
    /// `within` (a stuck or failing writer makes the server unready).
    pub async fn is_ready(&self, within: Duration) -> bool {
        let schema_ok = self
            .read(|c| -> Result<u32, StoreError> { Ok(c.pragma_query_value(None, "user_version", |r| r.get(0))?) })
            .await
            .map(|v| v == latest_version())
            .unwrap_or(false);
        // An empty job still goes through BEGIN IMMEDIATE, COMMIT and, at full durability, the syncer.
        let writer_ok =
            matches!(tokio::time::timeout(within, self.write(|_| Ok::<(), StoreError>(()))).await, Ok(Ok(())));
        schema_ok && writer_ok
    }

    /// Folds the WAL back into the main file (at shutdown).
    pub fn checkpoint(&self) -> Result<(), StoreError> {
        let conn = self.conn()?;
        let _running = self.checkpointing.lock().unwrap_or_else(|p| p.into_inner());
        // A read still finishing makes TRUNCATE report busy (first column):
        // retry briefly. Whatever is left stays safe in the WAL.
        for _ in 0..100 {
            let (busy, _) = checkpoint(&conn, "PRAGMA wal_checkpoint(TRUNCATE)")?;
            if !busy {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        tracing::warn!(
            "the WAL could not be truncated at shutdown (still in use); it is folded back at the next start"
        );
        Ok(())
    }
}

#[cfg(test)]
mod tests;
