//! The dedicated connection of a run, handled the same way on every
//! database: each backend brings only its SQL text ([`BackendSql`]), and
//! connections are opened, run statements and are closed here once.
#![cfg_attr(
    not(any(feature = "sqlite", feature = "postgres", feature = "mysql")),
    expect(dead_code, reason = "only the database backends open connections")
)]

use sqlx::{AssertSqlSafe, Connection, Database, Executor};

use super::options::ConnectOptions;
use super::statements::BackendSql;
use crate::error::{Error, Result};
use crate::url::DatabaseUrl;

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
    pub(super) async fn select_tracked(
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
