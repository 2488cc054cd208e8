//! The embedded UI's files: brotli as stored, or gzip or plain made from it, chosen by
//! `Accept-Encoding` (with `Vary`), cache headers and CSP kept, and the first
//! page's compressed JS and CSS within its budget.

use crate::helpers::*;

/// The first route's compressed JS + CSS budget, in bytes.
const FIRST_ROUTE_BUDGET: usize = 150 * 1000;

/// The files index.html lists for its entry to preload (`fd-route-files`):
/// route key -> `{js, css}`.
fn route_files(html: &str) -> Option<serde_json::Value> {
    let open = "<script type=\"application/json\" id=\"fd-route-files\">";
    let start = html.find(open)? + open.len();
    let end = start + html[start..].find("</script>")?;
    serde_json::from_str(&html[start..end]).ok()
}

/// `/assets/...` paths of the `.js`/`.css` files index.html loads, and those
/// of the app its entry preloads at once (`fd-route-files`' `app`).
fn first_route_assets(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attr in ["src=\"", "href=\""] {
        for (i, _) in html.match_indices(attr) {
            let rest = &html[i + attr.len()..];
            let Some(end) = rest.find('"') else { continue };
            let path = &rest[..end];
            if path.starts_with("/assets/") && (path.ends_with(".js") || path.ends_with(".css")) {
                found.push(path.to_string());
            }
        }
    }
    let app = route_files(html).map(|files| files["app"].clone()).unwrap_or_default();
    for kind in ["js", "css"] {
        for path in app[kind].as_array().into_iter().flatten().filter_map(|p| p.as_str()) {
            if !found.iter().any(|f| f == path) {
                found.push(path.to_string());
            }
        }
    }
    found
}

async fn get_with(app: &TestApp, path: &str, accept_encoding: Option<&str>) -> reqwest::Response {
    let mut req = app.client().http.get(app.url(path));
    if let Some(ae) = accept_encoding {
        req = req.header("accept-encoding", ae);
    }
    req.send().await.unwrap()
}

fn header<'a>(res: &'a reqwest::Response, name: &str) -> &'a str {
    res.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
}

#[tokio::test]
async fn assets_are_served_precompressed_by_accept_encoding() {
    let app = Spawn::default().start().await;
    let index = get_with(&app, "/", None).await;
    assert_eq!(header(&index, "cache-control"), "no-store");
    let html = index.text().await.unwrap();
    let assets = first_route_assets(&html);
    let css = assets.iter().find(|p| p.ends_with(".css")).expect("index.html links a stylesheet");

    let identity = get_with(&app, css, None).await;
    assert_eq!(identity.status(), 200);
    assert_eq!(header(&identity, "content-encoding"), "", "no encoding asked, none given");
    assert!(header(&identity, "vary").eq_ignore_ascii_case("accept-encoding"));
    assert!(header(&identity, "cache-control").contains("immutable"));
    assert!(header(&identity, "content-security-policy").contains("default-src 'self'"));
    let plain = identity.bytes().await.unwrap();

    for (accept, expected) in [
        ("gzip, deflate, br, zstd", "br"),
        ("br;q=0, gzip", "gzip"),
        ("gzip;q=0.8", "gzip"),
        ("*", "br"),
        ("identity", ""),
        ("br;q=0, gzip;q=0", ""),
    ] {
        let res = get_with(&app, css, Some(accept)).await;
        assert_eq!(res.status(), 200, "{accept}");
        assert_eq!(header(&res, "content-encoding"), expected, "Accept-Encoding: {accept}");
        assert!(header(&res, "vary").eq_ignore_ascii_case("accept-encoding"), "{accept}");
        assert!(header(&res, "content-type").starts_with("text/css"), "{accept}");
        assert!(header(&res, "cache-control").contains("immutable"), "{accept}");
        let body = res.bytes().await.unwrap();
        match expected {
            "gzip" => {
                // Made from the embedded brotli copy: the same file once decoded.
                let mut decoded = Vec::new();
                std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&body[..]), &mut decoded).unwrap();
                assert_eq!(decoded, plain, "{accept}: the gzip stream is the file");
            }
            "" => assert_eq!(body, plain),
            _ => assert!(body.len() < plain.len() || plain.len() < 64, "brotli is smaller"),
        }
    }
}

#[tokio::test]
async fn the_first_route_loads_at_most_150_kb_of_compressed_js_and_css() {
    let app = Spawn::default().start().await;
    let html = get_with(&app, "/inbox", None).await.text().await.unwrap();
    let assets = first_route_assets(&html);
    assert!(!assets.is_empty(), "index.html loads no /assets/ script or stylesheet:\n{html}");
    let mut total = 0;
    let mut sizes = Vec::new();
    for path in &assets {
        let res = get_with(&app, path, Some("gzip, deflate, br")).await;
        assert_eq!(res.status(), 200, "{path}");
        assert_eq!(header(&res, "content-encoding"), "br", "{path} is sent brotli-compressed");
        let len = res.bytes().await.unwrap().len();
        sizes.push(format!("{path}: {len}"));
        total += len;
    }
    assert!(
        total <= FIRST_ROUTE_BUDGET,
        "the first route loads {total} bytes of compressed JS+CSS (budget {FIRST_ROUTE_BUDGET}):\n{}",
        sizes.join("\n")
    );
}

/// The `src` of index.html's module script (its entry).
fn entry_script(html: &str) -> Option<&str> {
    let tag = &html[html.find("<script type=\"module\"")?..];
    let tag = &tag[..tag.find('>')?];
    let src = &tag[tag.find("src=\"")? + 5..];
    Some(&src[..src.find('"')?])
}

/// The first paint does not wait for the app's code: index.html's entry is a
/// few KB (it starts the first requests, draws the inbox or a lead from
/// them, and imports the app after painting), and the files of the app and
/// of the first pages are listed for the entry to preload.
#[tokio::test]
async fn the_entry_is_small_and_the_app_downloads_beside_the_first_paint() {
    let app = Spawn::default().start().await;
    let html = get_with(&app, "/inbox", None).await.text().await.unwrap();
    if html.contains("FRONTDESK_SKIP_UI") || !html.contains("type=\"module\"") {
        crate::helpers::skip_unless_ci(
            "the_entry_is_small_and_the_app_downloads_beside_the_first_paint",
            "FRONTDESK_SKIP_UI=1: the binary embeds a placeholder page, not the UI",
        );
        return;
    }
    let entry = entry_script(&html).expect("index.html has a module script with a src");
    let res = get_with(&app, entry, Some("br")).await;
    assert_eq!(res.status(), 200, "{entry}");
    let entry_len = res.bytes().await.unwrap().len();
    assert!(entry_len <= 8_000, "the entry {entry} is {entry_len} bytes compressed: the first paint waits for it");

    let files =
        route_files(&html).unwrap_or_else(|| panic!("index.html does not list the first pages' files:\n{html}"));
    for key in ["app", "login", "shell", "inbox", "leads", "lead"] {
        assert!(
            files[key]["js"].as_array().is_some_and(|js| !js.is_empty()),
            "index.html lists no files of {key} for the entry to preload:\n{html}"
        );
    }
}
