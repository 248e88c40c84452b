//! `cargo rollback [VERSION] [--last N | --to V | --all]`: revert migrations.

use anyhow::Result;
use rollback_runtime::{DownChoice, RevertOptions, Selection};

use super::confirm::confirm;
use super::{announce_step, connect, finish_steps, load_migrations, migrations, parse_version};
use crate::cli::{GlobalArgs, RevertArgs};
use crate::failure::SUCCESS;
use crate::output::Output;
use crate::project::Project;

pub async fn run(global: &GlobalArgs, args: &RevertArgs, output: Output) -> Result<u8> {
    let selection = selection(args)?;
    let down_choice = if args.use_file {
        DownChoice::File
    } else if args.use_stored {
        DownChoice::Stored
    } else {
        DownChoice::Ask
    };
    let project = Project::resolve(global)?;
    let set = load_migrations(&project, output)?;
    let mut session = connect(global, &project, false, output).await?;
    let options = RevertOptions {
        selection,
        down_choice,
    };
    if !global.yes {
        let confirmed = match session.plan_revert(&set, &options).await {
            Ok(plan) => confirm(&plan, session.url()),
            Err(error) => Err(error.into()),
        };
        if let Err(error) = confirmed {
            session.close().await;
            return Err(error);
        }
    }
    let mut done = Vec::new();
    let result = session
        .revert(&set, &options, &mut announce_step(output, &mut done))
        .await;
    session.close().await;
    finish_steps(output, &done, result)?;
    if done.is_empty() {
        output.say("Nothing to revert.");
    } else {
        output.say(&format!("Reverted {}.", migrations(done.len())));
    }
    Ok(SUCCESS)
}

fn selection(args: &RevertArgs) -> Result<Selection> {
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
