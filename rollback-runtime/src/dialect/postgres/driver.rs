//! PostgreSQL: transactional DDL, so every migration is one transaction with
//! its tracking row, and a failure leaves nothing behind.
//!
//! The run lock is a session-level `pg_advisory_lock` on the dedicated
//! connection, waited for at most the lock timeout through PostgreSQL's own
//! `lock_timeout`. That setting stays on for the run: a migration statement
//! that queues behind an application's table lock gives up after the same
//! time instead of stalling every query that queues behind it in turn.
//! No-transaction scripts (`CREATE INDEX CONCURRENTLY`) run with the
//! connection in autocommit, their tracking row marked dirty around them.

use std::borrow::Cow;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rollback_core::sql::{Dialect, TableName};
use sqlx::postgres::PgConnectOptions;
use sqlx::{AssertSqlSafe, Postgres};

use super::statements::{INSERT_APPLIED, INSERT_LOG, ON_CONFLICT_UPDATE, SQL};
use crate::dialect::backup_tables::BackupTables;
use crate::dialect::catalog::Catalog;
use crate::dialect::connection::{MigrationConnection, connect_options};
use crate::dialect::driver::Driver;
use crate::dialect::driver::lock_error;
use crate::dialect::literals::LiteralStyle;
use crate::dialect::options::ConnectOptions;
use crate::dialect::quote;
use crate::dialect::tracking::TrackingTables;
use crate::error::Limit;
use crate::error::{Error, Result};
use crate::records::{StepRecord, TrackingChange};
use crate::url::DatabaseUrl;

/// The advisory lock's key: the same in every process of every version of
/// the tool, so that they exclude each other. Advisory locks are scoped to one
/// database, so one key serves them all; a URL that names a schema locks
/// that schema's key (see [`lock_key`]).
const LOCK_KEY: i64 = 0x726f_6c6c_6261_636b; // "rollback"

/// `lock_not_available`: a lock wait ran past `lock_timeout`.
const LOCK_NOT_AVAILABLE: &str = "55P03";

/// `query_canceled`: a statement ran past `statement_timeout`.
const QUERY_CANCELED: &str = "57014";

pub(crate) struct PostgresDriver {
    conn: MigrationConnection<Postgres>,
    /// The advisory lock's key, as SQL.
    lock_key: String,
    /// Whether the URL named the schema the run works in (`schema=`).
    schema_named: bool,
    lock_timeout: Duration,
    statement_timeout: Option<Duration>,
    locked: bool,
    /// Whether the run is one transaction that `unlock` rolls back, each
    /// migration a savepoint inside it.
    rehearsing: bool,
    /// The opening of a step (`BEGIN`, or a rehearsal's savepoint) that
    /// `begin_script_step` held back, to go out with the next statement.
    unsent_opening: Option<&'static str>,
}

impl PostgresDriver {
    pub(crate) async fn connect(
        url: &DatabaseUrl,
        options: &ConnectOptions,
    ) -> Result<PostgresDriver> {
        let mut connect_options: PgConnectOptions = connect_options(url)?;
        if let Some(schema) = url.schema() {
            // A startup parameter, not a `SET`: it holds for every
            // transaction of the connection without any session state.
            connect_options = connect_options.options([("search_path", schema)]);
        }
        PostgresDriver::open(connect_options, url, options).await
    }

    /// Opens a dedicated connection with an application's pool options.
    pub(crate) async fn open(
        connect_options: PgConnectOptions,
        url: &DatabaseUrl,
        options: &ConnectOptions,
    ) -> Result<PostgresDriver> {
        // At least one millisecond: PostgreSQL reads 0 as "wait for ever".
        let millis = options.lock_timeout.as_millis().max(1);
        let mut settings = format!("SET lock_timeout = {millis}");
        if let Some(timeout) = options.statement_timeout {
            let millis = timeout.as_millis().max(1);
            settings.push_str(&format!("; SET statement_timeout = {millis}"));
        }
        if let Some(schema) = url.schema()
            && options.create_if_missing
        {
            // A tenant's schema that does not exist yet is created by `up`,
            // as a SQLite file is.
            settings.push_str(&format!(
                "; CREATE SCHEMA IF NOT EXISTS {}",
                quote::ident(Dialect::Postgres, schema)
            ));
        }
        let conn =
            MigrationConnection::open(&connect_options, &settings, url, options, &SQL).await?;
        Ok(PostgresDriver {
            conn,
            lock_key: lock_key(url.schema()),
            schema_named: url.schema().is_some(),
            lock_timeout: options.lock_timeout,
            statement_timeout: options.statement_timeout,
            locked: false,
            rehearsing: false,
            unsent_opening: None,
        })
    }
}

