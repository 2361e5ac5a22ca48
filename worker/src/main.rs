//! `gugus-worker`: the command line (`docs/api.md`, worker command line).
#![forbid(unsafe_code)]

use anyhow::{bail, Context};
use clap::{Args, Parser, Subcommand};
use gugus_model::api::Role;
use gugus_worker::config::{self, Config, DatabaseUrl};
use gugus_worker::routes::audit;
use gugus_worker::{auth, clock, demo, generate, server, store, AppState};
use serde_json::json;
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
    /// Add generated sample data, the same for the same seed: cases with their victims,
    /// services, legal steps and notes, and activities, over the regency's villages.
    Generate(GenerateArgs),
    /// Bring the store's schema up to date and fill what the migrations add, then exit.
    /// On PostgreSQL, run it as the schema's owner when the worker serves as a role that
    /// may not change the schema (worker/sql/postgres-worker-role.sql).
    Migrate(DatabaseArgs),
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
    /// On PostgreSQL, migrate the store at start, as `gugus-worker migrate` does: only
    /// when this is the store's one instance. Without it, a PostgreSQL store must have
    /// been migrated (SQLite's always is, by its one worker).
    #[arg(long, env = "GUGUS_MIGRATE")]
    migrate: bool,
    /// Reverse proxies whose X-Forwarded-For is believed (addresses or networks, comma
    /// separated, e.g. 127.0.0.1,10.0.0.0/8); none by default.
    #[arg(long, env = "GUGUS_TRUSTED_PROXIES", value_delimiter = ',')]
    trusted_proxies: Vec<gugus_worker::edge::Proxy>,
    /// The site is served over HTTPS (by the proxy in front): send HSTS.
    #[arg(long, env = "GUGUS_HTTPS")]
    https: bool,
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Add an account; the password comes from GUGUS_PASSWORD or the terminal. The first
    /// admin is made this way (--role admin).
    Add(AddArgs),
    /// Deactivate an account: it cannot log in and all its sessions end at once.
    Deactivate(UsernameArgs),
    /// Activate a deactivated account again.
    Activate(UsernameArgs),
}

#[derive(Debug, Args)]
struct UsernameArgs {
    /// The login name.
    #[arg(long)]
    username: String,
    #[command(flatten)]
    database: DatabaseArgs,
}

#[derive(Debug, Args)]
struct AddArgs {
    /// The login name.
    #[arg(long)]
    username: String,
    /// The display name.
    #[arg(long)]
    name: String,
    /// officer, supervisor, viewer, admin or liaison.
    #[arg(long, value_parser = parse_role)]
    role: Role,
    /// The code of the agency the user works for (`GET /api/v1/agencies`); may be left
    /// out but for a liaison.
    #[arg(long, default_value = "")]
    agency: String,
    #[command(flatten)]
    database: DatabaseArgs,
}

#[derive(Debug, Args)]
struct GenerateArgs {
    /// The seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// How many cases.
    #[arg(long, default_value_t = 100)]
    cases: u64,
    /// How many activities.
    #[arg(long, default_value_t = 300)]
    activities: u64,
    /// How many months back the dates spread over.
    #[arg(long, default_value_t = 12)]
    months: u32,
    /// The last day dates fall on (YYYY-MM-DD; default today in WIB).
    #[arg(long, value_parser = parse_day)]
    until: Option<time::Date>,
    /// The supervisor or admin account the records are written as.
    #[arg(long = "as")]
    as_user: String,
    /// Officers (usernames, comma-separated): each case is assigned to one of them.
    #[arg(long, value_delimiter = ',')]
    assign: Vec<String>,
    #[command(flatten)]
    database: DatabaseArgs,
}

fn parse_day(text: &str) -> Result<time::Date, String> {
    gugus_model::activity::parse_date(text).ok_or_else(|| "the date must be YYYY-MM-DD".into())
}

fn parse_role(text: &str) -> Result<Role, String> {
    Role::parse(text)
        .ok_or_else(|| "the role must be officer, supervisor, viewer, admin or liaison".into())
}

