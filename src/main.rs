//! Thin entry point: parse the command line, set up logging, run.

use clap::Parser;
use frontdesk::config::{Cli, Command, Config, LogFormat};
use tracing_subscriber::EnvFilter;

fn init_tracing(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    match format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
}

/// glibc raises its mmap threshold after the first large free, after which
/// each 19 MiB argon2 buffer is carved from per-thread arenas and never given
/// back (hundreds of MB after a login burst). A fixed threshold keeps large
/// buffers in mmap, returned to the OS on free.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn tune_allocator() {
    // SAFETY: mallopt only adjusts allocator parameters; called before any thread starts.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
        libc::mallopt(libc::M_ARENA_MAX, 8);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn tune_allocator() {}

/// The data file, its `-wal` and `-shm`, and backups hold every business's
/// customers: whatever umask we inherit, what this process creates is
/// readable by its own user only.
#[cfg(unix)]
fn private_files() {
    // SAFETY: umask only sets this process's file-creation mask; called before any thread starts.
    unsafe {
        libc::umask(0o077);
    }
}

#[cfg(not(unix))]
fn private_files() {}

fn main() -> std::process::ExitCode {
    private_files();
    tune_allocator();
    // reqwest and tokio-tungstenite bring two rustls crypto backends; pick one
    // for the process, or building a TLS client config panics.
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let cli = Cli::parse();
    init_tracing(cli.settings.log_format);
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => Config::from_settings(cli.settings).map_err(anyhow::Error::from).and_then(|config| {
            tokio::runtime::Builder::new_multi_thread().enable_all().build()?.block_on(frontdesk::app::serve(config))
        }),
        Command::User(cmd) => frontdesk::cli::user(&cli.settings, cmd),
        Command::Backup { path } => frontdesk::cli::backup(&cli.settings, &path),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("frontdesk: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
