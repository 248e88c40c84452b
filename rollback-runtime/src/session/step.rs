//! One migration step: its transaction, its script, its tracking row, its
//! backup and its audit row, the same way for an apply, a revert and a
//! restore.

use std::time::Instant;

use chrono::{DateTime, Utc};
use rollback_core::Migration;
use rollback_core::sql::{StatementClass, analyze_statement, split};

use super::{Session, Step};
use crate::backup;
use crate::error::{Error, Result, display_chain};
use crate::execute::{ScriptRun, checksum_before, run_script};
use crate::plan;
use crate::progress::{Event, Progress};
use crate::records::{
    AppliedMigration, Direction, LogEntry, Operation, ScriptProgress, StepRecord, TrackingChange,
};
use crate::state::DownScript;

impl Session {
    pub(super) async fn apply_one(
        &mut self,
        migration: &Migration,
        progress: Progress<'_>,
    ) -> Result<Step> {
        let started = Utc::now();
        let timer = Instant::now();
        let no_transaction = migration.up().no_transaction();
        let mark_dirty = no_transaction || !self.driver.transactional_ddl();
        let mut row = AppliedMigration::for_migration(migration, started);
        if !mark_dirty {
            self.driver
                .begin_script_step(no_transaction)
                .await
                .map_err(Error::database("starting the migration's transaction"))?;
        }
        let label = migration.to_string();
        let marker =
            mark_dirty.then(|| self.progress_of(&row.version, Direction::Up, migration.up().sql()));
        let outcome = async {
            if let Some(marker) = &marker {
                row.dirty = true;
                self.begin_dirty(no_transaction, &row, marker).await?;
            }
            let script = ScriptRun {
                migration: &label,
                kind: "up",
                sql: migration.up().sql(),
                path: Some(migration.up_path()),
                first_line: migration.up().first_line(),
                stays: "pending",
                from: 1,
                progress: marker.clone(),
            };
            run_script(&mut *self.driver, &script, progress).await?;
            row.dirty = false;
            row.execution_ms = elapsed_ms(timer);
            Ok(())
        }
        .await;
        let version = migration.version().as_str();
        let finished = self
            .finish_step(
                Operation::Apply,
                version,
                migration.name(),
                no_transaction,
                started,
                outcome,
                0,
                TrackingChange::Save(&row),
            )
            .await;
        let cleared = if let Err(error) = &finished
            && mark_dirty
            && self.left_nothing(error, migration.up().sql(), no_transaction)
        {
            // Where this fails too (the connection is gone), the row stays
            // dirty at the statement that failed, which is still true; the
            // step's own error is the one to report.
            self.driver.tracking().delete_applied(version).await.is_ok()
        } else {
            false
        };
        if mark_dirty && (finished.is_ok() || cleared) {
            self.forget_progress(version).await;
        }
        finished?;
        Ok(Step {
            operation: Operation::Apply,
            version: version.to_owned(),
            name: migration.name().to_owned(),
            execution_ms: row.execution_ms,
            rows_backed_up: 0,
            backup_id: None,
        })
    }

