//! The command line: serve, and the administrator's few commands.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use clap::{ArgGroup, Parser, Subcommand};

use crate::codes;
use crate::limits::DEFAULT_PER_MINUTE;
use crate::server::{self, ServeOptions};
use crate::storage::postgres::PgStore;
use crate::storage::sqlite::SqliteStore;
use crate::storage::{AnyStore, Store};

pub type CliResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

/// Rollbook's cloud sync server.
#[derive(Debug, Parser)]
#[command(name = "rollbook-server", version)]
#[command(group(ArgGroup::new("storage").required(true).args(["data_dir", "database_url"])))]
pub struct Cli {
    /// Keep the data in SQLite, in DIR/server.db.
    #[arg(long, value_name = "DIR", env = "ROLLBOOK_SERVER_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Keep the data in PostgreSQL (postgres://user:password@host:port/database).
    #[arg(long, value_name = "URL", env = "ROLLBOOK_SERVER_DATABASE_URL")]
    pub database_url: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the sync API.
    Serve {
        /// The address to listen on (port 0: any free port; the line printed says which).
        #[arg(long, default_value = "127.0.0.1:8443")]
        listen: SocketAddr,
        /// PEM certificate chain: serve HTTPS (with --tls-key).
        #[arg(long, value_name = "FILE", requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        /// PEM private key of the certificate.
        #[arg(long, value_name = "FILE", requires = "tls_cert")]
        tls_key: Option<PathBuf>,
        /// Requests per minute one device may make (0: no limit).
        #[arg(long, value_name = "N", default_value_t = DEFAULT_PER_MINUTE)]
        rate_limit_per_minute: u32,
        /// A folder of releases (one subfolder per version with its release.json) to serve
        /// the desktop app's update feed from.
        #[arg(long, value_name = "DIR")]
        releases: Option<PathBuf>,
    },
    /// Schools.
    School {
        #[command(subcommand)]
        command: SchoolCommand,
    },
    /// Print a one-time enrolment code for a school (valid 24 hours).
    EnrolCode {
        /// The school's id.
        #[arg(long)]
        school: String,
    },
    /// Devices.
    Device {
        #[command(subcommand)]
        command: DeviceCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum SchoolCommand {
    /// Add a school and print its id.
    Add {
        #[arg(long)]
        name: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum DeviceCommand {
    /// Revoke a device's token: it is refused until enrolled again with a new code.
    Revoke {
        #[arg(long)]
        device: String,
    },
}

/// Opens the storage the command line names.
pub async fn open_store(cli: &Cli) -> Result<AnyStore, String> {
    match (&cli.data_dir, &cli.database_url) {
        (Some(dir), None) => SqliteStore::open(dir)
            .map(AnyStore::Sqlite)
            .map_err(|e| format!("cannot open the data in {}: {e}", dir.display())),
        (None, Some(url)) => PgStore::connect(url)
            .await
            .map(|s| AnyStore::Postgres(Box::new(s)))
            .map_err(|e| format!("cannot open the database: {e}")),
        _ => Err("give either --data-dir or --database-url".to_owned()),
    }
}

pub async fn run(cli: Cli) -> CliResult {
    let store = Arc::new(open_store(&cli).await?);
    match cli.command {
        Command::Serve {
            listen,
            tls_cert,
            tls_key,
            rate_limit_per_minute,
            releases,
        } => {
            let options = ServeOptions {
                listen,
                tls: tls_cert.zip(tls_key),
                rate_limit_per_minute,
                releases,
            };
            let mut running = server::start(store, options).await?;
            println!("listening on {}", running.url());
            let stop = running.take_stopper();
            tokio::select! {
                result = running.wait() => result?,
                () = shutdown_signal() => {
                    drop(stop);
                    running.wait().await?;
                }
            }
        }
        Command::School {
            command: SchoolCommand::Add { name },
        } => {
            let name = name.trim();
            if name.is_empty() {
                return Err("the school needs a name".into());
            }
            let school = store.create_school(name).await?;
            println!("{}", school.id);
        }
        Command::EnrolCode { school } => {
            let issued = store
                .create_enrol_code(&school, None, codes::validity())
                .await?;
            println!("{}", codes::display(&issued.code));
            eprintln!(
                "valid once, until {}",
                issued
                    .expires_at
                    .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            );
        }
        Command::Device {
            command: DeviceCommand::Revoke { device },
        } => {
            store.revoke_device(&device).await?;
            println!("revoked {device}");
        }
    }
    Ok(())
}

/// Ctrl-C, or SIGTERM on Unix.
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}
