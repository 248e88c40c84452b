//! What an application holds: its migrations, embedded at compile time, and a
//! way to apply them to its pool at startup.

use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::time::Duration;

use rollback_core::{LoadOptions, MigrationSet};

use crate::driver::ConnectOptions;
use crate::error::Result;
use crate::session::{ApplyOptions, Session, Step};
use crate::state::MissingPolicy;

/// A set of migrations an application carries.
///
/// ```text
/// static MIGRATOR: rollback_runtime::Migrator = rollback_runtime::embed_migrations!("migrations");
///
/// MIGRATOR.run(&pool).await?;           // the application's sqlx pool
/// MIGRATOR.run("sqlite:app.db").await?; // or a URL
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

    /// Applies every pending migration to the database at `url`, creating a
    /// SQLite file if needed. Safe to call from several processes at once:
    /// they take turns on the migration lock and each migration runs once.
    /// With nothing to apply, the run reads the applied set and returns
    /// without waiting for the lock another instance may hold.
    pub async fn run(&self, target: impl Into<Target<'_>>) -> Result<Vec<Step>> {
        self.runner().run(target).await
    }

    /// A run with options: init SQL, lock timeout, what to do with unknown
    /// applied migrations.
    pub fn runner(&self) -> Runner<'_> {
        Runner {
            migrator: self,
            connect: ConnectOptions::new().create_if_missing(true),
            missing: MissingPolicy::default(),
        }
    }
}

/// A configured run of a [`Migrator`] (see [`Migrator::runner`]).
#[derive(Debug, Clone)]
#[must_use = "a runner does nothing until `run` is awaited"]
pub struct Runner<'m> {
    migrator: &'m Migrator,
    connect: ConnectOptions,
    missing: MissingPolicy,
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

    /// What to do when the database holds migrations this binary does not
    /// know (an older binary after a newer one ran).
    pub fn on_missing(mut self, policy: MissingPolicy) -> Self {
        self.missing = policy;
        self
    }

    /// Applies every pending migration on a dedicated connection (never one
    /// of the application's pool, so the lock and any init SQL stay off the
    /// pool), and closes it.
    pub async fn run(self, target: impl Into<Target<'_>>) -> Result<Vec<Step>> {
        self.run_target(target.into()).await
    }

    /// The run behind [`Runner::run`], its future boxed. `run` is generic, so
    /// it is compiled in the application's crate, and so is every future it
    /// holds and the drop code of each; unboxed, that pulled the engine's
    /// futures and the sqlx code under them (all three drivers) into the
    /// application's build: most of what `embed_migrations!` cost there
    /// (`-Z time-passes`: LLVM, not the macro; docs/BENCHMARKS.md). Behind
    /// the box they are compiled once, here. One allocation per run.
    #[inline(never)]
    fn run_target<'a>(self, target: Target<'a>) -> BoxFuture<'a, Result<Vec<Step>>>
    where
        Self: 'a,
    {
        Box::pin(async move {
            let mut session = Session::open(target, &self.connect).await?;
            let options = ApplyOptions {
                target: None,
                missing: self.missing,
                dry_run: false,
            };
            let result = session
                .apply(&self.migrator.set, &options, &mut |_| {})
                .await;
            session.close().await;
            result
        })
    }
}

/// A boxed, sendable future: what crosses into the application's crate.
type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Where a [`Migrator`] runs: a database URL, or an application's pool.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Target<'a> {
    /// `sqlite:app.db`, `postgres://…`, `mysql://…`.
    Url(&'a str),
    /// The database of a SQLite pool.
    #[cfg(feature = "sqlite")]
    Sqlite(&'a sqlx::SqlitePool),
    /// The database of a PostgreSQL pool.
    #[cfg(feature = "postgres")]
    Postgres(&'a sqlx::PgPool),
    /// The database of a MySQL or MariaDB pool.
    #[cfg(feature = "mysql")]
    MySql(&'a sqlx::MySqlPool),
}

impl<'a> From<&'a str> for Target<'a> {
    fn from(url: &'a str) -> Target<'a> {
        Target::Url(url)
    }
}

impl<'a> From<&'a String> for Target<'a> {
    fn from(url: &'a String) -> Target<'a> {
        Target::Url(url)
    }
}

#[cfg(feature = "sqlite")]
impl<'a> From<&'a sqlx::SqlitePool> for Target<'a> {
    fn from(pool: &'a sqlx::SqlitePool) -> Target<'a> {
        Target::Sqlite(pool)
    }
}

#[cfg(feature = "postgres")]
impl<'a> From<&'a sqlx::PgPool> for Target<'a> {
    fn from(pool: &'a sqlx::PgPool) -> Target<'a> {
        Target::Postgres(pool)
    }
}

#[cfg(feature = "mysql")]
impl<'a> From<&'a sqlx::MySqlPool> for Target<'a> {
    fn from(pool: &'a sqlx::MySqlPool) -> Target<'a> {
        Target::MySql(pool)
    }
}