    /// Reverts one migration: its backup (on MySQL before the dirty marker,
    /// since the copy commits at once; elsewhere inside the step, so that a
    /// failed down leaves no backup behind), its down, its tracking row.
    pub(super) async fn revert_one(
        &mut self,
        row: &AppliedMigration,
        down: &DownScript,
        take_backup: bool,
        backup_database: Option<&str>,
        progress: Progress<'_>,
    ) -> Result<Step> {
        let no_transaction = down.no_transaction;
        let started = Utc::now();
        let timer = Instant::now();
        let mark_dirty = no_transaction || !self.driver.transactional_ddl();
        let mut taken = None;
        if take_backup && mark_dirty {
            taken = self
                .back_up(row, down, backup_database, &mut *progress)
                .await?;
        }
        if !mark_dirty {
            let opening = if take_backup {
                self.driver.begin_step(no_transaction).await
            } else {
                self.driver.begin_script_step(no_transaction).await
            };
            opening.map_err(Error::database("starting the migration's transaction"))?;
        }
        let label = row.label();
        let marker = mark_dirty.then(|| self.progress_of(&row.version, Direction::Down, &down.sql));
        let outcome = async {
            if let Some(marker) = &marker {
                let mut dirty = row.clone();
                dirty.dirty = true;
                self.begin_dirty(no_transaction, &dirty, marker).await?;
            }
            if take_backup && !mark_dirty {
                taken = self
                    .back_up(row, down, backup_database, &mut *progress)
                    .await?;
            }
            let script = ScriptRun {
                migration: &label,
                kind: "down",
                sql: &down.sql,
                path: down.path.as_deref(),
                first_line: down.first_line,
                stays: "applied",
                from: 1,
                progress: marker.clone(),
            };
            run_script(&mut *self.driver, &script, progress).await
        }
        .await;
        let rows_backed_up = taken.as_ref().map_or(0, |backup| backup.rows);
        let finished = self
            .finish_step(
                Operation::Revert,
                &row.version,
                &row.name,
                no_transaction,
                started,
                outcome,
                rows_backed_up,
                TrackingChange::Delete(&row.version),
            )
            .await;
        let cleared = if let Err(error) = &finished
            && mark_dirty
            && self.left_nothing(error, &down.sql, no_transaction)
        {
            // Where this fails too (the connection is gone), the row stays
            // dirty at the statement that failed, which is still true; the
            // step's own error is the one to report.
            self.driver.tracking().save_applied(row).await.is_ok()
        } else {
            false
        };
        if mark_dirty && (finished.is_ok() || cleared) {
            self.forget_progress(&row.version).await;
        }
        finished?;
        Ok(Step {
            operation: Operation::Revert,
            version: row.version.clone(),
            name: row.name.clone(),
            execution_ms: elapsed_ms(timer),
            rows_backed_up,
            backup_id: taken.map(|backup| backup.id),
        })
    }

    /// Opens a step that cannot roll its changes back, recording its
    /// `progress` and `row` dirty as its first writes (in the same round
    /// trip as the `BEGIN` on MySQL). A no-transaction step runs in
    /// autocommit, so the marker commits at once. On MySQL the marker is the
    /// first write of the step's transaction, and the implicit commit that
    /// MySQL makes before every DDL statement commits it before the
    /// script's first DDL takes effect: the marker is durable before
    /// anything it guards, for one commit less per migration than committing
    /// it on its own. A step whose script fails before any DDL rolls back,
    /// marker and all, leaving nothing.
    pub(super) async fn begin_dirty(
        &mut self,
        no_transaction: bool,
        row: &AppliedMigration,
        progress: &ScriptProgress,
    ) -> Result<()> {
        if !self.progress_table {
            self.driver
                .tracking()
                .create_progress()
                .await
                .map_err(Error::database("creating _rollback_progress"))?;
            self.progress_table = true;
        }
        self.driver
            .begin_dirty_step(no_transaction, row, progress)
            .await
            .map_err(Error::database("recording the migration dirty"))
    }

    /// The progress row of a script about to run outside a transaction, at
    /// its first statement.
    pub(super) fn progress_of(
        &self,
        version: &str,
        direction: Direction,
        sql: &str,
    ) -> ScriptProgress {
        let statements = split(sql, self.dialect());
        ScriptProgress {
            version: version.to_owned(),
            direction,
            statement: 1,
            statements: i64::try_from(statements.len()).unwrap_or(i64::MAX),
            checksum: checksum_before(&statements, 0),
        }
    }

    /// Forgets a dirty step's progress once its tracking row no longer
    /// needs it: after a success, or a failure that left nothing (the row
    /// clean or gone again). A step left dirty keeps it: that is how far it
    /// got. A progress row beside a clean row (or none) means nothing and is
    /// replaced before the row is next marked dirty, so a crash before this,
    /// or a failure of it, changes nothing: neither is reported. On MySQL
    /// the delete joins the step's record, in its commit.
    pub(super) async fn forget_progress(&mut self, version: &str) {
        let _ = self.driver.tracking().delete_progress(version).await;
    }

