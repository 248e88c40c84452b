//! `cargo rollback [VERSION] [--last N | --to V | --all]`: revert migrations.

use anyhow::Result;
use rollback_runtime::plan::RollbackPlan;
use rollback_runtime::session::RevertOptions;
use rollback_runtime::{Error, Step};

use crate::cli::{GlobalArgs, RevertArgs};
use crate::commands::plan::plan_options;
use crate::confirm::confirm_plan;
use crate::failure::{SUCCESS, warn};
use crate::fleet::{Context, Target, TargetDone};
use crate::output::{Output, print_line};
use crate::plan_text;
use crate::progress::RunView;
use crate::project::Project;
use crate::session::with_session;
use crate::wording::{migrations, milliseconds};

/// What the session did: a MySQL rehearsal only plans; anything else runs.
enum Reverted {
    Planned(RollbackPlan),
    Ran(RunView, Result<Vec<Step>, Error>),
}

pub async fn run(global: &GlobalArgs, args: &RevertArgs, output: Output) -> Result<u8> {
    let project = Project::resolve(global)?;
    let options = revert_options(args, &project)?;
    let set = project.load_migrations(output)?;
    let reverted = with_session(global, &project, false, output, async |session| {
        if args.dry_run && !session.can_rehearse() {
            // Nothing to rehearse in: show what would run instead.
            return Ok(Reverted::Planned(
                session.plan_revert(&set, &options).await?,
            ));
        }
        if !global.yes && !args.dry_run {
            confirm_plan(&session.plan_revert(&set, &options).await?)?;
        }
        let mut view = RunView::new(output, args.dry_run);
        let result = session
            .revert(&set, &options, &mut |event| view.see(event))
            .await;
        Ok(Reverted::Ran(view, result))
    })
    .await?;
    let (mut view, result) = match reverted {
        Reverted::Planned(plan) => {
            warn(
                "MySQL and MariaDB commit each DDL statement at once, so a rehearsal would really run it: this is the plan instead",
            );
            if output.json() {
                output.json_value(&plan);
            } else {
                print_line(&plan_text::human(&plan));
            }
            return Ok(SUCCESS);
        }
        Reverted::Ran(view, result) => (view, result),
    };
    view.finish(result)?;
    if args.dry_run {
        view.print_timings();
        output.say(&format!(
            "Rehearsed {} in {}, then rolled everything back: nothing changed.",
            migrations(view.done.len()),
            milliseconds(view.elapsed().as_millis())
        ));
    } else if view.done.is_empty() {
        output.say("Nothing to revert.");
    } else {
        output.say(&format!("Reverted {}.", migrations(view.done.len())));
    }
    Ok(SUCCESS)
}

/// What the rollback's options ask of the runtime.
pub fn revert_options(args: &RevertArgs, project: &Project) -> Result<RevertOptions> {
    Ok(plan_options(
        &args.selection,
        args.no_backup,
        args.backup_database.clone(),
        project,
    )?
    .dry_run(args.dry_run)
    .snapshot(args.snapshot.clone()))
}

/// The rollback on one target of a fleet (confirmed once for the whole
/// fleet before); a database that cannot rehearse reports its plan.
pub async fn on_target(
    context: &Context<'_>,
    options: &RevertOptions,
    target: &Target,
) -> Result<TargetDone> {
    context
        .with_session(target, false, async |session| {
            if options.dry_run && !session.can_rehearse() {
                let plan = session.plan_revert(context.set, options).await?;
                let result = format!(
                    "cannot rehearse (DDL commits at once here): would revert {}",
                    migrations(plan.migrations.len())
                );
                return Ok(TargetDone::with_detail(result, plan));
            }
            let steps = session.revert(context.set, options, &mut |_| {}).await?;
            let backups: Vec<String> = steps
                .iter()
                .filter_map(|step| step.backup_id.map(|id| id.to_string()))
                .collect();
            let result = match (options.dry_run, steps.is_empty(), backups.as_slice()) {
                (true, _, _) => format!("rehearsed {}, nothing changed", migrations(steps.len())),
                (false, true, _) => "nothing to revert".to_owned(),
                (false, false, []) => format!("reverted {}", migrations(steps.len())),
                (false, false, ids) => format!(
                    "reverted {}, backups {}",
                    migrations(steps.len()),
                    ids.join(", ")
                ),
            };
            Ok(TargetDone::with_detail(result, steps))
        })
        .await
}
