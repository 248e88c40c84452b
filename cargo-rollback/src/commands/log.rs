//! `cargo rollback log`: the audit log.

use anyhow::Result;
use rollback_runtime::records::Operation;

use crate::cli::GlobalArgs;
use crate::failure::SUCCESS;
use crate::output::{Output, print_line};
use crate::project::Project;
use crate::session::with_session;
use crate::wording::label;

pub async fn run(global: &GlobalArgs, limit: u32, output: Output) -> Result<u8> {
    let project = Project::resolve(global)?;
    let entries = with_session(global, &project, false, output, async |session| {
        Ok(session.log(limit).await?)
    })
    .await?;
    if output.json() {
        output.json_value(&entries);
        return Ok(SUCCESS);
    }
    if entries.is_empty() {
        output.say("The audit log is empty.");
    }
    for entry in &entries {
        let took = (entry.finished_at - entry.started_at).num_milliseconds();
        let mut line = format!(
            "{}  {:<7} {:<8} {}  {took} ms  {}",
            entry.started_at.format("%Y-%m-%d %H:%M:%S"),
            entry.operation.as_str(),
            entry.outcome.as_str(),
            label(&entry.version, &entry.name),
            entry.actor,
        );
        if entry.rows_backed_up > 0 {
            let noun = match entry.operation {
                Operation::Restore => "restored",
                _ => "backed up",
            };
            line.push_str(&format!("  {} rows {noun}", entry.rows_backed_up));
        }
        if let Some(error) = &entry.error {
            line.push_str(&format!("\n    {error}"));
        }
        print_line(&line);
    }
    Ok(SUCCESS)
}
