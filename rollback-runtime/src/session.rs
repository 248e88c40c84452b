//! The engine: one connection, and the operations on it — apply, revert,
//! repair, restore, status, log — each under the migration lock, each
//! migration in its own step, each step audited.

mod adopt;
mod backups;
mod options;
mod repair;
mod resume;
mod step;

use std::path::Path;
use std::time::Instant;

use rollback_core::sql::Dialect;
use rollback_core::{Migration, MigrationSet};

use crate::backup::PruneRule;
pub use crate::dialect::ConnectOptions;
use crate::dialect::{self, Driver};
use crate::error::{Error, Refusal, Result, display_chain};
use crate::plan::{self, PlanStop, RollbackPlan};
pub use crate::progress::Step;
use crate::progress::{Event, Progress};
use crate::records::{
    AppliedList, AppliedMigration, AppliedVersion, LogEntry, MIGRATIONS_TABLE, Operation,
};
use crate::state::{
    self, DownChoice, MigrationState, MigrationStatus, MissingPolicy, StoppedAt, refuse_dirty,
    resolve_down,
};
use crate::target::Target;
use crate::telemetry;
use crate::url::DatabaseUrl;
pub use options::{ApplyOptions, RevertOptions};

/// How `repair` should settle a migration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RepairMode {
    /// Record it as applied with the checksums of the files on disk, clearing
    /// the dirty flag: the schema is what the up produces.
    Applied,
    /// Forget it: the schema is what it was before the up.
    Pending,
}

/// An open connection to a database, ready to migrate it.
pub struct Session {
    driver: Box<dyn Driver>,
    url: DatabaseUrl,
    /// Whether this session has made sure `_rollback_progress` exists
    /// (created by the first step that needs it, so that a database an older
    /// version set up gets it too).
    progress_table: bool,
}

impl Session {
    /// Connects to `url`.
    pub async fn connect(url: &str, options: &ConnectOptions) -> Result<Session> {
        Session::open(Target::Url(url), options).await
    }

    /// Opens a dedicated connection to `target`: for a pool, one with the
    /// pool's options but never one of the pool's own connections, so that
    /// the lock and any init SQL stay off the pool.
    pub async fn open(target: Target<'_>, options: &ConnectOptions) -> Result<Session> {
        let (driver, url) = dialect::open(target, options).await?;
        Ok(Session {
            driver,
            url,
            progress_table: false,
        })
    }

    /// The database's dialect.
    pub fn dialect(&self) -> Dialect {
        self.driver.dialect()
    }

    /// Whether a rehearsal (`dry_run`) can run the migrations and roll them
    /// back: false where DDL commits at once (MySQL), where a caller shows
    /// the plan instead.
    pub fn can_rehearse(&self) -> bool {
        self.driver.transactional_ddl()
    }

    /// The URL, password masked.
    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    /// The tracking rows; none when the tracking table does not exist yet.
    /// Reads only: creates nothing.
    pub async fn applied(&mut self) -> Result<Vec<AppliedMigration>> {
        Ok(self
            .driver
            .tracking()
            .applied()
            .await
            .map_err(Error::database("reading _rollback_migrations"))?
            .unwrap_or_default())
    }

    /// The lean tracking rows `up` decides with, as one value in one round
    /// trip (the start-up no-op is this and the lock); `None` when the
    /// tracking tables do not exist yet.
    async fn tracked_list(&mut self) -> Result<Option<AppliedList>> {
        self.driver
            .tracking()
            .applied_list()
            .await
            .map_err(Error::database("reading _rollback_migrations"))
    }

    /// The state of every migration of `set` and of the database.
    /// A dirty migration's line says where its script stopped, read from
    /// `_rollback_progress` only when one is dirty.
    pub async fn status(&mut self, set: &MigrationSet) -> Result<Vec<MigrationStatus>> {
        let applied = self.applied().await?;
        let mut lines = state::statuses(set, &applied);
        if lines.iter().any(|line| line.state == MigrationState::Dirty) {
            let progress = self.progress_rows().await?;
            for line in &mut lines {
                if line.state == MigrationState::Dirty {
                    line.stopped_at = progress
                        .iter()
                        .find(|progress| progress.version == line.version)
                        .map(StoppedAt::of);
                }
            }
        }
        Ok(lines)
    }

