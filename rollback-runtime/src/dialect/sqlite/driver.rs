//! SQLite: the embedded default.
//!
//! The lock is the database's own write lock: a run opens `BEGIN IMMEDIATE`
//! (waiting up to the lock timeout as SQLite's busy timeout) and holds it until
//! `unlock` commits. Each migration is a `SAVEPOINT` inside it, so a failing one
//! rolls back to where it began while the migrations before it stay, and a run
//! killed half-way leaves the file as it was before the run. A no-transaction
//! script (`VACUUM`, `PRAGMA journal_mode`) commits the run so far, runs outside
//! any transaction, and takes the lock again; its row is recorded dirty first,
//! so a crash in between is visible.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use rollback_core::sql::Dialect;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{AssertSqlSafe, Connection, Sqlite};

use crate::dialect::backup_tables::BackupTables;
use crate::dialect::catalog::Catalog;
use crate::dialect::connection::{MigrationConnection, connect_options};
use crate::dialect::driver::Driver;
use crate::dialect::driver::lock_error;
use crate::dialect::options::ConnectOptions;
use crate::dialect::tracking::TrackingTables;
use crate::error::Limit;
use crate::error::{Error, Result};
use crate::url::DatabaseUrl;

/// SQLite's `SQLITE_BUSY`: the lock wait ran out.
const SQLITE_BUSY: &str = "5";

/// SQLite's `SQLITE_INTERRUPT`: the progress handler stopped a statement.
const SQLITE_INTERRUPT: &str = "9";

/// How many virtual-machine steps SQLite runs between two looks at the
/// statement's deadline: often enough to stop within milliseconds, rarely
/// enough to cost nothing measurable.
const DEADLINE_CHECK_STEPS: i32 = 10_000;

pub(crate) struct SqliteDriver {
    conn: MigrationConnection<Sqlite>,
    /// How the connection was opened: a snapshot opens a second one alike.
    connect_options: SqliteConnectOptions,
    lock_timeout: Duration,
    statement_timeout: Option<Duration>,
    deadline: Arc<Deadline>,
    /// Whether the run's `BEGIN IMMEDIATE` is open (it is closed around a
    /// no-transaction script).
    in_transaction: bool,
    /// Whether `unlock` rolls the run back instead of committing it.
    rehearsing: bool,
}

/// When the running statement must stop: SQLite has no statement timeout of
/// its own, so a progress handler compares the clock with this and
/// interrupts the statement once it is past.
struct Deadline {
    start: Instant,
    /// Nanoseconds after `start`; 0 while no statement runs.
    at: AtomicU64,
}

impl Deadline {
    fn new() -> Deadline {
        Deadline {
            start: Instant::now(),
            at: AtomicU64::new(0),
        }
    }

    fn set(&self, timeout: Option<Duration>) {
        let at = timeout.map_or(0, |timeout| {
            let at = self.start.elapsed() + timeout;
            u64::try_from(at.as_nanos()).unwrap_or(u64::MAX).max(1)
        });
        self.at.store(at, Ordering::Relaxed);
    }

    fn passed(&self) -> bool {
        let at = self.at.load(Ordering::Relaxed);
        at != 0 && u64::try_from(self.start.elapsed().as_nanos()).unwrap_or(u64::MAX) > at
    }
}

impl SqliteDriver {
    pub(crate) async fn connect(
        url: &DatabaseUrl,
        options: &ConnectOptions,
    ) -> Result<SqliteDriver> {
        let connect_options: SqliteConnectOptions = connect_options(url)?;
        let in_memory = url.expose().contains(":memory:") || url.expose().contains("mode=memory");
        let file = connect_options.get_filename().to_owned();
        if !options.create_if_missing && !in_memory && !file.exists() {
            return Err(Error::DatabaseMissing {
                path: file.display().to_string(),
            });
        }
        if options.create_if_missing && !in_memory {
            create_parent(&file);
        }
        SqliteDriver::open(
            connect_options.create_if_missing(options.create_if_missing),
            url,
            options,
        )
        .await
    }

    /// Opens a dedicated connection with an application's pool options.
    pub(crate) async fn open(
        connect_options: SqliteConnectOptions,
        url: &DatabaseUrl,
        options: &ConnectOptions,
    ) -> Result<SqliteDriver> {
        let connect_options = connect_options.busy_timeout(options.lock_timeout);
        // Opening is lazy: read the header now, so that a file that is not a
        // database is reported as the bad input it is.
        let conn = MigrationConnection::open(
            &connect_options,
            "PRAGMA schema_version",
            url,
            options,
            &super::statements::SQL,
        )
        .await?;
        let deadline = Arc::new(Deadline::new());
        let mut driver = SqliteDriver {
            conn,
            connect_options: connect_options.clone(),
            lock_timeout: options.lock_timeout,
            statement_timeout: options.statement_timeout,
            deadline: deadline.clone(),
            in_transaction: false,
            rehearsing: false,
        };
        if options.statement_timeout.is_some() {
            let mut handle =
                driver
                    .conn
                    .conn
                    .lock_handle()
                    .await
                    .map_err(|source| Error::Connect {
                        url: url.masked(),
                        source,
                    })?;
            handle.set_progress_handler(DEADLINE_CHECK_STEPS, move || !deadline.passed());
        }
        Ok(driver)
    }

