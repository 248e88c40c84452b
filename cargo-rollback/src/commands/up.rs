//! `cargo rollback up`: apply pending migrations.

use std::time::Instant;

use anyhow::Result;
use rollback_runtime::{ApplyOptions, Error, MissingPolicy};

use super::{
    announce_step, connect, finish_steps, load_migrations, migrations, milliseconds, parse_version,
};
use crate::cli::GlobalArgs;
use crate::failure::SUCCESS;
use crate::output::Output;
use crate::project::Project;

pub async fn run(
    global: &GlobalArgs,
    to: Option<&str>,
    ignore_missing: bool,
    output: Output,
) -> Result<u8> {
    let target = to.map(parse_version).transpose()?;
    let project = Project::resolve(global)?;
    let set = load_migrations(&project, output)?;
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
    let mut session = connect(global, &project, true, output).await?;
    let options = ApplyOptions {
        target,
        missing: if ignore_missing {
            MissingPolicy::Ignore
        } else {
            MissingPolicy::Error
        },
    };
    let started = Instant::now();
    let mut done = Vec::new();
    let result = session
        .apply(&set, &options, &mut announce_step(output, &mut done))
        .await;
    session.close().await;
    finish_steps(output, &done, result)?;
    if done.is_empty() {
        output.say("Nothing to apply: the database is up to date.");
    } else {
        output.say(&format!(
            "Applied {} in {}.",
            migrations(done.len()),
            milliseconds(started.elapsed().as_millis())
        ));
    }
    Ok(SUCCESS)
}
