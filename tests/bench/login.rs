//! `login`: sequential login latency (argon2id), then logins per second.

use std::time::Instant;

use serde_json::json;

use crate::{EMAIL, Login, PASSWORD, Server, wrk};

/// Signs in many times with `session`'s cookie, which rotates it: the caller signs in afresh after.
pub fn run(server: &Server, session: &Login) {
    let client = reqwest::blocking::Client::new();
    let t = Instant::now();
    let n = 20;
    for _ in 0..n {
        let r = client
            .post(format!("{}/api/auth/login", server.base))
            .json(&json!({"email": EMAIL, "password": PASSWORD}))
            .send()
            .unwrap();
        assert_eq!(r.status(), 200);
    }
    println!(
        "login latency (sequential, argon2id m=19MiB t=2): {:.1} ms",
        t.elapsed().as_secs_f64() * 1000.0 / n as f64
    );
    let r = wrk(&format!("{}/api/auth/login", server.base), session, Some(LOGIN_LUA), 2, 8, 5);
    println!("logins/s (wrk -t2 -c8 -d5s): {:.0} req/s, p50 {}, p99 {} ({})", r.rps, r.p50, r.p99, r.non2xx);
}

const LOGIN_LUA: &str = r#"
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"email":"bench@local","password":"bench-password-1"}'
"#;
