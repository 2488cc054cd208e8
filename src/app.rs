//! The app factory: builds the state and the router with every layer in one
//! readable order, and runs the server with graceful shutdown (the accept
//! loop itself is in [`crate::server`]).

use std::{sync::Arc, time::Duration};

use axum::{
    Router,
    body::Body,
    extract::{DefaultBodyLimit, Request},
    http::{HeaderName, HeaderValue, StatusCode, header},
    middleware,
    response::IntoResponse,
};
use tower::ServiceBuilder;
use tower_http::{
    catch_panic::CatchPanicLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    set_header::SetResponseHeaderLayer,
    timeout::TimeoutLayer,
    trace::TraceLayer,
};
use tower_sessions::{Expiry, SessionManagerLayer, cookie::SameSite};

use crate::{
    assets,
    config::{Config, Mode, Refusal},
    context::{Context, Parts},
    db::Db,
    error::ApiError,
    events::Events,
    http::{self, csrf},
    messaging::{Baileys, Messenger, Twilio},
    password::Passwords,
    scheduler::{self, Wake},
    server,
    state::{AppState, Shared},
    store::{self, sessions::SqliteSessionStore},
    voice::ActiveCalls,
};
use tokio::sync::watch;

pub fn build_state(db: Db, config: Config, shutdown: watch::Receiver<bool>) -> anyhow::Result<AppState> {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .connect_timeout(Duration::from_secs(5))
        .user_agent(concat!("frontdesk/", env!("CARGO_PKG_VERSION")))
        .build()?;
    let s = &config.settings;
    let per_minute = s.bridge_sends_per_minute;
    let messenger = Messenger::new(vec![
        Box::new(Baileys { http: http.clone(), base: s.baileys_url.clone(), apikey: s.baileys_secret.clone() }),
        Box::new(Twilio {
            http: http.clone(),
            base: s.twilio_api_base.clone(),
            account_sid: s.twilio_account_sid.clone(),
            auth_token: s.twilio_auth_token.clone(),
            status_callback: config.status_callback_url.clone(),
        }),
    ])
    .paced(per_minute);
    let anon_key = db.write_blocking(|tx| store::keys::get_or_create(tx, "anon_csrf", 32))?;
    let vapid = db.write_blocking(|tx| crate::webpush::Vapid::load_or_create(tx))?;
    let push = crate::webpush::PushClient::new(crate::webpush::endpoint::Policy { loopback_http: s.test_faults })?;
    let core = Context::new(Parts {
        messenger: Arc::new(messenger),
        db,
        config: Arc::new(config),
        events: Events::new(),
        reminder_wake: Wake::default(),
        http,
        shutdown,
        vapid,
        push,
    });
    Ok(AppState::new(Shared {
        core,
        anon_csrf: csrf::AnonTokens::new(anon_key),
        passwords: Passwords::new(),
        throttle: Arc::default(),
        user_cache: Arc::default(),
        sessions: Arc::default(),
        regions: crate::cache::TtlCache::new(Duration::from_secs(3600)),
        availability: Default::default(),
        index_html: assets::index_html().into(),
        calls: ActiveCalls::default(),
        ai_bursts: Default::default(),
    }))
}

