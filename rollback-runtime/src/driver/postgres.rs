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

use std::time::Duration;

use async_trait::async_trait;
use rollback_core::sql::Dialect;
use sqlx::Postgres;
use sqlx::postgres::PgConnectOptions;

use super::connection::{
    MigrationConnection, SELECT_APPLIED, TrackingSql, TrackingTables, connect_options,
};
use super::{ConnectOptions, Driver, lock_error};
use crate::error::{Error, Result};
use crate::url::DatabaseUrl;

/// The advisory lock's key: the same in every process of every version of
/// the tool, so that they exclude each other. Advisory locks are scoped to one
/// database, so one key serves them all.
const LOCK_KEY: i64 = 0x726f_6c6c_6261_636b; // "rollback"

/// `lock_not_available`: a lock wait ran past `lock_timeout`.
const LOCK_NOT_AVAILABLE: &str = "55P03";

static TRACKING: TrackingSql = TrackingSql {
    create: "CREATE TABLE IF NOT EXISTS _rollback_migrations (
            version TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            checksum_algorithm TEXT NOT NULL,
            up_checksum TEXT NOT NULL,
            down_checksum TEXT NOT NULL,
            down_sql TEXT NOT NULL,
            applied_at TIMESTAMPTZ NOT NULL,
            execution_ms BIGINT NOT NULL,
            dirty BOOLEAN NOT NULL DEFAULT FALSE,
            tool_version TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS _rollback_log (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            operation TEXT NOT NULL,
            version TEXT NOT NULL,
            name TEXT NOT NULL,
            started_at TIMESTAMPTZ NOT NULL,
            finished_at TIMESTAMPTZ NOT NULL,
            outcome TEXT NOT NULL,
            error TEXT,
            rows_backed_up BIGINT NOT NULL DEFAULT 0,
            actor TEXT NOT NULL
        );",
    exists: "SELECT count(*) FROM pg_catalog.pg_class
         WHERE relname = '_rollback_migrations' AND relkind = 'r'
           AND pg_catalog.pg_table_is_visible(oid)",
    select_applied: SELECT_APPLIED,
    upsert_applied: "INSERT INTO _rollback_migrations
            (version, name, checksum_algorithm, up_checksum, down_checksum, down_sql,
             applied_at, execution_ms, dirty, tool_version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (version) DO UPDATE SET
            name = EXCLUDED.name,
            checksum_algorithm = EXCLUDED.checksum_algorithm,
            up_checksum = EXCLUDED.up_checksum,
            down_checksum = EXCLUDED.down_checksum,
            down_sql = EXCLUDED.down_sql,
            applied_at = EXCLUDED.applied_at,
            execution_ms = EXCLUDED.execution_ms,
            dirty = EXCLUDED.dirty,
            tool_version = EXCLUDED.tool_version",
    delete_applied: "DELETE FROM _rollback_migrations WHERE version = $1",
    insert_log: "INSERT INTO _rollback_log
            (operation, version, name, started_at, finished_at, outcome, error, rows_backed_up, actor)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    select_log: "SELECT * FROM (SELECT * FROM _rollback_log ORDER BY id DESC LIMIT $1) AS newest ORDER BY id",
};

pub(crate) struct PostgresDriver {
    conn: MigrationConnection<Postgres>,
    lock_timeout: Duration,
    locked: bool,
}

impl PostgresDriver {
    pub(crate) async fn connect(
        url: &DatabaseUrl,
        options: &ConnectOptions,
    ) -> Result<PostgresDriver> {
        PostgresDriver::open(connect_options(url)?, url, options).await
    }

    /// Opens a dedicated connection with an application's pool options.
    pub(crate) async fn open(
        connect_options: PgConnectOptions,
        url: &DatabaseUrl,
        options: &ConnectOptions,
    ) -> Result<PostgresDriver> {
        // At least one millisecond: PostgreSQL reads 0 as "wait for ever".
        let millis = options.lock_timeout.as_millis().max(1);
        let settings = format!("SET lock_timeout = {millis}");
        let conn =
            MigrationConnection::open(&connect_options, &settings, url, options, &TRACKING).await?;
        Ok(PostgresDriver {
            conn,
            lock_timeout: options.lock_timeout,
            locked: false,
        })
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

    async fn lock(&mut self) -> Result<()> {
        sqlx::query("SELECT pg_advisory_lock($1)")
            .bind(LOCK_KEY)
            .execute(&mut self.conn.conn)
            .await
            .map_err(|error| lock_error(error, LOCK_NOT_AVAILABLE, self.lock_timeout))?;
        self.locked = true;
        Ok(())
    }

    async fn unlock(&mut self) -> Result<()> {
        if !self.locked {
            return Ok(());
        }
        self.locked = false;
        sqlx::query("SELECT pg_advisory_unlock($1)")
            .bind(LOCK_KEY)
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
