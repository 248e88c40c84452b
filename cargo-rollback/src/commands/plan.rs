//! `cargo rollback plan`: what a rollback would run, what it destroys, what
//! it backs up and how long it takes; for people, for programs, and as a
//! Markdown rollback plan for a reviewer.

use anyhow::Result;
use rollback_runtime::plan::RollbackPlan;
use rollback_runtime::session::RevertOptions;

use crate::cli::{Format, GlobalArgs, SelectionArgs};
use crate::failure::SUCCESS;
use crate::fleet::{Context, Target, TargetDone};
use crate::output::{Output, print_line};
use crate::plan_text;
use crate::project::Project;
use crate::selection::{down_choice, selection};
use crate::session::with_session;
use crate::wording::{migrations, milliseconds};

pub async fn run(
    global: &GlobalArgs,
    args: &SelectionArgs,
    no_backup: bool,
    backup_database: Option<String>,
    output: Output,
) -> Result<u8> {
    let project = Project::resolve(global)?;
    let options = plan_options(args, no_backup, backup_database, &project)?;
    let set = project.load_migrations(output)?;
    let plan = with_session(global, &project, false, output, async |session| {
        Ok(session.plan_revert(&set, &options).await?)
    })
    .await?;
    match output.format {
        Format::Json => output.json_value(&plan),
        Format::Markdown => print_line(&plan_text::markdown(&plan)),
        // JUnit is refused for every command but verify before this runs.
        Format::Human | Format::Junit | Format::Sarif | Format::Github => {
            print_line(&plan_text::human(&plan))
        }
    }
    Ok(SUCCESS)
}

/// What `plan`'s options ask of the runtime.
pub fn plan_options(
    args: &SelectionArgs,
    no_backup: bool,
    backup_database: Option<String>,
    project: &Project,
) -> Result<RevertOptions> {
    Ok(RevertOptions::new(selection(args)?)
        .down_choice(down_choice(args))
        .backup(!no_backup)
        .backup_database(backup_database.or_else(|| project.backup_database.clone()))
        .backup_retention(project.backup_retention))
}

/// `plan` on one target of a fleet; the rollback's fleet confirmation reads
/// the same plan.
pub async fn plan_target(
    context: &Context<'_>,
    options: &RevertOptions,
    target: &Target,
) -> Result<RollbackPlan> {
    context
        .with_session(target, false, async |session| {
            Ok(session.plan_revert(context.set, options).await?)
        })
        .await
}

/// `plan` on one target of a fleet, as its line.
pub async fn on_target(
    context: &Context<'_>,
    options: &RevertOptions,
    target: &Target,
) -> Result<TargetDone> {
    let plan = plan_target(context, options, target).await?;
    let result = if plan.migrations.is_empty() {
        "nothing to revert".to_owned()
    } else {
        format!(
            "would revert {}, about {}{}",
            migrations(plan.migrations.len()),
            milliseconds(u128::try_from(plan.estimated_ms).unwrap_or(0)),
            if plan.needs_confirmation() {
                ", destroys data"
            } else {
                ""
            }
        )
    };
    Ok(TargetDone::with_detail(result, plan))
}
