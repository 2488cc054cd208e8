//! Web Push, by the RFCs: the payload is encrypted for the browser with
//! RFC 8291 (`aes128gcm`: ECDH P-256, HKDF-SHA-256, AES-128-GCM, one record)
//! and the request carries an RFC 8292 VAPID token (an ES256 JWT with
//! `aud` = the push service's origin, `exp` 12 hours ahead, `sub` = our
//! public URL). The server's VAPID key pair is made at first start and kept
//! in the data file (`server_keys`, name `vapid_p256`).
//!
//! RustCrypto's `p256`, `hkdf`, `aes-gcm` and `sha2` do the cryptography;
//! the request goes out through a client of its own ([`endpoint`]): the
//! endpoint is a URL a client chose, so where it may lead is checked there.

pub mod endpoint;

pub use endpoint::PushClient;

use aes_gcm::{Aes128Gcm, KeyInit, aead::Aead};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD as B64};
use hkdf::Hkdf;
use p256::{
    PublicKey, SecretKey,
    ecdsa::{Signature, SigningKey, signature::Signer},
    elliptic_curve::sec1::ToEncodedPoint,
};
use rand::RngCore;
use sha2::Sha256;

/// How long a push service keeps an undelivered message (seconds).
const TTL_SECS: u64 = 24 * 3600;
/// How long a VAPID token is good for (RFC 8292 allows at most 24 hours).
const JWT_SECS: i64 = 12 * 3600;
/// The record size we declare; our payloads are one small record.
const RECORD_SIZE: u32 = 4096;
/// Largest plaintext we send (push services take 4096 bytes of body).
pub const MAX_PAYLOAD: usize = 3000;

/// The server's VAPID key pair.
#[derive(Clone)]
pub struct Vapid {
    key: SigningKey,
    /// Uncompressed P-256 point, base64url: what `GET /api/push/key` hands browsers.
    pub public_key: String,
}

impl Vapid {
    /// The key stored under `vapid_p256`, made on first use.
    pub fn load_or_create(conn: &rusqlite::Connection) -> anyhow::Result<Vapid> {
        let bytes = crate::store::keys::get_or_insert_with(conn, "vapid_p256", || {
            SecretKey::random(&mut p256::elliptic_curve::rand_core::OsRng).to_bytes().to_vec()
        })?;
        let secret =
            SecretKey::from_slice(&bytes).map_err(|_| anyhow::anyhow!("the stored VAPID key is not a P-256 key"))?;
        Ok(Vapid::from_secret(secret))
    }

    pub fn from_secret(secret: SecretKey) -> Vapid {
        let public_key = B64.encode(secret.public_key().to_encoded_point(false).as_bytes());
        Vapid { key: SigningKey::from(secret), public_key }
    }

