//! Signed links to a stored file for Twilio, which fetches what it sends
//! from a URL: `/media/{token}` on the public URL, where the token names the
//! file and an expiry and is signed (HMAC-SHA256) with a key kept in the
//! data file. No session is needed; the link dies after [`LIFETIME_SECS`].

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// How long Twilio may fetch a file we sent.
pub const LIFETIME_SECS: i64 = 3600;

/// The name of the signing key in the data file.
pub const KEY_NAME: &str = "media_links";

fn sign(key: &[u8], payload: &[u8]) -> Vec<u8> {
    // A key of any length is accepted by HMAC.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(payload);
    mac.finalize().into_bytes()[..16].to_vec()
}

/// A token for file `id`, valid until `expires` (unix seconds).
pub fn token(key: &[u8], id: i64, expires: i64) -> String {
    let mut payload = Vec::with_capacity(16);
    payload.extend_from_slice(&id.to_be_bytes());
    payload.extend_from_slice(&expires.to_be_bytes());
    format!("{}.{}", URL_SAFE_NO_PAD.encode(&payload), URL_SAFE_NO_PAD.encode(sign(key, &payload)))
}

/// The file a token names, if it is genuine and not expired at `now`.
pub fn verify(key: &[u8], token: &str, now: i64) -> Option<i64> {
    let (payload, signature) = token.split_once('.')?;
    let payload = URL_SAFE_NO_PAD.decode(payload).ok()?;
    let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
    if payload.len() != 16 || !bool::from(subtle::ConstantTimeEq::ct_eq(sign(key, &payload).as_slice(), &signature[..]))
    {
        return None;
    }
    let id = i64::from_be_bytes(payload[..8].try_into().ok()?);
    let expires = i64::from_be_bytes(payload[8..].try_into().ok()?);
    (now < expires).then_some(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_names_one_file_until_it_expires() {
        let key = b"0123456789abcdef0123456789abcdef";
        let t = token(key, 42, 1000);
        assert_eq!(verify(key, &t, 999), Some(42));
        assert_eq!(verify(key, &t, 1000), None, "expired");
        assert_eq!(verify(b"another key", &t, 10), None);
        let other = token(key, 43, 1000);
        let forged = format!("{}.{}", other.split('.').next().unwrap(), t.split('.').nth(1).unwrap());
        assert_eq!(verify(key, &forged, 10), None);
        assert_eq!(verify(key, "garbage", 10), None);
    }
}
