//! Automatic HTTPS: with `FRONTDESK_DOMAINS` set, certificates come from an
//! ACME authority (Let's Encrypt by default) by TLS-ALPN-01, on the HTTPS
//! listener itself, so no port 80 and no reverse proxy are needed.
//!
//! `rustls-acme` runs the protocol: it loads the cached certificate and
//! account key, orders when there is none, and renews in the background once
//! two thirds of the certificate's lifetime have passed (30 days before the
//! end for Let's Encrypt's 90-day certificates), retrying with backoff. Its
//! cache is the `acme_cache` table, so the state travels with the data file.
//! Plain HTTP on `FRONTDESK_BIND` then only redirects (see [`redirect_router`]).

use std::{io, path::Path, sync::Arc};

use axum::{
    Router,
    extract::Request,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use futures_util::StreamExt;
use rustls::{
    RootCertStore, ServerConfig,
    pki_types::{CertificateDer, pem::PemObject},
};
use rustls_acme::{AccountCache, AcmeConfig, CertCache, ResolvesServerCertAcme, is_tls_alpn_challenge};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_rustls::{LazyConfigAcceptor, server::TlsStream};

use crate::{
    config::{Config, Refusal},
    db::Db,
    state::AppState,
    store::{self, StoreError},
};

/// Accepts TLS connections with the current certificate, and answers the
/// authority's TLS-ALPN-01 validation connections.
pub struct Acceptor {
    tls: Arc<ServerConfig>,
    challenge: Arc<ServerConfig>,
}

impl Acceptor {
    /// The TLS stream of a client connection; `None` when it was a validation
    /// connection (answered here, nothing to serve).
    pub async fn accept<IO: AsyncRead + AsyncWrite + Unpin>(&self, io: IO) -> io::Result<Option<TlsStream<IO>>> {
        let start = LazyConfigAcceptor::new(rustls::server::Acceptor::default(), io).await?;
        if is_tls_alpn_challenge(&start.client_hello()) {
            // The handshake is the whole answer; the authority then hangs up.
            let _ = start.into_stream(self.challenge.clone()).await?;
            return Ok(None);
        }
        start.into_stream(self.tls.clone()).await.map(Some)
    }
}

/// Starts the ACME state machine in the background and returns the acceptor
/// that serves its certificates. Until the first certificate is there,
/// handshakes fail (no certificate to offer); the log says why.
pub fn start(config: &Config, db: Db) -> Result<Acceptor, Refusal> {
    let s = &config.settings;
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut acme = AcmeConfig::new_with_provider(&config.domains, provider.clone());
    if let Some(path) = &s.acme_ca_root {
        acme = acme.client_tls_config(client_config(path, provider.clone())?);
    }
    let mut acme = acme.directory(s.acme_directory.as_str()).cache(SqliteCache { db });
    if let Some(email) = &s.acme_email {
        acme = acme.contact_push(format!("mailto:{email}"));
    }
    let mut state = acme.state();
    let resolver: Arc<ResolvesServerCertAcme> = state.resolver();
    let challenge = state.challenge_rustls_config_with_provider(provider.clone());
    let mut tls = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Refusal(format!("TLS setup failed: {e}")))?
        .with_no_client_auth()
        .with_cert_resolver(resolver);
    tls.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    let domains = config.domains.join(",");
    tokio::spawn(async move {
        // Never ends: after each certificate it sleeps until the renewal time.
        while let Some(event) = state.next().await {
            match event {
                Ok(ok) => tracing::info!(domains = %domains, event = ?ok, "ACME"),
                Err(e) => tracing::warn!(domains = %domains, error = %e, "ACME: will retry"),
            }
        }
    });
    Ok(Acceptor { tls: Arc::new(tls), challenge })
}