    /// The `Authorization` header for a push to `endpoint` (RFC 8292 §3).
    pub fn authorization(&self, endpoint: &reqwest::Url, subject: &str, now_unix: i64) -> String {
        let aud = endpoint.origin().ascii_serialization();
        let header = B64.encode(br#"{"typ":"JWT","alg":"ES256"}"#);
        let claims = B64
            .encode(serde_json::json!({"aud": aud, "exp": now_unix + JWT_SECS, "sub": subject}).to_string().as_bytes());
        let signing_input = format!("{header}.{claims}");
        let sig: Signature = self.key.sign(signing_input.as_bytes());
        format!("vapid t={signing_input}.{}, k={}", B64.encode(sig.to_bytes()), self.public_key)
    }
}

/// Why a browser's keys cannot be used.
#[derive(Debug, PartialEq, Eq)]
pub enum KeyError {
    P256dh,
    Auth,
}

/// Checks a subscription's keys as a browser sends them: `p256dh` a
/// base64url uncompressed P-256 point (65 bytes), `auth` 16 bytes base64url.
pub fn check_keys(p256dh: &str, auth: &str) -> Result<(), KeyError> {
    let point = decode(p256dh).filter(|b| b.len() == 65 && b[0] == 4).ok_or(KeyError::P256dh)?;
    PublicKey::from_sec1_bytes(&point).map_err(|_| KeyError::P256dh)?;
    decode(auth).filter(|b| b.len() == 16).ok_or(KeyError::Auth)?;
    Ok(())
}

/// base64url with or without padding (browsers differ).
fn decode(s: &str) -> Option<Vec<u8>> {
    B64.decode(s.trim_end_matches('=')).ok()
}

/// Encrypts `plaintext` for the browser whose keys are `p256dh` and `auth`
/// (base64url), with a fresh ephemeral key and salt: the whole request body.
pub fn encrypt(p256dh: &str, auth: &str, plaintext: &[u8]) -> anyhow::Result<Vec<u8>> {
    let ua_public = decode(p256dh).ok_or_else(|| anyhow::anyhow!("p256dh is not base64url"))?;
    let auth = decode(auth).ok_or_else(|| anyhow::anyhow!("auth is not base64url"))?;
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let ephemeral = SecretKey::random(&mut p256::elliptic_curve::rand_core::OsRng);
    encrypt_with(&ua_public, &auth, plaintext, &ephemeral, &salt)
}

/// RFC 8291 §3.4 with the application server's key and salt given (the test vector fixes both).
fn encrypt_with(
    ua_public: &[u8],
    auth: &[u8],
    plaintext: &[u8],
    as_secret: &SecretKey,
    salt: &[u8; 16],
) -> anyhow::Result<Vec<u8>> {
    let ua = PublicKey::from_sec1_bytes(ua_public).map_err(|_| anyhow::anyhow!("p256dh is not a P-256 point"))?;
    let ua_bytes = ua.to_encoded_point(false);
    let as_bytes = as_secret.public_key().to_encoded_point(false);
    let shared = p256::ecdh::diffie_hellman(as_secret.to_nonzero_scalar(), ua.as_affine());
    // IKM = HKDF(auth, ecdh_secret, "WebPush: info" || 0 || ua_public || as_public, 32)
    let mut key_info = Vec::with_capacity(14 + 130);
    key_info.extend_from_slice(b"WebPush: info\0");
    key_info.extend_from_slice(ua_bytes.as_bytes());
    key_info.extend_from_slice(as_bytes.as_bytes());
    let mut ikm = [0u8; 32];
    Hkdf::<Sha256>::new(Some(auth), shared.raw_secret_bytes())
        .expand(&key_info, &mut ikm)
        .map_err(|_| anyhow::anyhow!("HKDF length"))?;
    // CEK and nonce from the salt (RFC 8188).
    let hk = Hkdf::<Sha256>::new(Some(salt), &ikm);
    let (mut cek, mut nonce) = ([0u8; 16], [0u8; 12]);
    hk.expand(b"Content-Encoding: aes128gcm\0", &mut cek).map_err(|_| anyhow::anyhow!("HKDF length"))?;
    hk.expand(b"Content-Encoding: nonce\0", &mut nonce).map_err(|_| anyhow::anyhow!("HKDF length"))?;
    // One record, the last: the plaintext then the delimiter 0x02, no padding.
    let mut record = Vec::with_capacity(plaintext.len() + 1);
    record.extend_from_slice(plaintext);
    record.push(2);
    let cipher = Aes128Gcm::new_from_slice(&cek).map_err(|_| anyhow::anyhow!("AES key length"))?;
    let sealed = cipher.encrypt((&nonce).into(), record.as_slice()).map_err(|_| anyhow::anyhow!("AES-GCM failed"))?;
    // Header: salt, record size, key id length, key id (our public key).
    let mut body = Vec::with_capacity(16 + 4 + 1 + 65 + sealed.len());
    body.extend_from_slice(salt);
    body.extend_from_slice(&RECORD_SIZE.to_be_bytes());
    body.push(65);
    body.extend_from_slice(as_bytes.as_bytes());
    body.extend_from_slice(&sealed);
    Ok(body)
}

/// What a push service said. Reasons are plain (they reach the alert list
/// that clients read); the status code and transport detail go to the log.
#[derive(Debug)]
pub enum Outcome {
    Delivered,
    /// 404 or 410: the subscription is gone for good; delete it.
    Gone,
    /// Not delivered; `permanent` when trying again cannot help.
    Failed {
        reason: String,
        permanent: bool,
    },
}

fn failed(reason: &str, permanent: bool) -> Outcome {
    Outcome::Failed { reason: reason.into(), permanent }
}

/// Encrypts and POSTs one push. The endpoint is checked again here (it may
/// have been stored before the rules, and names can move), and the client's
/// resolver checks the address it connects to.
pub async fn send(
    push: &PushClient,
    vapid: &Vapid,
    subject: &str,
    endpoint: &str,
    p256dh: &str,
    auth: &str,
    payload: &[u8],
) -> Outcome {
    let url = match push.policy.check_url(endpoint) {
        Ok(url) => url,
        Err(why) => {
            tracing::warn!(%why, "push endpoint refused");
            return Outcome::Failed { reason: format!("the push endpoint {why}"), permanent: true };
        }
    };
    let body = match encrypt(p256dh, auth, payload) {
        Ok(b) => b,
        Err(e) => {
            tracing::warn!(error = %e, "push subscription keys unusable");
            return failed("the subscription's keys are unusable", true);
        }
    };
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let res = push
        .http
        .post(url.clone())
        .header("TTL", TTL_SECS.to_string())
        .header("Urgency", "high")
        .header("Content-Encoding", "aes128gcm")
        .header("Content-Type", "application/octet-stream")
        .header("Authorization", vapid.authorization(&url, subject, now))
        .body(body)
        .send()
        .await;
    let status = match res {
        Ok(r) => r.status().as_u16(),
        Err(e) => {
            if let Some(why) = endpoint::refusal_in(&e) {
                tracing::warn!(%why, "push endpoint refused at connect");
                return Outcome::Failed { reason: format!("the push endpoint {why}"), permanent: true };
            }
            tracing::warn!(error = %e, "push service unreachable");
            let reason =
                if e.is_timeout() { "the push service timed out" } else { "the push service could not be reached" };
            return failed(reason, false);
        }
    };
    if (200..300).contains(&status) {
        return Outcome::Delivered;
    }
    tracing::warn!(status, "push service did not take the push");
    match status {
        404 | 410 => Outcome::Gone,
        300..=399 => failed("the push service answered with a redirect, which is not followed", true),
        400 | 401 | 403 | 413 => failed("the push service refused the push", true),
        429 => failed("the push service asked us to slow down", false),
        _ => failed("the push service had a problem", status < 500),
    }
}

#[cfg(test)]
mod tests {
    use p256::ecdsa::{VerifyingKey, signature::Verifier};

