//! The engine: one connection, and the operations on it — apply, revert,
//! repair, status, log — each under the migration lock, each migration in its
//! own step, each step audited.

use std::time::Instant;

use chrono::{DateTime, Utc};
use rollback_core::sql::{Dialect, split};
use rollback_core::{Migration, MigrationSet, Version};
use serde::Serialize;

use crate::driver::{self, ConnectOptions, Driver};
use crate::error::{Error, Refusal, Result, display_chain};
use crate::execute::{ScriptRun, run_script};
use crate::migrator::Target;
use crate::records::{AppliedMigration, LogEntry, Operation, Outcome, actor};
use crate::state::{
    self, DownChoice, DownScript, MigrationStatus, MissingPolicy, Selection, refuse_dirty,
    resolve_down,
};
use crate::url::DatabaseUrl;

/// What `apply` should do.
#[derive(Debug, Clone, Default)]
pub struct ApplyOptions {
    /// Apply up to and including this version; all pending when `None`.
    pub target: Option<Version>,
    /// What to do with applied migrations the folder does not have.
    pub missing: MissingPolicy,
}

/// What `revert` should do.
#[derive(Debug, Clone)]
pub struct RevertOptions {
    /// Which migrations.
    pub selection: Selection,
    /// Which down runs when the file and the stored copy differ.
    pub down_choice: DownChoice,
}

/// How `repair` should settle a migration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RepairMode {
    /// Record it as applied with the checksums of the files on disk, clearing
    /// the dirty flag: the schema is what the up produces.
    Applied,
    /// Forget it: the schema is what it was before the up.
    Pending,
}

/// A migration step that ran, reported as it finishes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// Apply or revert.
    pub operation: Operation,
    /// The version.
    pub version: String,
    /// The name.
    pub name: String,
    /// How long it took.
    pub execution_ms: i64,
}

/// A migration that a rollback would revert, with the down that would run:
/// what a person confirms before a rollback.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlannedRevert {
    /// The version.
    pub version: String,
    /// The name.
    pub name: String,
    /// Where the down comes from: its file, or the copy stored at apply time.
    pub source: String,
    /// The down's statements, in the order they run.
    pub statements: Vec<String>,
}

/// A callback told about each step as it finishes; the library never prints.
pub type Progress<'a> = &'a mut (dyn FnMut(&Step) + Send);

