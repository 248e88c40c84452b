//! One small trait over the databases: the engine in `session.rs` speaks only
//! to it, and each backend is one file.

mod connection;
#[cfg(feature = "mysql")]
pub(crate) mod mysql;
#[cfg(feature = "postgres")]
pub(crate) mod postgres;
#[cfg(feature = "sqlite")]
pub(crate) mod sqlite;

use std::time::Duration;

use async_trait::async_trait;
use rollback_core::sql::Dialect;

use crate::error::{Error, Result};
use crate::url::DatabaseUrl;
pub(crate) use connection::TrackingTables;

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
    /// no-transaction script, whatever lets it run outside one (by default,
    /// nothing: the connection is in autocommit between steps).
    async fn begin_step(&mut self, no_transaction: bool) -> Result<(), sqlx::Error> {
        if no_transaction {
            Ok(())
        } else {
            self.execute("BEGIN").await
        }
    }

    async fn commit_step(&mut self, no_transaction: bool) -> Result<(), sqlx::Error> {
        if no_transaction {
            Ok(())
        } else {
            self.execute("COMMIT").await
        }
    }

    async fn rollback_step(&mut self, no_transaction: bool) -> Result<(), sqlx::Error> {
        if no_transaction {
            Ok(())
        } else {
            self.execute("ROLLBACK").await
        }
    }

    /// Runs one statement of a migration script.
    async fn execute(&mut self, statement: &str) -> Result<(), sqlx::Error>;

    /// The tracking tables, on the same connection.
    fn tracking(&mut self) -> &mut dyn TrackingTables;

    async fn close(self: Box<Self>);
}

/// Opens a connection for `url`.
pub(crate) async fn connect(
    url: &DatabaseUrl,
    #[cfg_attr(
        not(any(feature = "sqlite", feature = "postgres", feature = "mysql")),
        expect(unused_variables, reason = "no database to connect to")
    )]
    options: &ConnectOptions,
) -> Result<Box<dyn Driver>> {
    match url.dialect() {
        #[cfg(feature = "sqlite")]
        Dialect::Sqlite => Ok(Box::new(sqlite::SqliteDriver::connect(url, options).await?)),
        #[cfg(feature = "postgres")]
        Dialect::Postgres => Ok(Box::new(
            postgres::PostgresDriver::connect(url, options).await?,
        )),
        #[cfg(feature = "mysql")]
        Dialect::MySql => Ok(Box::new(mysql::MySqlDriver::connect(url, options).await?)),
        #[allow(
            unreachable_patterns,
            reason = "reachable when a database feature is off"
        )]
        dialect => Err(Error::InvalidUrl {
            url: url.masked(),
            reason: format!(
                "this build of rollback-runtime has no {} support: enable its `{}` feature",
                dialect.as_str(),
                match dialect {
                    Dialect::Sqlite => "sqlite",
                    Dialect::Postgres => "postgres",
                    Dialect::MySql => "mysql",
                }
            ),
        }),
    }
}

/// The error of a lock wait: a timeout when the database's error `code` is
/// the one it gives for that, else a database failure.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) fn lock_error(error: sqlx::Error, timeout_code: &str, waited: Duration) -> Error {
    let timed_out = error
        .as_database_error()
        .and_then(|database| database.code())
        .is_some_and(|code| code == timeout_code);
    if timed_out {
        Error::LockTimeout { waited }
    } else {
        Error::database("taking the migration lock")(error)
    }
}