    /// The newest `limit` audit rows, oldest first.
    pub async fn log(&mut self, limit: u32) -> Result<Vec<LogEntry>> {
        let reading = "reading _rollback_log";
        if !self
            .driver
            .tracking()
            .exists()
            .await
            .map_err(Error::database(reading))?
        {
            return Ok(Vec::new());
        }
        self.driver
            .tracking()
            .log(limit)
            .await
            .map_err(Error::database(reading))
    }

    /// Applies pending migrations, oldest version first. Refuses (changing
    /// nothing) when a migration is dirty, an applied up changed on disk, or
    /// the database has migrations the folder lacks (see [`MissingPolicy`]).
    ///
    /// A run with every migration applied as it is on disk, none dirty and
    /// none unknown, returns before taking the migration lock: the start-up
    /// no-op is one read, and does not wait for another instance's run.
    pub async fn apply(
        &mut self,
        set: &MigrationSet,
        options: &ApplyOptions,
        progress: Progress<'_>,
    ) -> Result<Vec<Step>> {
        let span = self.run_span(Operation::Apply, options.dry_run);
        telemetry::in_run(span, self.apply_run(set, options, progress)).await
    }

    /// [`Session::apply`], inside its run's span.
    async fn apply_run(
        &mut self,
        set: &MigrationSet,
        options: &ApplyOptions,
        progress: Progress<'_>,
    ) -> Result<Vec<Step>> {
        if self.nothing_to_apply(set, options).await? {
            return Ok(Vec::new());
        }
        self.driver.lock().await?;
        let result = async {
            // Read before a rehearsal opens its transaction: on PostgreSQL the
            // error that says the table is missing would abort it.
            let list = self.tracked_list().await?;
            let exists = list.is_some();
            let full;
            let lean = match list.as_ref().map(AppliedList::rows) {
                None => Vec::new(),
                Some(Some(rows)) => rows,
                // Rows the list cannot hold: read as they are.
                Some(None) => {
                    full = self.applied().await?;
                    full.iter().map(AppliedVersion::from).collect()
                }
            };
            let plan = state::plan_apply(set, &lean, options.target.as_ref())?;
            // The full rows only when some have no file and the policy must
            // see them: the refusal lists them in order of application, and
            // a revert needs their stored downs.
            let unknown = if plan.unknown && options.missing != MissingPolicy::Ignore {
                let applied = self.applied().await?;
                if options.missing == MissingPolicy::Error
                    && let Some(refusal) = state::refuse_missing(set, &applied)
                {
                    return Err(refusal);
                }
                state::missing_rows(set, &applied).cloned().collect()
            } else {
                Vec::new()
            };
            if options.dry_run {
                self.begin_rehearsal().await?;
            }
            self.apply_locked(
                set,
                exists,
                plan.pending,
                &unknown,
                options.dry_run,
                progress,
            )
            .await
        }
        .await;
        self.release(result).await
    }

    /// Reverts the selected migrations, most recently applied first, each with
    /// the down stored at apply time or the one on disk (see [`DownChoice`]),
    /// each after a backup of the data its down destroys (unless
    /// `options.backup` is off). Stops before an irreversible migration, with
    /// its reason.
    ///
    /// With `options.dry_run` the whole rollback runs in one transaction that
    /// is rolled back at the end: a rehearsal with real timings and real
    /// errors, reported through `progress`, that changes nothing. MySQL
    /// commits DDL at once and cannot rehearse ([`Error::CannotRehearse`]); a
    /// down that runs outside a transaction stops the rehearsal before it.
    pub async fn revert(
        &mut self,
        set: &MigrationSet,
        options: &RevertOptions,
        progress: Progress<'_>,
    ) -> Result<Vec<Step>> {
        let span = self.run_span(Operation::Revert, options.dry_run);
        telemetry::in_run(span, self.revert_run(set, options, progress)).await
    }

    /// [`Session::revert`], inside its run's span.
    async fn revert_run(
        &mut self,
        set: &MigrationSet,
        options: &RevertOptions,
        progress: Progress<'_>,
    ) -> Result<Vec<Step>> {
        self.check_backup_database(options.backup_database.as_deref())?;
        self.driver.lock().await?;
        let result = async {
            if let Some(path) = &options.snapshot {
                self.snapshot(path, &mut *progress).await?;
            }
            let applied = self.applied().await?;
            if options.dry_run {
                self.begin_rehearsal().await?;
            }
            let steps = self
                .revert_locked(set, &applied, options, &mut *progress)
                .await?;
            if let Some(retention) = options.backup_retention
                && !options.dry_run
            {
                let rule = PruneRule::new().older_than(retention);
                self.prune_locked(&rule, progress).await?;
            }
            Ok(steps)
        }
        .await;
        self.release(result).await
    }

