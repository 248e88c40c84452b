//! `cargo rollback restore [ID]`: put a backup's data back.

use anyhow::Result;

use crate::cli::GlobalArgs;
use crate::failure::SUCCESS;
use crate::output::Output;
use crate::project::Project;
use crate::session::with_session;
use crate::wording::label;

pub async fn run(global: &GlobalArgs, id: Option<i64>, output: Output) -> Result<u8> {
    let project = Project::resolve(global)?;
    let set = project.load_migrations(output)?;
    let report = with_session(global, &project, false, output, async |session| {
        Ok(session.restore(&set, id).await?)
    })
    .await?;
    if output.json() {
        output.json_value(&report);
        return Ok(SUCCESS);
    }
    for item in &report.items {
        output.say(&format!(
            "Restored {}: {} of {} copied rows",
            item.what, item.restored, item.copied
        ));
    }
    output.say(&format!(
        "Restored backup {} of {}: {} rows.",
        report.id,
        label(&report.version, &report.name),
        report.rows
    ));
    Ok(SUCCESS)
}