    use super::*;

    fn b64(s: &str) -> Vec<u8> {
        B64.decode(s).unwrap()
    }

    /// RFC 8291 Appendix A, byte for byte.
    #[test]
    fn encryption_matches_the_rfc_8291_example() {
        let plaintext = b64("V2hlbiBJIGdyb3cgdXAsIEkgd2FudCB0byBiZSBhIHdhdGVybWVsb24");
        let as_secret = SecretKey::from_slice(&b64("yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw")).unwrap();
        let ua_public = b64("BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4");
        let auth = b64("BTBZMqHH6r4Tts7J_aSIgg");
        let salt: [u8; 16] = b64("DGv6ra1nlYgDCS1FRnbzlw").try_into().unwrap();
        let body = encrypt_with(&ua_public, &auth, &plaintext, &as_secret, &salt).unwrap();
        assert_eq!(
            B64.encode(body),
            "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wE\
             qKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN"
        );
    }

    #[test]
    fn the_vapid_token_is_an_es256_jwt_for_the_endpoint_origin() {
        let vapid = Vapid::from_secret(SecretKey::random(&mut p256::elliptic_curve::rand_core::OsRng));
        let url = reqwest::Url::parse("https://push.example.net:8443/wpush/v2/abc").unwrap();
        let header = vapid.authorization(&url, "https://crm.example.com", 1_000);
        let rest = header.strip_prefix("vapid t=").unwrap();
        let (jwt, k) = rest.split_once(", k=").unwrap();
        assert_eq!(k, vapid.public_key);
        let (input, sig) = jwt.rsplit_once('.').unwrap();
        let claims: serde_json::Value = serde_json::from_slice(&b64(input.split_once('.').unwrap().1)).unwrap();
        assert_eq!(claims["aud"], "https://push.example.net:8443");
        assert_eq!(claims["sub"], "https://crm.example.com");
        assert_eq!(claims["exp"], 1_000 + JWT_SECS);
        let key = VerifyingKey::from_sec1_bytes(&b64(k)).unwrap();
        let sig = Signature::from_slice(&b64(sig)).unwrap();
        key.verify(input.as_bytes(), &sig).unwrap();
    }

    #[test]
    fn keys_are_checked_for_shape() {
        let ua = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
        assert_eq!(check_keys(ua, "BTBZMqHH6r4Tts7J_aSIgg"), Ok(()));
        assert_eq!(check_keys(ua, "BTBZMqHH6r4Tts7J_aSIgg=="), Ok(()));
        assert_eq!(check_keys(ua, "BTBZMqHH6r4Tts7J"), Err(KeyError::Auth));
        assert_eq!(check_keys("BCVx", "BTBZMqHH6r4Tts7J_aSIgg"), Err(KeyError::P256dh));
        assert_eq!(check_keys(&ua.replace('B', "A"), "BTBZMqHH6r4Tts7J_aSIgg"), Err(KeyError::P256dh));
    }
}
