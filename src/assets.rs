//! The embedded UI (`ui/dist`, built by build.rs): real files for
//! `/assets/*` with immutable caching, `index.html` (no-store, carrying the
//! build id) for every client route, JSON 404 for unknown API paths. The
//! service worker (`/sw.js`) and the web app manifest are revalidated on
//! every load (`no-cache`), so a new build replaces them.
//!
//! build.rs stores a brotli (`.br`) copy of each text asset, and only that
//! (the 25 MB budget): a client taking brotli gets it as stored; one taking
//! only gzip gets it decoded and gzipped once, then kept; one taking neither
//! gets it decoded (kept too). The kept copies are at most two per asset.

use std::{
    collections::HashMap,
    sync::{LazyLock, Mutex},
};

use axum::{
    body::{Body, Bytes},
    extract::{Request, State},
    http::{HeaderValue, Method, StatusCode, header},
    response::{IntoResponse, Response},
};
use include_dir::{Dir, include_dir};

use crate::{error::ApiError, state::AppState};

static UI: Dir<'static> = include_dir!("$FRONTDESK_UI_DIST");

/// Paths that never fall back to the SPA.
const API_PREFIXES: &[&str] = &["/api/", "/webhook/", "/ws/"];

/// `index.html` with its build-id placeholder filled in.
pub fn index_html() -> String {
    UI.get_file("index.html")
        .and_then(|f| f.contents_utf8())
        .unwrap_or("<!doctype html><title>frontdesk</title><p>UI missing from this build.</p>")
        .replace("__FRONTDESK_BUILD__", crate::BUILD_ID)
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, ext)| ext) {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json" | "map") => "application/json",
        Some("webmanifest") => "application/manifest+json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        Some("woff") => "font/woff",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Whether `Accept-Encoding` takes `coding` (named, or `*`, with a q above 0).
fn accepts(accept_encoding: &str, coding: &str) -> bool {
    let mut named = None;
    let mut any = None;
    for item in accept_encoding.split(',') {
        let mut parts = item.split(';');
        let name = parts.next().unwrap_or_default().trim();
        let q =
            parts.filter_map(|p| p.trim().strip_prefix("q=")).find_map(|q| q.trim().parse::<f32>().ok()).unwrap_or(1.0);
        if name.eq_ignore_ascii_case(coding) {
            named = Some(q > 0.0);
        } else if name == "*" {
            any = Some(q > 0.0);
        }
    }
    named.or(any).unwrap_or(false)
}

/// An asset's bytes as the client takes them: the stored brotli copy, or a
/// copy made from it once (gzip, or plain) and kept for the next client.
fn text_asset(rel: &str, br: &'static [u8], accept_encoding: &str) -> std::io::Result<(Option<&'static str>, Bytes)> {
    if accepts(accept_encoding, "br") {
        return Ok((Some("br"), Bytes::from_static(br)));
    }
    let coding = accepts(accept_encoding, "gzip").then_some("gzip");
    let key = (rel.to_string(), coding.is_some());
    if let Some(kept) = DERIVED.lock().unwrap_or_else(|p| p.into_inner()).get(&key) {
        return Ok((coding, kept.clone()));
    }
    let mut plain = Vec::with_capacity(br.len() * 4);
    std::io::Read::read_to_end(&mut brotli_decompressor::Decompressor::new(br, 4096), &mut plain)?;
    let bytes = Bytes::from(match coding {
        Some(_) => {
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            std::io::Write::write_all(&mut gz, &plain)?;
            gz.finish()?
        }
        None => plain,
    });
    DERIVED.lock().unwrap_or_else(|p| p.into_inner()).insert(key, bytes.clone());
    Ok((coding, bytes))
}

/// Copies made from the brotli ones, by (path, gzipped).
static DERIVED: LazyLock<Mutex<HashMap<(String, bool), Bytes>>> = LazyLock::new(Default::default);

/// The router's fallback: everything no route matched.
pub async fn fallback(State(state): State<AppState>, req: Request) -> Response {
    let path = req.uri().path();
    if path == "/metrics" {
        return ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "Metrics are not served on this port.",
            "Set FRONTDESK_METRICS_BIND and scrape /metrics there.",
        )
        .into_response();
    }
    if path == "/api" || API_PREFIXES.iter().any(|p| path.starts_with(p)) {
        return ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("No such endpoint: {} {}", req.method(), path),
            "The API is described at GET /api/openapi.json.",
        )
        .into_response();
    }
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            format!("{} is not allowed on {}", req.method(), path),
            "Pages of the UI are fetched with GET.",
        )
        .into_response();
    }
    let rel = path.trim_start_matches('/');
    let plain = UI.get_file(rel).map(|f| f.contents());
    let brotli = UI.get_file(format!("{rel}.br")).map(|f| f.contents());
    if !rel.is_empty() && rel != "index.html" && (plain.is_some() || brotli.is_some()) {
        let cache = if rel.starts_with("assets/") {
            "public, max-age=31536000, immutable"
        } else if rel == "sw.js" || rel == "manifest.webmanifest" {
            // A new build's service worker and manifest must be picked up at once.
            "no-cache"
        } else {
            "public, max-age=3600"
        };
        let accept_encoding =
            req.headers().get(header::ACCEPT_ENCODING).and_then(|v| v.to_str().ok()).unwrap_or_default();
        let has_variants = brotli.is_some();
        let (encoding, body) = match (brotli, plain) {
            (Some(br), _) => match text_asset(rel, br, accept_encoding) {
                Ok((coding, bytes)) => (coding, Body::from(bytes)),
                Err(e) => return ApiError::internal(format!("embedded {rel}.br: {e}")).into_response(),
            },
            (None, Some(bytes)) => (None, Body::from(bytes)),
            (None, None) => return (StatusCode::NOT_FOUND, "not found").into_response(),
        };
        let mut res = (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static(content_type(rel))),
                (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
            ],
            body,
        )
            .into_response();
        if let Some(coding) = encoding {
            res.headers_mut().insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
        }
        if has_variants {
            res.headers_mut().insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        }
        if rel == "sw.js" {
            // Served from the root, so its scope is the whole UI.
            res.headers_mut().insert("service-worker-allowed", HeaderValue::from_static("/"));
        }
        return res;
    }
    if rel.starts_with("assets/") {
        return (StatusCode::NOT_FOUND, [(header::CACHE_CONTROL, "no-store")], "not found").into_response();
    }
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8")),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        state.index_html.clone(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::accepts;

    #[test]
    fn accept_encoding_names_codings_with_their_weights() {
        assert!(accepts("gzip, deflate, br, zstd", "br"));
        assert!(accepts("gzip;q=0.5, br;q=1.0", "gzip"));
        assert!(!accepts("gzip, br;q=0", "br"));
        assert!(accepts("*", "br"));
        assert!(!accepts("*, br;q=0", "br"));
        assert!(!accepts("", "gzip"));
        assert!(!accepts("identity", "gzip"));
        assert!(accepts("GZIP", "gzip"));
    }
}
