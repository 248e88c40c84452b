//! `cargo rollback resume VERSION`: finish a migration that stopped
//! part-way outside a transaction, from the statement it reached.

use anyhow::Result;
use rollback_runtime::records::Operation;

use crate::cli::GlobalArgs;
use crate::failure::SUCCESS;
use crate::output::Output;
use crate::progress::RunView;
use crate::project::Project;
use crate::selection::parse_version;
use crate::session::with_session;
use crate::wording::{label, milliseconds};

pub async fn run(
    global: &GlobalArgs,
    version: &str,
    from: Option<i64>,
    output: Output,
) -> Result<u8> {
    let version = parse_version(version)?;
    let project = Project::resolve(global)?;
    let set = project.load_migrations(output)?;
    let (mut view, result) = with_session(global, &project, false, output, async |session| {
        let mut view = RunView::new(output, false);
        let result = session
            .resume(&set, &version, from, &mut |event| view.see(event))
            .await;
        Ok((view, result))
    })
    .await?;
    view.finish(result.map(|step| vec![step]))?;
    if let Some(step) = view.done.last() {
        let now = match step.operation {
            Operation::Revert => "reverted",
            _ => "applied",
        };
        output.say(&format!(
            "Resumed {}: it is {now} ({}).",
            label(&step.version, &step.name),
            milliseconds(u128::try_from(step.execution_ms).unwrap_or_default())
        ));
    }
    Ok(SUCCESS)
}
