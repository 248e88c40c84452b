//! `cargo rollback status`: where every migration stands.

use anyhow::Result;
use chrono::Utc;
use rollback_runtime::Error;
use rollback_runtime::state::{MigrationState, MigrationStatus, statuses};

use crate::cli::GlobalArgs;
use crate::failure::{SUCCESS, warn};
use crate::fleet::{Context, Standing, Target, TargetDone};
use crate::output::{Output, ago, print_line};
use crate::project::Project;
use crate::session::with_session;
use crate::wording::label;

pub async fn run(global: &GlobalArgs, output: Output) -> Result<u8> {
    let project = Project::resolve(global)?;
    let set = project.load_migrations(output)?;
    let status = with_session(global, &project, false, output, async |session| {
        Ok(session.status(&set).await?)
    })
    .await;
    let lines = match status {
        Ok(lines) => lines,
        // A SQLite file that `up` has not created yet (only opening the
        // session reports it): everything is pending, and status must not
        // create the file.
        Err(error) => match error.downcast_ref::<Error>() {
            Some(Error::DatabaseMissing { path }) => {
                if !output.quiet && !output.json() {
                    warn(&format!("database file {path} does not exist yet"));
                }
                statuses(&set, &[])
            }
            _ => return Err(error),
        },
    };
    if output.json() {
        output.json_value(&lines);
        return Ok(SUCCESS);
    }
    let now = Utc::now();
    for line in &lines {
        print_line(&status_line(line, now));
    }
    if !output.quiet {
        print_line(&summary(&lines));
    }
    Ok(SUCCESS)
}

/// `status` on one target of a fleet: where it stands, for the fleet's
/// grouping by version.
pub async fn on_target(context: &Context<'_>, target: &Target) -> Result<TargetDone> {
    let status = context
        .with_session(target, false, async |session| {
            Ok(session.status(context.set).await?)
        })
        .await;
    let lines = match status {
        Ok(lines) => lines,
        Err(error) => match error.downcast_ref::<Error>() {
            Some(Error::DatabaseMissing { .. }) => statuses(context.set, &[]),
            _ => return Err(error),
        },
    };
    let applied = |line: &&MigrationStatus| line.state != MigrationState::Pending;
    let standing = Standing {
        newest: lines
            .iter()
            .rfind(applied)
            .map(|line| label(&line.version, &line.name)),
        dirty: lines
            .iter()
            .find(|line| line.state == MigrationState::Dirty)
            .map(|line| label(&line.version, &line.name)),
    };
    let result = format!(
        "at {}: {}",
        standing.newest.as_deref().unwrap_or("nothing applied"),
        summary(&lines)
    );
    Ok(TargetDone {
        result,
        standing: Some(standing),
        detail: serde_json::to_value(&lines).unwrap_or_default(),
    })
}

fn status_line(line: &MigrationStatus, now: chrono::DateTime<Utc>) -> String {
    let migration = label(&line.version, &line.name);
    let when = line.applied_at.map(|at| ago(at, now)).unwrap_or_default();
    let irreversible = match &line.irreversible {
        Some(reason) => format!(" [irreversible: {reason}]"),
        None => String::new(),
    };
    let down_note = if line.down_modified {
        "; the down on disk differs from the stored one"
    } else {
        ""
    };
    match line.state {
        MigrationState::Applied => {
            format!("✅ {migration} (applied {when}{down_note}){irreversible}")
        }
        MigrationState::Pending => format!("⏳ {migration} (pending){irreversible}"),
        MigrationState::Modified => format!(
            "⚠️  {migration} (modified: the up changed on disk since it was applied {when}){irreversible}"
        ),
        MigrationState::Missing => format!(
            "❓ {migration} (missing: applied {when}, no file; revertible from its stored down){irreversible}"
        ),
        MigrationState::Dirty => match &line.stopped_at {
            Some(stopped) => format!(
                "❌ {migration} (dirty at {stopped}: started {when} and did not finish; `cargo rollback resume {0}` runs the rest once what stopped it is fixed, or make the schema match one side, then `cargo rollback repair {0}` or `cargo rollback repair {0} --pending`)",
                line.version
            ),
            None => format!(
                "❌ {migration} (dirty: started {when} and did not finish; make the schema match one side, then `cargo rollback repair {0}` or `cargo rollback repair {0} --pending`)",
                line.version
            ),
        },
    }
}

fn summary(lines: &[MigrationStatus]) -> String {
    let count = |state: MigrationState| lines.iter().filter(|line| line.state == state).count();
    let mut parts = vec![
        format!("{} applied", count(MigrationState::Applied)),
        format!("{} pending", count(MigrationState::Pending)),
    ];
    for state in [
        MigrationState::Modified,
        MigrationState::Missing,
        MigrationState::Dirty,
    ] {
        let n = count(state);
        if n > 0 {
            parts.push(format!("{n} {}", state.as_str()));
        }
    }
    parts.join(", ")
}
