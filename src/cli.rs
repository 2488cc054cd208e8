//! The command line (`frontdesk [serve]`, `user create|reset-password`,
//! `backup`, `restore`) and the non-server commands.

use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};

use serde_json::json;

use crate::{
    config::Settings,
    db::Db,
    domain::TenantId,
    password::{check_policy, hash_blocking},
    store,
    util::random_token,
};

/// The command line: a subcommand (default `serve`) plus the shared settings.
#[derive(Parser, Debug)]
#[command(
    name = "frontdesk",
    version = crate::BUILD_ID,
    about = "Self-hosted CRM and AI front desk: one binary, one SQLite file.",
    long_about = "Self-hosted CRM and AI front desk: one binary, one SQLite file.\n\n\
        Every option can also be given as the environment variable shown beside it."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub settings: Settings,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the server (the default).
    Serve,
    /// Manage users from the command line.
    #[command(subcommand)]
    User(UserCommand),
    /// Write a consistent copy of the database to PATH (safe while the server runs).
    Backup {
        /// Where to write the copy; must not exist yet.
        path: PathBuf,
    },
    /// Replace the data file with a verified copy of BACKUP. The server must be stopped; the current
    /// file is kept as <data>.replaced-<unix time>.
    Restore {
        /// The backup to restore (from `frontdesk backup`, a pre-upgrade copy, or a Litestream restore).
        backup: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Create a user. Prints a generated password unless --password is given.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "")]
        name: String,
        #[arg(long, value_enum, default_value = "owner")]
        role: crate::domain::Role,
        /// Home business id (default: business #1).
        #[arg(long, default_value_t = 1)]
        tenant_id: i64,
        #[arg(long, env = "FRONTDESK_NEW_USER_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
    /// Set a new password (generated and printed unless --password is given) and end the user's sessions.
    ResetPassword {
        #[arg(long)]
        email: String,
        #[arg(long, env = "FRONTDESK_NEW_USER_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
}

fn open(settings: &Settings) -> anyhow::Result<Db> {
    Ok(Db::open_opts(&settings.data, settings.db_options())?)
}

pub fn user(settings: &Settings, cmd: UserCommand) -> anyhow::Result<()> {
    let db = open(settings)?;
    match cmd {
        UserCommand::Create { email, name, role, tenant_id, password } => {
            let tenant_id = TenantId(tenant_id);
            let (password, generated) = choose_password(password)?;
            let hash = hash_blocking(&password)?;
            let id = db.write_blocking(|tx| -> crate::store::StoreResult<_> {
                if store::tenants::get(tx, tenant_id)?.is_none() {
                    return Err(crate::store::StoreError::NotFound("business"));
                }
                let id = store::users::insert(
                    tx,
                    tenant_id,
                    &store::users::NewUser { email: &email, name: &name, role, password_hash: &hash },
                )?;
                store::audit::record(
                    tx,
                    store::audit::Entry {
                        tenant_id: Some(tenant_id),
                        action: "user.created",
                        target: email.clone(),
                        details: json!({"role": role.as_str(), "via": "cli"}),
                        ..Default::default()
                    },
                )?;
                Ok(id)
            })?;
            println!("created user #{id} {email} ({}) in business #{tenant_id}", role.as_str());
            if generated {
                println!("password: {password}");
            }
        }
        UserCommand::ResetPassword { email, password } => {
            let (password, generated) = choose_password(password)?;
            let hash = hash_blocking(&password)?;
            let ended = db.write_blocking(|tx| -> crate::store::StoreResult<_> {
                let id = store::users::find_id_by_email_unscoped(tx, &email)?
                    .ok_or(crate::store::StoreError::NotFound("user"))?;
                store::users::set_password_unscoped(tx, id, &hash)?;
                let ended = store::sessions::delete_for_user(tx, id, None)?;
                store::audit::record(
                    tx,
                    store::audit::Entry {
                        actor_user_id: None,
                        action: "user.password_reset",
                        target: format!("user:{id}"),
                        details: json!({"via": "cli"}),
                        ..Default::default()
                    },
                )?;
                Ok(ended)
            })?;
            println!("password of {email} reset; {ended} session(s) ended");
            if generated {
                println!("password: {password}");
            }
        }
    }
    Ok(())
}

fn choose_password(given: Option<String>) -> anyhow::Result<(String, bool)> {
    match given {
        Some(p) => {
            check_policy("password", &p)?;
            Ok((p, false))
        }
        None => Ok((random_token(15), true)),
    }
}

/// Prints success only once the copy is complete and has passed SQLite's integrity check.
pub fn backup(settings: &Settings, dest: &Path) -> anyhow::Result<()> {
    let report = crate::db::backup::run(&settings.data, dest)?;
    println!("backup written to {} ({} pages, integrity check ok)", dest.display(), report.pages);
    Ok(())
}

/// Prints what it did only once the verified copy is in place.
pub fn restore(settings: &Settings, backup: &Path) -> anyhow::Result<()> {
    let data = &crate::db::path::canonical(&settings.data);
    let r = crate::restore::run(data, backup)?;
    println!(
        "restored {} to {} (schema version {}, {} pages, integrity check ok)",
        backup.display(),
        data.display(),
        r.version,
        r.pages
    );
    match &r.replaced {
        Some(old) => println!("the previous data file was kept as {}", old.display()),
        None => println!("there was no data file at {} before", data.display()),
    }
    let latest = crate::db::latest_version();
    if r.version < latest {
        println!(
            "the next `frontdesk serve` upgrades it from schema version {} to {latest}, keeping a copy first",
            r.version
        );
    }
    Ok(())
}
