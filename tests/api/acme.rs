//! Automatic HTTPS against Debian's `pebble` (an ACME test authority) on
//! loopback: a certificate is issued over TLS-ALPN-01 and served, plain HTTP
//! redirects, the certificate lives in the data file, a restart reuses it,
//! and a certificate near its end is renewed in the background.
//!
//! Pebble resolves names through `pebble-challtestsrv`, whose DNS answers
//! 127.0.0.1 for every name, so no real DNS is involved. Without the `pebble`
//! binary (`apt-get install pebble`; `.ci/run` installs it) the test says so
//! and passes without running.

use std::{
    net::SocketAddr,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::Duration,
};

use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair};

use crate::{helpers::*, metrics::free_port};

const DOMAIN: &str = "crm.example.com";

/// Child processes killed on drop.
struct Procs(Vec<Child>);

impl Drop for Procs {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn which(bin: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?.to_str()?.split(':').map(|d| Path::new(d).join(bin)).find(|p| p.is_file())
}

/// A CA and, signed by it, pebble's own HTTPS certificate for 127.0.0.1.
fn pebble_certs(dir: &Path) -> PathBuf {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()])
        .unwrap()
        .signed_by(&key, &ca_cert, &ca_key)
        .unwrap();
    std::fs::write(dir.join("ca.pem"), ca_cert.pem()).unwrap();
    std::fs::write(dir.join("cert.pem"), leaf.pem()).unwrap();
    std::fs::write(dir.join("key.pem"), key.serialize_pem()).unwrap();
    dir.join("ca.pem")
}

async fn wait_listening(port: u16) {
    let up = wait_until(Duration::from_secs(20), || async move {
        tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok()
    })
    .await;
    assert!(up, "nothing listens on {port}");
}

/// Starts challtestsrv (DNS only) and pebble, validating on `tls_port`.
/// Returns the processes, the directory URL and the management port.
async fn start_pebble(dir: &Path, tls_port: u16) -> (Procs, String, u16) {
    let (acme, mgmt, dns, dns_mgmt) = (free_port(), free_port(), free_port(), free_port());
    let config = serde_json::json!({"pebble": {
        "listenAddress": format!("127.0.0.1:{acme}"),
        "managementListenAddress": format!("127.0.0.1:{mgmt}"),
        "certificate": dir.join("cert.pem"),
        "privateKey": dir.join("key.pem"),
        "httpPort": 5002,
        "tlsPort": tls_port,
        "ocspResponderURL": "",
        "externalAccountBindingRequired": false
    }});
    std::fs::write(dir.join("pebble.json"), config.to_string()).unwrap();
    let quiet = |c: &mut Command| {
        c.stdout(Stdio::null()).stderr(Stdio::null());
    };
    let mut dns_cmd = Command::new("pebble-challtestsrv");
    dns_cmd.args(["-dns01", &format!("127.0.0.1:{dns}"), "-http01", "", "-https01", "", "-tlsalpn01", ""]);
    dns_cmd.args(["-management", &format!("127.0.0.1:{dns_mgmt}"), "-defaultIPv6", ""]);
    quiet(&mut dns_cmd);
    let mut procs = Procs(vec![dns_cmd.spawn().expect("start pebble-challtestsrv")]);
    let mut pebble = Command::new("pebble");
    pebble.args(["-config", dir.join("pebble.json").to_str().unwrap(), "-dnsserver", &format!("127.0.0.1:{dns}")]);
    // Real validation, without pebble's random sleeps and refused nonces.
    pebble.env("PEBBLE_VA_NOSLEEP", "1").env("PEBBLE_VA_ALWAYS_VALID", "0").env("PEBBLE_WFE_NONCEREJECT", "0");
    if std::env::var_os("FRONTDESK_TEST_PEBBLE_LOG").is_none() {
        quiet(&mut pebble);
    }
    procs.0.push(pebble.spawn().expect("start pebble"));
    wait_listening(acme).await;
    wait_listening(mgmt).await;
    (procs, format!("https://127.0.0.1:{acme}/dir"), mgmt)
}

/// A client that trusts only `root` and sends DOMAIN to our HTTPS port.
fn https_client(root: &[u8], tls: SocketAddr) -> reqwest::Client {
    reqwest::Client::builder()
        .tls_certs_only([reqwest::Certificate::from_pem(root).unwrap()])
        .resolve(DOMAIN, tls)
        .tls_info(true)
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

/// The served certificate (DER) once a handshake verified against `root`
/// names DOMAIN, and the HSTS header of that answer. A new client each
/// time, so each check is a fresh handshake.
async fn served_cert(root: &[u8], tls: SocketAddr) -> Option<(Vec<u8>, Option<String>)> {
    let client = https_client(root, tls);
    let res = client.get(format!("https://{DOMAIN}:{}/healthz", tls.port())).send().await.ok()?;
    let info = res.extensions().get::<reqwest::tls::TlsInfo>()?;
    let der = info.peer_certificate()?.to_vec();
    let hsts = res.headers().get("strict-transport-security").and_then(|v| v.to_str().ok()).map(str::to_owned);
    (res.status() == 200).then_some((der, hsts))
}

fn cert_row(data: &Path) -> (Vec<u8>, String) {
    let conn = rusqlite::Connection::open(data).unwrap();
    conn.query_row("SELECT value, updated_at FROM acme_cache WHERE name LIKE 'cert:%'", [], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })
    .unwrap()
}

