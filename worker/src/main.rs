//! `gugus-worker`: the command line (`docs/api.md`, worker command line).
#![forbid(unsafe_code)]

use anyhow::{bail, Context};
use clap::{Args, Parser, Subcommand};
use gugus_model::api::Role;
use gugus_worker::config::{self, Config, DatabaseUrl};
use gugus_worker::{auth, clock, demo, server, store, AppState};
use std::io::{BufRead, IsTerminal, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;

/// The Gugus worker: the API and the built app, in front of the central store.
#[derive(Debug, Parser)]
#[command(name = "gugus-worker", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the API at /api/v1/ and the app at /.
    Serve(ServeArgs),
    /// Manage accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
}

#[derive(Debug, Args)]
struct DatabaseArgs {
    /// The central store: sqlite://PATH or postgres://...
    #[arg(long, env = "DATABASE_URL", default_value = config::DEFAULT_DATABASE_URL, hide_env_values = true)]
    database_url: DatabaseUrl,
}

#[derive(Debug, Args)]
struct ServeArgs {
    /// Where to listen (127.0.0.1:0 picks a free port).
    #[arg(long, env = "GUGUS_ADDR", default_value = config::DEFAULT_ADDR)]
    addr: SocketAddr,
    #[command(flatten)]
    database: DatabaseArgs,
    /// The built app, served at /.
    #[arg(long, env = "GUGUS_STATIC_DIR", default_value = config::DEFAULT_STATIC_DIR)]
    static_dir: PathBuf,
    /// Create the demo accounts and sample activities.
    #[arg(long, env = "GUGUS_DEMO")]
    demo: bool,
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Add an account; the password comes from GUGUS_PASSWORD or the terminal.
    Add(AddArgs),
}

#[derive(Debug, Args)]
struct AddArgs {
    /// The login name.
    #[arg(long)]
    username: String,
    /// The display name.
    #[arg(long)]
    name: String,
    /// officer, supervisor, viewer or admin.
    #[arg(long, value_parser = parse_role)]
    role: Role,
    #[command(flatten)]
    database: DatabaseArgs,
}

fn parse_role(text: &str) -> Result<Role, String> {
    Role::parse(text).ok_or_else(|| "the role must be officer, supervisor, viewer or admin".into())
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    let outcome = match Cli::parse().command {
        Command::Serve(args) => {
            serve(Config {
                addr: args.addr,
                database_url: args.database.database_url,
                static_dir: args.static_dir,
                demo: args.demo,
            })
            .await
        }
        Command::User {
            command: UserCommand::Add(args),
        } => add_user(args).await,
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let store = store::connect(&config.database_url)
        .await
        .with_context(|| format!("cannot open the {} store", config.database_url.backend()))?;
    if config.demo {
        let accounts = demo::ensure_accounts(store.as_ref()).await?;
        let seeded = demo::seed_activities(store.as_ref(), clock::today_wib()).await?;
        let mut out = std::io::stdout().lock();
        writeln!(out, "demo mode: {seeded} sample activities added")?;
        for account in accounts {
            let role = account.role.as_str();
            writeln!(
                out,
                "demo login: {} / {} ({role})",
                account.username, account.password
            )?;
        }
    }
    let app = server::router(AppState::new(store), Some(&config.static_dir));
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .with_context(|| format!("cannot listen on {}", config.addr))?;
    let addr = listener.local_addr()?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "listening on http://{addr}")?;
    out.flush()?;
    drop(out);
    tracing::info!(%addr, "serving");
    server::serve(listener, app, server::shutdown_signal()).await?;
    Ok(())
}

async fn add_user(args: AddArgs) -> anyhow::Result<()> {
    let password = match std::env::var("GUGUS_PASSWORD") {
        Ok(password) => password,
        Err(_) => prompt_password()?,
    };
    if password.is_empty() {
        bail!("the password must not be empty");
    }
    let store = store::connect(&args.database.database_url)
        .await
        .context("cannot open the store")?;
    let user = auth::add_user(
        store.as_ref(),
        &args.username,
        &args.name,
        args.role,
        &password,
    )
    .await?;
    println!(
        "added {} ({}, {})",
        user.username,
        user.name,
        user.role.as_str()
    );
    Ok(())
}

fn prompt_password() -> anyhow::Result<String> {
    eprint!("Password: ");
    std::io::stderr().flush()?;
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("cannot read the password")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}
