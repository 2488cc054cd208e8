//! Builds the browser UI (`ui/`, Vite) and hands its `dist/` to the crate for
//! embedding, and bakes a build id (version + git hash, or a timestamp).
//!
//! Reruns only when UI sources, `index.html`, the Vite config or the lockfile
//! change: never on `ui/dist`, which this script writes itself.

use std::{
    env, fs,
    path::{Path, PathBuf},
    process::Command,
    time::{SystemTime, UNIX_EPOCH},
};

fn main() {
    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let ui = root.join("ui");
    for watched in [
        "ui/src",
        "ui/build",
        "ui/index.html",
        "ui/vite.config.ts",
        "ui/tsconfig.json",
        "ui/package.json",
        "ui/package-lock.json",
    ] {
        println!("cargo:rerun-if-changed={watched}");
    }
    println!("cargo:rerun-if-env-changed=FRONTDESK_SKIP_UI");

    println!("cargo:rustc-env=FRONTDESK_BUILD_ID={}", build_id(&root));

    let dist = if env::var("FRONTDESK_SKIP_UI").is_ok_and(|v| v == "1") {
        placeholder_dist()
    } else {
        build_ui(&ui);
        ui.join("dist")
    };
    precompress(&dist.join("assets"));
    let embedded = embedded_copy(&dist);
    println!("cargo:rustc-env=FRONTDESK_UI_DIST={}", embedded.display());

    // Packed relative relocations (DT_RELR): the executable is position
    // independent, and its ~1.7 MB table of relative relocations, which the
    // loader reads at every start and which stayed resident, packs into a few
    // KB. Needs binutils >= 2.38 to link and glibc >= 2.36 to run (Debian 12).
    if env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux")
        && env::var("CARGO_CFG_TARGET_ENV").as_deref() == Ok("gnu")
    {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
}

/// `0.1.0+<git short hash>` when built from a git checkout, else `0.1.0+t<unix time>`.
fn build_id(root: &Path) -> String {
    let version = env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let git_dir = root.join(".git");
    if git_dir.exists() {
        println!("cargo:rerun-if-changed=.git/HEAD");
        if let Ok(head) = fs::read_to_string(git_dir.join("HEAD"))
            && let Some(reference) = head.trim().strip_prefix("ref: ")
        {
            println!("cargo:rerun-if-changed=.git/{reference}");
        }
        let hash = Command::new("git")
            .args(["rev-parse", "--short=12", "HEAD"])
            .current_dir(root)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
        if let Some(hash) = hash.filter(|h| !h.is_empty()) {
            return format!("{version}+{hash}");
        }
    }
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    format!("{version}+t{now}")
}

fn build_ui(ui: &Path) {
    let npm = if cfg!(windows) { "npm.cmd" } else { "npm" };
    if Command::new(npm).arg("--version").output().is_err() {
        panic!(
            "\n\nfrontdesk embeds its browser UI, which is built with Node.js and npm, but `npm` was not found.\n\
             Install Node.js 20+ with npm (Debian: `apt-get install nodejs npm`), or set FRONTDESK_SKIP_UI=1 \
             to embed a placeholder page for Rust-only work.\n"
        );
    }
    let lock = ui.join("package-lock.json");
    let installed = ui.join("node_modules/.package-lock.json");
    if !installed.exists() || modified(&installed) < modified(&lock) {
        run(Command::new(npm).args(["ci", "--no-audit", "--no-fund"]).current_dir(ui), "npm ci");
    }
    run(Command::new(npm).args(["run", "build"]).current_dir(ui), "npm run build");
    if !ui.join("dist/index.html").exists() {
        panic!("the UI build finished but ui/dist/index.html is missing");
    }
}

/// Writes `<file>.br` next to each text asset, so the server answers
/// browsers without compressing per request. Brotli at its best quality: it
/// runs once per UI build and the files are small.
fn precompress(assets: &Path) {
    let Ok(entries) = fs::read_dir(assets) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let compressible = matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("js" | "mjs" | "css" | "svg" | "json" | "map" | "txt" | "webmanifest")
        );
        if !compressible || !path.is_file() {
            continue;
        }
        let data = fs::read(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
        let mut br = Vec::new();
        let params = brotli::enc::BrotliEncoderParams { quality: 11, lgwin: 22, ..Default::default() };
        brotli::BrotliCompress(&mut data.as_slice(), &mut br, &params)
            .unwrap_or_else(|e| panic!("brotli {}: {e}", path.display()));
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
        fs::write(assets.join(format!("{name}.br")), br).expect("write .br");
        // A gzip copy from an older build would be embedded as a file of its own.
        let _ = fs::remove_file(assets.join(format!("{name}.gz")));
    }
}

/// What the binary embeds: `dist` without the plain copy of an asset that
/// has a brotli one. Browsers take brotli; the server makes the gzip or plain
/// copy a client may ask for from it (see src/assets.rs). This keeps the UI's
/// weight in the binary at about a quarter (the 25 MB budget).
fn embedded_copy(dist: &Path) -> PathBuf {
    let out = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("ui-embedded");
    if out.exists() {
        fs::remove_dir_all(&out).unwrap_or_else(|e| panic!("clear {}: {e}", out.display()));
    }
    copy_tree(dist, &out);
    out
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap_or_else(|e| panic!("create {}: {e}", to.display()));
    let entries = fs::read_dir(from).unwrap_or_else(|e| panic!("read {}: {e}", from.display()));
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if path.is_dir() {
            copy_tree(&path, &to.join(&name));
            continue;
        }
        let with = |suffix: &str| {
            let mut n = name.clone();
            n.push(suffix);
            from.join(n).is_file()
        };
        if with(".br") {
            continue;
        }
        fs::copy(&path, to.join(&name)).unwrap_or_else(|e| panic!("copy {}: {e}", path.display()));
    }
}

fn modified(path: &Path) -> SystemTime {
    fs::metadata(path).and_then(|m| m.modified()).unwrap_or(UNIX_EPOCH)
}

fn run(cmd: &mut Command, what: &str) {
    let status = cmd.status().unwrap_or_else(|e| panic!("could not start `{what}`: {e}"));
    if !status.success() {
        panic!("`{what}` in ui/ failed ({status}); see its output above");
    }
}

/// A one-page stand-in so Rust-only iteration does not need Node.
fn placeholder_dist() -> PathBuf {
    let out = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("ui-placeholder");
    fs::create_dir_all(out.join("assets")).expect("create placeholder dir");
    fs::write(
        out.join("index.html"),
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"frontdesk-build\" content=\"__FRONTDESK_BUILD__\"><title>frontdesk</title>\
         <link rel=\"stylesheet\" href=\"/assets/placeholder-0000.css\"></head>\
         <body><p>frontdesk was built with FRONTDESK_SKIP_UI=1: the UI is not embedded.</p></body></html>",
    )
    .expect("write placeholder index");
    fs::write(out.join("assets/placeholder-0000.css"), "body{font-family:sans-serif}")
        .expect("write placeholder asset");
    out
}
