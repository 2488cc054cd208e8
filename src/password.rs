//! Password hashing: argon2id with OWASP's parameters (m=19 MiB, t=2, p=1),
//! run on the blocking pool behind a semaphore so a login flood queues here
//! instead of starving every other request of CPU.

use std::sync::{Arc, OnceLock};

use argon2::{
    Algorithm, Argon2, Params, Version,
    password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
};
use tokio::sync::Semaphore;

use crate::error::ApiError;

#[derive(Clone)]
pub struct Passwords {
    permits: Arc<Semaphore>,
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

pub fn hash_blocking(password: &str) -> Result<String, ApiError> {
    let mut salt_bytes = [0u8; 16];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut salt_bytes);
    let salt = SaltString::encode_b64(&salt_bytes).map_err(ApiError::internal)?;
    argon2().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(ApiError::internal)
}

fn verify_blocking(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| argon2().verify_password(password.as_bytes(), &parsed).is_ok())
}

impl Passwords {
    pub fn new() -> Self {
        // One hash at a time per core: each takes ~19 MiB and a core for tens of ms.
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        Passwords { permits: Arc::new(Semaphore::new(cores)) }
    }

    /// Computes the dummy hash ahead of the first login.
    pub fn warm_up(&self) {
        tokio::task::spawn_blocking(|| {
            dummy_hash();
        });
    }

    pub async fn hash(&self, password: String) -> Result<String, ApiError> {
        let _permit = self.permits.acquire().await.map_err(ApiError::internal)?;
        tokio::task::spawn_blocking(move || hash_blocking(&password)).await.map_err(ApiError::internal)?
    }

    /// Verifies `password` against `hash`, or against a dummy hash when the
    /// account does not exist (same work, same answer time).
    pub async fn verify(&self, password: String, hash: Option<String>) -> Result<bool, ApiError> {
        let _permit = self.permits.acquire().await.map_err(ApiError::internal)?;
        tokio::task::spawn_blocking(move || match hash {
            Some(h) => verify_blocking(&password, &h),
            None => {
                verify_blocking(&password, dummy_hash());
                false
            }
        })
        .await
        .map_err(ApiError::internal)
    }
}

impl Default for Passwords {
    fn default() -> Self {
        Self::new()
    }
}

/// The password rules, checked where a password is set.
pub fn check_policy(field: &str, password: &str) -> Result<(), ApiError> {
    let len = password.chars().count();
    if len < 8 {
        return Err(ApiError::invalid(field, "The password is too short.", "Use at least 8 characters."));
    }
    if len > 256 {
        return Err(ApiError::invalid(field, "The password is too long.", "Use at most 256 characters."));
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
