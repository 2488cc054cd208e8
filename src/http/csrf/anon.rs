//! Anonymous CSRF tokens: the ones handed out before sign-in, when there is
//! no session to bind a token to, so they are signed and carry their expiry.

use crate::{
    domain::time::unix_now,
    util::{ct_eq, random_token},
};

/// How long an anonymous token is accepted.
const ANON_TTL_SECS: i64 = 2 * 3600;

/// Signs and checks anonymous (session-less) CSRF tokens.
#[derive(Clone)]
pub struct AnonTokens {
    key: std::sync::Arc<Vec<u8>>,
}

impl AnonTokens {
    pub fn new(key: Vec<u8>) -> Self {
        AnonTokens { key: std::sync::Arc::new(key) }
    }

    fn mac(&self, payload: &str) -> String {
        use hmac::Mac;
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(payload.as_bytes());
        base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, mac.finalize().into_bytes())
    }

    /// `a1.<expiry unix>.<nonce>.<mac>`.
    pub fn issue(&self) -> String {
        let payload = format!("a1.{}.{}", unix_now() + ANON_TTL_SECS, random_token(16));
        let mac = self.mac(&payload);
        format!("{payload}.{mac}")
    }

    /// Seconds the token is still good for, if it is one of ours and unexpired.
    pub fn remaining(&self, token: &str) -> Option<i64> {
        let (payload, mac) = token.rsplit_once('.')?;
        let mut parts = payload.split('.');
        let (Some("a1"), Some(expiry), Some(_nonce), None) = (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        if !ct_eq(&self.mac(payload), mac) {
            return None;
        }
        let left = expiry.parse::<i64>().ok()? - unix_now();
        (left > 0).then_some(left)
    }
}
