//! How a connection is opened: the settings every backend applies in its own
//! way.

use std::time::Duration;

/// How to open a connection. Built with [`ConnectOptions::new`] and its
/// setters, so that a new setting is not a breaking change:
///
/// ```rust
/// use std::time::Duration;
/// let options = rollback_runtime::session::ConnectOptions::new()
///     .init_sql("PRAGMA foreign_keys = OFF".to_owned())
///     .lock_timeout(Duration::from_secs(5))
///     .statement_timeout(Duration::from_secs(30));
/// assert_eq!(options.lock_timeout, Duration::from_secs(5));
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
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

impl ConnectOptions {
    /// The defaults: no file created, no init SQL, a 60 s lock timeout, no
    /// statement timeout.
    pub fn new() -> ConnectOptions {
        ConnectOptions::default()
    }

    /// Whether a SQLite file that does not exist is created.
    pub fn create_if_missing(mut self, create: bool) -> Self {
        self.create_if_missing = create;
        self
    }

    /// SQL run on every connection before any migration; none when `None`.
    pub fn init_sql(mut self, sql: impl Into<Option<String>>) -> Self {
        self.init_sql = sql.into();
        self
    }

    /// How long to wait for another run's lock and for a lock a statement
    /// needs.
    pub fn lock_timeout(mut self, timeout: Duration) -> Self {
        self.lock_timeout = timeout;
        self
    }

    /// How long one statement may run; no limit when `None`.
    pub fn statement_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.statement_timeout = timeout.into();
        self
    }
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
