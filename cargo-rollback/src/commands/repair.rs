//! `cargo rollback repair VERSION`: settle a dirty or modified migration.

use anyhow::Result;
use rollback_runtime::session::RepairMode;

use super::{connect, load_migrations, parse_version};
use crate::cli::GlobalArgs;
use crate::failure::SUCCESS;
use crate::output::Output;
use crate::project::Project;

pub async fn run(global: &GlobalArgs, version: &str, pending: bool, output: Output) -> Result<u8> {
    let version = parse_version(version)?;
    let project = Project::resolve(global)?;
    let set = load_migrations(&project, output)?;
    let mut session = connect(global, &project, false, output).await?;
    let mode = if pending {
        RepairMode::Pending
    } else {
        RepairMode::Applied
    };
    let result = session.repair(&set, &version, mode).await;
    session.close().await;
    result?;
    output.say(&match mode {
        RepairMode::Applied => {
            format!("Recorded {version} as applied with the checksums of its files.")
        }
        RepairMode::Pending => format!("Forgot {version}: it is pending again."),
    });
    Ok(SUCCESS)
}
