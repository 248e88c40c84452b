//! The tracking tables, `_rollback_migrations` and `_rollback_log`: what
//! the engine reads and writes besides the migrations themselves, bound and
//! decoded here once for every backend from its [`TrackingSql`] text.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::query::Query;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Row, Type};

use super::connection::MigrationConnection;
use super::statements::SELECT_PROGRESS;
#[cfg(doc)]
use super::statements::TrackingSql;
use crate::records::{
    AppliedList, AppliedMigration, Direction, LogEntry, Operation, Outcome, ScriptProgress,
};

/// The tracking tables of a migration connection: what the engine reads and
/// writes besides the migrations themselves.
#[async_trait]
pub(crate) trait TrackingTables: Send {
    /// Whether `_rollback_migrations` exists (nothing is created to find out).
    async fn exists(&mut self) -> Result<bool, sqlx::Error>;

    async fn create(&mut self) -> Result<(), sqlx::Error>;

    /// Every tracking row, in one round trip; `None` when the table does not
    /// exist yet.
    async fn applied(&mut self) -> Result<Option<Vec<AppliedMigration>>, sqlx::Error>;

    /// The lean form of every tracking row as one value (see
    /// [`AppliedList`]), in one round trip; `None` when the table does not
    /// exist yet.
    async fn applied_list(&mut self) -> Result<Option<AppliedList>, sqlx::Error>;

    /// Inserts or replaces the row of `row.version`.
    async fn save_applied(&mut self, row: &AppliedMigration) -> Result<(), sqlx::Error>;

    async fn delete_applied(&mut self, version: &str) -> Result<(), sqlx::Error>;

    async fn insert_log(&mut self, entry: &LogEntry) -> Result<(), sqlx::Error>;

    async fn log(&mut self, limit: u32) -> Result<Vec<LogEntry>, sqlx::Error>;

    /// Creates `_rollback_progress` if it does not exist.
    async fn create_progress(&mut self) -> Result<(), sqlx::Error>;

    /// Every progress row; none when the table does not exist.
    async fn progress(&mut self) -> Result<Vec<ScriptProgress>, sqlx::Error>;

    /// Inserts or replaces the progress row of `progress.version`.
    async fn save_progress(&mut self, progress: &ScriptProgress) -> Result<(), sqlx::Error>;

    /// Forgets the progress row of `version`; nothing to do when the table
    /// does not exist.
    async fn delete_progress(&mut self, version: &str) -> Result<(), sqlx::Error>;
}

