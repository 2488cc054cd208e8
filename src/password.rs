//! Password hashing: argon2id with OWASP's parameters (m=19 MiB, t=2, p=1),
//! run on the blocking pool behind a semaphore so a login flood queues here
//! instead of starving every other request of CPU.

use std::sync::{
    Arc, OnceLock,
    atomic::{AtomicUsize, Ordering},
};

use argon2::{
    Algorithm, Argon2, Params, Version,
    password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
};
use tokio::sync::Semaphore;

use crate::domain::Invalid;

/// Hashing could not run (no salt, the pool gone, a task that panicked):
/// a server fault, never the password's.
#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

fn failed(e: impl std::fmt::Display) -> HashError {
    HashError(e.to_string())
}

#[derive(Clone)]
pub struct Passwords {
    permits: Arc<Semaphore>,
    load: Arc<Load>,
}

/// How many hashes run now, and the most that ever ran at once.
#[derive(Default)]
struct Load {
    running: AtomicUsize,
    peak: AtomicUsize,
}

/// Counts one running hash for as long as it lives.
struct Running(Arc<Load>);

impl Running {
    fn start(load: &Arc<Load>) -> Running {
        let now = load.running.fetch_add(1, Ordering::SeqCst) + 1;
        load.peak.fetch_max(now, Ordering::SeqCst);
        Running(load.clone())
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.0.running.fetch_sub(1, Ordering::SeqCst);
    }
}

fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("static argon2 params are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// A real hash of a random password, verified against when the email is
/// unknown so both answers cost the same time.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_blocking(&crate::util::random_token(24)).unwrap_or_default())
}

pub fn hash_blocking(password: &str) -> Result<String, HashError> {
    let mut salt_bytes = [0u8; 16];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut salt_bytes);
    let salt = SaltString::encode_b64(&salt_bytes).map_err(failed)?;
    let hashed = argon2().hash_password(password.as_bytes(), &salt).map(|h| h.to_string());
    crate::memory::release_freed();
    hashed.map_err(failed)
}

fn verify_blocking(password: &str, hash: &str) -> bool {
    let ok = PasswordHash::new(hash).is_ok_and(|parsed| argon2().verify_password(password.as_bytes(), &parsed).is_ok());
    crate::memory::release_freed();
    ok
}

impl Passwords {
    pub fn new() -> Self {
        // One hash at a time per core: each takes ~19 MiB and a core for tens of ms.
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        Passwords { permits: Arc::new(Semaphore::new(cores)), load: Arc::default() }
    }

    /// (running now, most ever at once): for the fault-test routes.
    pub fn load(&self) -> (usize, usize) {
        (self.load.running.load(Ordering::SeqCst), self.load.peak.load(Ordering::SeqCst))
    }

    /// Computes the dummy hash ahead of the first login; the handle ends with it.
    pub fn warm_up(&self) -> tokio::task::JoinHandle<()> {
        tokio::task::spawn_blocking(|| {
            dummy_hash();
        })
    }

    /// The permit moves into the blocking task: a client that disconnects
    /// drops this future, but the hash it started keeps its permit until it
    /// ends, so abandoned logins cannot run more hashes than there are cores.
    pub async fn hash(&self, password: String) -> Result<String, HashError> {
        let permit = self.permits.clone().acquire_owned().await.map_err(failed)?;
        let load = self.load.clone();
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let _running = Running::start(&load);
            hash_blocking(&password)
        })
        .await
        .map_err(failed)?
    }

    /// Verifies `password` against `hash`, or against a dummy hash when the
    /// account does not exist (same work, same answer time).
    pub async fn verify(&self, password: String, hash: Option<String>) -> Result<bool, HashError> {
        let permit = self.permits.clone().acquire_owned().await.map_err(failed)?;
        let load = self.load.clone();
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let _running = Running::start(&load);
            match hash {
                Some(h) => verify_blocking(&password, &h),
                None => {
                    verify_blocking(&password, dummy_hash());
                    false
                }
            }
        })
        .await
        .map_err(failed)
    }
}

/// Longest password accepted at login (longer ones cannot have been set).
pub const LOGIN_PASSWORD_MAX: usize = 1024;

impl Default for Passwords {
    fn default() -> Self {
        Self::new()
    }
}

/// The password rules, checked where a password is set.
pub fn check_policy(field: &str, password: &str) -> Result<(), Invalid> {
    let len = password.chars().count();
    if len < 8 {
        return Err(Invalid::new(field, "The password is too short.", "Use at least 8 characters."));
    }
    if len > 256 {
        return Err(Invalid::new(field, "The password is too long.", "Use at most 256 characters."));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_and_verify() {
        let h = hash_blocking("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify_blocking("correct horse", &h));
        assert!(!verify_blocking("wrong horse", &h));
    }
}
