//! One module per subcommand; this one dispatches and holds what they share.

mod backups;
mod check;
mod confirm;
mod generate;
mod init;
mod log;
mod new;
mod plan;
mod repair;
mod restore;
mod revert;
mod status;
mod up;
mod verify;

use anyhow::Result;
use rollback_runtime::{ConnectOptions, Error, LoadOptions, MigrationSet, Session, Step, Version};

use crate::cli::{Cli, Command, Format, GlobalArgs};
use crate::failure::{UsageError, warn};
use crate::output::Output;
use crate::progress::RunView;
use crate::project::{Project, database_url};

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
        }) => plan::run(global, &selection, no_backup, output).await,
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
            write,
            allow_partial,
        }) => {
            let args = generate::GenerateArgs {
                up_file: &up_file,
                write,
                allow_partial,
            };
            generate::run(global, &args, output).await
        }
        Some(Command::Check) => check::run(global, output),
        Some(Command::Log { limit }) => log::run(global, limit, output).await,
        Some(Command::Repair { version, pending }) => {
            repair::run(global, &version, pending, output).await
        }
        Some(Command::Init) => init::run(global, output),
        Some(Command::Verify { from }) => verify::run(global, from.as_deref(), output).await,
    }
}

/// Reads the migrations folder, printing its warnings.
fn load_migrations(project: &Project, output: Output) -> Result<MigrationSet> {
    output.detail(&format!("migrations: {}", project.migrations.display()));
    let options = LoadOptions {
        empty_down: project.empty_down,
        ..LoadOptions::default()
    };
    let loaded = rollback_runtime::load(&project.migrations, &options).map_err(Error::from)?;
    if !output.quiet {
        for warning in &loaded.warnings {
            warn(&warning.to_string());
        }
    }
    Ok(loaded.migrations)
}

/// Opens the database named by `--database-url` / `DATABASE_URL`.
async fn connect(
    global: &GlobalArgs,
    project: &Project,
    create_if_missing: bool,
    output: Output,
) -> Result<Session> {
    let url = database_url(global)?;
    let options = ConnectOptions::new()
        .create_if_missing(create_if_missing)
        .init_sql(project.init_sql.clone())
        .lock_timeout(global.lock_timeout)
        .statement_timeout(global.statement_timeout);
    let session = Session::connect(&url, &options).await?;
    output.detail(&format!("database: {}", session.url()));
    Ok(session)
}

/// Ends a run: the steps done as JSON (after a failure part-way too, so a
/// script sees what changed; a rehearsal's as `{"rehearsal": true, "steps",
/// "timings"}`), then the run's error, if any.
fn finish_steps(
    output: Output,
    view: &mut RunView,
    result: Result<Vec<Step>, Error>,
) -> Result<()> {
    view.finish();
    if output.json() {
        if view.rehearsal {
            output.json_value(&serde_json::json!({
                "rehearsal": true,
                "steps": view.done,
                "timings": view.timings,
            }));
        } else {
            output.json_value(&view.done);
        }
    }
    result?;
    Ok(())
}

/// A version typed on the command line.
fn parse_version(text: &str) -> Result<Version, Error> {
    Version::parse(text).ok_or_else(|| Error::InvalidVersion {
        version: text.to_owned(),
    })
}

/// `version name`, for messages.
pub fn label(version: &str, name: &str) -> String {
    if name.is_empty() {
        version.to_owned()
    } else {
        format!("{version} {name}")
    }
}

/// `3 ms`; `<1 ms` rather than a misleading `0 ms`.
pub fn milliseconds(ms: u128) -> String {
    if ms == 0 {
        "<1 ms".to_owned()
    } else {
        format!("{ms} ms")
    }
}

/// "1 migration", "3 migrations".
fn migrations(count: usize) -> String {
    if count == 1 {
        "1 migration".to_owned()
    } else {
        format!("{count} migrations")
    }
}
