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

use async_trait::async_trait;
use rollback_core::sql::Dialect;
use sqlx::Sqlite;
use sqlx::sqlite::SqliteConnectOptions;

use super::connection::{
    INSERT_LOG_QUESTION_MARKS, MigrationConnection, SELECT_APPLIED, TrackingSql, TrackingTables,
    connect_options,
};
use super::{ConnectOptions, Driver, lock_error};
use crate::error::{Error, Result};
use crate::url::DatabaseUrl;

static TRACKING: TrackingSql = TrackingSql {
    create: "CREATE TABLE IF NOT EXISTS _rollback_migrations (
            version TEXT PRIMARY KEY NOT NULL,
            name TEXT NOT NULL,
            checksum_algorithm TEXT NOT NULL,
            up_checksum TEXT NOT NULL,
            down_checksum TEXT NOT NULL,
            down_sql TEXT NOT NULL,
            applied_at TEXT NOT NULL,
            execution_ms INTEGER NOT NULL,
            dirty INTEGER NOT NULL DEFAULT 0,
            tool_version TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS _rollback_log (
            id INTEGER PRIMARY KEY,
            operation TEXT NOT NULL,
            version TEXT NOT NULL,
            name TEXT NOT NULL,
            started_at TEXT NOT NULL,
            finished_at TEXT NOT NULL,
            outcome TEXT NOT NULL,
            error TEXT,
            rows_backed_up INTEGER NOT NULL DEFAULT 0,
            actor TEXT NOT NULL
        );",
    exists: "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '_rollback_migrations'",
    select_applied: SELECT_APPLIED,
    upsert_applied: "INSERT OR REPLACE INTO _rollback_migrations
            (version, name, checksum_algorithm, up_checksum, down_checksum, down_sql,
             applied_at, execution_ms, dirty, tool_version)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    delete_applied: "DELETE FROM _rollback_migrations WHERE version = ?",
    insert_log: INSERT_LOG_QUESTION_MARKS,
    select_log: "SELECT * FROM (SELECT * FROM _rollback_log ORDER BY id DESC LIMIT ?) AS newest ORDER BY id",
};

/// SQLite's `SQLITE_BUSY`: the lock wait ran out.
const SQLITE_BUSY: &str = "5";

pub(crate) struct SqliteDriver {
    conn: MigrationConnection<Sqlite>,
    lock_timeout: std::time::Duration,
    /// Whether the run's `BEGIN IMMEDIATE` is open (it is closed around a
    /// no-transaction script).
    in_transaction: bool,
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
            &TRACKING,
        )
        .await?;
        Ok(SqliteDriver {
            conn,
            lock_timeout: options.lock_timeout,
            in_transaction: false,
        })
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
        if let Err(source) = self.commit().await {
            let _ = self.conn.execute("ROLLBACK").await;
            return Err(Error::Database {
                action: "committing the run",
                source,
            });
        }
        Ok(())
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

    async fn execute(&mut self, statement: &str) -> Result<(), sqlx::Error> {
        self.conn.execute(statement).await
    }

    fn tracking(&mut self) -> &mut dyn TrackingTables {
        &mut self.conn
    }

    async fn close(self: Box<Self>) {
        self.conn.close().await;
    }
}
