//! Resuming a dirty migration: the rest of the script that stopped part-way
//! outside a transaction, from the statement it reached, then its record as
//! if it had run in one go.

use std::time::Instant;

use chrono::Utc;
use rollback_core::sql::{Dialect, split};
use rollback_core::{Migration, MigrationSet, Version};

use super::{Session, Step};
use crate::error::{Error, Refusal, Result};
use crate::execute::{ScriptRun, checksum_before, run_script};
use crate::progress::{Event, Progress};
use crate::records::{AppliedMigration, Direction, Operation, ScriptProgress, TrackingChange};
use crate::state::{self, DownChoice, DownScript, MigrationState};
use crate::telemetry;

/// The script a resume runs, with where it came from.
struct Rest<'s> {
    sql: String,
    /// How many statements it has now.
    statements: i64,
    no_transaction: bool,
    path: Option<String>,
    first_line: u32,
    /// The migration, for an up: its row is recorded afresh.
    migration: Option<&'s Migration>,
}

impl Session {
    /// Runs the rest of dirty migration `version`'s script, from the
    /// statement it reached (or from statement `from`, when a person has
    /// seen that the one it reached did or did not take effect), then
    /// records it as a finished apply (the migration is applied) or revert
    /// (it is gone), with its audit row. A resumed down takes no backup:
    /// the one the revert took before it started, if any, is there.
    ///
    /// Each statement is recorded before it runs, as in the run that
    /// stopped: a failure (or another crash) leaves it dirty at the
    /// statement that failed, to resume again.
    pub async fn resume(
        &mut self,
        set: &MigrationSet,
        version: &Version,
        from: Option<i64>,
        progress: Progress<'_>,
    ) -> Result<Step> {
        let span = self.run_span(Operation::Apply, false);
        telemetry::in_run(span, async {
            self.driver.lock().await?;
            let result = self.resume_locked(set, version, from, progress).await;
            self.release(result).await
        })
        .await
    }

    /// Every progress row; none when the table does not exist.
    pub(super) async fn progress_rows(&mut self) -> Result<Vec<ScriptProgress>> {
        self.driver
            .tracking()
            .progress()
            .await
            .map_err(Error::database("reading _rollback_progress"))
    }

    async fn resume_locked(
        &mut self,
        set: &MigrationSet,
        version: &Version,
        from: Option<i64>,
        progress: Progress<'_>,
    ) -> Result<Step> {
        let applied = self.applied().await?;
        let row = match state::find_applied(set, &applied, version) {
            Ok(row) => row.clone(),
            Err(Error::NotApplied { migration }) => {
                return Err(Error::NotDirty {
                    migration,
                    state: MigrationState::Pending.as_str(),
                });
            }
            Err(error) => return Err(error),
        };
        if !row.dirty {
            return Err(Error::NotDirty {
                migration: row.label(),
                state: MigrationState::Applied.as_str(),
            });
        }
        let Some(mut marker) = self
            .progress_rows()
            .await?
            .into_iter()
            .find(|progress| progress.version == row.version)
        else {
            return Err(Refusal::NoProgress {
                migration: row.label(),
                version: row.version.clone(),
            }
            .into());
        };
        let rest = rest_of(set, &row, &marker, self.dialect())?;
        marker.statements = rest.statements;
        let start = from.unwrap_or(marker.statement);
        if !(1..=marker.statements + 1).contains(&start) {
            return Err(Error::ResumeFrom {
                migration: row.label(),
                from: start,
                statements: marker.statements,
            });
        }
        marker.statement = start;
        marker.checksum = checksum_before(
            &split(&rest.sql, self.dialect()),
            usize::try_from(start - 1).unwrap_or(usize::MAX),
        );
        let operation = match marker.direction {
            Direction::Up => Operation::Apply,
            Direction::Down => Operation::Revert,
        };
        progress(&Event::Started {
            operation,
            version: &row.version,
            name: &row.name,
            position: 1,
            total: 1,
        });
        let started = Utc::now();
        let timer = Instant::now();
        let label = row.label();
        let outcome = async {
            self.begin_dirty(rest.no_transaction, &row, &marker).await?;
            let script = ScriptRun {
                migration: &label,
                kind: marker.direction.as_str(),
                sql: &rest.sql,
                path: rest.path.as_deref(),
                first_line: rest.first_line,
                stays: "dirty",
                from: usize::try_from(start).unwrap_or(usize::MAX),
                progress: Some(marker.clone()),
            };
            run_script(&mut *self.driver, &script, &mut *progress).await
        }
        .await;
        let execution_ms = i64::try_from(timer.elapsed().as_millis()).unwrap_or(i64::MAX);
        // The up as it is now on disk: the part that ran is unchanged, and
        // the rest ran from the file.
        let finished_row = match &rest.migration {
            Some(migration) => AppliedMigration {
                execution_ms,
                ..AppliedMigration::for_migration(migration, row.applied_at)
            },
            None => row.clone(),
        };
        let change = match marker.direction {
            Direction::Up => TrackingChange::Save(&finished_row),
            Direction::Down => TrackingChange::Delete(&row.version),
        };
        self.finish_step(
            operation,
            &row.version,
            &row.name,
            rest.no_transaction,
            started,
            outcome,
            0,
            change,
        )
        .await?;
        self.forget_progress(&row.version).await;
        let step = Step {
            operation,
            version: row.version.clone(),
            name: row.name.clone(),
            execution_ms,
            rows_backed_up: 0,
            backup_id: None,
        };
        progress(&Event::Finished(&step));
        Ok(step)
    }
}

/// The script that stopped, as it is now: the up file, or whichever down
/// (the stored copy or the file) it was; refused when the statements before
/// the one it reached differ from the ones that ran.
fn rest_of<'s>(
    set: &'s MigrationSet,
    row: &AppliedMigration,
    marker: &ScriptProgress,
    dialect: Dialect,
) -> Result<Rest<'s>> {
    let changed = || {
        Error::from(Refusal::ScriptChanged {
            migration: row.label(),
            script: marker.direction.as_str(),
        })
    };
    let ran = usize::try_from(marker.statement.max(1) - 1).unwrap_or(usize::MAX);
    let same_start = |sql: &str| {
        let statements = split(sql, dialect);
        (statements.len() >= ran && checksum_before(&statements, ran) == marker.checksum)
            .then(|| i64::try_from(statements.len()).unwrap_or(i64::MAX))
    };
    match marker.direction {
        Direction::Up => {
            let version = Version::parse(&row.version).ok_or_else(changed)?;
            let migration = set.find(&version).ok_or_else(|| Error::NoFile {
                migration: row.label(),
            })?;
            let statements = same_start(migration.up().sql()).ok_or_else(changed)?;
            Ok(Rest {
                sql: migration.up().sql().to_owned(),
                statements,
                no_transaction: migration.up().no_transaction(),
                path: Some(migration.up_path().to_owned()),
                first_line: migration.up().first_line(),
                migration: Some(migration),
            })
        }
        Direction::Down => [DownChoice::Stored, DownChoice::File]
            .into_iter()
            .filter_map(|choice| state::resolve_down(set, row, choice).ok())
            .find_map(|down: DownScript| {
                let statements = same_start(&down.sql)?;
                Some(Rest {
                    sql: down.sql,
                    statements,
                    no_transaction: down.no_transaction,
                    path: down.path,
                    first_line: down.first_line,
                    migration: None,
                })
            })
            .ok_or_else(changed),
    }
}