    /// The plan of [`Session::revert`] with these options, read without the
    /// lock and changing nothing: the migrations up to the first irreversible
    /// one (where the rollback will stop), each with its down's statements
    /// classified and what they destroy in live figures. Refuses as `revert`
    /// would for a dirty database or conflicting downs.
    pub async fn plan_revert(
        &mut self,
        set: &MigrationSet,
        options: &RevertOptions,
    ) -> Result<RollbackPlan> {
        self.check_backup_database(options.backup_database.as_deref())?;
        let applied = self.applied().await?;
        refuse_dirty(&applied)?;
        let mut migrations = Vec::new();
        let mut stops_at = None;
        for row in state::select_reverts(set, &applied, &options.selection)? {
            let down = match resolve_down(set, row, options.down_choice) {
                Err(Error::Refused(Refusal::Irreversible { reason, .. })) => {
                    stops_at = Some(PlanStop {
                        version: row.version.clone(),
                        name: row.name.clone(),
                        reason,
                    });
                    break;
                }
                down => down?,
            };
            let source = down
                .path
                .clone()
                .unwrap_or_else(|| format!("the down stored in {MIGRATIONS_TABLE}"));
            migrations.push(
                plan::plan_down(&mut *self.driver, row, &down, source, options.backup).await?,
            );
        }
        Ok(RollbackPlan {
            database: self.url.masked(),
            dialect: self.dialect().as_str().to_owned(),
            estimated_ms: migrations.iter().map(|planned| planned.estimated_ms).sum(),
            migrations,
            stops_at,
            backup: options.backup,
            backup_readers: options.backup.then(|| {
                dialect::spelling(self.dialect()).backup_readers(options.backup_database.as_deref())
            }),
            backup_retention: options.backup.then_some(options.backup_retention).flatten(),
        })
    }

    /// Closes the connection.
    pub async fn close(self) {
        self.driver.close().await;
    }

    /// Writes the whole-file snapshot of a SQLite database.
    async fn snapshot(&mut self, path: &Path, progress: Progress<'_>) -> Result<()> {
        if path.exists() {
            return Err(Error::Snapshot {
                path: path.display().to_string(),
                reason: "the file exists; name a new one".to_owned(),
            });
        }
        let timer = Instant::now();
        let written = self
            .driver
            .snapshot(path)
            .await
            .map_err(|source| Error::Snapshot {
                path: path.display().to_string(),
                reason: display_chain(&source),
            })?;
        if !written {
            return Err(Error::Snapshot {
                path: path.display().to_string(),
                reason: format!(
                    "{} is not a file; back it up with the server's own tools (pg_dump, mariadb-dump)",
                    self.dialect().as_str()
                ),
            });
        }
        progress(&Event::Snapshot {
            path,
            elapsed: timer.elapsed(),
        });
        Ok(())
    }

    /// Makes the run a rehearsal, where the database can have one.
    async fn begin_rehearsal(&mut self) -> Result<()> {
        let opened = self
            .driver
            .begin_rehearsal()
            .await
            .map_err(Error::database("starting the rehearsal"))?;
        if opened {
            Ok(())
        } else {
            Err(Error::CannotRehearse {
                dialect: self.dialect().as_str(),
                reason: "it commits each DDL statement at once, so a rehearsal would really run it"
                    .to_owned(),
            })
        }
    }

    /// Whether every migration of `set` is applied, unchanged and clean, and
    /// nothing else is: read without the migration lock, so that the start-up
    /// no-op is the read of the applied set alone, and an application starting
    /// while another instance migrates waits for it only when it has something
    /// to apply. What the tracking rows say is committed (PostgreSQL and
    /// SQLite commit a migration with its row; MySQL's row is dirty while its
    /// DDL runs), so a clean, complete set cannot be half of someone else's
    /// run. Anything else, a refusal included, is decided again under the
    /// lock, where the answer cannot change while it is acted on.
    async fn nothing_to_apply(
        &mut self,
        set: &MigrationSet,
        options: &ApplyOptions,
    ) -> Result<bool> {
        if options.dry_run || options.target.is_some() {
            return Ok(false);
        }
        let Some(list) = self.tracked_list().await? else {
            return Ok(false);
        };
        let Some(rows) = list.rows() else {
            return Ok(false);
        };
        Ok(matches!(
            state::plan_apply(set, &rows, None),
            Ok(plan) if plan.pending.is_empty() && !plan.unknown
        ))
    }