/// The whole application. Layers run outermost first, in the order listed
/// in the `ServiceBuilder` below; the CSRF layer sits inside the session layer
/// because it checks the token bound to the session.
pub fn build_router(state: AppState) -> Router {
    let config = state.config.clone();
    let sessions = SessionManagerLayer::new(SqliteSessionStore::new(state.db.clone(), state.sessions.clone()))
        .with_name(config.session_cookie_name())
        .with_path("/")
        .with_http_only(true)
        .with_secure(config.secure_cookies)
        .with_same_site(match config.settings.mode {
            Mode::Deploy => SameSite::Lax,
            Mode::Preview => SameSite::None,
        })
        .with_expiry(Expiry::OnInactivity(
            tower_sessions::cookie::time::Duration::try_from(config.session_idle)
                .unwrap_or(tower_sessions::cookie::time::Duration::hours(8)),
        ));

    let mut router = Router::new();
    if config.settings.test_faults {
        router = router.merge(http::faults::router());
    }
    let mut router = router
        .merge(http::health::router())
        .merge(http::openapi::api())
        .merge(http::ics::feed_router())
        .merge(crate::webhooks::router())
        .merge(crate::voice::router())
        .fallback(assets::fallback)
        .layer(middleware::from_fn_with_state(state.clone(), http::layers::audit_impersonated_writes))
        .layer(middleware::from_fn_with_state(state.clone(), csrf::layer))
        .layer(sessions)
        .layer(DefaultBodyLimit::max(config.settings.body_limit_kb * 1024))
        // Inside `json_errors` and the header layers, so a 408 is JSON with the usual headers.
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(config.settings.request_timeout_secs.max(1)),
        ))
        .layer(middleware::from_fn(http::layers::json_errors))
        .layer(middleware::from_fn_with_state(state.clone(), http::client_ip::layer));
    for (name, value) in [
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "strict-origin-when-cross-origin"),
    ] {
        router = router.layer(SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value)));
    }
    if config.secure_cookies {
        router = router.layer(SetResponseHeaderLayer::if_not_present(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        ));
    }
    let request_id = HeaderName::from_static("x-request-id");
    let router = router
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(request_id.clone(), MakeRequestUuid))
                .layer(TraceLayer::new_for_http().make_span_with(|req: &Request<Body>| {
                    let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
                    tracing::info_span!("request", id = %id, method = %req.method(), path = %req.uri().path())
                }))
                .layer(PropagateRequestIdLayer::new(request_id))
                .layer(middleware::from_fn(http::layers::server_errors))
                .layer(CatchPanicLayer::custom(|_| ApiError::internal("a request handler panicked").into_response())),
        )
        .with_state(state);
    // Only when someone scrapes it (FRONTDESK_METRICS_BIND): otherwise every
    // request would pay for counting. Outermost, so the latency is the whole
    // request's and a panic's 500 is counted.
    if config.settings.metrics_bind.is_some() {
        router.layer(middleware::from_fn(crate::metrics::track))
    } else {
        router
    }
}

/// The async runtime. Blocking work is database reads (no more at once
/// than there are pooled connections) and password hashes (no more than
/// the cores), so a few threads beyond that are enough: a thread per waiting
/// read would only wait on the pool, and each thread costs the allocator a
/// heap of its own. Idle threads are kept, not re-made per burst.
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(crate::db::READERS as usize + cores + 2)
        .thread_keep_alive(Duration::from_secs(300))
        .build()
}

/// Resolves on SIGINT or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down: no new connections; finishing in-flight requests and calls");
}

/// Serves `/metrics` on its own listener (same connection limits) until shutdown.
async fn serve_metrics(bind: std::net::SocketAddr, state: &AppState, limits: server::Limits) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(bind).await.map_err(|e| {
        Refusal(format!("cannot listen on {bind} for metrics: {e}. Set FRONTDESK_METRICS_BIND to a free address."))
    })?;
    let addr = listener.local_addr()?;
    println!("metrics on http://{addr}/metrics");
    let mut stop = state.shutdown.clone();
    let router = http::scrape::router(state.clone());
    tokio::spawn(async move {
        let stopped = async move {
            let _ = stop.wait_for(|s| *s).await;
        };
        // A scrape in flight at shutdown is simply cut off.
        drop(server::serve_until(listener, router, limits, stopped).await);
    });
    Ok(())
}

/// After the grace, how long ended calls get to be saved before the process exits anyway.
const CALL_SAVE_LIMIT: Duration = Duration::from_secs(5);

