//! The dedicated connection of a run and its tracking tables, handled the same
//! way on every database: each backend brings only its SQL text (settings,
//! column types, placeholders, upsert spelling), and connections are opened
//! and rows bound and decoded here once.
#![cfg_attr(
    not(any(feature = "sqlite", feature = "postgres", feature = "mysql")),
    expect(dead_code, reason = "only the database backends open connections")
)]

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::query::Query;
use sqlx::{
    AssertSqlSafe, ColumnIndex, Connection, Database, Decode, Encode, Executor, IntoArguments, Row,
    Type,
};

use super::ConnectOptions;
use super::backups::BackupSql;
use super::catalog::CatalogSql;
use crate::error::{Error, Result};
use crate::records::{AppliedList, AppliedMigration, LogEntry, Operation, Outcome};
use crate::url::DatabaseUrl;

/// One backend's spelling of the tracking statements.
///
/// Parameters are bound in the order of the column lists below; `select_*`
/// statements must return the columns under these names.
pub(crate) struct TrackingSql {
    /// Creates `_rollback_migrations` and `_rollback_log` if they do not exist.
    pub create: &'static str,
    /// One row, one integer column: how many tracking tables named
    /// `_rollback_migrations` the database has.
    pub exists: &'static str,
    /// Every row of `_rollback_migrations`.
    pub select_applied: &'static str,
    /// One row: the number of rows of `_rollback_migrations` and their
    /// [`AppliedList`] lines (`version up_checksum dirty name`, `dirty` as
    /// `0` or `1`, joined by newlines; NULL for no rows): what `up` decides
    /// with.
    pub select_applied_list: &'static str,
    /// Whether an error of `select_applied` (or `select_applied_list`)
    /// says the table does not exist, so that reading the applied set takes
    /// one round trip, not a look at the catalog first.
    pub missing_table: fn(&dyn sqlx::error::DatabaseError) -> bool,
    /// Inserts or replaces a row: version, name, checksum_algorithm,
    /// up_checksum, down_checksum, down_sql, applied_at, execution_ms, dirty,
    /// tool_version.
    pub upsert_applied: &'static str,
    /// Deletes the row of one version.
    pub delete_applied: &'static str,
    /// Inserts a log row: operation, version, name, started_at, finished_at,
    /// outcome, error, rows_backed_up, actor.
    pub insert_log: &'static str,
    /// The newest N log rows (N bound as an integer), oldest first.
    pub select_log: &'static str,
}

/// Everything a backend spells its own way, handed to
/// [`MigrationConnection::open`].
pub(crate) struct BackendSql {
    pub tracking: TrackingSql,
    pub catalog: CatalogSql,
    pub backups: BackupSql,
}

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
}

/// The dedicated connection of a run, with its backend's tracking SQL: what
/// every backend does the same way (open, prepare, run a statement, close,
/// and the one implementation of [`TrackingTables`]).
pub(crate) struct MigrationConnection<DB: Database> {
    /// The connection, for what the backend does its own way (locks).
    pub conn: DB::Connection,
    pub(super) sql: &'static BackendSql,
}

impl<DB> MigrationConnection<DB>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
{
    /// Connects, runs the backend's `settings` (a failure there is a failure
    /// to connect: the file is not a database, the server refuses), then the
    /// user's `init-sql`.
    pub(crate) async fn open(
        connect_options: &<DB::Connection as Connection>::Options,
        settings: &str,
        url: &DatabaseUrl,
        options: &ConnectOptions,
        sql: &'static BackendSql,
    ) -> Result<MigrationConnection<DB>> {
        let connect_error = |source| Error::Connect {
            url: url.masked(),
            source,
        };
        let mut conn = DB::Connection::connect_with(connect_options)
            .await
            .map_err(connect_error)?;
        sqlx::raw_sql(AssertSqlSafe(settings.to_owned()))
            .execute(&mut conn)
            .await
            .map_err(connect_error)?;
        if let Some(init_sql) = &options.init_sql {
            sqlx::raw_sql(AssertSqlSafe(init_sql.clone()))
                .execute(&mut conn)
                .await
                .map_err(|source| Error::InitSql {
                    url: url.masked(),
                    source,
                })?;
        }
        Ok(MigrationConnection { conn, sql })
    }

    /// Runs one statement (or a script of several) as text.
    pub(crate) async fn execute(&mut self, sql: &str) -> Result<(), sqlx::Error> {
        sqlx::raw_sql(AssertSqlSafe(sql.to_owned()))
            .execute(&mut self.conn)
            .await
            .map(drop)
    }

    /// The rows of a query on the tracking table, as text and unprepared:
    /// one round trip, where a first prepared query costs two (prepare, then
    /// execute), and a start-up runs it once. `None` when the error says the
    /// table does not exist.
    async fn select_tracked(
        &mut self,
        sql: &'static str,
    ) -> Result<Option<Vec<DB::Row>>, sqlx::Error> {
        match sqlx::raw_sql(sql).fetch_all(&mut self.conn).await {
            Err(sqlx::Error::Database(error)) if (self.sql.tracking.missing_table)(&*error) => {
                Ok(None)
            }
            rows => rows.map(Some),
        }
    }

    /// Closes the connection; a failure to say goodbye changes nothing.
    pub(crate) async fn close(self) {
        let _ = self.conn.close().await;
    }
}

/// Reads a URL into a driver's connect options, as an input error.
pub(crate) fn connect_options<O: sqlx::ConnectOptions>(url: &DatabaseUrl) -> Result<O> {
    O::from_str(url.expose()).map_err(|error| Error::InvalidUrl {
        url: url.masked(),
        reason: error.to_string(),
    })
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

/// `select_applied` where the column names need no quoting.
pub(crate) const SELECT_APPLIED: &str = "SELECT version, name, checksum_algorithm, up_checksum, \
     down_checksum, down_sql, applied_at, execution_ms, dirty, tool_version FROM _rollback_migrations";

/// `insert_log` with `?` placeholders (SQLite, MySQL).
#[cfg(any(feature = "sqlite", feature = "mysql"))]
pub(crate) const INSERT_LOG_QUESTION_MARKS: &str = "INSERT INTO _rollback_log \
     (operation, version, name, started_at, finished_at, outcome, error, rows_backed_up, actor) \
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
