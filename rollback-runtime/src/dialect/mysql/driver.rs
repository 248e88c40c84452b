//! MySQL and MariaDB: DDL commits implicitly, so a migration cannot be rolled
//! back as a whole.
//!
//! The engine therefore records each migration dirty before it runs and clean
//! after ([`Driver::transactional_ddl`] is false); a failure half-way leaves
//! the dirty row behind, and every later run refuses until a human has looked
//! at the schema and run `repair`. The data statements of a script still run
//! in a transaction, so a script of only DML rolls back cleanly.
//!
//! A migration's clean row and audit row are committed together with the
//! next migration's dirty marker, in one round trip and one durable commit,
//! or on their own when anything else is sent first (at the latest when the
//! run releases its lock): each migration then costs one commit besides its
//! DDL's own, where a commit for the marker and one for the clean row would
//! cost two. A crash between a migration's last DDL statement and that
//! commit leaves the migration dirty, as a crash just after its last DDL
//! would in any case.
//!
//! The run lock is `GET_LOCK`, which is server-wide: its name carries a hash
//! of the database name, so runs on different databases of one server do not
//! wait for each other. The lock timeout also becomes the session's
//! `lock_wait_timeout` (metadata locks that DDL waits for) and
//! `innodb_lock_wait_timeout` (row locks), so that a migration stuck behind an
//! application's long transaction gives up instead of stalling it.

use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rollback_core::sql::Dialect;
use sqlx::mysql::{MySqlConnectOptions, MySqlDatabaseError};
use sqlx::{AssertSqlSafe, MySql, Row};

use super::statements::{INSERT_LOG, REPLACE_APPLIED, REPLACE_PROGRESS, SQL};
use crate::dialect::backup_tables::BackupTables;
use crate::dialect::catalog::Catalog;
use crate::dialect::connection::{MigrationConnection, connect_options};
use crate::dialect::driver::Driver;
use crate::dialect::literals::LiteralStyle;
use crate::dialect::options::ConnectOptions;
use crate::dialect::tracking::TrackingTables;
use crate::error::Limit;
use crate::error::{Error, Result};
use crate::records::{
    AppliedList, AppliedMigration, LogEntry, PROGRESS_TABLE, ScriptProgress, StepRecord,
    TrackingChange,
};
use crate::url::DatabaseUrl;

/// The lock's name: under MySQL's 64-character limit for any database name.
const LOCK_NAME: &str = "CONCAT('cargo-rollback-', MD5(DATABASE()))";

/// MariaDB's `ER_STATEMENT_TIMEOUT` and MySQL's `ER_QUERY_TIMEOUT`: a
/// statement ran past `max_statement_time` / `max_execution_time`.
const STATEMENT_TIMEOUT_ERRORS: [u16; 2] = [1969, 3024];

/// `ER_LOCK_WAIT_TIMEOUT`: a row or metadata lock wait ran out.
const LOCK_WAIT_TIMEOUT: u16 = 1205;

