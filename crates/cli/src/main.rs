//! `rollbook`: the school's data from a terminal, over the same core as the desktop app.
//! Errors go to stderr with exit code 1 (2 for a mistyped command); `--json` output is
//! documented in docs/CLI.md and stays stable.

mod args;
mod attendance;
mod fees;
mod import;
mod output;
mod run;
mod sync;
mod users;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("ROLLBOOK_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    match run::run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            output::error(&e, cli.json);
            ExitCode::FAILURE
        }
    }
}