/// The run lock's key: [`LOCK_KEY`], or for a URL that names a schema a key
/// of that schema's own, so that the tenants of one database migrate side by
/// side while two runs on one tenant still exclude each other.
fn lock_key(schema: Option<&str>) -> String {
    match schema {
        None => LOCK_KEY.to_string(),
        Some(schema) => format!(
            "hashtextextended({}, {LOCK_KEY})",
            quote::literal(Dialect::Postgres, &format!("rollback:{schema}"))
        ),
    }
}

impl PostgresDriver {
    /// What opens a step: a transaction, a savepoint inside the rehearsal's,
    /// or nothing for a no-transaction script (autocommit).
    fn step_opening(&self, no_transaction: bool) -> Option<&'static str> {
        match (self.rehearsing, no_transaction) {
            (true, _) => Some("SAVEPOINT _rollback_step"),
            (false, true) => None,
            (false, false) => Some("BEGIN"),
        }
    }

    /// `sql`, after the step's opening when that has not gone out yet. The
    /// two travel as one simple query, which runs them in order and stops
    /// at the first failure, as two round trips would.
    fn with_unsent_opening<'a>(&mut self, sql: &'a str) -> Cow<'a, str> {
        match self.unsent_opening.take() {
            Some(opening) => Cow::Owned(format!("{opening}; {sql}")),
            None => Cow::Borrowed(sql),
        }
    }

    /// The tracking, catalog and backup queries run inside the step: its
    /// opening must have gone out before them.
    fn debug_assert_opened(&self) {
        debug_assert!(
            self.unsent_opening.is_none(),
            "a query of the step would run before the step's {:?}",
            self.unsent_opening
        );
    }
}

#[async_trait]
impl Driver for PostgresDriver {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn transactional_ddl(&self) -> bool {
        true
    }

    fn backups_beside_sources(&self) -> bool {
        self.schema_named
    }

    async fn lock(&mut self) -> Result<()> {
        // Unprepared, as the unlock: each runs once a run, and a prepared
        // statement's first use costs a round trip more.
        sqlx::raw_sql(AssertSqlSafe(format!(
            "SELECT pg_advisory_lock({})",
            self.lock_key
        )))
        .execute(&mut self.conn.conn)
        .await
        .map_err(|error| lock_error(error, LOCK_NOT_AVAILABLE, self.lock_timeout))?;
        self.locked = true;
        Ok(())
    }

    async fn unlock(&mut self) -> Result<()> {
        if self.rehearsing {
            self.rehearsing = false;
            self.conn
                .execute("ROLLBACK")
                .await
                .map_err(Error::database("rolling the rehearsal back"))?;
        }
        if !self.locked {
            return Ok(());
        }
        self.locked = false;
        sqlx::raw_sql(AssertSqlSafe(format!(
            "SELECT pg_advisory_unlock({})",
            self.lock_key
        )))
        .execute(&mut self.conn.conn)
        .await
        .map(drop)
        .map_err(Error::database("releasing the migration lock"))
    }

    async fn begin_rehearsal(&mut self) -> Result<bool, sqlx::Error> {
        self.conn.execute("BEGIN").await?;
        self.rehearsing = true;
        Ok(true)
    }

    async fn begin_step(&mut self, no_transaction: bool) -> Result<(), sqlx::Error> {
        match self.step_opening(no_transaction) {
            Some(opening) => self.conn.execute(opening).await,
            None => Ok(()),
        }
    }

    async fn begin_script_step(&mut self, no_transaction: bool) -> Result<(), sqlx::Error> {
        self.unsent_opening = self.step_opening(no_transaction);
        Ok(())
    }

    /// The tracking change and the audit row as one statement (a
    /// data-modifying `WITH`), and the `COMMIT`, in one round trip: the
    /// values written in as literals, since a prepared statement cannot share
    /// a round trip. A failure of either ends the transaction, which the
    /// engine then rolls back.
    async fn finish_step(
        &mut self,
        no_transaction: bool,
        record: &StepRecord<'_>,
    ) -> Result<(), sqlx::Error> {
        let log = format!("{INSERT_LOG}{}", LITERALS.log_values(record.entry));
        let write = match record.change {
            TrackingChange::Unchanged => log,
            TrackingChange::Save(row) => format!(
                "WITH applied AS ({INSERT_APPLIED}{}{ON_CONFLICT_UPDATE}) {log}",
                LITERALS.applied_values(row),
            ),
            TrackingChange::Delete(version) => format!(
                "WITH applied AS ({}) {log}",
                LITERALS.delete_applied(version)
            ),
        };
        let end = match (self.rehearsing, no_transaction) {
            (true, _) => "; RELEASE _rollback_step",
            (false, true) => "",
            (false, false) => "; COMMIT",
        };
        let step_end = format!("{write}{end}");
        let sql = self.with_unsent_opening(&step_end);
        self.conn.execute(&sql).await
    }

