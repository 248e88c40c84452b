//! `cargo rollback [VERSION] [--last N | --to V | --all]`: revert migrations.

use std::time::Instant;

use anyhow::Result;
use rollback_runtime::{Dialect, DownChoice, RevertOptions, Selection};

use super::confirm::confirm_plan;
use super::{
    connect, finish_steps, load_migrations, migrations, milliseconds, parse_version, plan,
};
use crate::cli::{GlobalArgs, RevertArgs, SelectionArgs};
use crate::failure::{SUCCESS, warn};
use crate::output::{Output, print_line};
use crate::progress::RunView;
use crate::project::Project;

pub async fn run(global: &GlobalArgs, args: &RevertArgs, output: Output) -> Result<u8> {
    let options = RevertOptions::new(selection(&args.selection)?)
        .down_choice(down_choice(&args.selection))
        .backup(!args.no_backup)
        .dry_run(args.dry_run)
        .snapshot(args.snapshot.clone());
    let project = Project::resolve(global)?;
    let set = load_migrations(&project, output)?;
    let mut session = connect(global, &project, false, output).await?;
    if args.dry_run && session.dialect() == Dialect::MySql {
        // Nothing to rehearse in: show what would run instead.
        let plan = session.plan_revert(&set, &options).await;
        session.close().await;
        let plan = plan?;
        warn(
            "MySQL and MariaDB commit each DDL statement at once, so a rehearsal would really run it: this is the plan instead",
        );
        if output.json() {
            output.json_value(&plan);
        } else {
            print_line(&plan::human(&plan));
        }
        return Ok(SUCCESS);
    }
    if !global.yes && !args.dry_run {
        let confirmed = match session.plan_revert(&set, &options).await {
            Ok(plan) => confirm_plan(&plan),
            Err(error) => Err(error.into()),
        };
        if let Err(error) = confirmed {
            session.close().await;
            return Err(error);
        }
    }
    let started = Instant::now();
    let mut view = RunView::new(output, args.dry_run);
    let result = session
        .revert(&set, &options, &mut |event| view.see(event))
        .await;
    session.close().await;
    finish_steps(output, &mut view, result)?;
    if args.dry_run {
        view.print_timings();
        output.say(&format!(
            "Rehearsed {} in {}, then rolled everything back: nothing changed.",
            migrations(view.done.len()),
            milliseconds(started.elapsed().as_millis())
        ));
    } else if view.done.is_empty() {
        output.say("Nothing to revert.");
    } else {
        output.say(&format!("Reverted {}.", migrations(view.done.len())));
    }
    Ok(SUCCESS)
}

/// The migrations the options choose.
pub(super) fn selection(args: &SelectionArgs) -> Result<Selection> {
    Ok(if let Some(version) = &args.version {
        Selection::One {
            version: parse_version(version)?,
            out_of_order: args.out_of_order,
        }
    } else if let Some(count) = args.last {
        Selection::Last(count.get())
    } else if let Some(version) = &args.to {
        Selection::To(parse_version(version)?)
    } else if args.all {
        Selection::All
    } else {
        Selection::Newest
    })
}

/// Which down runs when the file and the stored copy differ.
pub(super) fn down_choice(args: &SelectionArgs) -> DownChoice {
    if args.use_file {
        DownChoice::File
    } else if args.use_stored {
        DownChoice::Stored
    } else {
        DownChoice::Ask
    }
}