    /// The `tracing` span of a run on this database.
    fn run_span(&self, operation: Operation, dry_run: bool) -> tracing::Span {
        telemetry::run_span(operation, &self.url, self.dialect(), dry_run)
    }

    async fn release<T>(&mut self, result: Result<T>) -> Result<T> {
        let unlocked = self.driver.unlock().await;
        let value = result?;
        unlocked?;
        Ok(value)
    }

    /// Runs an accepted plan: the tracking tables created if they were
    /// missing, the `unknown` rows reverted from their stored downs (newest
    /// application first), then the `pending` migrations applied.
    async fn apply_locked(
        &mut self,
        set: &MigrationSet,
        exists: bool,
        pending: Vec<&Migration>,
        unknown: &[AppliedMigration],
        dry_run: bool,
        progress: Progress<'_>,
    ) -> Result<Vec<Step>> {
        // Only once the plan is accepted: a refused run leaves no trace.
        if !exists {
            self.driver
                .tracking()
                .create()
                .await
                .map_err(Error::database("creating the tracking tables"))?;
        }
        let mut steps = Vec::new();
        for (position, row) in unknown.iter().enumerate() {
            let down = resolve_down(set, row, DownChoice::Stored)?;
            progress(&Event::Started {
                operation: Operation::Revert,
                version: &row.version,
                name: &row.name,
                position: position + 1,
                total: unknown.len(),
            });
            let span = telemetry::migration_span(Operation::Revert, &row.version, &row.name);
            let reverting = self.revert_one(row, &down, true, None, &mut *progress);
            let step = telemetry::in_migration(span, reverting).await?;
            progress(&Event::Finished(&step));
            steps.push(step);
        }
        let total = pending.len();
        for (position, migration) in pending.into_iter().enumerate() {
            if dry_run && migration.up().no_transaction() {
                return Err(Refusal::NotRehearsable {
                    migration: migration.to_string(),
                }
                .into());
            }
            progress(&Event::Started {
                operation: Operation::Apply,
                version: migration.version().as_str(),
                name: migration.name(),
                position: position + 1,
                total,
            });
            let span = telemetry::migration_span(
                Operation::Apply,
                migration.version().as_str(),
                migration.name(),
            );
            let applying = self.apply_one(migration, &mut *progress);
            let step = telemetry::in_migration(span, applying).await?;
            progress(&Event::Finished(&step));
            steps.push(step);
        }
        Ok(steps)
    }

    async fn revert_locked(
        &mut self,
        set: &MigrationSet,
        applied: &[AppliedMigration],
        options: &RevertOptions,
        progress: Progress<'_>,
    ) -> Result<Vec<Step>> {
        refuse_dirty(applied)?;
        let selected = state::select_reverts(set, applied, &options.selection)?;
        // Conflicts between file and stored downs are decided before anything
        // runs; an irreversible migration stops the range where it stands.
        let downs: Vec<Result<_>> = selected
            .iter()
            .map(|row| resolve_down(set, row, options.down_choice))
            .collect();
        for down in &downs {
            if let Err(Error::Refused(refusal @ Refusal::DownConflict { .. })) = down {
                return Err(refusal.clone().into());
            }
        }
        let mut steps = Vec::new();
        let total = selected.len();
        for (position, (row, down)) in selected.into_iter().zip(downs).enumerate() {
            let down = down?;
            if options.dry_run && down.no_transaction {
                return Err(Refusal::NotRehearsable {
                    migration: row.label(),
                }
                .into());
            }
            progress(&Event::Started {
                operation: Operation::Revert,
                version: &row.version,
                name: &row.name,
                position: position + 1,
                total,
            });
            let span = telemetry::migration_span(Operation::Revert, &row.version, &row.name);
            let reverting = self.revert_one(
                row,
                &down,
                options.backup,
                options.backup_database.as_deref(),
                &mut *progress,
            );
            let step = telemetry::in_migration(span, reverting).await?;
            progress(&Event::Finished(&step));
            steps.push(step);
        }
        Ok(steps)
    }
}