    async fn rollback_step(&mut self, no_transaction: bool) -> Result<(), sqlx::Error> {
        if self.unsent_opening.take().is_some() {
            return Ok(());
        }
        match (self.rehearsing, no_transaction) {
            (true, _) => {
                self.conn.execute("ROLLBACK TO _rollback_step").await?;
                self.conn.execute("RELEASE _rollback_step").await
            }
            (false, true) => Ok(()),
            (false, false) => self.conn.execute("ROLLBACK").await,
        }
    }

    async fn execute(&mut self, statement: &str) -> Result<(), sqlx::Error> {
        let sql = self.with_unsent_opening(statement);
        self.conn.execute(&sql).await
    }

    async fn execute_counting(&mut self, statement: &str) -> Result<u64, sqlx::Error> {
        let sql = self.with_unsent_opening(statement);
        let result = sqlx::raw_sql(AssertSqlSafe(sql.into_owned()))
            .execute(&mut self.conn.conn)
            .await?;
        Ok(result.rows_affected())
    }

    fn cancelled_by(&self, error: &sqlx::Error) -> Option<Limit> {
        match error.as_database_error()?.code()?.as_ref() {
            QUERY_CANCELED => self.statement_timeout.map(Limit::Statement),
            LOCK_NOT_AVAILABLE => Some(Limit::Lock(self.lock_timeout)),
            _ => None,
        }
    }

    async fn after_rows_restored(&mut self, table: &TableName) -> Result<(), sqlx::Error> {
        let qualified = quote::literal(Dialect::Postgres, &quote::table(Dialect::Postgres, table));
        let sequences: Vec<(String, String)> = sqlx::query_as(AssertSqlSafe(format!(
            "SELECT a.attname::text, pg_catalog.pg_get_serial_sequence({qualified}, a.attname)::text
             FROM pg_catalog.pg_attribute a
             WHERE a.attrelid = {qualified}::regclass AND a.attnum > 0 AND NOT a.attisdropped
               AND pg_catalog.pg_get_serial_sequence({qualified}, a.attname) IS NOT NULL"
        )))
        .fetch_all(&mut self.conn.conn)
        .await?;
        for (column, sequence) in sequences {
            let column = quote::ident(Dialect::Postgres, &column);
            self.conn
                .execute(&format!(
                    "SELECT pg_catalog.setval({}, COALESCE((SELECT MAX({column}) FROM {}), 0) + 1, false)",
                    quote::literal(Dialect::Postgres, &sequence),
                    quote::table(Dialect::Postgres, table)
                ))
                .await?;
        }
        Ok(())
    }

    fn tracking(&mut self) -> &mut dyn TrackingTables {
        self.debug_assert_opened();
        &mut self.conn
    }

    fn catalog(&mut self) -> &mut dyn Catalog {
        self.debug_assert_opened();
        &mut self.conn
    }

    fn backups(&mut self) -> &mut dyn BackupTables {
        self.debug_assert_opened();
        &mut self.conn
    }

    async fn close(self: Box<Self>) {
        self.conn.close().await;
    }
}

/// How the PostgreSQL driver writes a step's record in.
const LITERALS: LiteralStyle = LiteralStyle {
    text: text_literal,
    time: timestamp_literal,
};

/// A string as an escape string literal (`E'…'`, quotes and backslashes
/// doubled), read the same whatever `standard_conforming_strings` says.
fn text_literal(value: &str) -> String {
    let mut literal = String::with_capacity(value.len() + 3);
    literal.push_str("E'");
    for c in value.chars() {
        if c == '\'' || c == '\\' {
            literal.push(c);
        }
        literal.push(c);
    }
    literal.push('\'');
    literal
}

/// A `TIMESTAMPTZ` literal in UTC, to the microsecond (PostgreSQL's
/// precision), the value sqlx binds for a `DateTime<Utc>`.
fn timestamp_literal(value: DateTime<Utc>) -> String {
    value.format("'%Y-%m-%d %H:%M:%S%.6f+00'").to_string()
}
