//! What a command needs to work on one target of a fleet, and what it hands
//! back: the shared inputs are loaded once for the whole fleet, and each
//! target's result is one short line (plus its JSON), never a log.

use anyhow::Result;
use rollback_runtime::migration::MigrationSet;
use rollback_runtime::session::Session;
use serde::Serialize;

use crate::cli::GlobalArgs;
use crate::output::Output;
use crate::project::Project;
use crate::session::with_session_at;

use super::Target;

/// What every target of a run shares: the options, the project and its
/// migrations, read once.
pub struct Context<'a> {
    /// The command line's global options.
    pub global: &'a GlobalArgs,
    /// The project's settings.
    pub project: &'a Project,
    /// The migrations, loaded once for every target.
    pub set: &'a MigrationSet,
    /// How the run prints (each target's own output is off: the fleet prints
    /// one line per target).
    pub output: Output,
}

impl Context<'_> {
    /// Opens `target` with the fleet's shared settings, runs `work` in it
    /// and closes it, as a single-database command's session does.
    pub async fn with_session<T>(
        &self,
        target: &Target,
        create_if_missing: bool,
        work: impl AsyncFnOnce(&mut Session) -> Result<T>,
    ) -> Result<T> {
        with_session_at(
            &target.url,
            self.global,
            self.project,
            create_if_missing,
            self.output,
            work,
        )
        .await
    }
}

/// One target's result, as a command reports it.
#[derive(Debug, Serialize)]
pub struct TargetDone {
    /// What happened, in a few words: "applied 3 migrations".
    pub result: String,
    /// Where the target stands, when the command read it (`status`): what
    /// the fleet's summary groups by.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub standing: Option<Standing>,
    /// The command's own data for programs (the steps, the plan).
    #[serde(skip_serializing_if = "serde_json::Value::is_null")]
    pub detail: serde_json::Value,
}

impl TargetDone {
    /// A result with its data for `--format json`.
    pub fn with_detail(result: String, detail: impl Serialize) -> TargetDone {
        TargetDone {
            result,
            standing: None,
            detail: serde_json::to_value(detail).unwrap_or_default(),
        }
    }
}

/// Where one target stands.
#[derive(Debug, Clone, Serialize)]
pub struct Standing {
    /// The newest applied migration ("0003 add_email"), `None` when nothing
    /// is applied.
    pub newest: Option<String>,
    /// The migration left dirty by a run that did not finish, if any.
    pub dirty: Option<String>,
}
