//! The accept loop: hyper-util serving the router, so that slow or idle
//! clients cannot hold connections open (header timeout) and a flood of them
//! cannot exhaust the process (connection cap), with graceful shutdown.

use std::{
    future::Future,
    io,
    pin::Pin,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    task::{Context, Poll},
    time::Duration,
};

use axum::{Router, extract::ConnectInfo};
use hyper::body::Incoming;
use hyper_util::{
    rt::{TokioExecutor, TokioIo, TokioTimer},
    server::{conn::auto, graceful::GracefulShutdown},
};
use tokio::{
    io::{AsyncRead, AsyncWrite, ReadBuf},
    net::{TcpListener, TcpStream},
    sync::{OwnedSemaphorePermit, Semaphore},
};
use tower::ServiceExt;

/// Limits applied to every connection.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Request headers must be complete within this; also the idle limit of kept-alive connections.
    pub header_timeout: Duration,
    /// Most connections open at once.
    pub max_connections: usize,
}

/// Serves `router` on `listener` until `stop` resolves, then stops accepting
/// (the listener is closed). The connections still open are returned so the
/// caller can let them finish (`GracefulShutdown::shutdown`).
pub async fn serve_until(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    stop: impl Future<Output = ()>,
) -> GracefulShutdown {
    serve_tls_until(listener, router, limits, None, stop).await
}

/// [`serve_until`], with each connection first going through `tls` when
/// given. The handshake runs inside the connection's task, under the same
/// slot and the same deadline as the first request.
pub async fn serve_tls_until(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    tls: Option<Arc<crate::acme::Acceptor>>,
    stop: impl Future<Output = ()>,
) -> GracefulShutdown {
    let slots = Arc::new(Semaphore::new(limits.max_connections.clamp(1, Semaphore::MAX_PERMITS)));
    let graceful = GracefulShutdown::new();
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new()).header_read_timeout(limits.header_timeout);
    // WebSockets over HTTP/2 use extended CONNECT.
    builder.http2().enable_connect_protocol();
    let builder = Arc::new(builder);
    tokio::pin!(stop);
    loop {
        // A slot first: while all are taken, new connections wait in the
        // kernel's backlog instead of costing us memory and a task.
        let slot = tokio::select! {
            () = &mut stop => break,
            slot = slots.clone().acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break, // never closed
            },
        };
        let (tcp, remote) = tokio::select! {
            () = &mut stop => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    accept_failed(e).await;
                    continue;
                }
            },
        };
        // Small frames (media streams, events) must not wait for Nagle's algorithm.
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!(error = %e, "could not set TCP_NODELAY");
        }
        let seen_request = Arc::new(AtomicBool::new(false));
        let seen = seen_request.clone();
        let router = router.clone();
        let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
            seen.store(true, Ordering::Relaxed);
            req.extensions_mut().insert(ConnectInfo(remote));
            router.clone().oneshot(req)
        });
        let held = Held { tcp, _slot: slot };
        let (watcher, builder, tls) = (graceful.watcher(), builder.clone(), tls.clone());
        let header_timeout = limits.header_timeout;
        let conn = async move {
            let done = match tls {
                None => {
                    watcher
                        .watch(builder.serve_connection_with_upgrades(TokioIo::new(held), service).into_owned())
                        .await
                }
                Some(tls) => match tls.accept(held).await {
                    Ok(Some(stream)) => {
                        watcher
                            .watch(builder.serve_connection_with_upgrades(TokioIo::new(stream), service).into_owned())
                            .await
                    }
                    // An ACME validation connection, answered by the acceptor.
                    Ok(None) => Ok(()),
                    Err(e) => {
                        tracing::debug!(error = %e, %remote, "TLS handshake failed");
                        Ok(())
                    }
                },
            };
            if let Err(e) = done {
                tracing::debug!(error = %e, %remote, "connection ended with an error");
            }
        };
        tokio::spawn(async move {
            tokio::select! {
                () = conn => {},
                () = first_request_deadline(seen_request, header_timeout) => {
                    tracing::debug!(%remote, "closed a connection that sent no complete request in time");
                }
            }
        });
    }
    graceful
}

/// Resolves once `limit` has passed without a complete first request. hyper
/// times out HTTP/1 headers itself, but only after it has told HTTP/1 from
/// HTTP/2, which waits for the client's first bytes: a client that connects
/// and sends nothing (or half an HTTP/2 preface) would otherwise stay forever.
async fn first_request_deadline(seen_request: Arc<AtomicBool>, limit: Duration) {
    tokio::time::sleep(limit).await;
    if seen_request.load(Ordering::Relaxed) {
        std::future::pending::<()>().await;
    }
}

/// Out of file descriptors (or similar) must not become a busy loop; a
/// client that gave up before we accepted it is routine.
async fn accept_failed(e: io::Error) {
    match e.kind() {
        io::ErrorKind::ConnectionAborted | io::ErrorKind::ConnectionReset | io::ErrorKind::Interrupted => {
            tracing::debug!(error = %e, "accept: client gone");
        }
        _ => {
            tracing::warn!(error = %e, "accept failed; pausing briefly");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// A socket holding its connection slot until dropped. On a WebSocket upgrade
/// hyper hands this very value to the upgraded stream, so a call keeps its
/// slot for as long as it lasts.
struct Held {
    tcp: TcpStream,
    _slot: OwnedSemaphorePermit,
}

impl AsyncRead for Held {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().tcp).poll_read(cx, buf)
    }
}

impl AsyncWrite for Held {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().tcp).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().tcp).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.tcp.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().tcp).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().tcp).poll_shutdown(cx)
    }
}