    async fn begin_immediate(&mut self) -> Result<(), sqlx::Error> {
        self.conn.execute("BEGIN IMMEDIATE").await?;
        self.in_transaction = true;
        Ok(())
    }

    async fn commit(&mut self) -> Result<(), sqlx::Error> {
        self.in_transaction = false;
        self.conn.execute("COMMIT").await
    }
}

/// SQLite creates the file, not its folder: `sqlite:data/app.db` in a fresh
/// checkout should work as well.
fn create_parent(file: &Path) {
    if let Some(parent) = file
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
    {
        // If this fails, connecting fails next with SQLite's own message.
        let _ = std::fs::create_dir_all(parent);
    }
}

#[async_trait]
impl Driver for SqliteDriver {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn transactional_ddl(&self) -> bool {
        true
    }

    async fn lock(&mut self) -> Result<()> {
        self.begin_immediate()
            .await
            .map_err(|error| lock_error(error, SQLITE_BUSY, self.lock_timeout))
    }

    async fn unlock(&mut self) -> Result<()> {
        if !self.in_transaction {
            return Ok(());
        }
        if self.rehearsing {
            self.rehearsing = false;
            self.in_transaction = false;
            return self
                .conn
                .execute("ROLLBACK")
                .await
                .map_err(Error::database("rolling the rehearsal back"));
        }
        if let Err(source) = self.commit().await {
            let _ = self.conn.execute("ROLLBACK").await;
            return Err(Error::Database {
                action: "committing the run",
                source,
            });
        }
        Ok(())
    }

    async fn begin_rehearsal(&mut self) -> Result<bool, sqlx::Error> {
        // The run is one transaction already: it only has to end differently.
        self.rehearsing = true;
        Ok(true)
    }

    async fn begin_step(&mut self, no_transaction: bool) -> Result<(), sqlx::Error> {
        if no_transaction {
            self.commit().await
        } else {
            self.conn.execute("SAVEPOINT _rollback_step").await
        }
    }

    async fn commit_step(&mut self, no_transaction: bool) -> Result<(), sqlx::Error> {
        if no_transaction {
            self.begin_immediate().await
        } else {
            self.conn.execute("RELEASE _rollback_step").await
        }
    }

    async fn rollback_step(&mut self, no_transaction: bool) -> Result<(), sqlx::Error> {
        if no_transaction {
            self.begin_immediate().await
        } else {
            self.conn.execute("ROLLBACK TO _rollback_step").await?;
            self.conn.execute("RELEASE _rollback_step").await
        }
    }

    /// `VACUUM INTO` cannot run inside the run's transaction, so a second
    /// connection writes the file; it reads what is committed, which before
    /// the first step is the database as the run found it (the run's write
    /// lock keeps every other writer out meanwhile).
    async fn snapshot(&mut self, path: &Path) -> Result<bool, sqlx::Error> {
        let mut reader = SqliteConnection::connect_with(&self.connect_options).await?;
        let into = path.display().to_string().replace('\'', "''");
        let result = sqlx::raw_sql(AssertSqlSafe(format!("VACUUM INTO '{into}'")))
            .execute(&mut reader)
            .await;
        let _ = reader.close().await;
        result.map(|_| true)
    }

    async fn execute(&mut self, statement: &str) -> Result<(), sqlx::Error> {
        self.execute_counting(statement).await.map(drop)
    }

    async fn execute_counting(&mut self, statement: &str) -> Result<u64, sqlx::Error> {
        self.deadline.set(self.statement_timeout);
        let result = sqlx::raw_sql(AssertSqlSafe(statement.to_owned()))
            .execute(&mut self.conn.conn)
            .await;
        self.deadline.set(None);
        Ok(result?.rows_affected())
    }

    fn cancelled_by(&self, error: &sqlx::Error) -> Option<Limit> {
        match error.as_database_error()?.code()?.as_ref() {
            SQLITE_INTERRUPT => self.statement_timeout.map(Limit::Statement),
            SQLITE_BUSY => Some(Limit::Lock(self.lock_timeout)),
            _ => None,
        }
    }

    fn tracking(&mut self) -> &mut dyn TrackingTables {
        &mut self.conn
    }

    fn catalog(&mut self) -> &mut dyn Catalog {
        &mut self.conn
    }

    fn backups(&mut self) -> &mut dyn BackupTables {
        &mut self.conn
    }

    async fn close(self: Box<Self>) {
        self.conn.close().await;
    }
}
