//! The users `Auth` read in the last second.

use crate::{cache::TtlCache, domain::UserId, store::users::User};

/// A very short-lived cache of user rows for `Auth`, which otherwise reads
/// the user on every request. Writes through this process call
/// [`UserCache::forget`]; a change made by another process (the CLI) is seen
/// within [`USER_CACHE_TTL`]. Ended sessions are never served from here:
/// the session itself is always read from the store.
pub struct UserCache(TtlCache<UserId, User>);

pub const USER_CACHE_TTL: std::time::Duration = std::time::Duration::from_secs(1);

impl Default for UserCache {
    fn default() -> Self {
        UserCache(TtlCache::new(USER_CACHE_TTL))
    }
}

impl UserCache {
    pub fn get(&self, id: UserId) -> Option<User> {
        self.0.get(&id)
    }

    pub fn put(&self, user: User) {
        self.0.put(user.id, user);
    }

    pub fn forget(&self, id: UserId) {
        self.0.remove(&id);
    }
}
