//! `cargo rollback repair VERSION`: settle a dirty or modified migration.

use anyhow::Result;
use rollback_runtime::session::RepairMode;

use crate::cli::GlobalArgs;
use crate::failure::SUCCESS;
use crate::output::Output;
use crate::project::Project;
use crate::selection::parse_version;
use crate::session::with_session;

pub async fn run(global: &GlobalArgs, version: &str, pending: bool, output: Output) -> Result<u8> {
    let version = parse_version(version)?;
    let project = Project::resolve(global)?;
    let set = project.load_migrations(output)?;
    let mode = if pending {
        RepairMode::Pending
    } else {
        RepairMode::Applied
    };
    with_session(global, &project, false, output, async |session| {
        Ok(session.repair(&set, &version, mode).await?)
    })
    .await?;
    output.say(&match mode {
        RepairMode::Applied => {
            format!("Recorded {version} as applied with the checksums of its files.")
        }
        RepairMode::Pending => format!("Forgot {version}: it is pending again."),
    });
    Ok(SUCCESS)
}