pub(crate) struct MySqlDriver {
    conn: MigrationConnection<MySql>,
    lock_timeout: Duration,
    statement_timeout: Option<Duration>,
    locked: bool,
    /// The last successful step's tracking change and audit row, not sent
    /// yet: they go with the next step's dirty marker, or on their own before
    /// anything else reaches the server (except catalog reads and the
    /// backups' writes, which either read or commit on their own, and so
    /// never undo what the step left in an open transaction).
    unsent_record: Option<String>,
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
        // `group_concat_max_len` (default 1,024 bytes on MySQL) so that
        // the applied list of thousands of migrations is one value.
        let settings = format!(
            "SET SESSION lock_wait_timeout = {seconds}, SESSION innodb_lock_wait_timeout = {seconds}, \
             SESSION group_concat_max_len = 4294967295"
        );
        let mut conn =
            MigrationConnection::open(&connect_options, &settings, url, options, &SQL).await?;
        if let Some(timeout) = options.statement_timeout {
            let setting = statement_timeout_setting(&mut conn, timeout)
                .await
                .map_err(|source| Error::Connect {
                    url: url.masked(),
                    source,
                })?;
            conn.execute(&setting)
                .await
                .map_err(|source| Error::Connect {
                    url: url.masked(),
                    source,
                })?;
        }
        Ok(MySqlDriver {
            conn,
            lock_timeout: options.lock_timeout,
            statement_timeout: options.statement_timeout,
            locked: false,
            unsent_record: None,
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
        // Unprepared: it runs once a run, and a prepared statement's first use
        // costs a round trip more.
        let seconds = self.lock_timeout.as_secs_f64();
        let obtained: Option<i64> = sqlx::raw_sql(AssertSqlSafe(format!(
            "SELECT GET_LOCK({LOCK_NAME}, {seconds})"
        )))
        .fetch_one(&mut self.conn.conn)
        .await
        .and_then(|row| row.try_get(0))
        .map_err(Error::database("taking the migration lock"))?;
        if obtained != Some(1) {
            return Err(Error::LockTimeout {
                waited: self.lock_timeout,
            });
        }
        self.locked = true;
        Ok(())
    }

    /// Sends the last step's record first, so that it commits under the
    /// lock, and releases the lock even when that fails.
    async fn unlock(&mut self) -> Result<()> {
        let recorded = self.send_record().await.map_err(Error::database(
            "recording the last migration and its audit row",
        ));
        if !self.locked {
            return recorded;
        }
        self.locked = false;
        let released = sqlx::raw_sql(AssertSqlSafe(format!("DO RELEASE_LOCK({LOCK_NAME})")))
            .execute(&mut self.conn.conn)
            .await
            .map(drop)
            .map_err(Error::database("releasing the migration lock"));
        recorded.and(released)
    }

    async fn begin_step(&mut self, no_transaction: bool) -> Result<(), sqlx::Error> {
        self.send_record().await?;
        if no_transaction {
            Ok(())
        } else {
            self.conn.execute("BEGIN").await
        }
    }

    /// `BEGIN`, the script's progress and the dirty marker in one round
    /// trip, the values written as literals (a prepared statement cannot
    /// share a round trip). The previous step's unsent record goes first,
    /// and they commit together before the script starts (then `BEGIN`
    /// again, for the script's data statements): one commit for all, and a
    /// script that fails before its first DDL statement cannot roll the
    /// record back. Without one, the marker stays in the open transaction,
    /// and the implicit commit before the script's first DDL statement makes
    /// it durable.
    async fn begin_dirty_step(
        &mut self,
        no_transaction: bool,
        row: &AppliedMigration,
        progress: &ScriptProgress,
    ) -> Result<(), sqlx::Error> {
        let marker = format!("{}; {}", progress_literal(progress), upsert_literal(row));
        let sql = match (self.unsent_record.take(), no_transaction) {
            (None, true) => format!("BEGIN; {marker}; COMMIT"),
            (None, false) => format!("BEGIN; {marker}"),
            (Some(record), true) => format!("BEGIN; {record}; {marker}; COMMIT"),
            (Some(record), false) => format!("BEGIN; {record}; {marker}; COMMIT; BEGIN"),
        };
        self.conn.execute(&sql).await
    }

    /// Keeps an applied or reverted migration's record to commit with the
    /// next step's dirty marker ([`MySqlDriver::hold_record`]); a restore's
    /// is written and committed at once, inside its transaction.
    async fn finish_step(
        &mut self,
        no_transaction: bool,
        record: &StepRecord<'_>,
    ) -> Result<(), sqlx::Error> {
        let write = match record.change {
            TrackingChange::Unchanged => {
                self.insert_log(record.entry).await?;
                return self.commit_step(no_transaction).await;
            }
            TrackingChange::Save(row) => upsert_literal(row),
            TrackingChange::Delete(version) => LITERALS.delete_applied(version),
        };
        self.hold_record(&write, record.entry).await
    }

    async fn rollback_step(&mut self, no_transaction: bool) -> Result<(), sqlx::Error> {
        self.send_record().await?;
        if no_transaction {
            Ok(())
        } else {
            self.conn.execute("ROLLBACK").await
        }
    }

    async fn execute(&mut self, statement: &str) -> Result<(), sqlx::Error> {
        self.send_record().await?;
        self.conn.execute(statement).await
    }

    async fn execute_counting(&mut self, statement: &str) -> Result<u64, sqlx::Error> {
        self.send_record().await?;
        let result = sqlx::raw_sql(AssertSqlSafe(statement.to_owned()))
            .execute(&mut self.conn.conn)
            .await?;
        Ok(result.rows_affected())
    }

    fn cancelled_by(&self, error: &sqlx::Error) -> Option<Limit> {
        let number = error
            .as_database_error()?
            .try_downcast_ref::<MySqlDatabaseError>()?
            .number();
        if STATEMENT_TIMEOUT_ERRORS.contains(&number) {
            self.statement_timeout.map(Limit::Statement)
        } else if number == LOCK_WAIT_TIMEOUT {
            Some(Limit::Lock(self.lock_timeout))
        } else {
            None
        }
    }

    fn tracking(&mut self) -> &mut dyn TrackingTables {
        self
    }

    fn catalog(&mut self) -> &mut dyn Catalog {
        &mut self.conn
    }

    fn backups(&mut self) -> &mut dyn BackupTables {
        &mut self.conn
    }

    async fn close(mut self: Box<Self>) {
        // A failure here is reported by nothing: `unlock` has sent the
        // record on every path that ran a step.
        let _ = self.send_record().await;
        self.conn.close().await;
    }
}

impl MySqlDriver {
    /// The tracking tables as every backend writes them, for what this
    /// driver does not write its own way.
    fn shared(&mut self) -> &mut dyn TrackingTables {
        &mut self.conn
    }