/// An open connection to a database, ready to migrate it.
pub struct Session {
    driver: Box<dyn Driver>,
    url: DatabaseUrl,
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
        let (driver, url): (Box<dyn Driver>, DatabaseUrl) = match target {
            Target::Url(url) => {
                let url = DatabaseUrl::parse(url)?;
                (driver::connect(&url, options).await?, url)
            }
            #[cfg(feature = "sqlite")]
            Target::Sqlite(pool) => {
                let pool_options = (*pool.connect_options()).clone();
                let url = DatabaseUrl::parse(&format!(
                    "sqlite:{}",
                    pool_options.get_filename().display()
                ))?;
                let driver =
                    driver::sqlite::SqliteDriver::open(pool_options, &url, options).await?;
                (Box::new(driver), url)
            }
            #[cfg(feature = "postgres")]
            Target::Postgres(pool) => {
                let pool_options = (*pool.connect_options()).clone();
                let url = server_url(
                    "postgres",
                    pool_options.get_host(),
                    pool_options.get_database(),
                )?;
                let driver =
                    driver::postgres::PostgresDriver::open(pool_options, &url, options).await?;
                (Box::new(driver), url)
            }
            #[cfg(feature = "mysql")]
            Target::MySql(pool) => {
                let pool_options = (*pool.connect_options()).clone();
                let url = server_url(
                    "mysql",
                    pool_options.get_host(),
                    pool_options.get_database(),
                )?;
                let driver = driver::mysql::MySqlDriver::open(pool_options, &url, options).await?;
                (Box::new(driver), url)
            }
        };
        Ok(Session { driver, url })
    }

    /// The database's dialect.
    pub fn dialect(&self) -> Dialect {
        self.driver.dialect()
    }

    /// The URL, password masked.
    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    /// The tracking rows; none when the tracking table does not exist yet.
    /// Reads only: creates nothing.
    pub async fn applied(&mut self) -> Result<Vec<AppliedMigration>> {
        let reading = "reading _rollback_migrations";
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
            .applied()
            .await
            .map_err(Error::database(reading))
    }

    /// The state of every migration of `set` and of the database.
    pub async fn status(&mut self, set: &MigrationSet) -> Result<Vec<MigrationStatus>> {
        let applied = self.applied().await?;
        Ok(state::statuses(set, &applied))
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
    pub async fn apply(
        &mut self,
        set: &MigrationSet,
        options: &ApplyOptions,
        progress: Progress<'_>,
    ) -> Result<Vec<Step>> {
        self.driver.lock().await?;
        let result = self.apply_locked(set, options, progress).await;
        self.release(result).await
    }

    /// Reverts the selected migrations, most recently applied first, each with
    /// the down stored at apply time or the one on disk (see [`DownChoice`]).
    /// Stops before an irreversible migration, with its reason.
    pub async fn revert(
        &mut self,
        set: &MigrationSet,
        options: &RevertOptions,
        progress: Progress<'_>,
    ) -> Result<Vec<Step>> {
        self.driver.lock().await?;
        let result = self.revert_locked(set, options, progress).await;
        self.release(result).await
    }

    /// What [`Session::revert`] would run with these options, read without
    /// the lock and changing nothing: the migrations up to the first
    /// irreversible one (where the rollback will stop), each with its down.
    /// Refuses as `revert` would for a dirty database or conflicting downs.
    pub async fn plan_revert(
        &mut self,
        set: &MigrationSet,
        options: &RevertOptions,
    ) -> Result<Vec<PlannedRevert>> {
        let applied = self.applied().await?;
        refuse_dirty(&applied)?;
        let mut plan = Vec::new();
        for row in state::select_reverts(set, &applied, &options.selection)? {
            let down = match resolve_down(set, row, options.down_choice) {
                Err(Error::Refused(Refusal::Irreversible { .. })) => break,
                down => down?,
            };
            plan.push(PlannedRevert {
                version: row.version.clone(),
                name: row.name.clone(),
                source: down.path.clone().unwrap_or_else(|| {
                    format!("the down stored in {}", crate::records::MIGRATIONS_TABLE)
                }),
                statements: split(&down.sql, self.dialect())
                    .into_iter()
                    .map(|statement| statement.sql.to_owned())
                    .collect(),
            });
        }
        Ok(plan)
    }

    /// Settles a dirty or modified migration after a human has looked at the
    /// schema, and logs the decision.
    pub async fn repair(
        &mut self,
        set: &MigrationSet,
        version: &Version,
        mode: RepairMode,
    ) -> Result<()> {
        self.driver.lock().await?;
        let result = self.repair_locked(set, version, mode).await;
        self.release(result).await
    }

    /// Closes the connection.
    pub async fn close(self) {
        self.driver.close().await;
    }

    async fn release<T>(&mut self, result: Result<T>) -> Result<T> {
        let unlocked = self.driver.unlock().await;
        let value = result?;
        unlocked?;
        Ok(value)
    }

    async fn apply_locked(
        &mut self,
        set: &MigrationSet,
        options: &ApplyOptions,
        progress: Progress<'_>,
    ) -> Result<Vec<Step>> {
        let applied = self.applied().await?;
        let pending = state::plan_apply(set, &applied, options.target.as_ref(), options.missing)?;
        // Only once the plan is accepted: a refused run leaves no trace.
        self.driver
            .tracking()
            .create()
            .await
            .map_err(Error::database("creating the tracking tables"))?;
        let mut steps = Vec::new();
        if options.missing == MissingPolicy::Revert {
            let unknown: Vec<AppliedMigration> =
                state::missing_rows(set, &applied).cloned().collect();
            for row in &unknown {
                let down = resolve_down(set, row, DownChoice::Stored)?;
                let step = self.revert_one(row, &down).await?;
                progress(&step);
                steps.push(step);
            }
        }
        for migration in pending {
            let step = self.apply_one(migration).await?;
            progress(&step);
            steps.push(step);
        }
        Ok(steps)
    }

    async fn revert_locked(
        &mut self,
        set: &MigrationSet,
        options: &RevertOptions,
        progress: Progress<'_>,
    ) -> Result<Vec<Step>> {
        let applied = self.applied().await?;
        refuse_dirty(&applied)?;
        let selected = state::select_reverts(set, &applied, &options.selection)?;
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
        for (row, down) in selected.into_iter().zip(downs) {
            let down = down?;
            let step = self.revert_one(row, &down).await?;
            progress(&step);
            steps.push(step);
        }
        Ok(steps)
    }

    async fn repair_locked(
        &mut self,
        set: &MigrationSet,
        version: &Version,
        mode: RepairMode,
    ) -> Result<()> {
        let applied = self.applied().await?;
        let row = state::find_applied(set, &applied, version)?;
        let started = Utc::now();
        let writing = "repairing _rollback_migrations";
        match mode {
            RepairMode::Pending => self
                .driver
                .tracking()
                .delete_applied(&row.version)
                .await
                .map_err(Error::database(writing))?,
            RepairMode::Applied => {
                let Some(migration) = set.find(version) else {
                    return Err(Error::NoFile {
                        migration: row.label(),
                    });
                };
                let mut repaired = AppliedMigration::for_migration(migration, row.applied_at);
                repaired.execution_ms = row.execution_ms;
                self.driver
                    .tracking()
                    .save_applied(&repaired)
                    .await
                    .map_err(Error::database(writing))?;
            }
        }
        self.audit(Operation::Repair, &row.version, &row.name, started, None)
            .await
    }

    async fn apply_one(&mut self, migration: &Migration) -> Result<Step> {
        let started = Utc::now();
        let timer = Instant::now();
        let no_transaction = migration.up().no_transaction();
        let mark_dirty = no_transaction || !self.driver.transactional_ddl();
        let mut row = AppliedMigration::for_migration(migration, started);
        let writing = "recording the migration";
        if mark_dirty {
            row.dirty = true;
            self.driver
                .tracking()
                .save_applied(&row)
                .await
                .map_err(Error::database(writing))?;
        }
        self.driver
            .begin_step(no_transaction)
            .await
            .map_err(Error::database("starting the migration's transaction"))?;
        let label = migration.to_string();
        let outcome = async {
            let script = ScriptRun {
                migration: &label,
                kind: "up",
                sql: migration.up().sql(),
                path: Some(migration.up_path()),
                first_line: migration.up().first_line(),
            };
            run_script(&mut *self.driver, &script).await?;
            row.dirty = false;
            row.execution_ms = elapsed_ms(timer);
            self.driver
                .tracking()
                .save_applied(&row)
                .await
                .map_err(Error::database(writing))
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
            )
            .await;
        if let Err(error) = &finished
            && mark_dirty
            && self.left_nothing(error, migration.up().sql(), no_transaction)
        {
            self.driver
                .tracking()
                .delete_applied(version)
                .await
                .map_err(Error::database(writing))?;
        }
        finished?;
        Ok(Step {
            operation: Operation::Apply,
            version: version.to_owned(),
            name: migration.name().to_owned(),
            execution_ms: row.execution_ms,
        })
    }

    async fn revert_one(&mut self, row: &AppliedMigration, down: &DownScript) -> Result<Step> {
        let no_transaction = down.no_transaction;
        let started = Utc::now();
        let timer = Instant::now();
        let writing = "updating _rollback_migrations";
        let mark_dirty = no_transaction || !self.driver.transactional_ddl();
        if mark_dirty {
            let mut dirty = row.clone();
            dirty.dirty = true;
            self.driver
                .tracking()
                .save_applied(&dirty)
                .await
                .map_err(Error::database(writing))?;
        }
        self.driver
            .begin_step(no_transaction)
            .await
            .map_err(Error::database("starting the migration's transaction"))?;
        let label = row.label();
        let outcome = async {
            let script = ScriptRun {
                migration: &label,
                kind: "down",
                sql: &down.sql,
                path: down.path.as_deref(),
                first_line: down.first_line,
            };
            run_script(&mut *self.driver, &script).await?;
            self.driver
                .tracking()
                .delete_applied(&row.version)
                .await
                .map_err(Error::database(writing))
        }
        .await;
        let finished = self
            .finish_step(
                Operation::Revert,
                &row.version,
                &row.name,
                no_transaction,
                started,
                outcome,
            )
            .await;
        if let Err(error) = &finished
            && mark_dirty
            && self.left_nothing(error, &down.sql, no_transaction)
        {
            self.driver
                .tracking()
                .save_applied(row)
                .await
                .map_err(Error::database(writing))?;
        }
        finished?;
        Ok(Step {
            operation: Operation::Revert,
            version: row.version.clone(),
            name: row.name.clone(),
            execution_ms: elapsed_ms(timer),
        })
    }

    /// Whether a step that failed with `error` left the database as it was,
    /// so that its dirty marker can go: the failing statement was the first,
    /// or it and everything before it were data statements, which the step's
    /// transaction rolled back. Anything else may have committed (MySQL
    /// commits before any DDL statement runs, even one that then fails; a
    /// no-transaction script commits as it goes), and the marker stays.
    fn left_nothing(&self, error: &Error, script: &str, no_transaction: bool) -> bool {
        let Error::Statement(failure) = error else {
            return false;
        };
        let statements = split(script, self.dialect());
        let (ran, failed) =
            statements.split_at(failure.index.saturating_sub(1).min(statements.len()));
        ran.is_empty()
            || (!no_transaction
                && ran
                    .iter()
                    .chain(failed.first())
                    .all(|statement| statement.is_data_statement()))
    }

    /// Commits or rolls back a step, then writes its audit row.
    async fn finish_step(
        &mut self,
        operation: Operation,
        version: &str,
        name: &str,
        no_transaction: bool,
        started: DateTime<Utc>,
        outcome: Result<()>,
    ) -> Result<()> {
        let outcome = match outcome {
            Ok(()) => self
                .driver
                .commit_step(no_transaction)
                .await
                .map_err(Error::database("committing the migration")),
            Err(error) => {
                // The step's own error is the one to report; a failed rollback
                // on top of it would only hide it.
                let _ = self.driver.rollback_step(no_transaction).await;
                Err(error)
            }
        };
        let message = outcome.as_ref().err().map(|error| display_chain(error));
        self.audit(operation, version, name, started, message)
            .await?;
        outcome
    }

    async fn audit(
        &mut self,
        operation: Operation,
        version: &str,
        name: &str,
        started_at: DateTime<Utc>,
        error: Option<String>,
    ) -> Result<()> {
        let entry = LogEntry {
            id: None,
            operation,
            version: version.to_owned(),
            name: name.to_owned(),
            started_at,
            finished_at: Utc::now(),
            outcome: if error.is_some() {
                Outcome::Failure
            } else {
                Outcome::Success
            },
            error,
            rows_backed_up: 0,
            actor: actor(),
        };
        self.driver
            .tracking()
            .insert_log(&entry)
            .await
            .map_err(Error::database("writing _rollback_log"))
    }
}

/// The URL a server pool's options stand for, for messages (never with a
/// password: the options hold it apart).
#[cfg(any(feature = "postgres", feature = "mysql"))]
fn server_url(scheme: &str, host: &str, database: Option<&str>) -> Result<DatabaseUrl> {
    DatabaseUrl::parse(&format!(
        "{scheme}://{host}/{}",
        database.unwrap_or_default()
    ))
}

fn elapsed_ms(timer: Instant) -> i64 {
    i64::try_from(timer.elapsed().as_millis()).unwrap_or(i64::MAX)
}
