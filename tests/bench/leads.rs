//! `list` and `create`: authenticated throughput of the leads list (10,000
//! leads) and of creating leads with the CSRF header.

use crate::{Login, Server, insert_leads, status_kb, wrk};

pub fn list(server: &Server, session: &Login) {
    insert_leads(&server.data, 1, 10_000, 0);
    let r = wrk(&format!("{}/api/leads?page_size=50", server.base), session, None, 2, 32, 10);
    println!(
        "GET /api/leads?page_size=50, 10,000 leads (wrk -t2 -c32 -d10s): {:.0} req/s, p50 {}, p99 {} ({})",
        r.rps, r.p50, r.p99, r.non2xx
    );
}

pub fn create(server: &Server, session: &Login) {
    let r = wrk(&format!("{}/api/leads", server.base), session, Some(CREATE_LUA), 2, 32, 10);
    println!(
        "POST /api/leads with CSRF (wrk -t2 -c32 -d10s): {:.0} req/s, p50 {}, p99 {} ({})",
        r.rps, r.p50, r.p99, r.non2xx
    );
    println!(
        "RSS after load: {:.1} MB (peak {:.1} MB)",
        status_kb(server.child.id(), "VmRSS:") as f64 / 1024.0,
        status_kb(server.child.id(), "VmHWM:") as f64 / 1024.0
    );
}

const CREATE_LUA: &str = r#"
counter = 0
tid = 0
threads = 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end
wrk.headers["Content-Type"] = "application/json"
function request()
  counter = counter + 1
  local body = string.format('{"first_name":"Bench","phone_e164":"+97254%d%06d","source":"form"}', tid, counter)
  return wrk.format("POST", nil, nil, body)
end
"#;
