//! `--targets FILE`: the commands that run on every database of a fleet,
//! one line each. A command joins the fleet with an arm here calling its
//! `on_target` (the fleet machinery is in `crate::fleet`).

use std::path::Path;

use anyhow::Result;

use super::{adopt, plan, revert, status, up, verify};
use crate::cli::{Cli, Command};
use crate::failure::UsageError;
use crate::fleet::{self, Context, Fleet, Pace, confirm_fleet_rollback};
use crate::output::Output;
use crate::project::Project;

/// Runs the command on every target of `path`.
pub async fn run(cli: &Cli, path: &Path, output: Output) -> Result<u8> {
    let global = &cli.global;
    if cli.revert.snapshot.is_some() {
        return Err(UsageError(
            "--snapshot writes one file for one SQLite database: it does not go with --targets"
                .to_owned(),
        )
        .into());
    }
    let targets = fleet::read(path)?;
    let project = Project::resolve(global)?;
    let set = project.load_migrations(output)?;
    let context = Context {
        global,
        project: &project,
        set: &set,
        output,
    };
    let fleet = Fleet::new(&targets, Pace::from_args(&global.fleet), output);
    match &cli.command {
        None => {
            let options = revert::revert_options(&cli.revert, &project)?;
            if !global.yes && !options.dry_run {
                let plan = async |target| plan::plan_target(&context, &options, target).await;
                confirm_fleet_rollback(&fleet, plan).await?;
            }
            fleet.run(async |target| revert::on_target(&context, &options, target).await).await
        }
        Some(Command::Up {
            to,
            ignore_missing,
            dry_run,
        }) => {
            let options = up::apply_options(&set, to.as_deref(), *ignore_missing, *dry_run)?;
            fleet.run(async |target| up::on_target(&context, &options, target).await).await
        }
        Some(Command::Plan {
            selection,
            no_backup,
            backup_database,
        }) => {
            let options =
                plan::plan_options(selection, *no_backup, backup_database.clone(), &project)?;
            fleet.run(async |target| plan::on_target(&context, &options, target).await).await
        }
        Some(Command::Status) => fleet.run(async |target| status::on_target(&context, target).await).await,
        Some(Command::Verify { from }) => {
            let options = verify::verify_options(&context, from.as_deref())?;
            fleet.run(async |target| verify::on_target(&context, &options, target).await).await
        }
        Some(Command::Adopt {
            from,
            dry_run,
            accept_drift,
        }) => {
            let args = adopt::AdoptArgs {
                from: *from,
                dry_run: *dry_run,
                accept_drift: *accept_drift,
            };
            let options = adopt::adopt_options(global, &project, &args);
            fleet.run(async |target| adopt::on_target(&context, &options, &args, target).await).await
        }
        Some(_) => Err(UsageError(
            "--targets runs `up`, `status`, `plan`, `verify`, `adopt` and the rollback; this command works on one database or on the folder".to_owned(),
        )
        .into()),
    }
}
