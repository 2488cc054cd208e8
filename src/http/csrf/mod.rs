//! The one CSRF layer, installed once in `app::build_router`.
//!
//! Every POST/PUT/PATCH/DELETE outside [`EXEMPT`] must carry `X-CSRFToken`
//! equal, in constant time, to the token bound to the session and to the
//! `XSRF-TOKEN` cookie. On top of that, writes coming from another site
//! (fetch metadata, else `Origin`) are refused, login included. There are no
//! per-route opt-outs and no bypass flags: this list is the whole policy.
//!
//! Before sign-in there is no session: `GET /api/auth/csrf` hands out a
//! stateless token (an expiry and a random nonce, signed with HMAC-SHA256
//! under a key kept in the data file), so anonymous requests write nothing.
//! Such a token is accepted only while the request has no signed-in session;
//! login replaces it with a token bound to the new session.

use axum::{
    extract::{Request, State},
    http::{HeaderMap, HeaderValue, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use tower_sessions::{
    Session,
    cookie::{Cookie, SameSite, time::Duration as CookieDuration},
};

pub mod anon;

pub use anon::AnonTokens;

use super::session::TypedSession;
use crate::{config::Mode, error::ApiError, state::AppState, util::ct_eq};

pub const HEADER: &str = "x-csrftoken";
pub const COOKIE: &str = "XSRF-TOKEN";

/// Writes that need no token, by exact method and path.
pub const EXEMPT: &[(Method, &str)] = &[(Method::POST, "/api/auth/login"), (Method::POST, "/api/auth/logout")];

/// GET-only endpoints: any other method passes this layer untouched so the
/// router answers 405, not a CSRF 403.
pub const EXEMPT_GET_ONLY: &[&str] = &["/healthz", "/readyz", "/livez", "/version"];

/// The only prefix exempt as a whole: webhooks authenticate by signature or secret.
pub const EXEMPT_PREFIX: &str = "/webhook/";

pub fn is_write(method: &Method) -> bool {
    matches!(*method, Method::POST | Method::PUT | Method::PATCH | Method::DELETE)
}

pub fn is_exempt(method: &Method, path: &str) -> bool {
    path.starts_with(EXEMPT_PREFIX) || EXEMPT.iter().any(|(m, p)| m == method && *p == path)
}

fn failure(message: &str) -> Response {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "csrf_failed",
        message,
        "GET /api/auth/csrf and send its csrfToken in X-CSRFToken, with credentials included",
    )
    .into_response()
}

/// The origin a header names, if it is one: `null`, or `scheme://host[:port]`
/// exactly as browsers serialize it. Non-ASCII bytes or anything else is None.
fn origin_of_header(v: &HeaderValue) -> Option<String> {
    let raw = v.to_str().ok()?.trim();
    if raw == "null" {
        return Some(raw.to_string());
    }
    let url = reqwest::Url::parse(raw).ok()?;
    let origin = url.origin().ascii_serialization();
    (matches!(url.scheme(), "http" | "https") && origin.eq_ignore_ascii_case(raw)).then_some(origin)
}

/// The origin of a `Referer` URL, if it is a readable http(s) URL.
fn origin_of_referer(v: &HeaderValue) -> Option<String> {
    let url = reqwest::Url::parse(v.to_str().ok()?.trim()).ok()?;
    matches!(url.scheme(), "http" | "https").then(|| url.origin().ascii_serialization())
}

/// Fetch-metadata / Origin check: is this write coming from another site?
/// An `Origin` that cannot be read as an origin is cross-site, whatever else
/// the request says (never taken as absent). Otherwise `Sec-Fetch-Site`
/// decides when the browser sent it; else `Origin`; else `Referer`; a request
/// with none of them (curl, server to server) is judged by the token alone.
fn cross_site(headers: &HeaderMap, public_origin: &str, host_origin: Option<&str>) -> bool {
    let foreign =
        |o: &str| !o.eq_ignore_ascii_case(public_origin) && host_origin.is_none_or(|h| !o.eq_ignore_ascii_case(h));
    let origin = match headers.get(header::ORIGIN) {
        None => None,
        Some(v) => match origin_of_header(v) {
            Some(o) => Some(o),
            None => return true,
        },
    };
    if let Some(site) = headers.get("sec-fetch-site") {
        return !matches!(site.to_str().unwrap_or(""), "same-origin" | "none");
    }
    if let Some(o) = origin {
        return foreign(&o);
    }
    match headers.get(header::REFERER) {
        None => false,
        Some(v) => origin_of_referer(v).is_none_or(|o| foreign(&o)),
    }
}

pub fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The middleware. Runs inside the session layer.
pub async fn layer(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let path = req.uri().path();
    if !is_write(&method) || path.starts_with(EXEMPT_PREFIX) || EXEMPT_GET_ONLY.contains(&path) {
        return next.run(req).await;
    }
    let headers = req.headers();
    // Requests addressed to this server directly (tests, a LAN address) carry
    // their own origin in Host; accept that as same-origin too.
    let scheme = state.config.public_url.scheme();
    let host_origin = headers.get(header::HOST).and_then(|h| h.to_str().ok()).map(|h| format!("{scheme}://{h}"));
    if cross_site(headers, &state.config.public_origin, host_origin.as_deref()) {
        return failure("Cross-site request refused.");
    }
    if is_exempt(&method, req.uri().path()) {
        return next.run(req).await;
    }
    let Some(sent) = headers.get(HEADER).and_then(|v| v.to_str().ok()).map(str::to_owned) else {
        return failure("The CSRF token is missing.");
    };
    let cookie = cookie_value(headers, COOKIE).map(str::to_owned);
    let Some(session) = req.extensions().get::<Session>().cloned() else {
        return ApiError::internal("session layer missing").into_response();
    };
    let session_state = match TypedSession(session).state().await {
        Ok(s) => s,
        Err(e) => return e.into_response(),
    };
    let bound = match (session_state.user_id, session_state.csrf) {
        (_, Some(bound)) => bound,
        // No session yet: a signed anonymous token, sent as header and cookie alike.
        (None, None) => {
            let cookie_ok = cookie.as_deref().is_some_and(|c| ct_eq(c, &sent));
            if cookie_ok && state.anon_csrf.remaining(&sent).is_some() {
                return next.run(req).await;
            }
            return failure("The CSRF token is missing, expired or does not match.");
        }
        (Some(_), None) => return failure("This session has no CSRF token (it may have expired or ended)."),
    };
    // Both comparisons always run, so timing says nothing about which failed.
    let header_ok = ct_eq(&sent, &bound);
    let cookie_ok = cookie.as_deref().is_some_and(|c| ct_eq(c, &bound));
    if !(header_ok & cookie_ok) {
        return failure("The CSRF token is missing or does not match this session.");
    }
    next.run(req).await
}

/// The `XSRF-TOKEN` cookie, with the same flags as the session cookie.
pub fn set_cookie(state: &AppState, token: &str) -> HeaderValue {
    let mut c = Cookie::build((COOKIE, token.to_owned()))
        .path("/")
        .http_only(true)
        .secure(state.config.secure_cookies)
        .same_site(match state.config.settings.mode {
            Mode::Deploy => SameSite::Lax,
            Mode::Preview => SameSite::None,
        })
        .build();
    if token.is_empty() {
        c.set_max_age(CookieDuration::ZERO);
    }
    HeaderValue::from_str(&c.to_string()).unwrap_or_else(|_| HeaderValue::from_static("XSRF-TOKEN=; Path=/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exempt_list_is_exact() {
        assert!(is_exempt(&Method::POST, "/api/auth/login"));
        assert!(is_exempt(&Method::POST, "/api/auth/logout"));
        assert!(is_exempt(&Method::POST, "/webhook/twilio/voice"));
        assert!(!is_exempt(&Method::PUT, "/api/auth/login"));
        assert!(!is_exempt(&Method::POST, "/api/auth/login/"));
        assert!(!is_exempt(&Method::POST, "/api/auth/password"));
        assert!(!is_exempt(&Method::POST, "/api/admin/businesses/1/impersonate"));
        assert!(!is_exempt(&Method::POST, "/webhooks/x"));
    }

    #[test]
    fn cross_site_judges_fetch_metadata_first_then_origin() {
        let mut h = HeaderMap::new();
        assert!(!cross_site(&h, "https://a.example", None));
        h.insert(header::ORIGIN, HeaderValue::from_static("https://evil.example"));
        assert!(cross_site(&h, "https://a.example", None));
        h.insert(header::ORIGIN, HeaderValue::from_static("https://a.example"));
        assert!(!cross_site(&h, "https://a.example", None));
        h.insert("sec-fetch-site", HeaderValue::from_static("cross-site"));
        assert!(cross_site(&h, "https://a.example", None));
        h.insert("sec-fetch-site", HeaderValue::from_static("same-origin"));
        assert!(!cross_site(&h, "https://a.example", None));
    }

    #[test]
    fn an_unreadable_origin_is_cross_site_even_with_same_origin_metadata() {
        let mut h = HeaderMap::new();
        h.insert("sec-fetch-site", HeaderValue::from_static("same-origin"));
        h.insert(header::ORIGIN, HeaderValue::from_bytes("https://www.\u{e9}vil.com".as_bytes()).unwrap());
        assert!(cross_site(&h, "https://a.example", None));
        h.insert(header::ORIGIN, HeaderValue::from_bytes(b"https://www.\xc3\xa9vil.com").unwrap());
        assert!(cross_site(&h, "https://a.example", None));
        h.insert(header::ORIGIN, HeaderValue::from_static("garbage"));
        assert!(cross_site(&h, "https://a.example", None));
        h.insert(header::ORIGIN, HeaderValue::from_static("https://a.example/path"));
        assert!(cross_site(&h, "https://a.example", None));
        h.insert(header::ORIGIN, HeaderValue::from_static("https://a.example"));
        assert!(!cross_site(&h, "https://a.example", None));
    }

    #[test]
    fn referer_counts_only_without_origin_and_fetch_metadata() {
        let mut h = HeaderMap::new();
        h.insert(header::REFERER, HeaderValue::from_static("https://evil.example/page"));
        assert!(cross_site(&h, "https://a.example", None));
        h.insert(header::REFERER, HeaderValue::from_static("https://a.example/leads/1"));
        assert!(!cross_site(&h, "https://a.example", None));
        h.insert(header::REFERER, HeaderValue::from_static("::::"));
        assert!(cross_site(&h, "https://a.example", None));
    }
}
