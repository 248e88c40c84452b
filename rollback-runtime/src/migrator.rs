//! What an application holds: its migrations, embedded at compile time, and a
//! way to apply them to its pool at startup, or to revert them from code.

use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::time::Duration;

use rollback_core::{LoadOptions, Migration, MigrationSet, Version};

use crate::adopt::{AdoptFrom, AdoptOptions, adopt};
use crate::dialect::ConnectOptions;
use crate::error::Result;
use crate::session::{ApplyOptions, RevertOptions, Session, Step};
use crate::state::{DownChoice, MissingPolicy, Selection};
use crate::target::Target;
use crate::verify::VerifyOptions;

/// A set of migrations an application carries.
///
/// ```rust,no_run
/// static MIGRATOR: rollback_runtime::Migrator =
///     rollback_runtime::embed_migrations!("../examples/shop/migrations");
///
/// # async fn start() -> Result<(), Box<dyn std::error::Error>> {
/// let pool = sqlx::SqlitePool::connect("sqlite:app.db").await?;
/// MIGRATOR.run(&pool).await?; // the application's sqlx pool
/// MIGRATOR.run("sqlite:app.db").await?; // or a URL
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct Migrator {
    set: MigrationSet,
}

impl Migrator {
    /// Wraps the set written by `embed_migrations!`.
    #[doc(hidden)]
    pub const fn __embedded(set: MigrationSet) -> Migrator {
        Migrator { set }
    }

    /// Reads a folder at run time, with the same rules as the macro.
    pub fn from_folder(dir: &Path, options: &LoadOptions) -> Result<Migrator> {
        let loaded = rollback_core::load(dir, options)?;
        Ok(Migrator {
            set: loaded.migrations,
        })
    }

    /// The migrations, oldest version first.
    pub fn migrations(&self) -> &MigrationSet {
        &self.set
    }

    /// Each migration, oldest version first: what the binary carries, to
    /// list or check without a database.
    ///
    /// ```rust
    /// # let dir = tempfile::tempdir()?;
    /// # std::fs::write(dir.path().join("1_users.up.sql"), "CREATE TABLE users (id INTEGER);")?;
    /// # std::fs::write(dir.path().join("1_users.down.sql"), "DROP TABLE users;")?;
    /// # let migrator = rollback_runtime::Migrator::from_folder(dir.path(), &Default::default())?;
    /// for migration in migrator.iter() {
    ///     println!("{} {}", migration.version(), migration.name());
    /// }
    /// assert!(migrator.version_exists(&rollback_runtime::migration::Version::parse("1").unwrap()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn iter(&self) -> std::slice::Iter<'_, Migration> {
        self.set.migrations().iter()
    }

    /// Whether this binary has a migration of `version`: before reverting
    /// to it, say.
    pub fn version_exists(&self, version: &Version) -> bool {
        self.set.find(version).is_some()
    }

    /// Applies every pending migration to the database at `url`, creating a
    /// SQLite file if needed. Safe to call from several processes at once:
    /// they take turns on the migration lock and each migration runs once.
    /// With nothing to apply, the run reads the applied set and returns
    /// without waiting for the lock another instance may hold.
    pub async fn run(&self, target: impl Into<Target<'_>>) -> Result<Vec<Step>> {
        self.runner().run(target).await
    }

    /// A run with options: init SQL, lock timeout, what to do with unknown
    /// applied migrations; and the way to revert ([`Runner::revert`]).
    pub fn runner(&self) -> Runner<'_> {
        Runner {
            migrator: self,
            connect: ConnectOptions::new().create_if_missing(true),
            missing: MissingPolicy::default(),
            backup: true,
            backup_database: None,
            backup_retention: None,
            down_choice: DownChoice::default(),
            adopt: None,
        }
    }
}

impl AsRef<MigrationSet> for Migrator {
    fn as_ref(&self) -> &MigrationSet {
        &self.set
    }
}

impl<'m> IntoIterator for &'m Migrator {
    type Item = &'m Migration;
    type IntoIter = std::slice::Iter<'m, Migration>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// A configured run of a [`Migrator`] (see [`Migrator::runner`]).
#[derive(Debug, Clone)]
#[must_use = "a runner does nothing until `run` or `revert` is awaited"]
pub struct Runner<'m> {
    migrator: &'m Migrator,
    connect: ConnectOptions,
    missing: MissingPolicy,
    backup: bool,
    backup_database: Option<String>,
    backup_retention: Option<Duration>,
    down_choice: DownChoice,
    adopt: Option<AdoptFrom>,
}

