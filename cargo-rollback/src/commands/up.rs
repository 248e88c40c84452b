//! `cargo rollback up`: apply pending migrations.

use anyhow::Result;
use rollback_runtime::session::ApplyOptions;
use rollback_runtime::{Error, MissingPolicy};

use crate::cli::GlobalArgs;
use crate::failure::SUCCESS;
use crate::output::Output;
use crate::progress::RunView;
use crate::project::Project;
use crate::selection::parse_version;
use crate::session::with_session;
use crate::wording::{migrations, milliseconds};

pub async fn run(
    global: &GlobalArgs,
    to: Option<&str>,
    ignore_missing: bool,
    dry_run: bool,
    output: Output,
) -> Result<u8> {
    let target = to.map(parse_version).transpose()?;
    let project = Project::resolve(global)?;
    let set = project.load_migrations(output)?;
    if let Some(target) = &target
        && set.find(target).is_none()
    {
        // Before connecting: `up` would create a SQLite file that does not exist.
        return Err(Error::UnknownVersion {
            version: target.to_string(),
            looked_in: "in the folder",
        }
        .into());
    }
    let options = ApplyOptions::new()
        .target(target)
        .missing(if ignore_missing {
            MissingPolicy::Ignore
        } else {
            MissingPolicy::Error
        })
        .dry_run(dry_run);
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
