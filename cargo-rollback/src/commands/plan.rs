//! `cargo rollback plan`: what a rollback would run, what it destroys, what
//! it backs up and how long it takes; for people, for programs, and as a
//! Markdown rollback plan for a reviewer.

use anyhow::Result;
use rollback_runtime::session::RevertOptions;

use crate::cli::{Format, GlobalArgs, SelectionArgs};
use crate::failure::SUCCESS;
use crate::output::{Output, print_line};
use crate::plan_text;
use crate::project::Project;
use crate::selection::{down_choice, selection};
use crate::session::with_session;

pub async fn run(
    global: &GlobalArgs,
    args: &SelectionArgs,
    no_backup: bool,
    output: Output,
) -> Result<u8> {
    let options = RevertOptions::new(selection(args)?)
        .down_choice(down_choice(args))
        .backup(!no_backup);
    let project = Project::resolve(global)?;
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