/// What a [`Runner`] does once connected.
enum Work {
    Apply,
    Revert(Selection),
    /// A dirty migration, and the statement to start at if not the one it reached.
    Resume(Version, Option<i64>),
}

impl Runner<'_> {
    /// SQL run on the migration connection before any migration, such as
    /// `PRAGMA foreign_keys = OFF` or `SET FOREIGN_KEY_CHECKS = 0`.
    pub fn init_sql(mut self, sql: impl Into<String>) -> Self {
        self.connect.init_sql = Some(sql.into());
        self
    }

    /// How long to wait for another process's run (default 60 s).
    pub fn lock_timeout(mut self, timeout: Duration) -> Self {
        self.connect.lock_timeout = timeout;
        self
    }

    /// How long one statement may run before the database cancels it
    /// ([`Error::Cancelled`](crate::Error::Cancelled)); no limit by default.
    pub fn statement_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.connect.statement_timeout = timeout.into();
        self
    }

    /// What to do when the database holds migrations this binary does not
    /// know (an older binary after a newer one ran).
    pub fn on_missing(mut self, policy: MissingPolicy) -> Self {
        self.missing = policy;
        self
    }

    /// For [`Runner::revert`]: whether the data each down destroys is copied
    /// first, inside the database (on by default; the copies are listed by
    /// [`Session::backups`] and put back by [`Session::restore`]).
    pub fn backup(mut self, backup: bool) -> Self {
        self.backup = backup;
        self
    }

    /// For [`Runner::revert`] on MySQL and MariaDB: the database the copies
    /// go to (created if missing), so that users with `SELECT` on the
    /// application's database cannot read its backups. Elsewhere the revert
    /// refuses it ([`Error::BackupDatabase`](crate::Error::BackupDatabase)):
    /// PostgreSQL keeps copies in a schema only its owner may use.
    pub fn backup_database(mut self, database: impl Into<String>) -> Self {
        self.backup_database = Some(database.into());
        self
    }

    /// For [`Runner::revert`]: after the rollback, delete backups older than
    /// `retention` (by default they are kept until pruned).
    pub fn backup_retention(mut self, retention: Duration) -> Self {
        self.backup_retention = Some(retention);
        self
    }

    /// For [`Runner::revert`]: which down runs when the file this binary
    /// carries and the copy stored at apply time differ (by default the
    /// revert refuses).
    pub fn down_choice(mut self, choice: DownChoice) -> Self {
        self.down_choice = choice;
        self
    }

    /// For [`Runner::run`]: first adopt what `tool` applied to the
    /// database, for an application that switches to cargo-rollback from
    /// `sqlx::migrate!()`, diesel's `embed_migrations!` or another tool.
    /// The first start records the migrations that tool applied, under the
    /// migration lock, after the same checks as `cargo rollback adopt`
    /// (refused with [`Refusal::Adoption`](crate::error::Refusal::Adoption),
    /// changing nothing, on a failed or dirty record, a version the binary
    /// lacks, a changed up, or a schema that differs from a replay of the
    /// migrations); later starts find them recorded and read two tables
    /// more than a plain run. The tool's own table is never written.
    ///
    /// ```rust,no_run
    /// use rollback_runtime::AdoptFrom;
    /// static MIGRATOR: rollback_runtime::Migrator =
    ///     rollback_runtime::embed_migrations!("../examples/shop/migrations");
    ///
    /// # async fn start() -> rollback_runtime::Result<()> {
    /// // Was: sqlx::migrate!().run(&pool).await?;
    /// MIGRATOR.runner().adopt(AdoptFrom::Sqlx).run("postgres://localhost/app").await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn adopt(mut self, tool: AdoptFrom) -> Self {
        self.adopt = Some(tool);
        self
    }

    /// Applies every pending migration on a dedicated connection (never one
    /// of the application's pool, so the lock and any init SQL stay off the
    /// pool), and closes it.
    pub async fn run(self, target: impl Into<Target<'_>>) -> Result<Vec<Step>> {
        self.run_target(target.into(), Work::Apply).await
    }

    /// Reverts the `selection` under the migration lock, most recently
    /// applied first, as `cargo rollback` does: each down is the file this
    /// binary carries or, for a migration it lacks, the copy stored at apply
    /// time; the data each down destroys is backed up first (see
    /// [`Runner::backup`]). Returns the steps that ran.
    ///
    /// The call is the confirmation: a library cannot ask anyone, so nothing
    /// prompts, and the backups (on unless turned off) are what makes a
    /// mistaken rollback recoverable. Safety checks still refuse, changing
    /// nothing, with [`ErrorKind::Refused`](crate::ErrorKind::Refused): a
    /// dirty database, a down that differs from the stored one (see
    /// [`Runner::down_choice`]), a single version with newer ones applied.
    /// An irreversible migration stops the rollback before it, with
    /// [`Refusal::Irreversible`](crate::error::Refusal::Irreversible): the newer
    /// ones before it are reverted, and [`Session::status`] shows where
    /// things stand.
    ///
    /// ```rust,no_run
    /// use rollback_runtime::migration::Version;
    /// use rollback_runtime::{Migrator, Selection};
    /// # async fn revert(migrator: &Migrator) -> rollback_runtime::Result<()> {
    /// let url = "sqlite:app.db"; // or the application's pool
    /// // The two most recently applied migrations.
    /// migrator.runner().revert(url, Selection::Last(2)).await?;
    /// // Everything newer than version 20260112093000, which stays applied.
    /// let to = Version::parse("20260112093000").expect("a version");
    /// migrator.runner().revert(url, Selection::To(to)).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn revert(
        self,
        target: impl Into<Target<'_>>,
        selection: Selection,
    ) -> Result<Vec<Step>> {
        self.run_target(target.into(), Work::Revert(selection))
            .await
    }

    /// Runs the rest of dirty migration `version`'s script from the
    /// statement it reached, then records it as applied (a dirty up) or
    /// reverted (a dirty down): the way out of a run that stopped part-way
    /// outside a transaction, once what stopped it is fixed. `from` starts
    /// at another statement instead (1-based), for when a person has seen
    /// that the one it reached did take effect. Returns the step, as the
    /// only element. Errors: [`Error::NotDirty`](crate::Error::NotDirty)
    /// when it is not dirty; refusals when its progress was not recorded or
    /// its script changed since.
    ///
    /// ```rust,no_run
    /// use rollback_runtime::migration::Version;
    /// use rollback_runtime::Migrator;
    /// # async fn resume(migrator: &Migrator) -> rollback_runtime::Result<()> {
    /// let version = Version::parse("20260112093000").expect("a version");
    /// migrator.runner().resume("mysql://app@db/app", version, None).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn resume(
        self,
        target: impl Into<Target<'_>>,
        version: Version,
        from: Option<i64>,
    ) -> Result<Vec<Step>> {
        self.run_target(target.into(), Work::Resume(version, from))
            .await
    }

    /// The run behind [`Runner::run`], [`Runner::revert`] and
    /// [`Runner::resume`], its future
    /// boxed. `run` is generic, so it is compiled in the application's crate,
    /// and so is every future it holds and the drop code of each; unboxed,
    /// that pulled the engine's futures and the sqlx code under them (all
    /// three drivers) into the application's build: most of what
    /// `embed_migrations!` cost there (`-Z time-passes`: LLVM, not the macro;
    /// docs/BENCHMARKS.md). Behind the box they are compiled once, here. One
    /// allocation per run.
    #[inline(never)]
    fn run_target<'a>(self, target: Target<'a>, work: Work) -> BoxFuture<'a, Result<Vec<Step>>>
    where
        Self: 'a,
    {
        Box::pin(async move {
            let mut session = Session::open(target, &self.connect).await?;
            let set = &self.migrator.set;
            let result = match work {
                Work::Apply => {
                    let options = ApplyOptions::new().missing(self.missing);
                    match self.adopt {
                        Some(tool) => {
                            let adopting = AdoptOptions::new().from(tool).replay(
                                VerifyOptions::new()
                                    .init_sql(self.connect.init_sql.clone())
                                    .statement_timeout(self.connect.statement_timeout),
                            );
                            match adopt(&mut session, set, &adopting).await {
                                Ok(_) => session.apply(set, &options, &mut |_| {}).await,
                                Err(error) => Err(error),
                            }
                        }
                        None => session.apply(set, &options, &mut |_| {}).await,
                    }
                }
                Work::Revert(selection) => {
                    let options = RevertOptions::new(selection)
                        .backup(self.backup)
                        .backup_database(self.backup_database)
                        .backup_retention(self.backup_retention)
                        .down_choice(self.down_choice);
                    session.revert(set, &options, &mut |_| {}).await
                }
                Work::Resume(version, from) => session
                    .resume(set, &version, from, &mut |_| {})
                    .await
                    .map(|step| vec![step]),
            };
            session.close().await;
            result
        })
    }
}

/// A boxed, sendable future: what crosses into the application's crate.
type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;
