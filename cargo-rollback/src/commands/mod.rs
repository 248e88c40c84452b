//! One module per subcommand; this one dispatches to them. What several
//! commands share lives in the crate's other modules, below these.

mod adopt;
mod backups;
mod check;
mod completions;
mod fleet;
mod generate;
mod init;
mod lint;
mod log;
mod new;
mod plan;
mod repair;
mod restore;
mod resume;
mod revert;
mod status;
mod up;
mod verify;

use anyhow::Result;

use crate::cli::{Cli, Command, Format};
use crate::failure::UsageError;
use crate::output::Output;

/// Runs the command; returns the exit code of a run that did not fail.
pub async fn run(cli: Cli, output: Output) -> Result<u8> {
    let global = &cli.global;
    if cli.command.is_some() && cli.revert.any_given() {
        return Err(UsageError(
            "VERSION, --last, --to, --all, --out-of-order, --use-file, --use-stored, --no-backup, --dry-run and --snapshot belong to the rollback, which takes no subcommand".to_owned(),
        )
        .into());
    }
    if output.format == Format::Markdown && !matches!(cli.command, Some(Command::Plan { .. })) {
        return Err(UsageError("--format markdown is for `cargo rollback plan`".to_owned()).into());
    }
    if output.format == Format::Junit && !matches!(cli.command, Some(Command::Verify { .. })) {
        return Err(UsageError("--format junit is for `cargo rollback verify`".to_owned()).into());
    }
    if matches!(output.format, Format::Sarif | Format::Github)
        && !matches!(cli.command, Some(Command::Lint { .. }))
    {
        return Err(UsageError(
            "--format sarif and github are for `cargo rollback lint`".to_owned(),
        )
        .into());
    }
    if let Some(targets) = &global.fleet.targets {
        return fleet::run(&cli, targets, output).await;
    }
    match cli.command {
        None => revert::run(global, &cli.revert, output).await,
        Some(Command::Up {
            to,
            ignore_missing,
            dry_run,
        }) => up::run(global, to.as_deref(), ignore_missing, dry_run, output).await,
        Some(Command::Plan {
            selection,
            no_backup,
            backup_database,
        }) => plan::run(global, &selection, no_backup, backup_database, output).await,
        Some(Command::Backups { action }) => backups::run(global, action, output).await,
        Some(Command::Restore { id }) => restore::run(global, id, output).await,
        Some(Command::Status) => status::run(global, output).await,
        Some(Command::New {
            name,
            layout,
            down,
            up,
        }) => {
            let how = new::NewArgs {
                name: &name,
                layout,
                down,
                up: up.as_deref(),
            };
            new::run(global, &how, output).await
        }
        Some(Command::Generate {
            up_file,
            missing,
            write,
            allow_partial,
            allow_irreversible,
        }) => match up_file {
            Some(up_file) if !missing => {
                let args = generate::GenerateArgs {
                    up_file: &up_file,
                    write,
                    allow_partial,
                    allow_irreversible,
                };
                generate::run(global, &args, output).await
            }
            _ => {
                let args = generate::missing::MissingArgs {
                    write,
                    allow_partial,
                    allow_irreversible,
                };
                generate::missing::run(global, &args, output).await
            }
        },
        Some(Command::Check) => check::run(global, output),
        Some(Command::Lint {
            paths,
            since,
            dialect,
            rules,
        }) => {
            if rules {
                return lint::list_rules(output);
            }
            let args = lint::LintArgs {
                paths: &paths,
                since: since.as_deref(),
                dialect,
            };
            lint::run(global, &args, output)
        }
        Some(Command::Log { limit }) => log::run(global, limit, output).await,
        Some(Command::Repair { version, pending }) => {
            repair::run(global, &version, pending, output).await
        }
        Some(Command::Resume { version, from }) => {
            resume::run(global, &version, from, output).await
        }
        Some(Command::Init) => init::run(global, output),
        Some(Command::Completions { shell }) => completions::run(shell),
        Some(Command::Verify { from }) => verify::run(global, from.as_deref(), output).await,
        Some(Command::Adopt {
            from,
            dry_run,
            accept_drift,
        }) => {
            let how = adopt::AdoptArgs {
                from,
                dry_run,
                accept_drift,
            };
            adopt::run(global, &how, output).await
        }
    }
}
