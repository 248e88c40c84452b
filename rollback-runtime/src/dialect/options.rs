//! How a connection is opened: the settings every backend applies in its own
//! way.

use std::time::Duration;

/// How to open a connection.
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    /// Create a SQLite file that does not exist (only `up` does).
    pub create_if_missing: bool,
    /// SQL run on every connection before any migration (`PRAGMA foreign_keys = OFF`, …).
    pub init_sql: Option<String>,
    /// How long to wait for another run's lock, and for a lock a statement
    /// needs (a table an application holds).
    pub lock_timeout: Duration,
    /// How long one statement may run before the database cancels it; no
    /// limit when `None`.
    pub statement_timeout: Option<Duration>,
}

impl Default for ConnectOptions {
    fn default() -> ConnectOptions {
        ConnectOptions {
            create_if_missing: false,
            init_sql: None,
            lock_timeout: Duration::from_secs(60),
            statement_timeout: None,
        }
    }
}