#[async_trait]
impl<DB> TrackingTables for MigrationConnection<DB>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'a> &'a str: ColumnIndex<DB::Row> + Encode<'a, DB> + Type<DB>,
    for<'a> Option<&'a str>: Encode<'a, DB>,
    usize: ColumnIndex<DB::Row>,
    DB::Arguments: IntoArguments<DB>,
    for<'r> String: Decode<'r, DB> + Type<DB>,
    for<'r> i64: Decode<'r, DB> + Encode<'r, DB> + Type<DB>,
    for<'r> bool: Decode<'r, DB> + Encode<'r, DB> + Type<DB>,
    for<'r> DateTime<Utc>: Decode<'r, DB> + Encode<'r, DB> + Type<DB>,
{
    async fn create(&mut self) -> Result<(), sqlx::Error> {
        sqlx::raw_sql(self.sql.tracking.create)
            .execute(&mut self.conn)
            .await
            .map(drop)
    }

    async fn exists(&mut self) -> Result<bool, sqlx::Error> {
        let row = sqlx::query(self.sql.tracking.exists)
            .fetch_one(&mut self.conn)
            .await?;
        Ok(row.try_get::<i64, _>(0usize)? > 0)
    }

    async fn applied(&mut self) -> Result<Option<Vec<AppliedMigration>>, sqlx::Error> {
        let Some(rows) = self
            .select_tracked(self.sql.tracking.select_applied)
            .await?
        else {
            return Ok(None);
        };
        rows.iter()
            .map(|row| {
                Ok(AppliedMigration {
                    version: row.try_get("version")?,
                    name: row.try_get("name")?,
                    checksum_algorithm: row.try_get("checksum_algorithm")?,
                    up_checksum: row.try_get("up_checksum")?,
                    down_checksum: row.try_get("down_checksum")?,
                    down_sql: row.try_get("down_sql")?,
                    applied_at: row.try_get("applied_at")?,
                    execution_ms: row.try_get("execution_ms")?,
                    dirty: row.try_get("dirty")?,
                    tool_version: row.try_get("tool_version")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map(Some)
    }

    async fn applied_list(&mut self) -> Result<Option<AppliedList>, sqlx::Error> {
        let Some(rows) = self
            .select_tracked(self.sql.tracking.select_applied_list)
            .await?
        else {
            return Ok(None);
        };
        // An aggregate's one row; by position, as the query names them.
        let Some(row) = rows.first() else {
            return Ok(Some(AppliedList::default()));
        };
        Ok(Some(AppliedList {
            count: row.try_get(0usize)?,
            lines: row.try_get(1usize)?,
        }))
    }

    async fn save_applied(&mut self, row: &AppliedMigration) -> Result<(), sqlx::Error> {
        bind_applied(sqlx::query(self.sql.tracking.upsert_applied), row)
            .execute(&mut self.conn)
            .await
            .map(drop)
    }

    async fn delete_applied(&mut self, version: &str) -> Result<(), sqlx::Error> {
        sqlx::query(self.sql.tracking.delete_applied)
            .bind(version)
            .execute(&mut self.conn)
            .await
            .map(drop)
    }

    async fn insert_log(&mut self, entry: &LogEntry) -> Result<(), sqlx::Error> {
        bind_log(sqlx::query(self.sql.tracking.insert_log), entry)
            .execute(&mut self.conn)
            .await
            .map(drop)
    }

    async fn log(&mut self, limit: u32) -> Result<Vec<LogEntry>, sqlx::Error> {
        let rows = sqlx::query(self.sql.tracking.select_log)
            .bind(i64::from(limit))
            .fetch_all(&mut self.conn)
            .await?;
        rows.iter()
            .map(|row| {
                let operation: String = row.try_get("operation")?;
                let outcome: String = row.try_get("outcome")?;
                Ok(LogEntry {
                    id: row.try_get("id")?,
                    operation: Operation::parse(&operation).ok_or_else(|| {
                        sqlx::Error::Decode(format!("unknown operation `{operation}`").into())
                    })?,
                    version: row.try_get("version")?,
                    name: row.try_get("name")?,
                    started_at: row.try_get("started_at")?,
                    finished_at: row.try_get("finished_at")?,
                    outcome: if outcome == Outcome::Success.as_str() {
                        Outcome::Success
                    } else {
                        Outcome::Failure
                    },
                    error: row.try_get("error")?,
                    rows_backed_up: row.try_get("rows_backed_up")?,
                    actor: row.try_get("actor")?,
                })
            })
            .collect()
    }

    async fn create_progress(&mut self) -> Result<(), sqlx::Error> {
        sqlx::raw_sql(self.sql.tracking.create_progress)
            .execute(&mut self.conn)
            .await
            .map(drop)
    }

    async fn progress(&mut self) -> Result<Vec<ScriptProgress>, sqlx::Error> {
        let Some(rows) = self.select_tracked(SELECT_PROGRESS).await? else {
            return Ok(Vec::new());
        };
        rows.iter()
            .map(|row| {
                let script: String = row.try_get("script")?;
                Ok(ScriptProgress {
                    version: row.try_get("version")?,
                    direction: Direction::parse(&script).ok_or_else(|| {
                        sqlx::Error::Decode(format!("unknown script `{script}`").into())
                    })?,
                    statement: row.try_get("statement_index")?,
                    statements: row.try_get("statement_count")?,
                    checksum: row.try_get("checksum")?,
                })
            })
            .collect()
    }

    async fn save_progress(&mut self, progress: &ScriptProgress) -> Result<(), sqlx::Error> {
        sqlx::query(self.sql.tracking.upsert_progress)
            .bind(progress.version.as_str())
            .bind(progress.direction.as_str())
            .bind(progress.statement)
            .bind(progress.statements)
            .bind(progress.checksum.as_str())
            .execute(&mut self.conn)
            .await
            .map(drop)
    }

    async fn delete_progress(&mut self, version: &str) -> Result<(), sqlx::Error> {
        match sqlx::query(self.sql.tracking.delete_progress)
            .bind(version)
            .execute(&mut self.conn)
            .await
        {
            Err(sqlx::Error::Database(error)) if (self.sql.tracking.missing_table)(&*error) => {
                Ok(())
            }
            result => result.map(drop),
        }
    }
}

/// Binds a tracking row's columns in `upsert_applied`'s order.
fn bind_applied<'q, DB>(
    query: Query<'q, DB, DB::Arguments>,
    row: &'q AppliedMigration,
) -> Query<'q, DB, DB::Arguments>
where
    DB: Database,
    for<'a> &'a str: Encode<'a, DB> + Type<DB>,
    for<'r> i64: Encode<'r, DB> + Type<DB>,
    for<'r> bool: Encode<'r, DB> + Type<DB>,
    for<'r> DateTime<Utc>: Encode<'r, DB> + Type<DB>,
{
    query
        .bind(row.version.as_str())
        .bind(row.name.as_str())
        .bind(row.checksum_algorithm.as_str())
        .bind(row.up_checksum.as_str())
        .bind(row.down_checksum.as_str())
        .bind(row.down_sql.as_str())
        .bind(row.applied_at)
        .bind(row.execution_ms)
        .bind(row.dirty)
        .bind(row.tool_version.as_str())
}

/// Binds an audit row's columns in `insert_log`'s order.
fn bind_log<'q, DB>(
    query: Query<'q, DB, DB::Arguments>,
    entry: &'q LogEntry,
) -> Query<'q, DB, DB::Arguments>
where
    DB: Database,
    for<'a> &'a str: Encode<'a, DB> + Type<DB>,
    for<'a> Option<&'a str>: Encode<'a, DB>,
    for<'r> i64: Encode<'r, DB> + Type<DB>,
    for<'r> DateTime<Utc>: Encode<'r, DB> + Type<DB>,
{
    query
        .bind(entry.operation.as_str())
        .bind(entry.version.as_str())
        .bind(entry.name.as_str())
        .bind(entry.started_at)
        .bind(entry.finished_at)
        .bind(entry.outcome.as_str())
        .bind(entry.error.as_deref())
        .bind(entry.rows_backed_up)
        .bind(entry.actor.as_str())
}
