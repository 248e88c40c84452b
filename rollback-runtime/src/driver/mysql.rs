//! MySQL and MariaDB: DDL commits implicitly, so a migration cannot be rolled
//! back as a whole.
//!
//! The engine therefore records each migration dirty before it runs and clean
//! after ([`Driver::transactional_ddl`] is false); a failure half-way leaves
//! the dirty row behind, and every later run refuses until a human has looked
//! at the schema and run `repair`. The data statements of a script still run
//! in a transaction, so a script of only DML rolls back cleanly.
//!
//! The run lock is `GET_LOCK`, which is server-wide: its name carries a hash
//! of the database name, so runs on different databases of one server do not
//! wait for each other. The lock timeout also becomes the session's
//! `lock_wait_timeout` (metadata locks that DDL waits for) and
//! `innodb_lock_wait_timeout` (row locks), so that a migration stuck behind an
//! application's long transaction gives up instead of stalling it.

use std::time::Duration;

use async_trait::async_trait;
use rollback_core::sql::Dialect;
use sqlx::mysql::MySqlConnectOptions;
use sqlx::{AssertSqlSafe, MySql};

use super::connection::{
    INSERT_LOG_QUESTION_MARKS, MigrationConnection, SELECT_APPLIED, TrackingSql, TrackingTables,
    connect_options,
};
use super::{ConnectOptions, Driver};
use crate::error::{Error, Result};
use crate::url::DatabaseUrl;

/// The lock's name: under MySQL's 64-character limit for any database name.
const LOCK_NAME: &str = "CONCAT('cargo-rollback-', MD5(DATABASE()))";

static TRACKING: TrackingSql = TrackingSql {
    create: "CREATE TABLE IF NOT EXISTS _rollback_migrations (
            version VARCHAR(255) NOT NULL PRIMARY KEY,
            name TEXT NOT NULL,
            checksum_algorithm VARCHAR(32) NOT NULL,
            up_checksum VARCHAR(128) NOT NULL,
            down_checksum VARCHAR(128) NOT NULL,
            down_sql LONGTEXT NOT NULL,
            applied_at DATETIME(6) NOT NULL,
            execution_ms BIGINT NOT NULL,
            dirty BOOLEAN NOT NULL DEFAULT FALSE,
            tool_version VARCHAR(64) NOT NULL
        ) CHARACTER SET utf8mb4;
        CREATE TABLE IF NOT EXISTS _rollback_log (
            id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
            operation VARCHAR(16) NOT NULL,
            version VARCHAR(255) NOT NULL,
            name TEXT NOT NULL,
            started_at DATETIME(6) NOT NULL,
            finished_at DATETIME(6) NOT NULL,
            outcome VARCHAR(16) NOT NULL,
            error MEDIUMTEXT,
            rows_backed_up BIGINT NOT NULL DEFAULT 0,
            actor VARCHAR(255) NOT NULL
        ) CHARACTER SET utf8mb4;",
    exists: "SELECT COUNT(*) FROM information_schema.tables
         WHERE table_schema = DATABASE() AND table_name = '_rollback_migrations'",
    select_applied: SELECT_APPLIED,
    upsert_applied: "REPLACE INTO _rollback_migrations
            (version, name, checksum_algorithm, up_checksum, down_checksum, down_sql,
             applied_at, execution_ms, dirty, tool_version)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    delete_applied: "DELETE FROM _rollback_migrations WHERE version = ?",
    insert_log: INSERT_LOG_QUESTION_MARKS,
    select_log: "SELECT * FROM (SELECT * FROM _rollback_log ORDER BY id DESC LIMIT ?) AS newest ORDER BY id",
};

pub(crate) struct MySqlDriver {
    conn: MigrationConnection<MySql>,
    lock_timeout: Duration,
    locked: bool,
}

impl MySqlDriver {
    pub(crate) async fn connect(
        url: &DatabaseUrl,
        options: &ConnectOptions,
    ) -> Result<MySqlDriver> {
        MySqlDriver::open(connect_options(url)?, url, options).await
    }

    /// Opens a dedicated connection with an application's pool options.
    pub(crate) async fn open(
        connect_options: MySqlConnectOptions,
        url: &DatabaseUrl,
        options: &ConnectOptions,
    ) -> Result<MySqlDriver> {
        if connect_options.get_database().is_none() {
            return Err(Error::InvalidUrl {
                url: url.masked(),
                reason: "no database name (expected mysql://user@host/database)".to_owned(),
            });
        }
        // Whole seconds, at least one: the server's unit and minimum.
        let seconds = options.lock_timeout.as_secs_f64().ceil().max(1.0);
        let settings = format!(
            "SET SESSION lock_wait_timeout = {seconds}, SESSION innodb_lock_wait_timeout = {seconds}"
        );
        let conn =
            MigrationConnection::open(&connect_options, &settings, url, options, &TRACKING).await?;
        Ok(MySqlDriver {
            conn,
            lock_timeout: options.lock_timeout,
            locked: false,
        })
    }
}

#[async_trait]
impl Driver for MySqlDriver {
    fn dialect(&self) -> Dialect {
        Dialect::MySql
    }

    fn transactional_ddl(&self) -> bool {
        false
    }

    async fn lock(&mut self) -> Result<()> {
        let obtained: Option<i64> =
            sqlx::query_scalar(AssertSqlSafe(format!("SELECT GET_LOCK({LOCK_NAME}, ?)")))
                .bind(self.lock_timeout.as_secs_f64())
                .fetch_one(&mut self.conn.conn)
                .await
                .map_err(Error::database("taking the migration lock"))?;
        if obtained != Some(1) {
            return Err(Error::LockTimeout {
                waited: self.lock_timeout,
            });
        }
        self.locked = true;
        Ok(())
    }

    async fn unlock(&mut self) -> Result<()> {
        if !self.locked {
            return Ok(());
        }
        self.locked = false;
        sqlx::raw_sql(AssertSqlSafe(format!("DO RELEASE_LOCK({LOCK_NAME})")))
            .execute(&mut self.conn.conn)
            .await
            .map(drop)
            .map_err(Error::database("releasing the migration lock"))
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
