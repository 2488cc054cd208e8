//! Server-side sessions: a tower-sessions `SessionStore` over the `sessions`
//! table. The signed-in user's id is mirrored into its own column so all of a
//! user's sessions can be ended with one DELETE.
//!
//! Rows are keyed by the SHA-256 of the session id, never the id itself: a
//! copy of the data file (a backup, a stolen disk) holds no usable cookie.

use std::{sync::Arc, time::Duration};

use async_trait::async_trait;
use rusqlite::{Connection, OptionalExtension, params};
use time::OffsetDateTime;
use tower_sessions::{
    SessionStore,
    session::{Id, Record},
    session_store::{Error as SessionStoreError, Result as SessionStoreResult},
};

use super::error::{StoreError, StoreResult};
use crate::{cache::TtlCache, db::Db, domain::UserId};

/// The key of the one typed value frontdesk keeps in a session (see `http::session`).
pub const STATE_KEY: &str = "fd";

#[derive(Clone)]
pub struct SqliteSessionStore {
    db: Db,
    cache: Arc<SessionCache>,
}

/// Sessions read in the last second, so a busy browser tab does not cost a
/// database read per request. Every write and delete made by this process
/// updates it at once ([`SessionCache::forget_user`] after bulk deletes);
/// a session ended by another process (the CLI) is seen within [`CACHE_TTL`].
pub struct SessionCache(TtlCache<Id, (Record, Option<UserId>)>);

pub const CACHE_TTL: Duration = Duration::from_secs(1);

impl Default for SessionCache {
    fn default() -> Self {
        SessionCache(TtlCache::new(CACHE_TTL))
    }
}

impl SessionCache {
    fn get(&self, id: &Id) -> Option<Record> {
        let now = OffsetDateTime::now_utc();
        self.0.get_if(id, |(rec, _)| rec.expiry_date > now).map(|(rec, _)| rec)
    }

    fn put(&self, record: &Record) {
        self.0.put(record.id, (record.clone(), user_of(record)));
    }

    fn remove(&self, id: &Id) {
        self.0.remove(id);
    }

    /// Drops every cached session of `user_id` (after [`delete_for_user`] commits).
    pub fn forget_user(&self, user_id: UserId) {
        self.0.remove_where(|(_, u)| *u == Some(user_id));
    }
}

impl std::fmt::Debug for SqliteSessionStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SqliteSessionStore")
    }
}

impl SqliteSessionStore {
    pub fn new(db: Db, cache: Arc<SessionCache>) -> Self {
        SqliteSessionStore { db, cache }
    }

    /// Removes expired rows every `period`, forever.
    pub fn spawn_cleanup(&self, period: std::time::Duration) -> tokio::task::JoinHandle<()> {
        let db = self.db.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(period);
            loop {
                tick.tick().await;
                let now = OffsetDateTime::now_utc().unix_timestamp();
                match db
                    .write(move |tx| -> StoreResult<_> {
                        Ok(tx.execute("DELETE FROM sessions WHERE expires_at <= ?1", [now])?)
                    })
                    .await
                {
                    Ok(n) if n > 0 => tracing::debug!(removed = n, "expired sessions removed"),
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "expired session cleanup failed"),
                }
            }
        })
    }
}

/// The stored key of a session id: hex SHA-256.
pub fn key(id: &str) -> String {
    hex::encode(<sha2::Sha256 as sha2::Digest>::digest(id.as_bytes()))
}

fn backend(e: impl std::fmt::Display) -> SessionStoreError {
    SessionStoreError::Backend(e.to_string())
}

fn user_of(record: &Record) -> Option<UserId> {
    record.data.get(STATE_KEY)?.get("user_id")?.as_i64().map(UserId)
}

#[async_trait]
impl SessionStore for SqliteSessionStore {
    async fn create(&self, record: &mut Record) -> SessionStoreResult<()> {
        let mut rec = record.clone();
        let rec = self
            .db
            .write(move |tx| -> StoreResult<_> {
                let data = serde_json::to_string(&rec.data).map_err(|e| StoreError::Unavailable(e.to_string()))?;
                // 128 random bits collide essentially never; retry anyway rather than overwrite.
                loop {
                    let inserted = tx.execute(
                        "INSERT INTO sessions (id, user_id, data, expires_at) VALUES (?1, ?2, ?3, ?4)
                         ON CONFLICT (id) DO NOTHING",
                        params![key(&rec.id.to_string()), user_of(&rec), data, rec.expiry_date.unix_timestamp()],
                    )?;
                    if inserted == 1 {
                        return Ok(rec);
                    }
                    rec.id = Id::default();
                }
            })
            .await
            .map_err(backend)?;
        record.id = rec.id;
        self.cache.put(record);
        Ok(())
    }

    /// Updates an existing row only: a session deleted meanwhile (logout,
    /// disabled user) must not be brought back by a request still in flight.
    async fn save(&self, record: &Record) -> SessionStoreResult<()> {
        let id = key(&record.id.to_string());
        let user_id = user_of(record);
        let data = serde_json::to_string(&record.data).map_err(backend)?;
        let expires = record.expiry_date.unix_timestamp();
        let updated = self
            .db
            .write(move |tx| -> StoreResult<_> {
                Ok(tx.execute(
                    "UPDATE sessions SET user_id = ?2, data = ?3, expires_at = ?4 WHERE id = ?1",
                    params![id, user_id, data, expires],
                )?)
            })
            .await
            .map_err(backend)?;
        if updated == 1 {
            self.cache.put(record);
        } else {
            self.cache.remove(&record.id);
        }
        Ok(())
    }

    async fn load(&self, session_id: &Id) -> SessionStoreResult<Option<Record>> {
        if let Some(rec) = self.cache.get(session_id) {
            return Ok(Some(rec));
        }
        let id = key(&session_id.to_string());
        let row: Option<(String, i64)> = self
            .db
            .read(move |c| -> StoreResult<_> {
                Ok(c.prepare_cached("SELECT data, expires_at FROM sessions WHERE id = ?1 AND expires_at > ?2")?
                    .query_row(params![id, OffsetDateTime::now_utc().unix_timestamp()], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()?)
            })
            .await
            .map_err(backend)?;
        let Some((data, expires)) = row else { return Ok(None) };
        let record = Record {
            id: *session_id,
            data: serde_json::from_str(&data).map_err(backend)?,
            expiry_date: OffsetDateTime::from_unix_timestamp(expires).map_err(backend)?,
        };
        self.cache.put(&record);
        Ok(Some(record))
    }

    async fn delete(&self, session_id: &Id) -> SessionStoreResult<()> {
        self.cache.remove(session_id);
        let id = key(&session_id.to_string());
        self.db
            .write(move |tx| -> StoreResult<_> { Ok(tx.execute("DELETE FROM sessions WHERE id = ?1", [id])?) })
            .await
            .map_err(backend)?;
        Ok(())
    }
}

/// Ends every session of `user_id`, except `keep` (the caller's own, when
/// they changed their own password). Returns how many ended. The caller
/// then calls [`SessionCache::forget_user`] once the transaction commits.
pub fn delete_for_user(conn: &Connection, user_id: UserId, keep: Option<&str>) -> StoreResult<usize> {
    let keep = keep.map(key);
    Ok(conn.execute("DELETE FROM sessions WHERE user_id = ?1 AND (?2 IS NULL OR id <> ?2)", params![user_id, keep])?)
}