    /// Copies what `down` destroys, as the database stands right before it,
    /// into `database` when one is set.
    async fn back_up(
        &mut self,
        row: &AppliedMigration,
        down: &DownScript,
        database: Option<&str>,
        progress: Progress<'_>,
    ) -> Result<Option<backup::Backup>> {
        let timer = Instant::now();
        let analyzed = rollback_core::sql::analyze_script(&down.sql, self.dialect());
        let targets = plan::backup_targets(&mut *self.driver, &analyzed).await?;
        if targets.is_empty() {
            return Ok(None);
        }
        let taken = backup::take(
            &mut *self.driver,
            &row.version,
            &row.name,
            &targets,
            database,
        )
        .await?;
        if let Some(backup) = &taken {
            progress(&Event::BackedUp {
                backup,
                elapsed: timer.elapsed(),
            });
        }
        Ok(taken)
    }

    /// Whether a step that failed with `error` left the database as it was,
    /// so that its dirty marker can go: the failing statement was the first,
    /// or it and everything before it were data statements (as the parser
    /// classifies them), which the step's transaction rolled back. Anything else may have committed (MySQL
    /// commits before any DDL statement runs, even one that then fails; a
    /// no-transaction script commits as it goes), and the marker stays.
    fn left_nothing(&self, error: &Error, script: &str, no_transaction: bool) -> bool {
        let (Error::Statement(failure) | Error::Cancelled { failure, .. }) = error else {
            return false;
        };
        let dialect = self.dialect();
        let statements = split(script, dialect);
        let (ran, failed) =
            statements.split_at(failure.index.saturating_sub(1).min(statements.len()));
        ran.is_empty()
            || (!no_transaction
                && ran.iter().chain(failed.first()).all(|statement| {
                    analyze_statement(statement.sql, dialect).0 == StatementClass::Data
                }))
    }

    /// Ends a step with its audit row. A success writes its tracking change
    /// and the audit row inside the step's transaction and commits them with
    /// it ([`Driver::finish_step`](crate::dialect::Driver::finish_step)). A
    /// failure, or a record or commit that failed, is rolled back, and then
    /// logged on its own.
    #[expect(clippy::too_many_arguments, reason = "the audit row's fields")]
    pub(super) async fn finish_step<T>(
        &mut self,
        operation: Operation,
        version: &str,
        name: &str,
        no_transaction: bool,
        started: DateTime<Utc>,
        outcome: Result<T>,
        rows_backed_up: i64,
        change: TrackingChange<'_>,
    ) -> Result<T> {
        let error = match outcome {
            Ok(value) => {
                let entry =
                    LogEntry::finished_now(operation, version, name, started, None, rows_backed_up);
                let record = StepRecord {
                    change,
                    entry: &entry,
                };
                match self.driver.finish_step(no_transaction, &record).await {
                    Ok(()) => return Ok(value),
                    Err(source) => {
                        let error =
                            Error::database("committing the migration with its record")(source);
                        self.roll_back_step(no_transaction, error).await
                    }
                }
            }
            Err(error) => self.roll_back_step(no_transaction, error).await,
        };
        // The failure's audit row is written where the connection still
        // works; where it does not (the server went away), that error would
        // only hide the step's own, which is the one to report.
        let _ = self
            .audit(
                operation,
                version,
                name,
                started,
                Some(display_chain(&error)),
                rows_backed_up,
            )
            .await;
        Err(error)
    }

    /// Rolls a failed step back and hands its error on: the step's own error
    /// is the one to report; a failed rollback on top of it would only hide it.
    async fn roll_back_step(&mut self, no_transaction: bool, error: Error) -> Error {
        let _ = self.driver.rollback_step(no_transaction).await;
        error
    }

    pub(super) async fn audit(
        &mut self,
        operation: Operation,
        version: &str,
        name: &str,
        started_at: DateTime<Utc>,
        error: Option<String>,
        rows_backed_up: i64,
    ) -> Result<()> {
        let entry =
            LogEntry::finished_now(operation, version, name, started_at, error, rows_backed_up);
        self.driver
            .tracking()
            .insert_log(&entry)
            .await
            .map_err(Error::database("writing _rollback_log"))
    }
}

fn elapsed_ms(timer: Instant) -> i64 {
    i64::try_from(timer.elapsed().as_millis()).unwrap_or(i64::MAX)
}