fn main() -> ExitCode {
    match gugus_worker::memory::runtime() {
        Ok((runtime, tuned)) => runtime.block_on(run(tuned)),
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(tuned: bool) -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    if !tuned {
        tracing::warn!("the allocator did not take its memory limits (src/memory.rs)");
    }
    let cli = Cli::parse();
    match gugus_model::clock::pin_from_env() {
        Ok(Some(at)) => {
            tracing::warn!(%at, "the clock is pinned ({})", gugus_model::clock::PIN_VAR)
        }
        Ok(None) => {}
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    }
    let outcome = match cli.command {
        Command::Serve(args) => {
            serve(Config {
                addr: args.addr,
                database_url: args.database.database_url,
                static_dir: args.static_dir,
                demo: args.demo,
                migrate: args.migrate,
                edge: gugus_worker::edge::Edge {
                    trusted_proxies: args.trusted_proxies,
                    https: args.https,
                },
            })
            .await
        }
        Command::Generate(args) => generate(args).await,
        Command::Migrate(args) => migrate(args).await,
        Command::User {
            command: UserCommand::Add(args),
        } => add_user(args).await,
        Command::User {
            command: UserCommand::Deactivate(args),
        } => set_active(args, false).await,
        Command::User {
            command: UserCommand::Activate(args),
        } => set_active(args, true).await,
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
    let startup = config.database_url.startup(config.migrate);
    let store = store::open(&config.database_url, startup)
        .await
        .with_context(|| format!("cannot open the {} store", config.database_url.backend()))?;
    if config.demo {
        let accounts = demo::ensure_accounts(store.as_ref()).await?;
        let seeded = demo::seed_activities(store.as_ref(), clock::today_wib()).await?;
        let cases = demo::seed_cases(store.as_ref(), clock::today_wib()).await?;
        let mut out = std::io::stdout().lock();
        writeln!(out, "demo mode: {seeded} sample activities added")?;
        writeln!(out, "demo mode: {cases} sample case records added")?;
        for account in accounts {
            let role = account.role.as_str();
            writeln!(
                out,
                "demo login: {} / {} ({role})",
                account.username, account.password
            )?;
        }
        for (account, agency) in &demo::LIAISONS {
            writeln!(
                out,
                "demo login: {} / {} (liaison of {agency})",
                account.username, account.password
            )?;
        }
    }
    let app = server::router(
        AppState::with_edge(store, config.edge.clone()),
        Some(&config.static_dir),
    );
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

async fn generate(args: GenerateArgs) -> anyhow::Result<()> {
    let store = store::connect(&args.database.database_url)
        .await
        .context("cannot open the store")?;
    let account = |username: String| {
        let store = store.clone();
        async move {
            let found = store.user_credentials(&username).await?;
            found
                .map(|c| c.user)
                .with_context(|| format!("no account named {username:?}"))
        }
    };
    let user = account(args.as_user).await?;
    if !matches!(user.role, Role::Supervisor | Role::Admin) {
        bail!("generated records are written as a supervisor or an admin");
    }
    let mut officers = Vec::new();
    for username in args.assign {
        let officer = account(username).await?;
        if officer.role != Role::Officer {
            bail!("{} is not an officer", officer.username);
        }
        officers.push(officer.id);
    }
    // Referrals go to the agencies that have an active liaison to answer them (issue #19).
    let mut liaisons: Vec<gugus_model::api::UserInfo> = Vec::new();
    for account in store.list_accounts().await? {
        let taken = liaisons.iter().any(|l| l.agency == account.agency);
        if account.role == Role::Liaison && account.active && !account.agency.is_empty() && !taken {
            liaisons.push(gugus_model::api::UserInfo {
                id: account.id,
                username: account.username,
                name: account.name,
                role: account.role,
                agency: account.agency,
            });
        }
    }
    let today = clock::today_wib();
    let plan = generate::Plan {
        seed: args.seed,
        cases: args.cases,
        activities: args.activities,
        months: args.months,
        until: args.until.unwrap_or(today).min(today),
        officers,
        referral_agencies: liaisons.iter().map(|l| l.agency.clone()).collect(),
    };
    if liaisons.is_empty() {
        println!(
            "no active liaison account: the generated services are not referred to any agency"
        );
    }
    let started = std::time::Instant::now();
    let stored = generate::load(store.as_ref(), &user, &liaisons, &plan, 1000, today).await?;
    // A bulk load leaves the planner's statistics behind (PostgreSQL's autovacuum catches
    // up within minutes); refreshed now, the evaluation's first queries plan well.
    store.refresh_statistics().await?;
    println!(
        "generated {stored} records ({} cases, {} activities, seed {}) in {:.1} s",
        plan.cases,
        plan.activities,
        plan.seed,
        started.elapsed().as_secs_f64()
    );
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
    let spec = auth::AccountSpec {
        username: &args.username,
        name: &args.name,
        role: args.role,
        agency: &args.agency,
        password: &password,
    };
    let user = auth::create_account(store.as_ref(), &spec).await?;
    let detail = json!({
        "change": "created", "username": user.username, "role": user.role,
        "agency": user.agency, "by": "command line",
    });
    let entry = audit::account_change(user.id, user.id, detail);
    store.append_audit(&[entry]).await?;
    println!(
        "added {} ({}, {})",
        user.username,
        user.name,
        user.role.as_str()
    );
    Ok(())
}

async fn migrate(args: DatabaseArgs) -> anyhow::Result<()> {
    store::connect(&args.database_url)
        .await
        .context("cannot migrate the store")?;
    println!("the store's schema is up to date");
    Ok(())
}

async fn set_active(args: UsernameArgs, active: bool) -> anyhow::Result<()> {
    let username = auth::Username::parse(&args.username)?;
    let store = store::connect(&args.database.database_url)
        .await
        .context("cannot open the store")?;
    let Some(credentials) = store.user_credentials(username.as_str()).await? else {
        bail!("there is no user {:?}", username.as_str());
    };
    let id = credentials.user.id;
    if !store.set_user_active(id, active, clock::now_unix()).await? {
        bail!("there is no user {:?}", username.as_str());
    }
    let done = if active { "activated" } else { "deactivated" };
    let detail = json!({"change": done, "username": username.as_str(), "by": "command line"});
    store
        .append_audit(&[audit::account_change(id, id, detail)])
        .await?;
    println!("{done} {}", username.as_str());
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