    /// Keeps a successful step's tracking change and audit row, to be sent
    /// in one transaction with the next step's dirty marker, or alone by
    /// [`MySqlDriver::send_record`]. Never as two autocommits: the script's
    /// first DDL statement has ended the step's transaction already (MySQL
    /// commits implicitly before and after each), so the two writes without a
    /// `BEGIN` would be two durable commits, with a window where the row is
    /// clean but unlogged. After a script of data statements only, its
    /// transaction is still open until that `BEGIN` commits it, with its
    /// dirty marker, which a crash in between would leave dirty, as it should.
    async fn hold_record(&mut self, write: &str, entry: &LogEntry) -> Result<(), sqlx::Error> {
        self.send_record().await?;
        self.unsent_record = Some(format!("{write}; {}", insert_log_literal(entry)));
        Ok(())
    }

    /// Sends the unsent record, if there is one, in a transaction of its own.
    async fn send_record(&mut self) -> Result<(), sqlx::Error> {
        match self.unsent_record.take() {
            Some(record) => self.conn.execute(&format!("BEGIN; {record}; COMMIT")).await,
            None => Ok(()),
        }
    }
}

#[async_trait]
impl TrackingTables for MySqlDriver {
    async fn exists(&mut self) -> Result<bool, sqlx::Error> {
        self.send_record().await?;
        self.shared().exists().await
    }

    async fn create(&mut self) -> Result<(), sqlx::Error> {
        self.send_record().await?;
        self.shared().create().await
    }

    async fn applied(&mut self) -> Result<Option<Vec<AppliedMigration>>, sqlx::Error> {
        self.send_record().await?;
        self.shared().applied().await
    }

    async fn applied_list(&mut self) -> Result<Option<AppliedList>, sqlx::Error> {
        self.send_record().await?;
        self.shared().applied_list().await
    }

    async fn save_applied(&mut self, row: &AppliedMigration) -> Result<(), sqlx::Error> {
        self.send_record().await?;
        self.shared().save_applied(row).await
    }

    async fn delete_applied(&mut self, version: &str) -> Result<(), sqlx::Error> {
        self.send_record().await?;
        self.shared().delete_applied(version).await
    }