/// Trust for the ACME directory's own HTTPS: only the CAs in `path`.
fn client_config(
    path: &Path,
    provider: Arc<rustls::crypto::CryptoProvider>,
) -> Result<Arc<rustls::ClientConfig>, Refusal> {
    let refusal = |e: &dyn std::fmt::Display| {
        Refusal(format!(
            "FRONTDESK_ACME_CA_ROOT: cannot use {}: {e}. Give a PEM file of CA certificates.",
            path.display()
        ))
    };
    let mut roots = RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(path).map_err(|e| refusal(&e))? {
        roots.add(cert.map_err(|e| refusal(&e))?).map_err(|e| refusal(&e))?;
    }
    if roots.is_empty() {
        return Err(refusal(&"no certificate in it"));
    }
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| refusal(&e))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// `rustls-acme`'s cache over the `acme_cache` table. Names say what a row
/// is: `cert:<directory> <domains>` (key and chain, PEM) and
/// `account:<directory> <contacts>` (the account key), so changing the
/// domains or the authority orders anew instead of serving a stale pair.
struct SqliteCache {
    db: Db,
}

impl SqliteCache {
    async fn load(&self, name: String) -> Result<Option<Vec<u8>>, StoreError> {
        self.db.read(move |c| store::acme::get(c, &name)).await
    }

    async fn store(&self, name: String, value: Vec<u8>) -> Result<(), StoreError> {
        self.db.write(move |tx| store::acme::put(tx, &name, &value)).await
    }
}

pub fn cert_name(domains: &[String], directory: &str) -> String {
    format!("cert:{directory} {}", domains.join(","))
}

fn account_name(contact: &[String], directory: &str) -> String {
    format!("account:{directory} {}", contact.join(","))
}

#[async_trait::async_trait]
impl CertCache for SqliteCache {
    type EC = StoreError;

    async fn load_cert(&self, domains: &[String], directory_url: &str) -> Result<Option<Vec<u8>>, StoreError> {
        self.load(cert_name(domains, directory_url)).await
    }

    async fn store_cert(&self, domains: &[String], directory_url: &str, cert: &[u8]) -> Result<(), StoreError> {
        self.store(cert_name(domains, directory_url), cert.to_vec()).await
    }
}

#[async_trait::async_trait]
impl AccountCache for SqliteCache {
    type EA = StoreError;

    async fn load_account(&self, contact: &[String], directory_url: &str) -> Result<Option<Vec<u8>>, StoreError> {
        self.load(account_name(contact, directory_url)).await
    }

    async fn store_account(&self, contact: &[String], directory_url: &str, account: &[u8]) -> Result<(), StoreError> {
        self.store(account_name(contact, directory_url), account.to_vec()).await
    }
}

/// Plain HTTP while HTTPS is on: `/healthz`, `/livez`, `/readyz` and
/// `/version` answer as usual (local probes and load balancers need no
/// certificate); everything else is a 308 to the same path over https.
pub fn redirect_router(state: AppState) -> Router {
    let config = state.config.clone();
    Router::new()
        .merge(crate::http::health::router())
        .fallback(move |req: Request| {
            let config = config.clone();
            async move { to_https(&config, &req) }
        })
        .with_state(state)
}

/// The https URL of `req`: its host when it is one of our domains (never an
/// arbitrary Host header, which would make this an open redirect), else the
/// first domain; the HTTPS port unless it is 443.
fn to_https(config: &Config, req: &Request) -> Response {
    let asked = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(|h| h.rsplit_once(':').map_or(h, |(host, _)| host).to_ascii_lowercase());
    let Some(host) = asked.filter(|h| config.domains.contains(h)).or_else(|| config.domains.first().cloned()) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let port = match config.settings.tls_bind.port() {
        443 => String::new(),
        p => format!(":{p}"),
    };
    let path = req.uri().path_and_query().map_or("/", |p| p.as_str());
    match HeaderValue::try_from(format!("https://{host}{port}{path}")) {
        Ok(location) => (StatusCode::PERMANENT_REDIRECT, [(header::LOCATION, location)]).into_response(),
        Err(_) => StatusCode::BAD_REQUEST.into_response(),
    }
}
