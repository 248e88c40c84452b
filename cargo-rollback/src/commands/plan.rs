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
    backup_database: Option<String>,
    output: Output,
) -> Result<u8> {
    let selected = selection(args)?;
    let project = Project::resolve(global)?;
    let options = RevertOptions::new(selected)
        .down_choice(down_choice(args))
        .backup(!no_backup)
        .backup_database(backup_database.or_else(|| project.backup_database.clone()))
        .backup_retention(project.backup_retention);
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