    async fn insert_log(&mut self, entry: &LogEntry) -> Result<(), sqlx::Error> {
        self.send_record().await?;
        self.shared().insert_log(entry).await
    }

    async fn log(&mut self, limit: u32) -> Result<Vec<LogEntry>, sqlx::Error> {
        self.send_record().await?;
        self.shared().log(limit).await
    }

    async fn create_progress(&mut self) -> Result<(), sqlx::Error> {
        self.send_record().await?;
        self.shared().create_progress().await
    }

    async fn progress(&mut self) -> Result<Vec<ScriptProgress>, sqlx::Error> {
        self.send_record().await?;
        self.shared().progress().await
    }

    async fn save_progress(&mut self, progress: &ScriptProgress) -> Result<(), sqlx::Error> {
        self.send_record().await?;
        self.conn.execute(&progress_literal(progress)).await
    }

    /// Joins the unsent record when there is one: a finished step's
    /// progress goes in the commit that records it clean, for no commit of
    /// its own.
    async fn delete_progress(&mut self, version: &str) -> Result<(), sqlx::Error> {
        let delete = delete_progress_literal(version);
        match &mut self.unsent_record {
            Some(record) => {
                record.push_str("; ");
                record.push_str(&delete);
                Ok(())
            }
            None => self.shared().delete_progress(version).await,
        }
    }
}

/// How the MySQL driver writes a step's record in.
const LITERALS: LiteralStyle = LiteralStyle {
    text: text_literal,
    time: datetime_literal,
};

/// `upsert_applied` with the row's values written in.
fn upsert_literal(row: &AppliedMigration) -> String {
    format!("{REPLACE_APPLIED}{}", LITERALS.applied_values(row))
}

/// `upsert_progress` with the progress's values written in.
fn progress_literal(progress: &ScriptProgress) -> String {
    let text = LITERALS.text;
    format!(
        "{REPLACE_PROGRESS}({}, {}, {}, {}, {})",
        text(&progress.version),
        text(progress.direction.as_str()),
        progress.statement,
        progress.statements,
        text(&progress.checksum),
    )
}

/// The statement that forgets a finished migration's progress row.
fn delete_progress_literal(version: &str) -> String {
    format!(
        "DELETE FROM {PROGRESS_TABLE} WHERE version = {}",
        text_literal(version)
    )
}

/// `insert_log` with the entry's values written in.
fn insert_log_literal(entry: &LogEntry) -> String {
    format!("{INSERT_LOG}{}", LITERALS.log_values(entry))
}

/// A string as a hexadecimal literal in utf8mb4: no character needs escaping,
/// whatever `sql_mode` says about backslashes, so any text is safe to write in.
fn text_literal(value: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut literal = String::with_capacity(12 + 2 * value.len());
    literal.push_str("_utf8mb4 X'");
    for byte in value.bytes() {
        literal.push(char::from(HEX[usize::from(byte >> 4)]));
        literal.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
    literal.push('\'');
    literal
}

/// A `DATETIME(6)` literal in UTC, the value sqlx binds for a `DateTime<Utc>`.
fn datetime_literal(value: DateTime<Utc>) -> String {
    value.format("'%Y-%m-%d %H:%M:%S%.6f'").to_string()
}

/// The session setting that caps a statement's time: MariaDB's
/// `max_statement_time` (seconds, any statement), else MySQL's
/// `max_execution_time` (milliseconds, which MySQL applies to `SELECT` only).
async fn statement_timeout_setting(
    conn: &mut MigrationConnection<MySql>,
    timeout: Duration,
) -> Result<String, sqlx::Error> {
    let version: String = sqlx::query_scalar("SELECT VERSION()")
        .fetch_one(&mut conn.conn)
        .await?;
    Ok(if version.contains("MariaDB") {
        format!("SET SESSION max_statement_time = {}", timeout.as_secs_f64())
    } else {
        format!(
            "SET SESSION max_execution_time = {}",
            timeout.as_millis().max(1)
        )
    })
}
