//! Thin entry point: parse the command line, set up logging, run.

use clap::Parser;
use frontdesk::{
    cli::{Cli, Command},
    config::{Config, LogFormat},
};
use tracing_subscriber::EnvFilter;

fn init_tracing(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    match format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
}

/// mimalloc serves Rust's allocations directly; its `override` feature
/// serves SQLite's (and every other C allocation) as well. Under load glibc
/// malloc was over a fifth of the CPU. When it returns freed memory to the
/// OS is set in `frontdesk::memory`.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    frontdesk::memory::configure();
    private_files();
    // reqwest and tokio-tungstenite bring two rustls crypto backends; pick one
    // for the process, or building a TLS client config panics.
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let cli = Cli::parse();
    init_tracing(cli.settings.log_format);
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => Config::from_settings(cli.settings)
            .map_err(anyhow::Error::from)
            .and_then(|config| frontdesk::app::runtime()?.block_on(frontdesk::app::serve(config))),
        Command::User(cmd) => frontdesk::cli::user(&cli.settings, cmd),
        Command::Backup { path } => frontdesk::cli::backup(&cli.settings, &path),
        Command::Restore { backup } => frontdesk::cli::restore(&cli.settings, &backup),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("frontdesk: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
