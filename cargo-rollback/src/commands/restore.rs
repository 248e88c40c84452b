//! `cargo rollback restore [ID]`: put a backup's data back.

use anyhow::Result;

use super::{connect, label, load_migrations};
use crate::cli::GlobalArgs;
use crate::failure::SUCCESS;
use crate::output::Output;
use crate::project::Project;

pub async fn run(global: &GlobalArgs, id: Option<i64>, output: Output) -> Result<u8> {
    let project = Project::resolve(global)?;
    let set = load_migrations(&project, output)?;
    let mut session = connect(global, &project, false, output).await?;
    let report = session.restore(&set, id).await;
    session.close().await;
    let report = report?;
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
