//! Connections over raw TCP: clients that stall in their headers are cut
//! off, and the connection cap holds new clients back until one leaves.

use std::time::{Duration, Instant};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

use crate::helpers::*;

/// Reads until the server closes the connection (EOF or reset); returns what came.
async fn read_until_closed(sock: &mut TcpStream) -> Vec<u8> {
    let mut all = Vec::new();
    let mut buf = [0u8; 1024];
    loop {
        match sock.read(&mut buf).await {
            Ok(0) | Err(_) => return all,
            Ok(n) => all.extend_from_slice(&buf[..n]),
        }
    }
}

/// Sends `GET path` on a kept-alive connection and reads one whole response.
async fn get(sock: &mut TcpStream, path: &str) -> String {
    sock.write_all(format!("GET {path} HTTP/1.1\r\nHost: test\r\n\r\n").as_bytes()).await.unwrap();
    read_response(sock).await
}

async fn read_response(sock: &mut TcpStream) -> String {
    let mut got = Vec::new();
    let mut buf = [0u8; 1024];
    loop {
        let text = String::from_utf8_lossy(&got).to_string();
        if let Some(end) = text.find("\r\n\r\n") {
            let length = text[..end]
                .lines()
                .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_string()))
                .and_then(|v| v.parse::<usize>().ok())
                .expect("a content-length");
            if got.len() >= end + 4 + length {
                return text;
            }
        }
        let n = sock.read(&mut buf).await.unwrap();
        assert!(n > 0, "closed before a whole response: {text}");
        got.extend_from_slice(&buf[..n]);
    }
}

#[tokio::test]
async fn clients_that_stall_before_their_headers_end_are_disconnected_while_others_are_served() {
    let app = Spawn::default().env("FRONTDESK_HEADER_TIMEOUT_SECS", "1").start().await;
    let started = Instant::now();
    let mut partial = TcpStream::connect(app.addr()).await.unwrap();
    partial.write_all(b"GET /livez HTTP/1.1\r\nHost: test\r\nX-Slow: ").await.unwrap();
    // Connects and sends nothing at all.
    let mut silent = TcpStream::connect(app.addr()).await.unwrap();
    // Meanwhile others are served.
    let (status, _) = app.client().get_json("/livez").await;
    assert_eq!(status, 200);
    for (name, sock) in [("partial headers", &mut partial), ("nothing sent", &mut silent)] {
        let got = tokio::time::timeout(Duration::from_secs(5), read_until_closed(sock))
            .await
            .unwrap_or_else(|_| panic!("{name}: still connected after 5 s"));
        let text = String::from_utf8_lossy(&got);
        assert!(!text.contains(" 200 "), "{name}: the stalled request was served: {text}");
    }
    assert!(started.elapsed() >= Duration::from_millis(900), "closed before the header timeout");
    // A client that completes its request is unaffected.
    let mut sock = TcpStream::connect(app.addr()).await.unwrap();
    assert!(get(&mut sock, "/livez").await.starts_with("HTTP/1.1 200"));
}

#[tokio::test]
async fn beyond_the_connection_cap_a_new_client_waits_until_another_leaves() {
    let app =
        Spawn::default().env("FRONTDESK_MAX_CONNECTIONS", "4").env("FRONTDESK_HEADER_TIMEOUT_SECS", "60").start().await;
    let mut held = Vec::new();
    for _ in 0..4 {
        let mut sock = TcpStream::connect(app.addr()).await.unwrap();
        assert!(get(&mut sock, "/livez").await.starts_with("HTTP/1.1 200"));
        held.push(sock);
    }
    // The kernel completes the handshake, but the server does not take it on.
    let mut fifth = TcpStream::connect(app.addr()).await.unwrap();
    fifth.write_all(b"GET /livez HTTP/1.1\r\nHost: test\r\n\r\n").await.unwrap();
    assert!(
        tokio::time::timeout(Duration::from_millis(1500), read_response(&mut fifth)).await.is_err(),
        "a fifth connection was served while four were open"
    );
    // The four are still served.
    assert!(get(&mut held[3], "/livez").await.starts_with("HTTP/1.1 200"));
    drop(held.remove(0));
    let res = tokio::time::timeout(Duration::from_secs(5), read_response(&mut fifth))
        .await
        .expect("served once a connection closed");
    assert!(res.starts_with("HTTP/1.1 200"), "{res}");
}