/// Opens the data file, bootstraps, listens, and serves until a signal; then
/// lets requests and voice calls finish within the grace.
pub async fn serve(config: Config) -> anyhow::Result<()> {
    // Held until this function returns: `frontdesk restore` refuses while it is.
    let _lock = crate::db::lock::DataLock::acquire(&config.settings.data).map_err(|e| Refusal(e.to_string()))?;
    let db = Db::open_opts(&config.settings.data, config.settings.db_options()).map_err(|e| Refusal(e.to_string()))?;
    if let Some(note) = crate::bootstrap::first_start(&db, &config.settings)? {
        println!("{note}");
    }
    let interrupted = db.write_blocking(|tx| store::messages::fail_interrupted_unscoped(tx))?;
    if interrupted > 0 {
        tracing::warn!(messages = interrupted, "sends cut short by the last stop were marked failed, not re-sent");
    }
    let listener = tokio::net::TcpListener::bind(config.settings.bind).await.map_err(|e| {
        Refusal(format!("cannot listen on {}: {e}. Set FRONTDESK_BIND to a free address.", config.settings.bind))
    })?;
    let addr = listener.local_addr()?;
    let https = if config.domains.is_empty() {
        None
    } else {
        let bind = config.settings.tls_bind;
        let tls_listener = tokio::net::TcpListener::bind(bind).await.map_err(|e| {
            Refusal(format!(
                "cannot listen on {bind} for HTTPS: {e}. Set FRONTDESK_TLS_BIND to a free address \
                 (port 443 needs root or CAP_NET_BIND_SERVICE)."
            ))
        })?;
        Some((tls_listener, Arc::new(crate::acme::start(&config, db.clone())?)))
    };
    let (shutdown_tx, shutdown_rx) = watch::channel(false);
    let state = build_state(db.clone(), config, shutdown_rx)?;
    let warmed_up = state.passwords.warm_up();
    let cleanup = SqliteSessionStore::new(db.clone(), state.sessions.clone()).spawn_cleanup(Duration::from_secs(600));
    let mut jobs = scheduler::start(state.core.clone()).await?;
    crate::media::start(state.core.clone(), state.ai_bursts.clone());
    println!("frontdesk {} listening on http://{addr} (public URL {})", crate::BUILD_ID, state.config.public_url);
    tracing::info!(%addr, "listening");
    if let Some((tls_listener, _)) = &https {
        println!(
            "https on {} for {} (certificates from {}); plain http redirects there",
            tls_listener.local_addr()?,
            state.config.domains.join(", "),
            state.config.settings.acme_directory
        );
    }
    let calls = state.calls.clone();
    let settings = state.config.settings.clone();
    let limits = server::Limits {
        header_timeout: Duration::from_secs(settings.header_timeout_secs.max(1)),
        max_connections: settings.max_connections,
    };
    if let Some(bind) = settings.metrics_bind {
        serve_metrics(bind, &state, limits).await?;
    }
    let app = build_router(state.clone());
    tokio::spawn(async move {
        // Start-up is over once the routes exist and the first hash is done.
        let _ = warmed_up.await;
        crate::memory::release_startup_code();
    });
    let connections = match https {
        None => server::serve_until(listener, app, limits, shutdown_signal()).await,
        Some((tls_listener, acceptor)) => {
            let plain = crate::acme::redirect_router(state.clone());
            let mut stop = state.shutdown.clone();
            tokio::spawn(async move {
                let stopped = async move {
                    let _ = stop.wait_for(|s| *s).await;
                };
                // Redirects and probes are short: nothing to wait for at shutdown.
                drop(server::serve_until(listener, plain, limits, stopped).await);
            });
            server::serve_tls_until(tls_listener, app, limits, Some(acceptor), shutdown_signal()).await
        }
    };
    // Ends event streams and the reminder timer so in-flight requests can finish.
    let _ = shutdown_tx.send(true);
    let grace = Duration::from_secs(settings.shutdown_grace_secs);
    let requests = async {
        if tokio::time::timeout(grace, connections.shutdown()).await.is_err() {
            tracing::warn!("requests still running after the shutdown grace are cut off");
        }
    };
    tokio::join!(requests, calls.drain(grace, CALL_SAVE_LIMIT));
    cleanup.abort();
    let _ = jobs.shutdown().await;
    match settings.wal_checkpoints {
        crate::db::WalCheckpoints::Internal => {
            db.checkpoint().map_err(|e| anyhow::anyhow!("WAL checkpoint at shutdown failed: {e}"))?
        }
        crate::db::WalCheckpoints::External => tracing::info!("WAL left as it is for the external checkpointer"),
    }
    tracing::info!("stopped cleanly");
    Ok(())
}
