//! `cargo rollback`: reversible, verified SQL migrations from the command line.

mod age;
mod cli;
mod commands;
mod confirm;
mod failure;
mod fleet;
mod git;
mod hints;
mod lint_output;
mod output;
mod plan_text;
mod progress;
mod project;
mod selection;
mod session;
mod trace;
mod wording;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::Parser;

use crate::cli::Cli;
use crate::output::Output;

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        eprintln!("error: internal error, please report it: {info}");
    }));
    // `.env` fills in DATABASE_URL and friends; a missing or unreadable one is not an error.
    let _ = dotenvy::dotenv();
    let cli = Cli::parse_from(arguments());
    let output = Output::from_args(&cli.global);
    if output.verbose {
        trace::install();
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            return failure::report(
                &anyhow::Error::new(error).context("starting the async runtime"),
            );
        }
    };
    match runtime.block_on(commands::run(cli, output)) {
        Ok(code) => ExitCode::from(code),
        Err(error) => failure::report(&error),
    }
}

/// The arguments, without the `rollback` that cargo passes when the binary
/// runs as `cargo rollback …`, so that `cargo-rollback …` works the same.
fn arguments() -> Vec<OsString> {
    let mut args: Vec<OsString> = std::env::args_os().collect();
    if args.get(1).is_some_and(|arg| arg == "rollback") {
        args.remove(1);
    }
    args
}
