//! One small trait over the databases: the engine in `session.rs` speaks only
//! to it, and each backend is one file.

#[cfg(feature = "sqlite")]
pub(crate) mod sqlite;

use std::time::Duration;

use async_trait::async_trait;
use rollback_core::sql::Dialect;

use crate::error::{Error, Result};
use crate::records::{AppliedMigration, LogEntry};
use crate::url::DatabaseUrl;

/// How to open a connection.
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    /// Create a SQLite file that does not exist (only `up` does).
    pub create_if_missing: bool,
    /// SQL run on every connection before any migration (`PRAGMA foreign_keys = OFF`, …).
    pub init_sql: Option<String>,
    /// How long to wait for another run's lock.
    pub lock_timeout: Duration,
}

impl Default for ConnectOptions {
    fn default() -> ConnectOptions {
        ConnectOptions {
            create_if_missing: false,
            init_sql: None,
            lock_timeout: Duration::from_secs(60),
        }
    }
}

/// A connection to one database, with the tracking tables behind it.
///
/// A run goes `lock`, then for each migration `begin_step` … `commit_step`
/// (or `rollback_step`), then `unlock`, on every exit path.
#[async_trait]
pub(crate) trait Driver: Send {
    fn dialect(&self) -> Dialect;

    /// Whether DDL rolls back with its transaction. Where it does not (MySQL),
    /// a migration is recorded dirty before it runs and clean after.
    fn transactional_ddl(&self) -> bool;

    /// Takes the exclusive migration lock, waiting at most the lock timeout.
    async fn lock(&mut self) -> Result<()>;

    /// Releases the lock, keeping what the run committed.
    async fn unlock(&mut self) -> Result<()>;

    /// Opens the unit of one migration: a transaction, or for a
    /// no-transaction script, whatever lets it run outside one.
    async fn begin_step(&mut self, no_transaction: bool) -> Result<(), sqlx::Error>;

    async fn commit_step(&mut self, no_transaction: bool) -> Result<(), sqlx::Error>;

    async fn rollback_step(&mut self, no_transaction: bool) -> Result<(), sqlx::Error>;

    /// Runs one statement of a migration script.
    async fn execute(&mut self, statement: &str) -> Result<(), sqlx::Error>;

    async fn tracking_exists(&mut self) -> Result<bool, sqlx::Error>;

    async fn create_tracking(&mut self) -> Result<(), sqlx::Error>;

    async fn applied(&mut self) -> Result<Vec<AppliedMigration>, sqlx::Error>;

    /// Inserts or replaces the row of `row.version`.
    async fn save_applied(&mut self, row: &AppliedMigration) -> Result<(), sqlx::Error>;

    async fn delete_applied(&mut self, version: &str) -> Result<(), sqlx::Error>;

    async fn insert_log(&mut self, entry: &LogEntry) -> Result<(), sqlx::Error>;

    /// The newest `limit` log rows, oldest first.
    async fn log(&mut self, limit: u32) -> Result<Vec<LogEntry>, sqlx::Error>;

    async fn close(self: Box<Self>);
}

/// Opens a connection for `url`.
pub(crate) async fn connect(
    url: &DatabaseUrl,
    options: &ConnectOptions,
) -> Result<Box<dyn Driver>> {
    match url.dialect() {
        #[cfg(feature = "sqlite")]
        Dialect::Sqlite => Ok(Box::new(sqlite::SqliteDriver::connect(url, options).await?)),
        dialect => Err(Error::InvalidUrl {
            url: url.masked(),
            reason: format!(
                "{} is not supported yet: this version migrates SQLite databases only",
                dialect.as_str()
            ),
        }),
    }
}

/// Runs the configured `init-sql` (several statements allowed) on a new connection.
pub(crate) fn init_sql_error(url: &DatabaseUrl) -> impl FnOnce(sqlx::Error) -> Error + '_ {
    move |source| Error::InitSql {
        url: url.masked(),
        source,
    }
}