fn start_frontdesk(data: &Path, directory: &str, ca: &Path, tls_port: u16) -> Spawn {
    Spawn::default()
        .data_file(data.to_path_buf())
        .env("FRONTDESK_DOMAINS", DOMAIN)
        .env("FRONTDESK_ACME_EMAIL", "ops@example.com")
        .env("FRONTDESK_ACME_DIRECTORY", directory)
        .env("FRONTDESK_ACME_CA_ROOT", ca.to_str().unwrap())
        .env("FRONTDESK_TLS_BIND", &format!("127.0.0.1:{tls_port}"))
}

#[tokio::test]
async fn https_certificate_from_pebble_is_served_stored_reused_and_renewed() {
    if which("pebble").is_none() || which("pebble-challtestsrv").is_none() {
        crate::helpers::skip_unless_ci(
            "https_certificate_from_pebble_is_served_stored_reused_and_renewed",
            "the `pebble` package is not installed (apt-get install pebble; .ci/run installs it)",
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let ca = pebble_certs(dir.path());
    let tls_port = free_port();
    let tls: SocketAddr = format!("127.0.0.1:{tls_port}").parse().unwrap();
    let (_pebble, directory, mgmt) = start_pebble(dir.path(), tls_port).await;
    let pebble_api = reqwest::Client::builder()
        .tls_certs_only([reqwest::Certificate::from_pem(&std::fs::read(&ca).unwrap()).unwrap()])
        .build()
        .unwrap();
    let root = pebble_api.get(format!("https://127.0.0.1:{mgmt}/roots/0")).send().await.unwrap();
    assert_eq!(root.status(), 200);
    let root = root.bytes().await.unwrap();
    let data = dir.path().join("frontdesk.db");

    // First start: an order, validated by pebble connecting to our HTTPS port.
    let mut app = start_frontdesk(&data, &directory, &ca, tls_port).start().await;
    assert!(app.stdout.iter().any(|l| l.contains("public URL https://crm.example.com")), "{:?}", app.stdout);
    let (first, hsts) =
        eventually(Duration::from_secs(60), "a certificate from pebble", || served_cert(&root, tls)).await;
    assert!(hsts.is_some_and(|h| h.contains("max-age=")), "HSTS on HTTPS answers");

    // Plain HTTP: probes answer, everything else goes to https.
    let plain = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let res = plain.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let res = plain.get(app.url("/api/leads?page=2")).header("Host", DOMAIN).send().await.unwrap();
    assert_eq!(res.status(), 308);
    assert_eq!(res.headers()["location"], format!("https://{DOMAIN}:{tls_port}/api/leads?page=2").as_str());
    // Someone else's Host is not echoed back (no open redirect).
    let res = plain.get(app.url("/")).header("Host", "evil.example.net").send().await.unwrap();
    assert_eq!(res.headers()["location"], format!("https://{DOMAIN}:{tls_port}/").as_str());

    // The HTTPS side is the whole app.
    let client = https_client(&root, tls);
    let res = client.get(format!("https://{DOMAIN}:{tls_port}/api/auth/me")).send().await.unwrap();
    assert_eq!(res.status(), 401);
    assert_eq!(res.version(), reqwest::Version::HTTP_2, "HTTP/2 is offered over TLS");
    drop(res);
    drop(client);

    // Stored in the data file: the certificate (key + chain) and the account key.
    let (pem, stored_at) = cert_row(&data);
    let pem = String::from_utf8(pem).unwrap();
    assert!(pem.contains("PRIVATE KEY") && pem.matches("BEGIN CERTIFICATE").count() >= 2, "key and chain");
    let conn = rusqlite::Connection::open(&data).unwrap();
    let accounts: i64 =
        conn.query_row("SELECT count(*) FROM acme_cache WHERE name LIKE 'account:%'", [], |r| r.get(0)).unwrap();
    assert_eq!(accounts, 1);
    drop(conn);

    // Restart: the stored certificate is served at once, no new order.
    // Waited for without blocking this runtime: the HTTP/2 client must be able
    // to answer the server's GOAWAY for the shutdown to be quick.
    assert!(app.terminate_within(Duration::from_secs(10)).await.success());
    let mut app = start_frontdesk(&data, &directory, &ca, tls_port).start().await;
    let (again, _) = eventually(Duration::from_secs(10), "the stored certificate", || served_cert(&root, tls)).await;
    assert_eq!(again, first, "the same certificate after a restart");
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(cert_row(&data).1, stored_at, "nothing was ordered or stored again");
    assert!(app.terminate_within(Duration::from_secs(10)).await.success());

    // Renewal: a stored certificate two thirds through its life is served
    // while a new one is ordered in the background, then replaced by it.
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(vec![DOMAIN.to_string()]).unwrap();
    let now = time::OffsetDateTime::now_utc();
    params.not_before = now - time::Duration::days(60);
    params.not_after = now + time::Duration::days(1);
    let old = params.self_signed(&key).unwrap();
    let fake = format!("{}\n{}{}", key.serialize_pem(), old.pem(), old.pem());
    let conn = rusqlite::Connection::open(&data).unwrap();
    conn.execute("UPDATE acme_cache SET value = ?1 WHERE name LIKE 'cert:%'", [fake.as_bytes()]).unwrap();
    drop(conn);
    let _app = start_frontdesk(&data, &directory, &ca, tls_port).start().await;
    let (renewed, _) = eventually(Duration::from_secs(60), "a renewed certificate", || async {
        served_cert(&root, tls).await.filter(|(der, _)| *der != first)
    })
    .await;
    assert_ne!(renewed, old.der().to_vec());
    // Stored right after it is deployed.
    eventually(Duration::from_secs(10), "the renewed certificate in the data file", || async {
        (cert_row(&data).0 != fake.as_bytes()).then_some(())
    })
    .await;
}
