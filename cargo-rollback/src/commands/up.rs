//! `cargo rollback up`: apply pending migrations.

use anyhow::Result;
use rollback_runtime::migration::MigrationSet;
use rollback_runtime::session::ApplyOptions;
use rollback_runtime::{Error, MissingPolicy};

use crate::cli::GlobalArgs;
use crate::failure::SUCCESS;
use crate::fleet::{Context, Target, TargetDone};
use crate::output::Output;
use crate::progress::RunView;
use crate::project::Project;
use crate::selection::parse_version;
use crate::session::with_session;
use crate::wording::{label, migrations, milliseconds};

pub async fn run(
    global: &GlobalArgs,
    to: Option<&str>,
    ignore_missing: bool,
    dry_run: bool,
    output: Output,
) -> Result<u8> {
    let project = Project::resolve(global)?;
    let set = project.load_migrations(output)?;
    let options = apply_options(&set, to, ignore_missing, dry_run)?;
    let (mut view, result) = with_session(global, &project, !dry_run, output, async |session| {
        let mut view = RunView::new(output, dry_run);
        let result = session
            .apply(&set, &options, &mut |event| view.see(event))
            .await;
        Ok((view, result))
    })
    .await?;
    view.finish(result)?;
    if dry_run {
        output.say(&format!(
            "Rehearsed {} in {}, then rolled everything back: nothing changed.",
            migrations(view.done.len()),
            milliseconds(view.elapsed().as_millis())
        ));
    } else if view.done.is_empty() {
        output.say("Nothing to apply: the database is up to date.");
    } else {
        output.say(&format!(
            "Applied {} in {}.",
            migrations(view.done.len()),
            milliseconds(view.elapsed().as_millis())
        ));
    }
    Ok(SUCCESS)
}

/// What `up`'s options ask of the runtime, checked against the folder
/// before any database is opened (`up` would create a SQLite file).
pub fn apply_options(
    set: &MigrationSet,
    to: Option<&str>,
    ignore_missing: bool,
    dry_run: bool,
) -> Result<ApplyOptions> {
    let target = to.map(parse_version).transpose()?;
    if let Some(target) = &target
        && set.find(target).is_none()
    {
        return Err(Error::UnknownVersion {
            version: target.to_string(),
            looked_in: "in the folder",
        }
        .into());
    }
    Ok(ApplyOptions::new()
        .target(target)
        .missing(if ignore_missing {
            MissingPolicy::Ignore
        } else {
            MissingPolicy::Error
        })
        .dry_run(dry_run))
}

/// `up` on one target of a fleet.
pub async fn on_target(
    context: &Context<'_>,
    options: &ApplyOptions,
    target: &Target,
) -> Result<TargetDone> {
    let rehearsal = options.dry_run;
    let steps = context
        .with_session(target, !rehearsal, async |session| {
            Ok(session.apply(context.set, options, &mut |_| {}).await?)
        })
        .await?;
    let result = match (rehearsal, steps.last()) {
        (true, _) => format!("rehearsed {}, nothing changed", migrations(steps.len())),
        (false, None) => "up to date".to_owned(),
        (false, Some(newest)) => format!(
            "applied {}, now at {}",
            migrations(steps.len()),
            label(&newest.version, &newest.name)
        ),
    };
    Ok(TargetDone::with_detail(result, steps))
}
